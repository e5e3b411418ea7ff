import { TraceEvent, vendorLotId } from '@trace/contracts';
import { testEvents } from '@trace/contracts/testing';
import { FakeStore, readerOf, storeOf } from '../testing/fake-graph';
import { expectSameDocumentsInAnyOrder } from '../testing/any-order';
import { SITE_WIDE } from '../genealogy.types';
import { entityKey } from '../facts/provenance';
import { BUCKET_COUNT } from '../storage/lot-uses';
import { BucketCollection, indexedBuckets, ownerBuckets } from '../testing/bucket-layout';
import { whereUsedOfVendor } from '../forward/where-used';
import type { WhereUsedRow } from '../forward/where-used.types';

// A vendor's vendor lots (the forward edge vendor -> vendor lot, for exposure) in buckets, as a lot's uses are: the
// vendor's document stays the vendor's own facts however many vendor lots it supplied.

const t = (m: number) => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();
const ev = testEvents('vs', { minute: 0 });
const code = (i: number) => `VL${String(i).padStart(5, '0')}`;

/** `n` vendor lots of vendor V, one reel each; the first three reels installed in a board each. */
function supplied(n: number): TraceEvent[] {
  const events: TraceEvent[] = [ev('VendorRegistered', { vendorId: 'V', name: 'Volume Parts', country: 'DE', status: 'approved' })];
  for (let i = 0; i < n; i++) {
    events.push(ev('MaterialReceived', { receiptId: `R${i}`, vendorId: 'V', manufacturer: 'M', mpn: 'CAP', internalPartNumber: 'C', vendorLotCode: code(i), receivedAt: t(0), uom: 'pcs', packages: [{ lotId: `REEL-${i}`, quantity: 100 }] }, 1));
  }
  for (let i = 0; i < Math.min(n, 3); i++) {
    events.push(ev('UnitStarted', { serial: `B${i}`, brand: 'Acme', productPartNumber: 'P-B', workOrder: 'WO1' }, 2));
    events.push(ev('MaterialInstalled', { serial: `B${i}`, lotId: `REEL-${i}`, quantity: 1, refDes: ['C1'] }, 3));
  }
  return events;
}
const idOf = (i: number) => vendorLotId({ vendorId: 'V', mpn: 'CAP', vendorLotCode: code(i) });
const VENDOR_SUPPLIES: BucketCollection<string> = { collection: 'vendorSupplies', ownerOf: (b) => b.vendorId, factsOf: (b) => b.vendorLots, keyOf: (vl) => vl };
const docs = (store: FakeStore, collection: string) => [...(store[collection]?.values() ?? [])];
const collect = async (rows: AsyncGenerator<WhereUsedRow>): Promise<WhereUsedRow[]> => {
  const out: WhereUsedRow[] = [];
  for await (const r of rows) out.push(r);
  return out;
};

describe("a vendor's vendor lots", () => {
  it('go to several buckets once the vendor supplied more than one holds, each listed in the index, and leave the vendor document its own facts (the stored layout)', () => {
    const few = storeOf(supplied(3));
    const many = storeOf(supplied(3_000));
    const buckets = ownerBuckets(many, VENDOR_SUPPLIES, 'V');
    expect(buckets.misplaced).toEqual([]);
    expect(buckets.numbers.length).toBeGreaterThan(BUCKET_COUNT / 2); // 3,000 vendor lots over 1,024 buckets: ~970 non-empty
    expect(buckets.numbers).toEqual(indexedBuckets(many.vendorSupplyIndex!.get('V')));
    expect(buckets.facts.map(([key]) => key)).toEqual(buckets.facts.map(([, vl]) => entityKey(vl)));
    expect(buckets.facts.map(([, vl]) => vl).sort()).toEqual(Array.from({ length: 3_000 }, (_, i) => idOf(i)).sort());
    // The vendor document holds the fields it does with three vendor lots, under 1 KB: nothing that grows with them.
    const vendor = many.vendors!.get('V')!;
    expect(Object.keys(vendor).sort()).toEqual(Object.keys(few.vendors!.get('V')!).sort());
    expect(Object.keys(vendor).sort()).toEqual(['_id', 'registration', 'statuses', 'supplied']);
    expect(JSON.stringify(vendor).length).toBeLessThan(1_024);
  });

  it('end in the same documents whatever the order of delivery, duplicates and replays included', () => {
    const ordered = expectSameDocumentsInAnyOrder(supplied(200), ['vendors', 'vendorSupplies', 'vendorSupplyIndex'], { seed: 11, repeated: 40 });
    expect(docs(ordered, 'vendorSupplies').flatMap((b) => Object.keys(b.vendorLots)).length).toBe(200);
  });
});

