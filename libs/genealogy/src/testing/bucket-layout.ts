import { bucketId, bucketOf } from '../storage/lot-uses';
import type { FakeStore } from './fake-graph';

// For specs of the stored layout of a collection in the bucket pattern: one owner's buckets as the store holds them,
// and what in them is not where bucketId and bucketOf say, so that each spec states only what its collection adds.

/** How a collection of the bucket pattern holds its facts. */
export interface BucketCollection<F> {
  collection: string;
  /** The owner a bucket document names in its own fields. */
  ownerOf: (bucket: Record<string, any>) => string;
  /** The facts a bucket document holds, by field. */
  factsOf: (bucket: Record<string, any>) => Record<string, F> | undefined;
  /** The key the bucket of a fact is chosen by (bucketOf). */
  keyOf: (fact: F, field: string) => string;
}

/** One owner's buckets in a store. */
export interface OwnerBuckets<F> {
  /** Their numbers, ascending. */
  numbers: number[];
  /** Every fact they hold, as [field, fact]. */
  facts: [string, F][];
  /** A bucket whose `_id` is not bucketId(owner, bucket), a fact in another bucket than bucketOf of its key: none in a sound layout. */
  misplaced: string[];
}

/** The buckets of `owner` in a collection of the bucket pattern, as `store` holds them. */
export function ownerBuckets<F>(store: FakeStore, held: BucketCollection<F>, owner: string): OwnerBuckets<F> {
  const buckets = [...(store[held.collection]?.values() ?? [])].filter((b) => held.ownerOf(b) === owner);
  const misplaced: string[] = [];
  const facts: [string, F][] = [];
  for (const b of buckets) {
    if (b._id !== bucketId(owner, b.bucket)) misplaced.push(`bucket ${b.bucket} of ${owner} stored as ${b._id}`);
    for (const [field, fact] of Object.entries(held.factsOf(b) ?? {})) {
      facts.push([field, fact]);
      const key = held.keyOf(fact, field);
      if (bucketOf(key) !== b.bucket) misplaced.push(`${key} in bucket ${b.bucket}, not ${bucketOf(key)}`);
    }
  }
  return { numbers: buckets.map((b) => b.bucket as number).sort((x, y) => x - y), facts, misplaced };
}

/** The numbers of the buckets an owner's document lists (`buckets`, or another index field), ascending. */
export const indexedBuckets = (doc: Record<string, any> | undefined, field = 'buckets'): number[] =>
  Object.values((doc?.[field] ?? {}) as Record<string, number>).sort((x, y) => x - y);
