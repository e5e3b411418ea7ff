import type { FakeStore } from '../testing/fake-graph';
import type { AuthorityReader } from './authority.repository';
import type { UsageReader } from './deviation-usage';
import type { RetractionReader } from '../facts/visibility';

/** For tests: the judgement's reads over a fake store (see fake-graph.ts), each recorded (collection, ids). */
export function authorityReaderOf(store: FakeStore): AuthorityReader & UsageReader & RetractionReader & { reads: { collection: string; ids: string[] }[] } {
  const reads: { collection: string; ids: string[] }[] = [];
  const by = (collection: string) => async (ids: string[]) => {
    reads.push({ collection, ids });
    return ids.flatMap((id) => (store[collection]?.has(id) ? [structuredClone(store[collection]!.get(id)!)] : [])) as any[];
  };
  return {
    reads,
    findBrandParts: by('brandParts'),
    findBrandApprovals: by('brandApprovals'),
    findBrandDeviations: by('brandDeviations'),
    findBrandBoms: by('brandBoms'),
    findPartReceipts: by('partReceipts'),
    findLots: by('lots'),
    findLotUseIndexes: by('lotUseIndex'),
    findLotUses: by('lotUses'),
    findUnits: by('units'),
    findRetractions: by('retractions'),
  };
}
