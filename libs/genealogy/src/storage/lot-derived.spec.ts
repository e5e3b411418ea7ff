import { provenanceFrom } from '../facts/provenance';
import { TraceEvent } from '@trace/contracts';
import { testEvents } from '@trace/contracts/testing';
import mongoose from 'mongoose';
import { FakeStore, applyWrites, fetchedOf, readerOf, shuffledStoreOf, storeOf } from '../testing/fake-graph';
import { expectSameDocumentsInAnyOrder } from '../testing/any-order';
import { SITE_WIDE } from '../genealogy.types';
import { factKey } from '../facts/provenance';
import { graphWritesFor, mergeGraphWrites } from '../write/graph-writes';
import { whereUsedOfLot } from '../forward/where-used';
import type { WhereUsedRow } from '../forward/where-used.types';
import { traceLotLineage } from '../lineage/lot-lineage';
import { partReceiptsId } from '../authority/authority.documents';
import { authorityReaderOf } from '../authority/fake-authority';
import { usesOfParts } from '../authority/deviation-usage';
import { judgeWithReads } from '../authority/authority-judge';
import { assembleGenealogy } from '../backward/assemble-genealogy';
import type { LotDerivation } from './graph.documents';
import { DERIVATIONS_PER_READ, DERIVED_INLINE_CAP } from './lot-derived';
import { bucketId, bucketOf, firstBucketsFor } from './lot-uses';
import { BucketCollection, indexedBuckets, ownerBuckets } from '../testing/bucket-layout';

// A lot's children (splits and merges) in MongoDB's outlier pattern: inline up to DERIVED_INLINE_CAP, every one in its
// bucket of lot_derived_buckets too, the buckets read only for a lot whose inline list is full.

const t = (m: number) => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();
const PART = partReceiptsId('CAP-1', 'Kemet', 'ALT1');
const child = (i: number) => `C-${String(i).padStart(5, '0')}`;
const LOT_DERIVED_BUCKETS: BucketCollection<LotDerivation> = { collection: 'lotDerivedBuckets', ownerOf: (b) => b.lotId, factsOf: (b) => b.derived, keyOf: (_, k) => k };

/**
 * A reel of the alternate part under a limited deviation of Acme, split `n` times (one child each, event ids sp1..spN)
 * and merged once with a second reel into M; boards built from the first, a middle and the last child and from M.
 */
function split(n: number): TraceEvent[] {
  const ev = testEvents('ld', { minute: 0 });
  const events: TraceEvent[] = [ev('VendorRegistered', { vendorId: 'V1', name: 'Distri', country: 'DE', status: 'approved' })];
  for (const reel of ['REEL', 'REEL-2']) {
    events.push(ev('MaterialReceived', { receiptId: `R-${reel}`, vendorId: 'V1', manufacturer: 'Kemet', mpn: 'ALT1', internalPartNumber: 'CAP-1', vendorLotCode: reel, receivedAt: t(0), uom: 'pcs', packages: [{ lotId: reel, quantity: 1_000_000 }] }));
  }
  events.push(ev('DeviationApproved', { brand: 'Acme', deviationId: 'D1', internalPartNumber: 'CAP-1', manufacturer: 'Kemet', mpn: 'ALT1', maxQuantity: 5, validFrom: t(1), validUntil: t(n + 100), approvedBy: 'j.doe@acme.example', reason: 'Murata shortage' }, 1));
  const sp = testEvents('sp');
  for (let i = 0; i < n; i++) events.push(sp('LotSplit', { sourceLotId: 'REEL', newLots: [{ lotId: child(i), quantity: 10 }] }, 2 + i));
  events.push(ev('LotMerged', { lotId: 'M', sourceLotIds: ['REEL', 'REEL-2'] }, n + 2));
  [child(0), child(Math.floor(n / 2)), child(n - 1), 'M'].forEach((lotId, i) => {
    events.push(ev('UnitStarted', { serial: `U${i}`, brand: 'Acme', productPartNumber: 'P1', workOrder: 'WO1' }, n + 3));
    events.push(ev('MaterialInstalled', { serial: `U${i}`, lotId, quantity: 1, refDes: ['C1'] }, n + 4 + i));
  });
  return events;
}
const docs = (store: FakeStore, collection: string) => [...(store[collection]?.values() ?? [])];
const keysOf = (n: number) => Array.from({ length: n }, (_, i) => factKey(`sp${i + 1}`));

/**
 * As the writer before lot_derived_buckets left a store of events delivered in time order: every derivation in the
 * lot's own `derived` map, in the order they came.
 */
