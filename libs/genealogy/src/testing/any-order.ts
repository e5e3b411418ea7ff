import { expect } from '@jest/globals';
import type { TraceEvent } from '@trace/contracts';
import { FakeStore, shuffledStoreOf, snapshotOf, storeOf } from './fake-graph';

// For specs: the writes of the bucket pattern must not depend on the order of delivery (MongoDB's upserts by
// deterministic `_id`s, fields keyed by fact), which every spec of a bucketed collection checks the same way.

/**
 * Expects `events` to end in the same documents of `collections` whatever the order of delivery, duplicates and
 * replays included: the store after them in order, against `rounds` stores after them shuffled (shuffledStoreOf, seeded
 * `seed`, `seed + 1`, ...), the first `repeated` of each shuffle delivered again. Returns the store after them in order.
 */
export function expectSameDocumentsInAnyOrder(
  events: TraceEvent[],
  collections: string[],
  { seed, repeated, rounds = 10 }: { seed: number; repeated: number; rounds?: number },
): FakeStore {
  const ordered = storeOf(events);
  const expected = snapshotOf(ordered, collections);
  for (let round = 0; round < rounds; round++) expect(snapshotOf(shuffledStoreOf(events, seed + round, repeated), collections)).toEqual(expected);
  return ordered;
}
