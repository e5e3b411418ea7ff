import { eventIdOf } from '../facts/provenance';
import { unitStartOf } from '../facts/claims';
import { bucketedMaps, firstBucketsFor, lotBrandUseIndexId, lotBrandUsesId } from '../storage/lot-uses';
import type { LotBrandUseIndexDoc, LotBrandUsesDoc, LotDoc, UnitDoc } from '../storage/graph.documents';
import { CHILD_BYTES, INDEX_ENTRY_BYTES, READ_BUDGET, ReadSlicer, SERIAL_ENTRY_BYTES, estimatedBytes } from '../storage/read-slices';
import type { LotReads } from '../storage/lot-derived';
import type { PartReceiptBucketDoc, PartReceiptsDoc } from './authority.documents';
import { Part, PartUse, partKeyOf } from './authority-rules';

/** The reads of a deviation's usage count, each one round trip by `_id` (GenealogyRepository and AuthorityRepository). */
export interface UsageReader {
  findPartReceipts(ids: string[]): Promise<PartReceiptsDoc[]>;
  /** By bucketId(partReceiptsId, bucket). */
  findPartReceiptBuckets(ids: string[]): Promise<PartReceiptBucketDoc[]>;
  /** `read.stats` counts an outlier's bucket reads (lotsWithDerived) beside the count's own; `read.childrenOnly`: only `_id` and the children (as `derived`). */
  findLots(ids: string[], read?: LotReads): Promise<LotDoc[]>;
  /** By lotBrandUseIndexId (lot, brand). */
  findLotBrandUseIndexes(ids: string[]): Promise<LotBrandUseIndexDoc[]>;
  /** By lotBrandUsesId (lot, brand, bucket). */
  findLotBrandUses(ids: string[]): Promise<LotBrandUsesDoc[]>;
  findUnits(serials: string[]): Promise<UnitDoc[]>;
}

/**
 * Receipts the count reads in one round trip, about: 8,000 (about 1.5 MB), however the buckets of a part are filled.
 * The first read takes one bucket per 1,000 of them (8): as many as a part received a million times holds in about
 * 8,000 receipts, and all the buckets of a part received in fewer than 8 vendor lots.
 */
export const RECEIPTS_PER_READ = 8_000;

/**
 * Lots the count reads in one round trip at most, with their brand indexes: 8,000. A level of more (a part received
 * 80,000 times is 80,000 package lots in its first level) is read in slices, in order, so the count is the same as of one
 * read, each slice sized by bytes (ReadSlicer: 200 lots first, then as many as hold about READ_BUDGET, 4 MiB, by the
 * weight of the lots read before it): only each lot's `_id` and children are read (CHILDREN_PROJECTION), about 30 B for
 * a reel received once and never split, so such lots go 8,000 at a time (about 240 KiB); a lot with a full inline list
 * of children is about 0.3 MB (DERIVED_INLINE_CAP), so a level of those goes about 200 at a time. A multiple of byIds'
 * chunk (200), so the documents come back in the order one read of the level gave them.
 */
export const LOTS_PER_READ = 8_000;

/** Buckets of lot_brand_uses the count reads in one round trip at most: 2,000, fewer by bytes (ReadSlicer; a full bucket holds about 1,000 serials, 64 KiB). */
export const USE_BUCKETS_PER_READ = 2_000;

/** Units the count reads in one round trip at most: 2,000, fewer by bytes (ReadSlicer; a unit of ten installations is about 3 KiB). */
export const UNITS_PER_READ = 2_000;

/**
 * Every installation, in units of `brands`, of material received as one of the parts `partReceiptIds` (partReceiptsId:
 * IPN, manufacturer, MPN), through any splits and merges: what a deviation's quantity is counted over. Forward from
 * the part's receipts: one round trip for the parts' documents, then their buckets about RECEIPTS_PER_READ receipts a
 * round trip (none for a document of the old layout, which holds its receipts itself), one per LOTS_PER_READ lots of
 * each level of lot lineage (and those of an outlier lot's buckets), then the lots' uses by units of `brands`
 * (lot_brand_uses: the brands' own buckets, so the cost follows their units and no other brand's unit is read) and
 * those units, each in one round trip or, when they are many, in slices of about READ_BUDGET bytes (ReadSlicer): no read
 * holds a whole large answer, and the units of a slice are counted and dropped before the next is read. Removed
 * material counts too: the pieces were installed under the deviation.
 *
 * Not the where-used traversal: that climbs to the top-level units and keeps paths; a count needs the units that
 * hold the material directly, and which part each lot carries.
 */
