import { TraceEvent } from '@trace/contracts';
import { testEvents } from '@trace/contracts/testing';
import { applyWrites, storeOf } from '../testing/fake-graph';
import { graphWritesFor } from '../write/graph-writes';
import { DERIVED_INLINE_CAP } from '../storage/lot-derived';
import { partReceiptsId } from './authority.documents';
import { authorityReaderOf } from './fake-authority';
import { LOTS_PER_READ, usesOfParts } from './deviation-usage';

// A deviation's count reads the lots made of a part's packages level by level, in slices sized by bytes (ReadSlicer:
// 200 lots first, then as many as READ_BUDGET holds by the read before), every lot once, however often the part was
// received; the uses' buckets and the units too.

const t = (m: number) => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();
const PART = partReceiptsId('CAP-1', 'Kemet', 'ALT1');
const N = 2_500;
const SPLITS = DERIVED_INLINE_CAP + 50;
const receipt = (ev: ReturnType<typeof testEvents>, i: number): TraceEvent =>
  ev('MaterialReceived', { receiptId: `R${i}`, vendorId: 'V1', manufacturer: 'Kemet', mpn: 'ALT1', internalPartNumber: 'CAP-1', vendorLotCode: `VL${i}`, receivedAt: t(0), uom: 'pcs', packages: [{ lotId: `REEL-${i}`, quantity: 1_000 }] });

/** The reels in the order the count reads them (its part's receipts by bucket): what decides which reel a read's boundary falls on. */
async function readOrder(n: number): Promise<string[]> {
  const ev = testEvents('du', { minute: 0 });
  const reader = authorityReaderOf(storeOf(Array.from({ length: n }, (_, i) => receipt(ev, i))));
  await usesOfParts(reader, [PART], new Set(['Acme']), { roundTrips: 0 });
  return reader.reads.filter((r) => r.collection === 'lots').flatMap((r) => r.ids);
}

/**
 * `n` receipts of the alternate part, one reel each (read in the order `order`); the 201st reel read (the first of the
 * second read: 200, 800, ...) split SPLITS times, one child each (an outlier: some children only in its buckets); the
 * last reel split into two; Acme's units holding reels on each side of the first reads' boundaries (the 200th | 201st,
 * the 1,000th | 1,001st read) and the split's lots, and a Globex unit holding one; then, for `units`, that many more
 * Acme units, one reel each.
 */
function received(n: number, units: number, order: string[]): TraceEvent[] {
  const ev = testEvents('du', { minute: 0 });
  const events: TraceEvent[] = [ev('VendorRegistered', { vendorId: 'V1', name: 'Distri', country: 'DE', status: 'approved' })];
  for (let i = 0; i < n; i++) events.push(receipt(ev, i));
  const sp = testEvents('sp');
  for (let i = 0; i < SPLITS; i++) events.push(sp('LotSplit', { sourceLotId: order[200]!, newLots: [{ lotId: `C-${i}`, quantity: 1 }] }, 1));
  events.push(ev('LotSplit', { sourceLotId: `REEL-${n - 1}`, newLots: [{ lotId: 'SPLIT-A', quantity: 500 }, { lotId: 'SPLIT-B', quantity: 500 }] }, 1));
  const held = [['U0', 'REEL-0'], ['U1', `REEL-${Math.floor(n / 2)}`], ['U2', 'SPLIT-B'], ['U3', order[199]!], ['U4', order[999]!], ['U5', order[1_000]!], ['G0', 'REEL-1']];
  for (let i = 0; i < units; i++) held.push([`V${i}`, `REEL-${(i * 7) % n}`]);
  held.forEach(([serial, lotId], i) => {
    events.push(ev('UnitStarted', { serial: serial!, brand: serial!.startsWith('G') ? 'Globex' : 'Acme', productPartNumber: 'P1', workOrder: 'WO1' }, 2));
    events.push(ev('MaterialInstalled', { serial: serial!, lotId: lotId!, quantity: 1 + (i % 3), refDes: ['C1'] }, 3 + (i % 50)));
  });
  return events;
}

