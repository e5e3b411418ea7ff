import { chronological, compare, lotStatusOf } from '../facts/facts';
import type { BrandScope } from '../genealogy.types';
import { bucketId, lotBrandUseIndexId, lotBrandUsesId } from '../storage/lot-uses';
import { splicePointsOf } from '../facts/candidates';
import type { LotDoc, SpliceFact, VendorLotDoc } from '../storage/graph.documents';
import { CHILD_BYTES, INDEX_ENTRY_BYTES, READ_BUDGET, ReadSlicer, estimatedBytes } from '../storage/read-slices';
import type { ForwardReader } from './forward-reader';
import type { PathStep, ReachedLot, TraversalStats } from './where-used.types';

// The lineage: from the material to every package lot made of it (splits, merges), with each lot's forward-edge buckets.

/** Where a forward traversal starts: a package lot and how it was reached. */
export interface Root {
  lotId: string;
  path: PathStep[];
}
export interface ReachedWithBuckets extends ReachedLot {
  /** The ids of the lot's non-empty forward-edge buckets the scope reads (lot_uses site-wide, else lot_brand_uses). */
  buckets: string[];
  /** A site fact (received, split, merged, a status) names the lot: it is known to every key. */
  siteFact: boolean;
  /** The splice points stored on the lot: they settle which package fed a grey-zone placement (candidates.ts). */
  splicePoints: SpliceFact[];
}

/** The package lots received of a vendor lot, as roots after `path`. */
export function packagesOf(vendorLot: VendorLotDoc, path: PathStep[]): Root[] {
  const lotIds = [...new Set(chronological(vendorLot.receipts).flatMap((r) => r.lotIds))];
  return lotIds.map((lotId) => ({ lotId, path: [...path, { kind: 'lot', id: lotId, via: 'received' }] }));
}

/**
 * Lots a forward traversal reads in one round trip at most, with their forward-edge bucket indexes: 8,000, fewer by bytes
 * (ReadSlicer: 200 first, then as many as hold about READ_BUDGET, 4 MiB, by the read before, at most four times it). A
 * reel received once is about 0.45 KiB with its index, so a vendor of 100,000 vendor lots is read in reads of at most
 * 8,000 lots (about 3.5 MB), not one of 44 MB. A multiple of byIds' chunk (200).
 */
export const REACHED_LOTS_PER_READ = 8_000;

// The lots reached from the roots through splits and merges, breadth first (so each lot's path is a shortest
// one), one round trip per level, or per slice of a level of more lots than a read takes (ReadSlicer), in order, so
// the lots and their paths are those of one read of the level; each lot's non-empty buckets come in the same round
// trip: of lot_uses for a site-wide caller, of lot_brand_uses of the caller's brands otherwise, so nothing of another
// brand's uses is read. Of a lot only what a reached lot tells is read (REACHED_PROJECTION).
export async function reachLots(reader: ForwardReader, roots: Root[], stats: TraversalStats, scope: BrandScope, lotsPerRead = REACHED_LOTS_PER_READ, budget = READ_BUDGET): Promise<ReachedWithBuckets[]> {
  const seen = new Set<string>();
  let frontier: Root[] = [];
  for (const r of roots) {
    if (seen.has(r.lotId)) continue;
    seen.add(r.lotId);
    frontier.push(r);
  }
  const reached: ReachedWithBuckets[] = [];
  const slices = new ReadSlicer({ max: lotsPerRead, budget });
  while (frontier.length > 0) {
    const next: Root[] = [];
    const rootOf = new Map(frontier.map((f) => [f.lotId, f]));
    await slices.each(frontier.map((f) => f.lotId), async (ids) => {
      const [lots, buckets] = await Promise.all([reader.findLots(ids, { stats, reachedOnly: true }), bucketsOf(reader, ids, scope)]);
      stats.roundTrips++;
      let bytes = 0;
      const lotById = new Map<string, LotDoc>();
      for (const l of lots) {
        lotById.set(l._id, l);
        bytes += estimatedBytes(l);
      }
      for (const own of buckets.values()) bytes += own.length * INDEX_ENTRY_BYTES;
      for (const id of ids) {
        const f = rootOf.get(id)!;
        const lot = lotById.get(id);
        const own = buckets.get(id);
        reached.push({
          ...f,
          // Known: a site fact (received, split, merged, a status), or used in a unit the caller may see.
          known: lot !== undefined || own !== undefined,
          siteFact: lot !== undefined,
          status: lotStatusOf(lot),
          buckets: own ?? [],
          splicePoints: splicePointsOf([lot]),
        });
        for (const d of chronological(lot?.derived)) {
          bytes += d.lotIds.length * CHILD_BYTES;
          for (const child of d.lotIds) {
            if (seen.has(child)) continue;
            seen.add(child);
            next.push({ lotId: child, path: [...f.path, { kind: 'lot', id: child, via: d.kind }] });
          }
        }
      }
      return bytes;
    });
    frontier = next;
  }
  return reached;
}

// Per lot, the ids of its non-empty forward-edge buckets for the scope, in bucket order (then brand); absent when
// the lot has none.
export async function bucketsOf(reader: ForwardReader, lotIds: string[], scope: BrandScope): Promise<Map<string, string[]>> {
  const out = new Map<string, { bucket: number; id: string }[]>();
  const add = (lotId: string, bucket: number, id: string): void => void (out.get(lotId) ?? out.set(lotId, []).get(lotId)!).push({ bucket, id });
  if (scope.kind === 'site') {
    for (const index of await reader.findLotUseIndexes(lotIds)) for (const b of Object.values(index.buckets ?? {})) add(index._id, b, bucketId(index._id, b));
  } else {
    const brands = [...new Set(scope.brands)].sort(compare);
    for (const index of await reader.findLotBrandUseIndexes(lotIds.flatMap((l) => brands.map((b) => lotBrandUseIndexId(l, b))))) {
      for (const b of Object.values(index.buckets ?? {})) add(index.lotId, b, lotBrandUsesId(index.lotId, index.brand, b));
    }
  }
  return new Map([...out].map(([lotId, list]) => [lotId, list.sort((a, b) => a.bucket - b.bucket || compare(a.id, b.id)).map((x) => x.id)]));
}
