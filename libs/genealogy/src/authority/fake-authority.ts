import { type FakeStore, fakeFindLots, recordedReads } from '../testing/fake-graph';
import type { BrandListReader } from './authority.repository';
import type { UsageReader } from './deviation-usage';
import type { RetractionReader } from '../facts/visibility';

/** For tests: the judgement's reads over a fake store (see fake-graph.ts), each recorded (collection, ids). */
export function authorityReaderOf(store: FakeStore): BrandListReader & UsageReader & RetractionReader & { reads: { collection: string; ids: string[] }[] } {
  const { reads, by } = recordedReads(store);
  return {
    reads,
    findBrandIndexes: by('brandIndex'),
    findBrandParts: by('brandParts'),
    findBrandApprovals: by('brandApprovals'),
    findBrandDeviations: by('brandDeviations'),
    findBrandBoms: by('brandBoms'),
    findPartReceipts: by('partReceipts'),
    findPartReceiptBuckets: by('partReceiptBuckets'),
    findLots: fakeFindLots(by),
    findLotBrandUseIndexes: by('lotBrandUseIndex'),
    findLotBrandUses: by('lotBrandUses'),
    findUnits: by('units'),
    findRetractions: by('retractions'),
  };
}