describe('the where-used of a vendor', () => {
  const small = { buckets: 256, serials: 300 };

  it('reads every vendor lot across its buckets, each bucket once and no read of more vendor lots than a batch holds', async () => {
    const store = storeOf(supplied(3_000));
    const reader = readerOf(store);
    const w = (await whereUsedOfVendor(reader, 'V', SITE_WIDE, small))!;
    expect(w.vendorLots.map((v) => v.vendorLotId)).toEqual(Array.from({ length: 3_000 }, (_, i) => idOf(i)).sort());
    expect(w.vendorLots.find((v) => v.vendorLotId === idOf(7))).toEqual({ vendorLotId: idOf(7), mpn: 'CAP', vendorLotCode: code(7), lotIds: ['REEL-7'] });
    expect((await collect(w.rows({}, SITE_WIDE))).map((r) => `${r.lotId}>${r.serial}`).sort()).toEqual(['REEL-0>B0', 'REEL-1>B1', 'REEL-2>B2']);
    const read = (c: string) => reader.reads.filter((r) => r.collection === c);
    const bucketIds = read('vendorSupplies').flatMap((r) => r.ids);
    expect(bucketIds.length).toBe(new Set(bucketIds).size);
    expect(bucketIds.sort()).toEqual([...store.vendorSupplies!.keys()].sort());
    expect(read('vendorSupplies').length).toBeGreaterThan(3);
    const vendorLotReads = read('vendorLots');
    expect(vendorLotReads.flatMap((r) => r.ids)).toHaveLength(3_000);
    // A read follows how full the buckets turned out: about `serials` vendor lots, never the vendor's whole list at once.
    expect(Math.max(...vendorLotReads.map((r) => r.ids.length))).toBeLessThanOrEqual(2 * small.serials);
    expect(read('vendors')).toEqual([{ collection: 'vendors', ids: ['V'] }]);
  });

  it('reads no more vendor lots at once than a batch holds when its buckets are full, from the first read on', async () => {
    // Buckets as full as a vendor of a million vendor lots has them (about 1,000 each) against a batch of 2,000 are here
    // about 3 each against a batch of 10: the first read of buckets must not bring 16 buckets' worth at once.
    const store = storeOf(supplied(3_000));
    const reader = readerOf(store);
    const batching = { buckets: 256, serials: 10 };
    const w = (await whereUsedOfVendor(reader, 'V', SITE_WIDE, batching))!;
    expect(w.vendorLots).toHaveLength(3_000);
    const vendorLotReads = reader.reads.filter((r) => r.collection === 'vendorLots');
    expect(vendorLotReads.flatMap((r) => r.ids)).toHaveLength(3_000);
    expect(Math.max(...vendorLotReads.map((r) => r.ids.length))).toBeLessThanOrEqual(batching.serials);
  });

  it('answers the same on a vendor document written before the buckets, which lists its vendor lots itself', async () => {
    const bucketed = storeOf(supplied(500));
    // As the writer before vendor_supplies left it: every vendor lot in the vendor's document, no bucket, no index.
    const legacy = storeOf(supplied(500));
    const vendor = legacy.vendors!.get('V')!;
    delete vendor.supplied;
    vendor.vendorLots = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [entityKey(idOf(i)), idOf(i)]));
    delete legacy.vendorSupplies;
    delete legacy.vendorSupplyIndex;
    // And one of both: a vendor lot received again since, now in a bucket too, is still one vendor lot.
    const both = storeOf(supplied(500));
    both.vendors!.get('V')!.vendorLots = { [entityKey(idOf(4))]: idOf(4), [entityKey(idOf(9))]: idOf(9) };
    const answerOf = async (store: FakeStore) => {
      const w = (await whereUsedOfVendor(readerOf(store), 'V', SITE_WIDE, small))!;
      return { vendorLots: w.vendorLots, lots: w.lots, rows: await collect(w.rows({}, SITE_WIDE)) };
    };
    const expected = await answerOf(bucketed);
    expect(expected.vendorLots).toHaveLength(500);
    expect(await answerOf(legacy)).toEqual(expected);
    expect(await answerOf(both)).toEqual(expected);
  });

  it('is null for a vendor no event named, and knows one only ever named by a receipt', async () => {
    const unregistered = supplied(2).slice(1);
    const reader = readerOf(storeOf(unregistered));
    expect(await whereUsedOfVendor(reader, 'NOPE', SITE_WIDE)).toBeNull();
    expect((await whereUsedOfVendor(reader, 'V', SITE_WIDE))!.vendorLots.map((v) => v.vendorLotId)).toEqual([idOf(0), idOf(1)]);
  });
});
