import { Injectable } from '@nestjs/common';
import { compare } from '../facts/facts';
import { FactView, RetractionReader, visibleReader } from '../facts/visibility';
import type { BrandScope } from '../genealogy.types';
import { GenealogyRepository } from '../storage/genealogy.repository';
import type { VendorDoc, VendorLotDoc, VendorSupplyIndexDoc } from '../storage/graph.documents';
import { bucketId } from '../storage/lot-uses';
import type { ForwardReader } from './forward-reader';
import { packagesOf, reachLots } from './lineage';
import { unitsOfProducts } from './product-units';
import { answer } from './rows';
import type { ForwardBatching, PathStep, TraversalStats, VendorWhereUsed, WhereUsed } from './where-used.types';

// 2,000 serials a climb, not 1,000: half the batches, so half the waits that a read ahead of one batch cannot hide; two
// batches held at most (about 4,000 serials' units, a few MB).
const DEFAULT_BATCHING: ForwardBatching = { buckets: 256, serials: 2_000 };

/**
 * Where a package lot is used, through its descendants and every level of assembly; null when the lot is unknown
 * to the scope: a lot that only ever appears in another brand's units answers as if it never existed.
 */
export async function whereUsedOfLot(reader: ForwardReader, lotId: string, scope: BrandScope, batching = DEFAULT_BATCHING): Promise<WhereUsed | null> {
  const stats: TraversalStats = { roundTrips: 0 };
  const lots = await reachLots(reader, [{ lotId, path: [{ kind: 'lot', id: lotId, via: 'root' }] }], stats, scope);
  if (!lots[0]?.known) return null;
  const found = answer(reader, lots, stats, batching, scope);
  // Known to a brand only through its forward edges: those of a unit whose brand is in conflict are written under every
  // brand claimed, and such a unit is no brand's, so the lot is known only if a row the caller may see is there.
  if (!lots[0].siteFact && scope.kind !== 'site' && !(await anyRow(found, scope))) return null;
  return found;
}

// Whether the answer has a row the scope may see: one row asked for, so one serial climbed while they give rows, not a
// first batch of a hundred.
async function anyRow(found: WhereUsed, scope: BrandScope): Promise<boolean> {
  const rows = found.rowsFrom({}, scope, { history: true, wanted: 1 });
  try {
    return !(await rows.next()).done;
  } finally {
    await rows.return(undefined);
  }
}

/** Where a vendor lot is used: through every package received of it; null when the vendor lot was never received. */
export async function whereUsedOfVendorLot(reader: ForwardReader, vendorLotId: string, scope: BrandScope, batching = DEFAULT_BATCHING): Promise<WhereUsed | null> {
  const stats: TraversalStats = { roundTrips: 1 };
  const [vendorLot] = await reader.findVendorLots([vendorLotId]);
  if (!vendorLot) return null;
  const roots = packagesOf(vendorLot, [{ kind: 'vendorLot', id: vendorLotId, via: 'root' }]);
  return answer(reader, await reachLots(reader, roots, stats, scope), stats, batching, scope);
}

/** Where a vendor's material is used: every vendor lot it supplied; null when no event ever named the vendor. */
export async function whereUsedOfVendor(reader: ForwardReader, vendorId: string, scope: BrandScope, batching = DEFAULT_BATCHING): Promise<VendorWhereUsed | null> {
  const stats: TraversalStats = { roundTrips: 1 };
  const [[vendor], [index]] = await Promise.all([reader.findVendors([vendorId]), reader.findVendorSupplyIndexes([vendorId])]);
  if (!vendor) return null;
  const vendorLots = (await suppliedVendorLots(reader, vendor, index, stats, batching)).sort((a, b) => compare(a._id, b._id));
  const start: PathStep = { kind: 'vendor', id: vendorId, via: 'root' };
  const roots = vendorLots.flatMap((vl) => packagesOf(vl, [start, { kind: 'vendorLot', id: vl._id, via: 'supplied' }]));
  return {
    ...answer(reader, await reachLots(reader, roots, stats, scope), stats, batching, scope),
    vendorLots: vendorLots.map((vl) => ({ vendorLotId: vl._id, mpn: vl.mpn, vendorLotCode: vl.vendorLotCode, lotIds: packagesOf(vl, []).map((r) => r.lotId) })),
  };
}

