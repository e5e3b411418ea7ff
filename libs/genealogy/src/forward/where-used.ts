import { Injectable } from '@nestjs/common';
import type { LotStatus } from '@trace/contracts';
import { installedLots, parentSerials } from '../facts/as-built';
import { chronological, compare, lotStatusOf } from '../backward/backward-tracer';
import { GenealogyRepository } from '../storage/genealogy.repository';
import { BrandScope, inScope } from '../genealogy.types';
import { lotBrandUseIndexId, lotBrandUsesId, lotUsesId, productUnitsId } from '../storage/lot-uses';
import { LotBrandUseIndexDoc, LotBrandUsesDoc, LotDoc, LotUseIndexDoc, LotUsesDoc, ProductUnitIndexDoc, ProductUnitsDoc, UnitDoc, VendorDoc, VendorLotDoc } from '../storage/graph.documents';

/** The reads a forward traversal needs, each one round trip by `_id`. GenealogyRepository is one; tests pass fakes. */
export interface ForwardReader {
  findLots(ids: string[]): Promise<LotDoc[]>;
  findLotUseIndexes(lotIds: string[]): Promise<LotUseIndexDoc[]>;
  findLotUses(ids: string[]): Promise<LotUsesDoc[]>;
  findLotBrandUseIndexes(ids: string[]): Promise<LotBrandUseIndexDoc[]>;
  findLotBrandUses(ids: string[]): Promise<LotBrandUsesDoc[]>;
  findUnits(serials: string[]): Promise<UnitDoc[]>;
  findVendorLots(ids: string[]): Promise<VendorLotDoc[]>;
  findVendors(ids: string[]): Promise<VendorDoc[]>;
}

export type PathStepKind = 'vendor' | 'vendorLot' | 'lot' | 'serial';
/** How a step was reached from the one before it: where the query started, or the edge followed. */
export type PathVia = 'root' | 'supplied' | 'received' | 'split' | 'merge' | 'installed' | 'assembled';
/** One node on the way from the material to a serial. */
export interface PathStep {
  kind: PathStepKind;
  id: string;
  via: PathVia;
}

/** Conditions on the top-level serial of a where-used row. */
export interface WhereUsedFilter {
  brand?: string;
  productPartNumber?: string;
  shipped?: boolean;
}

/** One serial that contains the material: where it is installed, and the top-level unit that finally holds it. */
export interface WhereUsedRow {
  /** The package lot installed: the material itself or one of its descendants (split, merged). */
  lotId: string;
  /** The serial the lot is installed in directly. */
  serial: string;
  /** The unit that finally contains `serial` (itself when it is not built into anything). */
  topSerial: string;
  brand?: string;
  productPartNumber?: string;
  shipped: boolean;
  shipments: { shipmentId: string; customer: string }[];
  /** From the material to the top-level serial. */
  path: PathStep[];
  /** True (only with history) when the lot was removed from the serial, or a unit on the path was taken out of its parent. */
  removed: boolean;
}

/** A package lot reached from the material, with the way it was reached. */
export interface ReachedLot {
  lotId: string;
  /** False when no event ever named this lot (a derived lot id nothing else mentions). */
  known: boolean;
  /** Latest status by occurredAt; released once received, split or merged; unknown for a lot only ever installed. */
  status: LotStatus | 'unknown';
  path: PathStep[];
}

/** Database round trips taken so far: grows with the depth of the graph and the size of the answer, not of the database. */
export interface TraversalStats {
  roundTrips: number;
}

/** A where-used answer: the lots reached from the material (read eagerly; few) and the rows (read lazily; many). */
export interface WhereUsed {
  lots: ReachedLot[];
  stats: TraversalStats;
  /**
   * Rows in a stable order (lot, then bucket, then serial), read in bounded batches: memory does not grow with the
   * answer. As built now by default; with `history`, also what was removed since (rows marked removed). Only the
   * forward edges of the scope the answer was opened with are read; `scope` must be that one.
   */
  rows(filter: WhereUsedFilter, scope: BrandScope, options?: { history?: boolean }): AsyncGenerator<WhereUsedRow>;
}

