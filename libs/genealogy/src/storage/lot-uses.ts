import { hash } from 'node:crypto';
import { boundedMemo } from '../facts/bounded-memo';
import type { FactMap } from './graph.documents';

// The forward edge lot -> serial (where-used) follows MongoDB's bucket pattern: a lot used in a million
// serials must not become one 16 MB document. Each serial goes to one of LOT_USE_BUCKETS buckets chosen by
// a hash of the serial, so a replayed or reordered MaterialInstalled writes the same field of the same
// bucket. A per-lot index document lists the non-empty buckets (at most LOT_USE_BUCKETS small fields), so a
// reader fetches exactly the buckets that hold something with `_id: {$in}`: a lot used in three serials
// costs three bucket reads, not LOT_USE_BUCKETS.
//
// Why not one document per (lot, serial) read with an `_id` range: mongo-java-server scans the whole
// collection for an `_id` range or prefix regex (measured: 22 ms at 20k, 51 ms at 100k, 134 ms at 300k
// documents for a 4-hit range; an `$or` of 20 ranges is 20 scans, 1.7 s at 300k), while `_id: {$in}`
// stays at about 1 ms whatever the collection size.

/** Buckets per lot: about 1,000 serials per bucket (~60 KB) for a lot used in a million serials. */
export const LOT_USE_BUCKETS = 1024;

/** The bucket a serial's use of any lot is recorded in. Deterministic, so writes are idempotent. */
export const lotUseBucketOf = boundedMemo((serial: string): number => hash('sha1', serial, 'buffer').readUInt32BE(0) % LOT_USE_BUCKETS);

/** `buckets.b<n>`: a bucket's field in an index of buckets (a lot's, a vendor's, a work order's, a shipment's), for every bucket. */
export const BUCKET_FIELDS: readonly string[] = Array.from({ length: LOT_USE_BUCKETS }, (_, b) => `buckets.b${b}`);

/** The `_id` of one bucket of a lot's uses (JSON, so no lot id can collide with another's bucket). */
export const lotUsesId = (lotId: string, bucket: number): string => JSON.stringify([lotId, bucket]);

/** The `_id` of one bucket of a lot's uses by units of one brand. */
export const lotBrandUsesId = (lotId: string, brand: string, bucket: number): string => JSON.stringify([lotId, brand, bucket]);

/** The `_id` of the index of a lot's uses by units of one brand. */
export const lotBrandUseIndexId = (lotId: string, brand: string): string => JSON.stringify([lotId, brand]);

/**
 * The `_id` of one bucket of a vendor's vendor lots (vendor_supplies): the same pattern, the bucket chosen by
 * lotUseBucketOf(vendorLotId), so a vendor that supplied a million vendor lots holds about 1,000 per bucket.
 */
export const vendorSuppliesId = (vendorId: string, bucket: number): string => JSON.stringify([vendorId, bucket]);

/** The `_id` of one bucket of a product's units of one brand. */
export const productUnitsId = (productPartNumber: string, brand: string, bucket: number): string => JSON.stringify([productPartNumber, brand, bucket]);

/**
 * The `_id` of one bucket of a work order's units (work_order_units) or of a shipment's (shipment_unit_buckets): the
 * same pattern, the bucket chosen by lotUseBucketOf(serial), so every unit of a serial is in one bucket and a work order
 * of a million units holds about 1,000 per bucket; the work order's (the shipment's) own document lists its buckets.
 */
export const unitBucketId = (ownerId: string, bucket: number): string => JSON.stringify([ownerId, bucket]);

/** Buckets of units read in one round trip by a reader that lists them all: about 64,000 units (16 MB) at the most. */
export const UNIT_BUCKETS_PER_READ = 64;

/**
 * The units of a work order or a shipment as one fact map, as the one `units` map of the old layout held them: the
 * buckets its document lists, read UNIT_BUCKETS_PER_READ at a time in bucket order, merged with the `units` a document
 * written before the buckets existed still holds (each unit keyed by its event, so one written both ways is one).
 */
export async function bucketedUnits<U>(
  doc: { _id: string; buckets?: FactMap<number>; units?: FactMap<U> } | undefined,
  findBuckets: (ids: string[]) => Promise<{ units?: FactMap<U> }[]>,
): Promise<FactMap<U> | undefined> {
  if (!doc) return undefined;
  const ids = Object.values(doc.buckets ?? {})
    .sort((a, b) => a - b)
    .map((b) => unitBucketId(doc._id, b));
  const units: FactMap<U> = { ...doc.units };
  for (let i = 0; i < ids.length; i += UNIT_BUCKETS_PER_READ) {
    for (const bucket of await findBuckets(ids.slice(i, i + UNIT_BUCKETS_PER_READ))) Object.assign(units, bucket.units);
  }
  return units;
}