describe("a deviation's count", () => {
  let order: string[];
  let store: ReturnType<typeof storeOf>;
  let bucketOnly: string;
  beforeAll(async () => {
    order = await readOrder(N);
    store = storeOf(received(N, 450, order));
    // A child of the outlier that only its buckets hold (not in its inline list), installed in an Acme unit.
    const inline = new Set((store.lots!.get(order[200]!)!.derivedInline as { lotIds: string[] }[]).flatMap((d) => d.lotIds));
    bucketOnly = Array.from({ length: SPLITS }, (_, i) => `C-${i}`).find((c) => !inline.has(c))!;
    const late = testEvents('late', { minute: 90 });
    [late('UnitStarted', { serial: 'U9', brand: 'Acme', productPartNumber: 'P1', workOrder: 'WO1' }), late('MaterialInstalled', { serial: 'U9', lotId: bucketOnly, quantity: 1, refDes: ['C1'] }, 1)].forEach((event, i) =>
      applyWrites(store, graphWritesFor({ event, position: { topic: 't', partition: 0, offset: String(1e6 + i) } })),
    );
  });
  const count = async (lotsPerRead?: number, budget?: number) => {
    const reader = authorityReaderOf(store);
    const stats = { roundTrips: 0 };
    const uses = await usesOfParts(reader, [PART], new Set(['Acme']), stats, undefined, lotsPerRead, budget);
    const idsOf = (collection: string) => reader.reads.filter((r) => r.collection === collection).map((r) => r.ids.length);
    return { uses, json: JSON.stringify(uses), roundTrips: stats.roundTrips, lotReads: idsOf('lots'), indexReads: idsOf('lotBrandUseIndex'), useReads: idsOf('lotBrandUses'), unitReads: idsOf('units'), reads: reader.reads };
  };
  const held = () => ['U0<REEL-0', `U1<REEL-${N / 2}`, 'U2<SPLIT-B', `U3<${order[199]}`, `U4<${order[999]}`, `U5<${order[1_000]}`, `U9<${bucketOnly}`, ...Array.from({ length: 450 }, (_, i) => `V${i}<REEL-${(i * 7) % N}`)];

  it('reads a level of more lots than a read takes in slices of whole chunks, every lot once, the outlier on a boundary with its buckets, the same uses however sliced', async () => {
    expect(bucketOnly).toBeDefined();
    const sliced = await count();
    expect(sliced.uses.map((u) => `${u.serial}<${u.lotId}`).sort()).toEqual(held().sort());
    // The packages (200, 800, 1,500: 4 times more a read, up to what the budget holds), then the split's and the outlier's children.
    expect(sliced.lotReads).toEqual([200, 800, 1_500, 2 + SPLITS]);
    expect(sliced.indexReads).toEqual(sliced.lotReads); // each lot's index of Acme's uses beside it
    const lotIds = sliced.reads.filter((r) => r.collection === 'lots').flatMap((r) => r.ids);
    expect(new Set(lotIds).size).toBe(lotIds.length);
    expect(lotIds.slice(0, N)).toEqual(order);
    expect(sliced.reads.some((r) => r.collection === 'lotDerivedBuckets')).toBe(true);
    // Read a chunk at a time, or at most LOTS_PER_READ, the same uses in the same order.
    const few = await count(200);
    const chunks = (n: number) => [...Array<number>(Math.floor(n / 200)).fill(200), ...(n % 200 ? [n % 200] : [])];
    expect(few.lotReads).toEqual([...chunks(N), ...chunks(2 + SPLITS)]);
    expect(few.json).toBe(sliced.json);
    expect((await count(LOTS_PER_READ, Number.POSITIVE_INFINITY)).json).toBe(sliced.json);
  });

  it("sizes each read by the bytes of the one before: after the outlier's read, a chunk", async () => {
    // 64 KiB a read: about 600 reels of no children (64 B each and their indexes), one chunk after the read that held the outlier's 1,050 derivations.
    const small = await count(LOTS_PER_READ, 64 * 1024);
    expect(small.lotReads[1]).toBeGreaterThan(200);
    expect(small.lotReads[2]).toBe(200);
    expect(small.lotReads[3]).toBeGreaterThan(200);
    expect(small.lotReads.reduce((a, b) => a + b, 0)).toBe(N + 2 + SPLITS);
    expect(small.json).toBe((await count()).json);
  });

  it("reads the uses' buckets and the units in slices too, each once, and counts the round trips of every read", async () => {
    const sliced = await count();
    const buckets = sliced.reads.filter((r) => r.collection === 'lotBrandUses').flatMap((r) => r.ids);
    const serials = sliced.reads.filter((r) => r.collection === 'units').flatMap((r) => r.ids);
    expect(sliced.useReads[0]).toBe(200);
    expect(sliced.useReads.length).toBeGreaterThan(1);
    expect(new Set(buckets).size).toBe(buckets.length);
    expect(sliced.unitReads).toEqual([200, serials.length - 200]);
    expect(new Set(serials).size).toBe(serials.length);
    expect(serials).toEqual(expect.arrayContaining(['U0', 'U3', 'U4', 'U5', 'U9', 'V449']));
    // The part's document, its buckets, 4 reads of lots, then the outlier's buckets, the uses' buckets and the units.
    const bucketReads = sliced.reads.filter((r) => r.collection === 'lotDerivedBuckets').length;
    const receiptBucketReads = sliced.reads.filter((r) => r.collection === 'partReceiptBuckets').length;
    expect(sliced.roundTrips).toBe(1 + receiptBucketReads + 4 + bucketReads + sliced.useReads.length + sliced.unitReads.length);
  });

  it("weighs a lot's children too: after the read holding a split into 10,000 lots, a chunk", async () => {
    const wideOrder = await readOrder(1_200);
    const ev = testEvents('du', { minute: 0 });
    const readsOf = async (children: number) => {
      const split = ev('LotSplit', { sourceLotId: wideOrder[200]!, newLots: Array.from({ length: children }, (_, i) => ({ lotId: `W-${i}`, quantity: 1 })) }, 1);
      const reader = authorityReaderOf(storeOf([...Array.from({ length: 1_200 }, (_, i) => receipt(ev, i)), split]));
      await usesOfParts(reader, [PART], new Set(['Acme']), { roundTrips: 0 }, undefined, undefined, 40 * 1024);
      return reader.reads.filter((r) => r.collection === 'lots').map((r) => r.ids.length);
    };
    // 40 KiB a read: 600 lots of no children (64 B each) after the first read; a chunk after the read holding the split (10,000 x 21 B more).
    expect((await readsOf(1)).slice(0, 3)).toEqual([200, 600, 400]);
    expect((await readsOf(10_000)).slice(0, 3)).toEqual([200, 600, 200]);
  });

  it('reads nothing past the part for a part never received, and no second level of lots when none was split', async () => {
    const none = authorityReaderOf(storeOf([]));
    expect(await usesOfParts(none, [PART], new Set(['Acme']), { roundTrips: 0 })).toEqual([]);
    expect(none.reads.map((r) => r.collection)).toEqual(['partReceipts']);
    const ev = testEvents('one', { minute: 0 });
    const one = authorityReaderOf(
      storeOf([
        ev('MaterialReceived', { receiptId: 'R0', vendorId: 'V1', manufacturer: 'Kemet', mpn: 'ALT1', internalPartNumber: 'CAP-1', vendorLotCode: 'VL0', receivedAt: t(0), uom: 'pcs', packages: [{ lotId: 'REEL-0', quantity: 1 }] }),
      ]),
    );
    expect(await usesOfParts(one, [PART], new Set(['Acme']), { roundTrips: 0 })).toEqual([]);
    expect(one.reads.filter((r) => r.collection === 'lots').map((r) => r.ids)).toEqual([['REEL-0']]);
  });
});