/** A vendor lot a vendor supplied, and the packages received of it. */
export interface SuppliedVendorLot {
  vendorLotId: string;
  mpn: string;
  vendorLotCode: string;
  lotIds: string[];
}

/** Where-used of everything a vendor supplied. */
export interface VendorWhereUsed extends WhereUsed {
  vendorLots: SuppliedVendorLot[];
}

/** Batch sizes of the lazy part: how many lot_uses buckets per read, how many serials climbed together. */
export interface ForwardBatching {
  buckets: number;
  serials: number;
}
const DEFAULT_BATCHING: ForwardBatching = { buckets: 256, serials: 1_000 };

interface Root {
  lotId: string;
  path: PathStep[];
}
interface ReachedWithBuckets extends ReachedLot {
  /** The ids of the lot's non-empty forward-edge buckets the scope reads (lot_uses site-wide, else lot_brand_uses). */
  buckets: string[];
}

/**
 * Where a package lot is used, through its descendants and every level of assembly; null when the lot is unknown
 * to the scope: a lot that only ever appears in another brand's units answers as if it never existed.
 */
export async function whereUsedOfLot(reader: ForwardReader, lotId: string, scope: BrandScope, batching = DEFAULT_BATCHING): Promise<WhereUsed | null> {
  const stats: TraversalStats = { roundTrips: 0 };
  const lots = await reachLots(reader, [{ lotId, path: [{ kind: 'lot', id: lotId, via: 'root' }] }], stats, scope);
  if (!lots[0]?.known) return null;
  return answer(reader, lots, stats, batching, scope);
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
  const [vendor] = await reader.findVendors([vendorId]);
  if (!vendor) return null;
  const ids = [...new Set(Object.values(vendor.vendorLots ?? {}))].sort();
  stats.roundTrips++;
  const vendorLots = (await reader.findVendorLots(ids)).sort((a, b) => compare(a._id, b._id));
  const start: PathStep = { kind: 'vendor', id: vendorId, via: 'root' };
  const roots = vendorLots.flatMap((vl) => packagesOf(vl, [start, { kind: 'vendorLot', id: vl._id, via: 'supplied' }]));
  return {
    ...answer(reader, await reachLots(reader, roots, stats, scope), stats, batching, scope),
    vendorLots: vendorLots.map((vl) => ({ vendorLotId: vl._id, mpn: vl.mpn, vendorLotCode: vl.vendorLotCode, lotIds: packagesOf(vl, []).map((r) => r.lotId) })),
  };
}


function packagesOf(vendorLot: VendorLotDoc, path: PathStep[]): Root[] {
  const lotIds = [...new Set(chronological(vendorLot.receipts).flatMap((r) => r.lotIds))];
  return lotIds.map((lotId) => ({ lotId, path: [...path, { kind: 'lot', id: lotId, via: 'received' }] }));
}