function legacyOf(store: FakeStore): FakeStore {
  const out: FakeStore = structuredClone(store);
  const held = new Map<string, [string, LotDerivation][]>();
  for (const b of docs(out, 'lotDerivedBuckets')) held.set(b.lotId, [...(held.get(b.lotId) ?? []), ...Object.entries(b.derived as Record<string, LotDerivation>)]);
  for (const [lotId, facts] of held) {
    const lot = out.lots!.get(lotId)!;
    lot.derived = Object.fromEntries(facts.sort(([, a], [, b]) => a.at.getTime() - b.at.getTime()));
    delete lot.derivedInline;
    delete lot.derivedBuckets;
  }
  delete out.lotDerivedBuckets;
  return out;
}

/**
 * The answers a lot's children feed: the reel's where-used, its lineage, the deviation's count (without their round trips);
 * the round trips each answer reports, the reads of the outlier's buckets each made, and all the reads.
 */
async function answersOf(store: FakeStore) {
  const forward = readerOf(store);
  const w = (await whereUsedOfLot(forward, 'REEL', SITE_WIDE))!;
  const rows: WhereUsedRow[] = [];
  for await (const r of w.rows({}, SITE_WIDE)) rows.push(r);
  const backAndForth = readerOf(store);
  const lineage = (await traceLotLineage(backAndForth, 'REEL'))!;
  const authority = authorityReaderOf(store);
  const count = { roundTrips: 0 };
  const uses = await usesOfParts(authority, [PART], new Set(['Acme']), count);
  const bucketReads = (reads: { collection: string }[]) => reads.filter((r) => r.collection === 'lotDerivedBuckets').length;
  return {
    answers: JSON.stringify({ w: { ...w, rows: undefined }, rows, lineage, uses }, (k, v) => (k === 'roundTrips' ? undefined : v)),
    roundTrips: { whereUsed: w.stats.roundTrips, lineage: lineage.roundTrips, count: count.roundTrips },
    bucketReads: { whereUsed: bucketReads(forward.reads), lineage: bucketReads(backAndForth.reads), count: bucketReads(authority.reads) },
    reads: [...forward.reads, ...backAndForth.reads, ...authority.reads],
  };
}

