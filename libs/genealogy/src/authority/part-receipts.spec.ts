import { TraceEvent, vendorLotId } from '@trace/contracts';
import { testEvents } from '@trace/contracts/testing';
import { FakeStore, fetchedOf, storeOf } from '../testing/fake-graph';
import { expectSameDocumentsInAnyOrder } from '../testing/any-order';
import { SITE_WIDE } from '../genealogy.types';
import { BUCKET_COUNT } from '../storage/lot-uses';
import { BucketCollection, indexedBuckets, ownerBuckets } from '../testing/bucket-layout';
import { FactView, visibleReader } from '../facts/visibility';
import { assembleGenealogy } from '../backward/assemble-genealogy';
import { partReceiptsId } from './authority.documents';
import { authorityReaderOf } from './fake-authority';
import { judgeWithReads } from './authority-judge';
import { brandDeviations } from './brand-lists';
import { deviationReport } from './deviation-report';
import { usesOfParts } from './deviation-usage';

// A part's receipts (part_receipts -> part_receipt_buckets) in buckets, as a lot's uses are: the part's document lists
// only its buckets, however often the part is received, and a deviation's count reads them a few at a time.

const t = (m: number) => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();
const PART = partReceiptsId('CAP-1', 'Kemet', 'ALT1');
const code = (i: number) => `VL${String(i).padStart(5, '0')}`;
const idOf = (i: number) => vendorLotId({ vendorId: 'V1', mpn: 'ALT1', vendorLotCode: code(i) });
type Receipt = { vendorLotId: string; vendorId: string; lotIds: string[] };
const PART_RECEIPTS: BucketCollection<Receipt> = {
  collection: 'partReceiptBuckets',
  ownerOf: (b) => partReceiptsId(b.internalPartNumber, b.manufacturer, b.mpn),
  factsOf: (b) => b.receipts,
  keyOf: (r) => r.vendorLotId,
};

/**
 * `n` receipts of the alternate part (one reel each, in its own vendor lot), a limited deviation of Acme for it, and
 * units of two brands holding reels of it: directly, and through a split.
 */
function received(n: number): TraceEvent[] {
  const ev = testEvents('pr', { minute: 0 }); // the same event ids at every call
  const events: TraceEvent[] = [ev('VendorRegistered', { vendorId: 'V1', name: 'Distri', country: 'DE', status: 'approved' })];
  for (let i = 0; i < n; i++) {
    events.push(ev('MaterialReceived', { receiptId: `R${i}`, vendorId: 'V1', manufacturer: 'Kemet', mpn: 'ALT1', internalPartNumber: 'CAP-1', vendorLotCode: code(i), receivedAt: t(0), uom: 'pcs', packages: [{ lotId: `REEL-${i}`, quantity: 1_000 }] }));
  }
  events.push(ev('DeviationApproved', { brand: 'Acme', deviationId: 'D1', internalPartNumber: 'CAP-1', manufacturer: 'Kemet', mpn: 'ALT1', maxQuantity: 5, validFrom: t(1), validUntil: t(50), approvedBy: 'j.doe@acme.example', reason: 'Murata shortage' }, 1));
  events.push(ev('LotSplit', { sourceLotId: `REEL-${n - 1}`, newLots: [{ lotId: 'ALT-SPLIT', quantity: 500 }] }, 1));
  for (let i = 0; i < 6; i++) {
    const reel = i === 5 ? 'ALT-SPLIT' : `REEL-${Math.floor((i * n) / 5)}`;
    events.push(ev('UnitStarted', { serial: `U${i}`, brand: 'Acme', productPartNumber: 'P1', workOrder: 'WO1' }, 2));
    events.push(ev('MaterialInstalled', { serial: `U${i}`, lotId: reel, quantity: 1 + (i % 2), refDes: ['C1'] }, 3 + i));
  }
  events.push(ev('UnitStarted', { serial: 'G0', brand: 'Globex', productPartNumber: 'PG', workOrder: 'WOG' }, 2));
  events.push(ev('MaterialInstalled', { serial: 'G0', lotId: 'REEL-1', quantity: 3, refDes: ['C1'] }, 3));
  return events;
}
const docs = (store: FakeStore, collection: string) => [...(store[collection]?.values() ?? [])];

/** As the writer before the buckets left a store: every receipt in the part's own `receipts`, no bucket. */
function legacyOf(store: FakeStore): FakeStore {
  const out: FakeStore = structuredClone(store);
  for (const doc of out.partReceipts!.values()) {
    delete doc.buckets;
    doc.receipts = {};
  }
  for (const b of docs(out, 'partReceiptBuckets')) Object.assign(out.partReceipts!.get(partReceiptsId(b.internalPartNumber, b.manufacturer, b.mpn))!.receipts, b.receipts);
  delete out.partReceiptBuckets;
  return out;
}

/** What a deviation's count is seen through: the count itself, the deviation's report and list, a judged genealogy. */
async function answersOf(store: FakeStore, receiptsPerRead?: number) {
  const reader = authorityReaderOf(store);
  const now = Date.parse(t(60));
  const uses = await usesOfParts(reader, [PART], new Set(['Acme']), { roundTrips: 0 }, receiptsPerRead);
  return {
    reader,
    uses: JSON.stringify([...uses].sort((a, b) => a.eventId.localeCompare(b.eventId))),
    report: JSON.stringify(await deviationReport(visibleReader(reader, new FactView(reader)), 'Acme', 'D1', SITE_WIDE, now)),
    list: JSON.stringify(await brandDeviations(reader, 'Acme', now)),
    // Its round trips are what they cost, not what they say: a document of the old layout needs no read of buckets.
    genealogy: JSON.stringify(await judgeWithReads(authorityReaderOf(store), assembleGenealogy('U5', fetchedOf(store)), SITE_WIDE), (k, v) => (k === 'roundTrips' ? undefined : v)),
  };
}