/**
 * The vendor lots of a vendor, read bucket by bucket (vendor_supplies, in bucket order): each round trip reads the next
 * buckets and at most `batching.serials` of the vendor lots those read before named (the rest wait their turn, and no
 * bucket is read while a whole read of them waits), so no read of the buckets' vendor lots holds more than that, however
 * full the buckets. A vendor document written before the buckets existed still lists its vendor lots in `vendorLots`:
 * read at once in the first round trip, beside the first buckets, as before the buckets; each vendor lot once.
 */
async function suppliedVendorLots(reader: ForwardReader, vendor: VendorDoc, index: VendorSupplyIndexDoc | undefined, stats: TraversalStats, batching: ForwardBatching): Promise<VendorLotDoc[]> {
  const buckets = Object.values(index?.buckets ?? {})
    .sort((a, b) => a - b)
    .map((b) => bucketId(vendor._id, b));
  const seen = new Set<string>();
  const unseen = (ids: Iterable<string>): string[] => {
    const out: string[] = [];
    for (const id of ids) {
      if (seen.has(id)) continue;
      seen.add(id);
      out.push(id);
    }
    return out.sort(compare);
  };
  const found: VendorLotDoc[] = [];
  let legacy = unseen(Object.values(vendor.vendorLots ?? {}));
  const queued: string[] = [];
  // Buckets read at once start few and follow how full they turn out, as a lot's where-used reads its buckets (rows.ts);
  // growing fourfold, not twofold: no row comes before the last vendor lot is read, so only the round trips count.
  let batch = Math.min(16, batching.buckets);
  let bucketsRead = 0;
  let lotsRead = 0;
  for (let i = 0; i < buckets.length || legacy.length > 0 || queued.length > 0; ) {
    const ids = legacy.length > 0 ? legacy : queued.splice(0, batching.serials);
    legacy = [];
    const next = queued.length < batching.serials ? buckets.slice(i, i + batch) : [];
    i += next.length;
    const [docs, supplies] = await Promise.all([ids.length > 0 ? reader.findVendorLots(ids) : [], next.length > 0 ? reader.findVendorSupplies(next) : []]);
    stats.roundTrips++;
    for (const d of docs) found.push(d);
    const fresh = unseen(supplies.flatMap((s) => Object.values(s.vendorLots ?? {})));
    for (const id of fresh) queued.push(id);
    bucketsRead += next.length;
    lotsRead += fresh.length;
    const perBucket = Math.max(lotsRead / Math.max(bucketsRead, 1), 1);
    if (next.length > 0) batch = Math.max(1, Math.min(batching.buckets, batch * 4, Math.floor(batching.serials / perBucket)));
  }
  return found;
}

/**
 * Where-used over the graph in MongoDB: the traversals above on the repository, seen as of `asOf` (absent: now) and
 * without retracted facts. The lot_uses edges stay as written; the units' install facts decide (a retracted
 * installation is no use), each read followed by one read of its events' retractions. While no retraction was ever
 * recorded (one small read when the answer opens), there is none to look up: the reads are the graph's alone. A
 * retraction recorded after the answer opened is seen by the next answer.
 */
@Injectable()
export class ForwardTracer {
  constructor(private readonly repo: GenealogyRepository) {}

  private async reader(asOf?: Date): Promise<ForwardReader> {
    const view = new FactView(this.repo, asOf); // asks once whether any retraction was ever recorded
    if (await view.looksUp()) return visibleReader(this.repo, view);
    // Nothing retracted: a view prunes only what happened after asOf, and without asOf nothing at all.
    return asOf === undefined ? this.repo : visibleReader(this.repo, new FactView(NO_RETRACTIONS, asOf));
  }

  async fromLot(lotId: string, scope: BrandScope, asOf?: Date): Promise<WhereUsed | null> {
    return whereUsedOfLot(await this.reader(asOf), lotId, scope);
  }

  async fromVendorLot(vendorLotId: string, scope: BrandScope, asOf?: Date): Promise<WhereUsed | null> {
    return whereUsedOfVendorLot(await this.reader(asOf), vendorLotId, scope);
  }

  async fromVendor(vendorId: string, scope: BrandScope, asOf?: Date): Promise<VendorWhereUsed | null> {
    return whereUsedOfVendor(await this.reader(asOf), vendorId, scope);
  }

  unitsOfProducts(products: string[], scope: BrandScope): Promise<Map<string, number>> {
    return unitsOfProducts(this.repo, products, scope);
  }
}

const NO_RETRACTIONS: RetractionReader = { findRetractions: () => Promise.resolve([]) };
