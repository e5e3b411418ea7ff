import { hash } from 'node:crypto';
import { boundedMemo } from '../facts/bounded-memo';

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
