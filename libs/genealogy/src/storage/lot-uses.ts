import { hash } from 'node:crypto';
import { boundedMemo } from '../facts/bounded-memo';
import type { FactMap, UnitsIndexDoc } from './graph.documents';

// The forward edge lot -> serial (where-used) follows MongoDB's bucket pattern: a lot used in a million
// serials must not become one 16 MB document. Each serial goes to one of BUCKET_COUNT buckets chosen by
// a hash of the serial, so a replayed or reordered MaterialInstalled writes the same field of the same
// bucket. A per-lot index document lists the non-empty buckets (at most BUCKET_COUNT small fields), so a
// reader fetches exactly the buckets that hold something with `_id: {$in}`: a lot used in three serials
// costs three bucket reads, not BUCKET_COUNT.
//
// Why not one document per (lot, serial) read with an `_id` range: mongo-java-server scans the whole
// collection for an `_id` range or prefix regex (measured: 22 ms at 20k, 51 ms at 100k, 134 ms at 300k
// documents for a 4-hit range; an `$or` of 20 ranges is 20 scans, 1.7 s at 300k), while `_id: {$in}`
// stays at about 1 ms whatever the collection size.

/**
 * The buckets of an owner in every collection of the bucket pattern (a lot's uses, a vendor's vendor lots, a work
 * order's and a shipment's units, a part's receipts, a lot's derivations): about 1,000 facts per bucket (~60 KB of a
 * lot's uses) for an owner of a million. Part of every stored bucket's `_id` (bucketOf): bucket-ids.spec.ts pins it.
 */
export const BUCKET_COUNT = 1024;

/**
 * The bucket a fact goes to in every collection of the bucket pattern, by the key bucketId's callers choose it by (a
 * serial, a vendor lot id, a derivation's fact key). Deterministic, so writes are idempotent; stored (bucket-ids.spec.ts).
 */
export const bucketOf = boundedMemo((key: string): number => hash('sha1', key, 'buffer').readUInt32BE(0) % BUCKET_COUNT);

/** `buckets.b<n>`: a bucket's field in an index of buckets (a lot's, a vendor's, a work order's, a shipment's), for every bucket. */
export const BUCKET_FIELDS: readonly string[] = Array.from({ length: BUCKET_COUNT }, (_, b) => `buckets.b${b}`);

/**
 * The `_id` of bucket `bucket` of an owner's facts, in every collection of the bucket pattern: a lot's uses (lot_uses,
 * by the serial), a vendor's vendor lots (vendor_supplies, by the vendor lot), a work order's and a shipment's units
 * (work_order_units, shipment_unit_buckets, by the serial, so every unit of a serial is in one bucket), a part's
 * receipts (part_receipt_buckets, by the vendor lot), a lot's derivations (lot_derived_buckets, by the fact key). JSON,
 * so no owner id can collide with another's bucket. Stored in every document written: bucket-ids.spec.ts pins it.
 */
export const bucketId = (ownerId: string, bucket: number): string => JSON.stringify([ownerId, bucket]);

/** The `_id` of one bucket of a lot's uses by units of one brand. */
export const lotBrandUsesId = (lotId: string, brand: string, bucket: number): string => JSON.stringify([lotId, brand, bucket]);

/** The `_id` of the index of a lot's uses by units of one brand. */
export const lotBrandUseIndexId = (lotId: string, brand: string): string => JSON.stringify([lotId, brand]);

/** The `_id` of one bucket of a product's units of one brand. */
export const productUnitsId = (productPartNumber: string, brand: string, bucket: number): string => JSON.stringify([productPartNumber, brand, bucket]);

/** Units a reader that lists them all reads in one round trip, about: 8,000 (2 MB), however the buckets are filled. */
export const UNITS_PER_READ = 8_000;

/** The document of an owner in the bucket pattern: which buckets of its facts are non-empty, keyed `b<bucket>`. */
export interface BucketIndexDoc {
  _id: string;
  buckets?: FactMap<number>;
}

/**
 * The buckets a reader's first read takes, for about `perRead` facts a read: as many as hold that many of an owner of a
 * million facts (about 1,000 a bucket), at least one, so the first read is no larger than the next however full the
 * buckets (up to a million facts an owner); the next reads follow how full those turned out (bucketedMaps).
 */
export const firstBucketsFor = (perRead: number): number => Math.max(1, Math.floor(perRead / 1_000));

/**
 * The facts of each owner `docs` lists, as one fact map per owner id, as the one map of the old layout held them: the
 * buckets (bucketId(owner, bucket)) its document lists, in owner then bucket order, a few at a time: the first read
 * takes `firstBuckets`, the next as many as hold about `perRead` facts by how full those turned out (an owner of a
 * million facts about 1,000,000 / perRead round trips). Merged with the map `legacyOf` a document written before the
 * buckets existed still holds (each fact keyed by its event, so one written both ways is one). `stats.roundTrips`
 * counts the reads of buckets; an owner of the old layout only is read with none.
 */
export async function bucketedMaps<D extends BucketIndexDoc, B extends { _id: string }, U>(
  docs: readonly D[],
  legacyOf: (doc: D) => FactMap<U> | undefined,
  heldBy: (bucket: B) => FactMap<U> | undefined,
  findBuckets: (ids: string[]) => Promise<B[]>,
  perRead: number,
  firstBuckets: number,
  stats?: { roundTrips: number },
): Promise<Map<string, FactMap<U>>> {
  const maps = new Map<string, FactMap<U>>();
  const ownerOf = new Map<string, string>();
  const ids: string[] = [];
  for (const doc of docs) {
    maps.set(doc._id, { ...legacyOf(doc) });
    for (const b of Object.values(doc.buckets ?? {}).sort((x, y) => x - y)) {
      const id = bucketId(doc._id, b);
      ownerOf.set(id, doc._id);
      ids.push(id);
    }
  }
  let factsRead = 0;
  for (let i = 0, batch = firstBuckets; i < ids.length; ) {
    const next = ids.slice(i, i + batch);
    i += next.length;
    const buckets = await findBuckets(next);
    if (stats) stats.roundTrips++;
    for (const bucket of buckets) {
      const map = maps.get(ownerOf.get(bucket._id)!)!;
      const held = Object.entries(heldBy(bucket) ?? {});
      factsRead += held.length;
      for (const [key, fact] of held) map[key] = fact;
    }
    batch = Math.max(1, Math.floor(perRead / Math.max(factsRead / i, 1)));
  }
  return maps;
}

/**
 * The units of a work order or a shipment as one fact map, as the one `units` map of the old layout held them: its
 * buckets 8 first (firstBucketsFor), then about UNITS_PER_READ units a round trip (bucketedMaps; a work order of 1,000
 * units is two round trips, one of a million about 129 of at most 2.4 MB each, the first too), merged with the `units` a
 * document written before the buckets existed still holds.
 */
export async function bucketedUnits<U>(
  doc: UnitsIndexDoc<U> | undefined,
  findBuckets: (ids: string[]) => Promise<{ _id: string; units?: FactMap<U> }[]>,
): Promise<FactMap<U> | undefined> {
  if (!doc) return undefined;
  return (await bucketedMaps(
    [doc],
    (d) => d.units,
    (b) => b.units,
    findBuckets,
    UNITS_PER_READ,
    firstBucketsFor(UNITS_PER_READ),
  )).get(doc._id);
}