export async function usesOfParts(
  reader: UsageReader,
  partReceiptIds: string[],
  brands: ReadonlySet<string>,
  stats: { roundTrips: number },
  receiptsPerRead = RECEIPTS_PER_READ,
  lotsPerRead = LOTS_PER_READ,
  budget = READ_BUDGET,
): Promise<PartUse[]> {
  if (partReceiptIds.length === 0 || brands.size === 0) return [];
  const receipts = await reader.findPartReceipts(partReceiptIds);
  stats.roundTrips++;
  const receiptsOf = await bucketedMaps(
    receipts,
    (doc) => doc.receipts,
    (b: PartReceiptBucketDoc) => b.receipts,
    (ids) => reader.findPartReceiptBuckets(ids),
    receiptsPerRead,
    firstBucketsFor(receiptsPerRead),
    stats,
  );
  const rootParts = new Map<string, Map<string, Part>>();
  for (const doc of receipts) {
    for (const r of Object.values(receiptsOf.get(doc._id)!)) {
      const part: Part = { vendorId: r.vendorId, internalPartNumber: doc.internalPartNumber, manufacturer: doc.manufacturer, mpn: doc.mpn };
      for (const lotId of r.lotIds) {
        const parts = rootParts.get(lotId) ?? new Map<string, Part>();
        parts.set(partKeyOf(part), part);
        rootParts.set(lotId, parts);
      }
    }
  }

  // The lots made out of the received packages, level by level; each lot's non-empty use buckets of the brands come
  // alongside. Of each lot only its children are kept (by id, in the order of its derivations): the read's documents
  // go once the slice is used.
  const brandList = [...brands].sort();
  const children = new Map<string, string[] | undefined>();
  const buckets: string[] = [];
  const lotSlices = new ReadSlicer({ max: lotsPerRead, budget });
  let frontier = [...rootParts.keys()];
  frontier.forEach((id) => children.set(id, undefined));
  while (frontier.length > 0) {
    const next: string[] = [];
    await lotSlices.each(frontier, async (some) => {
      const indexIds = some.flatMap((lotId) => brandList.map((brand) => lotBrandUseIndexId(lotId, brand)));
      const [docs, indexes] = await Promise.all([reader.findLots(some, { stats, childrenOnly: true }), reader.findLotBrandUseIndexes(indexIds)]);
      stats.roundTrips++;
      let bytes = 0;
      for (const index of indexes) {
        bytes += estimatedBytes(index, INDEX_ENTRY_BYTES);
        for (const b of Object.values(index.buckets ?? {})) buckets.push(lotBrandUsesId(index.lotId, index.brand, b));
      }
      for (const doc of docs) {
        bytes += estimatedBytes(doc);
        const own: string[] = [];
        for (const d of Object.values(doc.derived ?? {})) {
          for (const id of d.lotIds) {
            own.push(id);
            if (children.has(id)) continue;
            children.set(id, undefined);
            next.push(id);
          }
        }
        children.set(doc._id, own);
        bytes += own.length * CHILD_BYTES;
      }
      return bytes;
    });
    frontier = next;
  }

  // Which parts each lot carries: a merge of two parts carries both, so parts flow along every edge until nothing changes.
  const lotParts = new Map<string, Map<string, Part>>();
  const work = [...rootParts.entries()];
  while (work.length > 0) {
    const [lotId, parts] = work.pop()!;
    const have = lotParts.get(lotId) ?? new Map<string, Part>();
    const added = [...parts].filter(([k]) => !have.has(k));
    if (added.length === 0 && lotParts.has(lotId)) continue;
    added.forEach(([k, p]) => have.set(k, p));
    lotParts.set(lotId, have);
    for (const child of children.get(lotId) ?? []) work.push([child, new Map(added)]);
  }

  if (buckets.length === 0) return [];
  const serials = new Set<string>();
  await new ReadSlicer({ max: USE_BUCKETS_PER_READ, budget }).each([...new Set(buckets)], async (some) => {
    const uses = await reader.findLotBrandUses(some);
    stats.roundTrips++;
    let bytes = 0;
    for (const u of uses) {
      bytes += estimatedBytes(u, SERIAL_ENTRY_BYTES);
      for (const serial of Object.values(u.serials ?? {})) serials.add(serial);
    }
    return bytes;
  });
  if (serials.size === 0) return [];

  const result: PartUse[] = [];
  await new ReadSlicer({ max: UNITS_PER_READ, budget }).each([...serials], async (some) => {
    const units = await reader.findUnits(some);
    stats.roundTrips++;
    let bytes = 0;
    for (const unit of units) {
      bytes += estimatedBytes(unit);
      usesIn(unit, brands, lotParts, result);
    }
    return bytes;
  });
  return result;
}

/** The uses of a unit of `brands`, one a part its installed lots carry, added to `result`. */
function usesIn(unit: UnitDoc, brands: ReadonlySet<string>, lotParts: Map<string, Map<string, Part>>, result: PartUse[]): void {
  // Another brand's unit, or one whose brand or product is in conflict (no side picked): read, never counted, never told.
  const { agreed: started, conflicts } = unitStartOf(unit);
  if (started.brand === undefined || !brands.has(started.brand) || conflicts.some((c) => c.field !== 'workOrder')) return;
  for (const install of Object.values(unit.installs ?? {})) {
    for (const part of lotParts.get(install.lotId)?.values() ?? []) {
      result.push({
        eventId: eventIdOf(install.prov),
        serial: unit._id,
        lotId: install.lotId,
        at: new Date(install.at).getTime(),
        quantity: install.quantity,
        brand: started.brand,
        ...(started.productPartNumber !== undefined ? { productPartNumber: started.productPartNumber } : {}),
        ...(started.workOrder !== undefined ? { workOrder: started.workOrder } : {}),
        part,
      });
    }
  }
}