describe("a part's receipts", () => {
  it('go to several buckets once the part is received more often than one holds, each listed in the part document, which stays small (the stored layout)', () => {
    const few = storeOf(received(3));
    const many = storeOf(received(3_000));
    const buckets = ownerBuckets(many, PART_RECEIPTS, PART);
    expect(buckets.misplaced).toEqual([]);
    expect(buckets.numbers.length).toBeGreaterThan(BUCKET_COUNT / 2); // 3,000 vendor lots over 1,024 buckets: ~970 non-empty
    const part = many.partReceipts!.get(PART)!;
    expect(buckets.numbers).toEqual(indexedBuckets(part));
    const held = buckets.facts.map(([, r]) => r);
    expect(held.map((r) => r.vendorLotId).sort()).toEqual(Array.from({ length: 3_000 }, (_, i) => idOf(i)).sort());
    expect(held.find((r) => r.vendorLotId === idOf(7))).toEqual({ vendorLotId: idOf(7), vendorId: 'V1', lotIds: ['REEL-7'] });
    // The document holds the fields it does with three receipts and no receipt: bounded by the buckets (at most 1,024 small fields).
    expect(Object.keys(part).sort()).toEqual(Object.keys(few.partReceipts!.get(PART)!).sort());
    expect(Object.keys(part).sort()).toEqual(['_id', 'buckets', 'internalPartNumber', 'manufacturer', 'mpn']);
    expect(JSON.stringify(part).length).toBeLessThan(16 * 1_024);
  });

  it('end in the same documents whatever the order of delivery, duplicates and replays included', () => {
    const ordered = expectSameDocumentsInAnyOrder(received(200), ['partReceipts', 'partReceiptBuckets'], { seed: 5, repeated: 60 });
    expect(docs(ordered, 'partReceiptBuckets').flatMap((b) => Object.keys(b.receipts)).length).toBe(200);
  });
});

describe("a deviation's count over a part's receipts", () => {
  it('reads every receipt across the buckets, each bucket once, no read of many more receipts than a batch, and counts as before', async () => {
    const store = storeOf(received(3_000));
    const batched = await answersOf(store, 100);
    // The count's own reads (the first answer; the report, the list and the genealogy count again): every bucket once, in reads that follow how full the buckets turned out.
    const countReads: string[][] = [];
    for (const r of batched.reader.reads) {
      if (r.collection === 'lots') break;
      if (r.collection === 'partReceiptBuckets') countReads.push(r.ids);
    }
    expect(countReads.flat().length).toBe(new Set(countReads.flat()).size);
    expect(countReads.flat().sort()).toEqual([...store.partReceiptBuckets!.keys()].sort());
    expect(countReads.length).toBeGreaterThan(10);
    const receiptsIn = (ids: string[]) => ids.reduce((n, id) => n + Object.keys(store.partReceiptBuckets!.get(id)!.receipts).length, 0);
    expect(Math.max(...countReads.map(receiptsIn))).toBeLessThanOrEqual(2 * 100);
    // What was counted: Acme's six installations (one through the split), not Globex's.
    const uses = JSON.parse(batched.uses) as { serial: string; lotId: string; quantity: number }[];
    expect(uses.map((u) => `${u.serial}:${u.lotId}`).sort()).toEqual(['U0:REEL-0', 'U1:REEL-600', 'U2:REEL-1200', 'U3:REEL-1800', 'U4:REEL-2400', 'U5:ALT-SPLIT']);
    expect(JSON.parse(batched.report)).toMatchObject({ deviationId: 'D1', piecesUsed: 9 });
    // However the reads are batched, the answers are the same.
    const { reader: _reader, ...whole } = await answersOf(store);
    const { reader: _batchedReader, ...answers } = batched;
    expect(answers).toEqual(whole);
  });

  it('answers the same, byte for byte, on a part document written before the buckets, which holds its receipts itself, and on a mix of both', async () => {
    const bucketed = storeOf(received(500));
    const legacy = legacyOf(bucketed);
    expect(legacy.partReceiptBuckets).toBeUndefined();
    expect(Object.keys(legacy.partReceipts!.get(PART)!.receipts)).toHaveLength(500);
    // And one of both: receipts written before the upgrade in the map, one received again since, now in a bucket too.
    const both = storeOf(received(500));
    const oldMap = legacy.partReceipts!.get(PART)!.receipts as Record<string, unknown>;
    both.partReceipts!.get(PART)!.receipts = Object.fromEntries(Object.entries(oldMap).slice(0, 200));
    const keep = new Set(Object.keys(oldMap).slice(150));
    for (const [id, b] of both.partReceiptBuckets!) {
      b.receipts = Object.fromEntries(Object.entries(b.receipts as Record<string, unknown>).filter(([k]) => keep.has(k)));
      if (Object.keys(b.receipts).length === 0) both.partReceiptBuckets!.delete(id);
    }
    const strip = ({ reader: _reader, ...answers }: Awaited<ReturnType<typeof answersOf>>) => answers;
    const expected = strip(await answersOf(bucketed));
    expect(JSON.parse(expected.report)).toMatchObject({ piecesUsed: 9 });
    const old = await answersOf(legacy);
    expect(strip(old)).toEqual(expected);
    expect(old.reader.reads.some((r) => r.collection === 'partReceiptBuckets')).toBe(false);
    expect(strip(await answersOf(both))).toEqual(expected);
  });
});