describe("a lot's children", () => {
  it('stay inline under the cap, and past it the inline list holds the cap smallest keys, sorted, while every one is in its bucket (the stored layout)', () => {
    const few = storeOf(split(10)).lots!.get('REEL')!;
    expect(few.derivedInline.map((e: { k: string }) => e.k)).toEqual([...keysOf(10), factKey('ld5')].sort());
    expect(few.derived).toBeUndefined();

    const n = DERIVED_INLINE_CAP + 100;
    const store = storeOf(split(n));
    const lot = store.lots!.get('REEL')!;
    const all = [...keysOf(n), factKey('ld5')].sort();
    expect(lot.derivedInline.map((e: { k: string }) => e.k)).toEqual(all.slice(0, DERIVED_INLINE_CAP));
    expect(lot.derivedInline[0]).toEqual({ k: all[0], ...storeOf(split(n)).lotDerivedBuckets!.get(bucketId('REEL', bucketOf(all[0]!)))!.derived[all[0]!] });
    const buckets = ownerBuckets(store, LOT_DERIVED_BUCKETS, 'REEL');
    expect(buckets.misplaced).toEqual([]);
    expect(buckets.facts.map(([k]) => k).sort()).toEqual(all);
    expect(buckets.numbers).toEqual(indexedBuckets(lot, 'derivedBuckets'));
    // The cap from the BSON size: a full list of one-child splits is about 0.2 MB (under 2% of the 16 MB limit).
    const size = mongoose.mongo.BSON.calculateObjectSize(lot);
    expect(size).toBeGreaterThan(DERIVED_INLINE_CAP * 150);
    expect(size).toBeLessThan(DERIVED_INLINE_CAP * 400);
  });

  it('end in the same documents whatever the order of delivery, duplicates and replays included, at and past the cap', () => {
    for (const n of [DERIVED_INLINE_CAP - 2, DERIVED_INLINE_CAP + 60]) expectSameDocumentsInAnyOrder(split(n), ['lots', 'lotDerivedBuckets'], { seed: 7, repeated: 300, rounds: 4 });
  });

  it('past the cap are all traced (where-used, lineage, deviation count), the answers of the old layout byte for byte, shuffled and replayed too', async () => {
    const n = DERIVED_INLINE_CAP + 100;
    const events = split(n);
    const store = storeOf(events);
    const { answers, reads } = await answersOf(store);
    const parsed = JSON.parse(answers);
    expect(parsed.rows.map((r: WhereUsedRow) => `${r.lotId}>${r.serial}`).sort()).toEqual([`${child(0)}>U0`, `${child(n / 2)}>U1`, `${child(n - 1)}>U2`, 'M>U3'].sort());
    expect(parsed.lineage.lots.map((l: { lotId: string }) => l.lotId).sort()).toEqual(['M', 'REEL', ...Array.from({ length: n }, (_, i) => child(i))].sort());
    expect(parsed.uses.length).toBeGreaterThan(0);
    const legacy = await answersOf(legacyOf(store));
    expect(answers).toEqual(legacy.answers);
    expect((await answersOf(shuffledStoreOf(events, 3, 500))).answers).toEqual(answers);
    // The outlier's buckets are read: a few round trips, not one per bucket.
    const bucketReads = reads.filter((r) => r.collection === 'lotDerivedBuckets');
    expect(bucketReads.length).toBeGreaterThan(0);
    expect(bucketReads.length).toBeLessThanOrEqual(3 * 2); // where-used, lineage and the count, two each
    // A few buckets first (as many as a lot of a million derivations fills with a read's worth), then what the rest need.
    expect(bucketReads[0]!.ids).toHaveLength(firstBucketsFor(DERIVATIONS_PER_READ));
  });

  it("past the cap count the outlier's bucket reads in each answer's round trips: where-used, lineage, the deviation's count, a genealogy under it", async () => {
    const store = storeOf(split(DERIVED_INLINE_CAP + 100));
    const { roundTrips, bucketReads } = await answersOf(store);
    const legacy = await answersOf(legacyOf(store));
    for (const answer of ['whereUsed', 'lineage', 'count'] as const) {
      expect(bucketReads[answer]).toBeGreaterThan(0);
      expect(legacy.bucketReads[answer]).toBe(0);
      expect({ answer, roundTrips: roundTrips[answer] }).toEqual({ answer, roundTrips: legacy.roundTrips[answer] + bucketReads[answer] });
    }
    // A site-wide genealogy judged under the limited deviation: its count read through the view of the retractions.
    const genealogyOf = async (s: FakeStore) => {
      const reader = authorityReaderOf(s);
      const g = await judgeWithReads(reader, assembleGenealogy('U0', fetchedOf(s)), SITE_WIDE);
      return { roundTrips: g.roundTrips, bucketReads: reader.reads.filter((r) => r.collection === 'lotDerivedBuckets').length };
    };
    const [now, before] = [await genealogyOf(store), await genealogyOf(legacyOf(store))];
    expect(now.bucketReads).toBeGreaterThan(0);
    expect(now.roundTrips).toBe(before.roundTrips + now.bucketReads);
  });

  it('under the cap cost no read of a bucket: the lot document alone, as in the old layout', async () => {
    const store = storeOf(split(DERIVED_INLINE_CAP - 2)); // with the merge, one derivation short of the cap
    expect(store.lots!.get('REEL')!.derivedInline).toHaveLength(DERIVED_INLINE_CAP - 1);
    const { answers, reads, roundTrips } = await answersOf(store);
    const legacy = await answersOf(legacyOf(store));
    expect(answers).toEqual(legacy.answers);
    expect(reads.filter((r) => r.collection === 'lotDerivedBuckets')).toEqual([]);
    expect(reads.length).toBe(legacy.reads.length);
    expect(roundTrips).toEqual(legacy.roundTrips);
  });

  it('name the first copy of an event sent twice (two offsets), under the cap and past it, however the copies are batched', async () => {
    for (const n of [10, DERIVED_INLINE_CAP + 10]) {
      const events = split(n);
      const copy = events.find((e) => e.eventId === 'sp3')!;
      const k = factKey('sp3');
      const offsetOf = async (store: FakeStore) => provenanceFrom((await readerOf(store).findLots(['REEL']))[0]!.derived![k]!.prov).offset;
      const apart = storeOf(events);
      applyWrites(apart, graphWritesFor({ event: copy, position: { topic: 't', partition: 0, offset: '99999' } }));
      const together = storeOf(events.filter((e) => e !== copy));
      const first = { event: copy, position: { topic: 't', partition: 0, offset: String(events.indexOf(copy)) } };
      applyWrites(together, mergeGraphWrites([first, { ...first, position: { ...first.position, offset: '99999' } }].flatMap(graphWritesFor)));
      expect(await offsetOf(apart)).toBe(String(events.indexOf(copy)));
      expect(await offsetOf(together)).toBe(String(events.indexOf(copy)));
    }
  });
});
