import { unitStartOf } from '../facts/claims';
import { bucketedMaps, firstBucketsFor, lotBrandUseIndexId, lotBrandUsesId } from '../storage/lot-uses';
import type { LotBrandUseIndexDoc, LotBrandUsesDoc, LotDoc, UnitDoc } from '../storage/graph.documents';
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
 * Lots the count reads in one round trip, with their brand indexes: 2,000. A level of more (a part received 80,000
 * times is 80,000 package lots in its first level) is read that many at a time, in order, so the count is the same as
 * of one read. Only each lot's `_id` and children are read (CHILDREN_PROJECTION): about 60 KiB for 2,000 reels received
 * once and never split (0.9 MB whole); a lot with a full inline list of children is still about 0.3 MB
 * (DERIVED_INLINE_CAP), so this bounds the lots, not the bytes. A multiple of byIds' chunk (200), so the documents come
 * back in the order one read of the level gave them.
 */
export const LOTS_PER_READ = 2_000;

/**
 * Every installation, in units of `brands`, of material received as one of the parts `partReceiptIds` (partReceiptsId:
 * IPN, manufacturer, MPN), through any splits and merges: what a deviation's quantity is counted over. Forward from
 * the part's receipts: one round trip for the parts' documents, then their buckets about RECEIPTS_PER_READ receipts a
 * round trip (none for a document of the old layout, which holds its receipts itself), one per LOTS_PER_READ lots of
 * each level of lot lineage (and those of an outlier lot's buckets), one for the lots' uses by units of `brands`
 * (lot_brand_uses: the brands' own buckets, so the cost follows their units and no other brand's unit is read), one for
 * those units. Removed material counts too: the pieces were installed under the deviation.
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

  // The lots made out of the received packages, level by level; each lot's non-empty use buckets of the brands come alongside.
  const brandList = [...brands].sort();
  const lots = new Map<string, LotDoc | undefined>();
  const buckets: string[] = [];
  let frontier = [...rootParts.keys()];
  frontier.forEach((id) => lots.set(id, undefined));
  while (frontier.length > 0) {
    const next: string[] = [];
    for (let i = 0; i < frontier.length; i += lotsPerRead) {
      const some = frontier.slice(i, i + lotsPerRead);
      const indexIds = some.flatMap((lotId) => brandList.map((brand) => lotBrandUseIndexId(lotId, brand)));
      const [docs, indexes] = await Promise.all([reader.findLots(some, { stats, childrenOnly: true }), reader.findLotBrandUseIndexes(indexIds)]);
      stats.roundTrips++;
      for (const index of indexes) for (const b of Object.values(index.buckets ?? {})) buckets.push(lotBrandUsesId(index.lotId, index.brand, b));
      for (const doc of docs) {
        lots.set(doc._id, doc);
        for (const d of Object.values(doc.derived ?? {})) {
          for (const id of d.lotIds) {
            if (lots.has(id)) continue;
            lots.set(id, undefined);
            next.push(id);
          }
        }
      }
    }
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
    for (const d of Object.values(lots.get(lotId)?.derived ?? {})) for (const child of d.lotIds) work.push([child, new Map(added)]);
  }

  if (buckets.length === 0) return [];
  const uses = await reader.findLotBrandUses([...new Set(buckets)]);
  stats.roundTrips++;
  const serials = [...new Set(uses.flatMap((u) => Object.values(u.serials ?? {})))];
  if (serials.length === 0) return [];
  const units = await reader.findUnits(serials);
  stats.roundTrips++;

  const result: PartUse[] = [];
  for (const unit of units) {
    // Another brand's unit, or one whose brand or product is in conflict (no side picked): read, never counted, never told.
    const { agreed: started, conflicts } = unitStartOf(unit);
    if (started.brand === undefined || !brands.has(started.brand) || conflicts.some((c) => c.field !== 'workOrder')) continue;
    for (const install of Object.values(unit.installs ?? {})) {
      for (const part of lotParts.get(install.lotId)?.values() ?? []) {
        result.push({
          eventId: install.prov.eventId,
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
  return result;
}