// The lots reached from the roots through splits and merges, breadth first (so each lot's path is a shortest
// one), one round trip per level; each lot's non-empty buckets come in the same round trip: of lot_uses for a
// site-wide caller, of lot_brand_uses of the caller's brands otherwise, so nothing of another brand's uses is read.
async function reachLots(reader: ForwardReader, roots: Root[], stats: TraversalStats, scope: BrandScope): Promise<ReachedWithBuckets[]> {
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
    const [lots, buckets] = await Promise.all([reader.findLots(ids), bucketsOf(reader, ids, scope)]);
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
        status: lotStatusOf(lot),
        buckets: own ?? [],
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
async function bucketsOf(reader: ForwardReader, lotIds: string[], scope: BrandScope): Promise<Map<string, string[]>> {
  const out = new Map<string, { bucket: number; id: string }[]>();
  const add = (lotId: string, bucket: number, id: string): void => void (out.get(lotId) ?? out.set(lotId, []).get(lotId)!).push({ bucket, id });
  if (scope.kind === 'site') {
    for (const index of await reader.findLotUseIndexes(lotIds)) for (const b of Object.values(index.buckets ?? {})) add(index._id, b, lotUsesId(index._id, b));
  } else {
    const brands = [...new Set(scope.brands)].sort(compare);
    for (const index of await reader.findLotBrandUseIndexes(lotIds.flatMap((l) => brands.map((b) => lotBrandUseIndexId(l, b))))) {
      for (const b of Object.values(index.buckets ?? {})) add(index.lotId, b, lotBrandUsesId(index.lotId, index.brand, b));
    }
  }
  return new Map([...out].map(([lotId, list]) => [lotId, list.sort((a, b) => a.bucket - b.bucket || compare(a.id, b.id)).map((x) => x.id)]));
}

function answer(reader: ForwardReader, lots: ReachedWithBuckets[], stats: TraversalStats, batching: ForwardBatching, opened: BrandScope): WhereUsed {
  return {
    lots: lots.map(({ lotId, known, status, path }) => ({ lotId, known, status, path })),
    stats,
    rows: (filter, scope, options) => {
      if (!sameScope(scope, opened)) throw new Error('where-used rows asked for another scope than the answer was opened with');
      return rowsOf(reader, lots, { filter, scope, history: options?.history ?? false }, stats, batching);
    },
  };
}

const sameScope = (a: BrandScope, b: BrandScope): boolean =>
  a.kind === 'site' ? b.kind === 'site' : b.kind === 'brands' && [...a.brands].sort().join('\u0000') === [...b.brands].sort().join('\u0000');

interface Use {
  lot: ReachedWithBuckets;
  serial: string;
}

interface RowQuery {
  filter: WhereUsedFilter;
  scope: BrandScope;
  history: boolean;
}

async function* rowsOf(
  reader: ForwardReader,
  lots: ReachedWithBuckets[],
  query: RowQuery,
  stats: TraversalStats,
  batching: ForwardBatching,
): AsyncGenerator<WhereUsedRow> {
  const buckets = lots.flatMap((lot) => lot.buckets.map((id) => ({ lot, id })));
  const read = (ids: string[]): Promise<{ _id: string; serials?: Record<string, string> }[]> =>
    query.scope.kind === 'site' ? reader.findLotUses(ids) : reader.findLotBrandUses(ids);
  const uses: Use[] = [];
  // Batches start small and grow: the first rows come quickly, the rest in few round trips. The number of buckets
  // read at once follows how full they turned out to be, so about one climb's worth of serials is held at a time
  // (a bucket of a lot used in a million serials holds ~1,000): memory does not grow with the answer.
  let bucketBatch = Math.min(16, batching.buckets);
  let serialBatch = Math.min(100, batching.serials);
  let bucketsRead = 0;
  let usesRead = 0;
  for (let i = 0; i < buckets.length; ) {
    const batch = buckets.slice(i, i + bucketBatch);
    i += batch.length;
    const docs = new Map((await read(batch.map((b) => b.id))).map((d) => [d._id, d]));
    stats.roundTrips++;
    for (const { lot, id } of batch) {
      for (const serial of Object.values(docs.get(id)?.serials ?? {}).sort(compare)) {
        uses.push({ lot, serial });
        usesRead++;
      }
    }
    bucketsRead += batch.length;
    const perBucket = Math.max(usesRead / bucketsRead, 1);
    bucketBatch = Math.max(1, Math.min(batching.buckets, bucketBatch * 2, Math.floor(batching.serials / perBucket)));
    while (uses.length >= serialBatch) {
      yield* climb(reader, uses.splice(0, serialBatch), query, stats);
      serialBatch = Math.min(serialBatch * 2, batching.serials);
    }
  }
  if (uses.length > 0) yield* climb(reader, uses, query, stats);
}

// From the serials that use a lot up to their top-level units, one round trip per level of assembly for the
// whole batch. The unit document, not the lot_uses index, decides whether the lot is in the serial.
async function* climb(reader: ForwardReader, uses: Use[], { filter, scope, history }: RowQuery, stats: TraversalStats): AsyncGenerator<WhereUsedRow> {
  const units = new Map<string, UnitDoc | null>();
  let need = [...new Set(uses.map((u) => u.serial))];
  while (need.length > 0) {
    const docs = await reader.findUnits(need);
    stats.roundTrips++;
    for (const s of need) units.set(s, null);
    for (const d of docs) units.set(d._id, d);
    const next = new Set<string>();
    for (const d of docs) for (const p of parentSerials(d, history)) if (!units.has(p)) next.add(p);
    need = [...next];
  }
  const tops = new Map<string, Map<string, string[]>>();
  for (const use of uses) {
    const unit = units.get(use.serial);
    if (!unit) continue;
    const installedNow = installedLots(unit).includes(use.lot.lotId);
    if (!installedNow && !(history && installedLots(unit, true).includes(use.lot.lotId))) continue;
    for (const [topSerial, chain] of topsOf(use.serial, units, history, tops, { climbing: new Set(), cuts: 0 })) {
      const top = units.get(topSerial) ?? undefined;
      // Every unit on the way up must be in scope, as in the genealogy, where another brand's sub-assembly is
      // shown by serial and product only: what it holds is never told, here neither.
      if (!chain.every((s) => inScope(scope, units.get(s)?.brand))) continue;
      const shipments = chronological(top?.shipments).map((s) => ({ shipmentId: s.shipmentId, customer: s.customer }));
      const row: WhereUsedRow = {
        lotId: use.lot.lotId,
        serial: use.serial,
        topSerial,
        ...(top?.started ? { brand: top.started.brand, productPartNumber: top.started.productPartNumber } : {}),
        shipped: shipments.length > 0,
        shipments,
        path: [...use.lot.path, ...chain.map((s, i): PathStep => ({ kind: 'serial', id: s, via: i === 0 ? 'installed' : 'assembled' }))],
        removed: !installedNow || chain.some((s, i) => i > 0 && !parentSerials(units.get(chain[i - 1]!)!).includes(s)),
      };
      if (matches(row, filter)) yield row;
    }
  }
}

// The top-level units above `serial` (units built into nothing), each with one chain up to it: the first found,
// parents in place before those taken out (history). Memoized per climb, so a unit built into two parents at
// every level costs the distinct units and tops, not the 2^depth chains; a cycle ends the climb where it would
// repeat (and what was computed inside one is not kept, being cut short).
function topsOf(
  serial: string,
  units: Map<string, UnitDoc | null>,
  history: boolean,
  memo: Map<string, Map<string, string[]>>,
  walk: { climbing: Set<string>; cuts: number },
): Map<string, string[]> {
  const known = memo.get(serial);
  if (known) return known;
  const unit = units.get(serial);
  const current = unit ? parentSerials(unit) : [];
  const parents = unit ? [...current, ...parentSerials(unit, history).filter((p) => !current.includes(p))] : [];
  const cutsBefore = walk.cuts;
  walk.climbing.add(serial);
  const found = new Map<string, string[]>();
  for (const p of parents) {
    if (p === serial || walk.climbing.has(p)) {
      walk.cuts++;
      continue;
    }
    for (const [top, chain] of topsOf(p, units, history, memo, walk)) if (!found.has(top)) found.set(top, [serial, ...chain]);
  }
  walk.climbing.delete(serial);
  if (found.size === 0) found.set(serial, [serial]);
  if (walk.cuts === cutsBefore) memo.set(serial, found);
  return found;
}

/** Whether a row's top-level serial satisfies the filter. */
export function matches(row: WhereUsedRow, filter: WhereUsedFilter): boolean {
  return (
    (filter.brand === undefined || row.brand === filter.brand) &&
    (filter.productPartNumber === undefined || row.productPartNumber === filter.productPartNumber) &&
    (filter.shipped === undefined || row.shipped === filter.shipped)
  );
}

/** The reads that count a product's units. */
export interface ProductUnitsReader {
  findProductUnitIndexes(products: string[]): Promise<ProductUnitIndexDoc[]>;
  findProductUnits(ids: string[]): Promise<ProductUnitsDoc[]>;
}

/**
 * How many units of each product were started, counting only brands in scope (the denominator of "share of a
 * product's units"). Two round trips; the cost grows with the products' units (every bucket is read and its
 * serials counted), not with the database: mongo-java-server cannot count them server-side, since an aggregation's
 * `$match` on `_id $in` scans the collection (27.6 s over 600,000 buckets, measured).
 */
export async function unitsOfProducts(reader: ProductUnitsReader, products: string[], scope: BrandScope): Promise<Map<string, number>> {
  const counts = new Map(products.map((p) => [p, 0]));
  const ids = (await reader.findProductUnitIndexes(products)).flatMap((index) =>
    Object.values(index.buckets ?? {})
      .filter((b) => inScope(scope, b.brand))
      .map((b) => productUnitsId(index._id, b.brand, b.bucket)),
  );
  for (const bucket of await reader.findProductUnits(ids)) {
    counts.set(bucket.productPartNumber, (counts.get(bucket.productPartNumber) ?? 0) + Object.keys(bucket.serials ?? {}).length);
  }
  return counts;
}

/**
 * Up to `size` units of the products (brands in scope), not in `exclude`: a comparison set "of the same product" for
 * commonality. Deterministic, and spread over the product like a random sample: units are taken bucket by bucket,
 * and a unit's bucket is a hash of its serial. Reads grow with the sample, not with the product.
 */
export async function sampleUnitsOfProducts(
  reader: ProductUnitsReader,
  products: string[],
  scope: BrandScope,
  size: number,
  exclude: ReadonlySet<string>,
  stats: TraversalStats = { roundTrips: 0 },
): Promise<string[]> {
  if (products.length === 0 || size <= 0) return [];
  stats.roundTrips++;
  const refs = (await reader.findProductUnitIndexes(products))
    .flatMap((index) =>
      Object.values(index.buckets ?? {})
        .filter((b) => inScope(scope, b.brand))
        .map((b) => ({ bucket: b.bucket, id: productUnitsId(index._id, b.brand, b.bucket) })),
    )
    .sort((a, b) => a.bucket - b.bucket || compare(a.id, b.id));
  const sample: string[] = [];
  for (let i = 0; i < refs.length && sample.length < size; i += 64) {
    const batch = refs.slice(i, i + 64);
    const docs = new Map((await reader.findProductUnits(batch.map((r) => r.id))).map((d) => [d._id, d]));
    stats.roundTrips++;
    for (const r of batch) {
      for (const serial of Object.values(docs.get(r.id)?.serials ?? {}).sort(compare)) {
        if (sample.length < size && !exclude.has(serial)) sample.push(serial);
      }
    }
  }
  return sample;
}

/** Where-used over the graph in MongoDB: the traversals above on the repository. */
@Injectable()
export class ForwardTracer {
  constructor(private readonly repo: GenealogyRepository) {}

  fromLot(lotId: string, scope: BrandScope): Promise<WhereUsed | null> {
    return whereUsedOfLot(this.repo, lotId, scope);
  }

  fromVendorLot(vendorLotId: string, scope: BrandScope): Promise<WhereUsed | null> {
    return whereUsedOfVendorLot(this.repo, vendorLotId, scope);
  }

  fromVendor(vendorId: string, scope: BrandScope): Promise<VendorWhereUsed | null> {
    return whereUsedOfVendor(this.repo, vendorId, scope);
  }

  unitsOfProducts(products: string[], scope: BrandScope): Promise<Map<string, number>> {
    return unitsOfProducts(this.repo, products, scope);
  }
}
