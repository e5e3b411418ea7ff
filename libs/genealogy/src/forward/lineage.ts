import { chronological, compare, lotStatusOf } from '../facts/facts';
import type { BrandScope } from '../genealogy.types';
import { bucketId, lotBrandUseIndexId, lotBrandUsesId } from '../storage/lot-uses';
import { splicePointsOf } from '../facts/candidates';
import type { SpliceFact, VendorLotDoc } from '../storage/graph.documents';
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

// The lots reached from the roots through splits and merges, breadth first (so each lot's path is a shortest
// one), one round trip per level; each lot's non-empty buckets come in the same round trip: of lot_uses for a
// site-wide caller, of lot_brand_uses of the caller's brands otherwise, so nothing of another brand's uses is read.
export async function reachLots(reader: ForwardReader, roots: Root[], stats: TraversalStats, scope: BrandScope): Promise<ReachedWithBuckets[]> {
  const seen = new Set<string>();
  let frontier: Root[] = [];
  for (const r of roots) {
    if (seen.has(r.lotId)) continue;
    seen.add(r.lotId);
    frontier.push(r);
  }
  const reached: ReachedWithBuckets[] = [];
  while (frontier.length > 0) {
    const ids = frontier.map((f) => f.lotId);
    const [lots, buckets] = await Promise.all([reader.findLots(ids, { stats }), bucketsOf(reader, ids, scope)]);
    stats.roundTrips++;
    const lotById = new Map(lots.map((l) => [l._id, l]));
    const next: Root[] = [];
    for (const f of frontier) {
      const lot = lotById.get(f.lotId);
      const own = buckets.get(f.lotId);
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
        for (const id of d.lotIds) {
          if (seen.has(id)) continue;
          seen.add(id);
          next.push({ lotId: id, path: [...f.path, { kind: 'lot', id, via: d.kind }] });
        }
      }
    }
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
