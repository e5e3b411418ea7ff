import type { FakeStore } from '../testing/fake-graph';
import type { BrandListReader } from './authority.repository';
import type { UsageReader } from './deviation-usage';
import type { RetractionReader } from '../facts/visibility';

/** For tests: the judgement's reads over a fake store (see fake-graph.ts), each recorded (collection, ids). */
export function authorityReaderOf(store: FakeStore): BrandListReader & UsageReader & RetractionReader & { reads: { collection: string; ids: string[] }[] } {
  const reads: { collection: string; ids: string[] }[] = [];
  const by = (collection: string) => async (ids: string[]) => {
    reads.push({ collection, ids });
    return ids.flatMap((id) => (store[collection]?.has(id) ? [structuredClone(store[collection]!.get(id)!)] : [])) as any[];
  };
  return {
    reads,
    findBrandIndexes: by('brandIndex'),
    findBrandParts: by('brandParts'),
    findBrandApprovals: by('brandApprovals'),
    findBrandDeviations: by('brandDeviations'),
    findBrandBoms: by('brandBoms'),
    findPartReceipts: by('partReceipts'),
    findLots: by('lots'),
    findLotBrandUseIndexes: by('lotBrandUseIndex'),
    findLotBrandUses: by('lotBrandUses'),
    findUnits: by('units'),
    findRetractions: by('retractions'),
  };
}
