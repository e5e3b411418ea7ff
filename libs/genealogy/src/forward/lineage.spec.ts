import { TraceEvent } from '@trace/contracts';
import { testEvents } from '@trace/contracts/testing';
import { readerOf, storeOf } from '../testing/fake-graph';
import { SITE_WIDE } from '../genealogy.types';
import { DERIVED_INLINE_CAP } from '../storage/lot-derived';
import { reachLots, type Root } from './lineage';

// A forward traversal reads the lots it reaches level by level, a level of many lots in slices sized by bytes (ReadSlicer:
// 200 first, then up to four times more a read), each lot with only the fields a reached lot tells (REACHED_PROJECTION).

const t = (m: number) => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();
const N = 2_500;
const SPLITS = DERIVED_INLINE_CAP + 50;
const reel = (i: number) => `REEL-${i}`;

/**
 * N reels of one vendor; REEL-200 (the first lot of the second read) split SPLITS times, one child each (an outlier:
 * some children only in its buckets); REEL-199 on hold; REEL-999 and REEL-1000 (the last of the second read, the first
 * of the third) spliced, with a splice point; units of Acme and Globex holding REEL-199, REEL-1000 and a child.
 */
function events(): TraceEvent[] {
  const ev = testEvents('ln', { minute: 0 });
  const out: TraceEvent[] = [];
  for (let i = 0; i < N; i++) {
    out.push(ev('MaterialReceived', { receiptId: `R${i}`, vendorId: 'V1', manufacturer: 'M', mpn: 'CAP', internalPartNumber: 'C', vendorLotCode: `VL${i}`, receivedAt: t(0), uom: 'pcs', packages: [{ lotId: reel(i), quantity: 100 }] }));
  }
  const sp = testEvents('sp');
  for (let i = 0; i < SPLITS; i++) out.push(sp('LotSplit', { sourceLotId: reel(200), newLots: [{ lotId: `C-${i}`, quantity: 1 }] }, 1));
  out.push(ev('LotStatusChanged', { lotId: reel(199), status: 'hold', reason: 'awaiting certificate' }, 2));
  out.push(ev('LotSpliced', { leadingLotId: reel(999), trailingLotId: reel(1_000), greyZone: 3, location: 'FDR-1' }, 2));
  out.push(ev('SplicePointDetected', { leadingLotId: reel(999), trailingLotId: reel(1_000), location: 'FDR-1' }, 3));
  for (const [serial, brand, lotId] of [['U1', 'Acme', reel(199)], ['U2', 'Globex', reel(1_000)], ['U3', 'Acme', `C-${SPLITS - 1}`], ['U4', 'Acme', reel(1_000)]]) {
    out.push(ev('UnitStarted', { serial: serial!, brand: brand!, productPartNumber: 'P1', workOrder: 'WO1' }, 4));
    out.push(ev('MaterialInstalled', { serial: serial!, lotId: lotId!, quantity: 1, refDes: ['C1'] }, 5));
  }
  return out;
}

describe('reachLots', () => {
  const store = storeOf(events());
  // A lot of the layout before receipts were kept per event: its one `receipt`.
  store.lots!.set('OLD', { _id: 'OLD', receipt: { receiptId: 'R-OLD', vendorId: 'V1', vendorLotId: 'x', quantity: 1, uom: 'pcs', at: new Date(t(0)), prov: { eventId: 'old', topic: 't', partition: 0, offset: '0' } } });
  const roots: Root[] = [...Array.from({ length: N }, (_, i) => reel(i)), 'OLD', 'GHOST'].map((lotId) => ({ lotId, path: [{ kind: 'lot', id: lotId, via: 'root' }] }));
  const reach = async (lotsPerRead?: number, scope = SITE_WIDE, budget?: number, from = roots) => {
    const reader = readerOf(store);
    const stats = { roundTrips: 0 };
    const reached = await reachLots(reader, from, stats, scope, lotsPerRead, budget);
    const idsOf = (collection: string) => reader.reads.filter((r) => r.collection === collection).map((r) => r.ids);
    return { reached, byId: new Map(reached.map((r) => [r.lotId, r])), stats, lots: idsOf('lots'), indexes: idsOf(scope.kind === 'site' ? 'lotUseIndex' : 'lotBrandUseIndex'), reads: reader.reads };
  };

  it('reads a level of more lots than a read takes in slices of whole chunks, every lot once and in order, each as one read of the level tells it', async () => {
    const sliced = await reach();
    expect(sliced.lots.map((ids) => ids.length)).toEqual([200, 800, 1_502, SPLITS]);
    expect(sliced.indexes).toEqual(sliced.lots); // each lot's bucket index beside it
    expect(sliced.lots.flat().slice(0, roots.length)).toEqual(roots.map((r) => r.lotId));
    expect(sliced.lots.flat().slice(roots.length).sort()).toEqual(Array.from({ length: SPLITS }, (_, i) => `C-${i}`).sort());
    expect(sliced.reached.map((r) => r.lotId).slice(0, roots.length)).toEqual(roots.map((r) => r.lotId));
    expect(sliced.reached).toHaveLength(roots.length + SPLITS);
    expect(new Set(sliced.reached.map((r) => r.lotId)).size).toBe(sliced.reached.length);
    expect(sliced.stats.roundTrips).toBe(4 + sliced.reads.filter((r) => r.collection === 'lotDerivedBuckets').length);
    // On each side of the boundaries: the status, the splice points, the buckets, every child of the outlier (those only in its buckets too).
    const at = (id: string) => sliced.byId.get(id)!;
    expect([at(reel(199)).status, at(reel(200)).status, at('C-0').status, at('OLD').status, at('GHOST').status]).toEqual(['hold', 'released', 'released', 'released', 'unknown']);
    expect([at('GHOST').known, at('GHOST').siteFact, at('OLD').siteFact]).toEqual([false, false, true]);
    expect(at(reel(999)).splicePoints).toHaveLength(1);
    expect(at(reel(1_000)).splicePoints).toEqual(at(reel(999)).splicePoints);
    expect([at(reel(199)).buckets.length, at(reel(1_000)).buckets.length, at(`C-${SPLITS - 1}`).buckets.length, at(reel(201)).buckets.length]).toEqual([1, 2, 1, 0]);
    expect(at(`C-${SPLITS - 1}`).path.map((p) => p.id)).toEqual([reel(200), `C-${SPLITS - 1}`]);
    // A chunk a read: the same lots, paths, statuses, buckets and splice points, in the same order.
    const few = await reach(200);
    expect(few.lots.every((ids) => ids.length <= 200)).toBe(true);
    expect(JSON.stringify(few.reached)).toBe(JSON.stringify(sliced.reached));
  });

  it("reads each lot's brand indexes beside it for a brand's key, in the same slices", async () => {
    const acme = await reach(undefined, { kind: 'brands', brands: ['Acme'] });
    expect(acme.indexes.map((ids) => ids.length)).toEqual(acme.lots.map((ids) => ids.length));
    expect([acme.byId.get(reel(199))!.buckets.length, acme.byId.get(reel(1_000))!.buckets.length]).toEqual([1, 1]);
    const globex = await reach(undefined, { kind: 'brands', brands: ['Globex'] });
    expect([globex.byId.get(reel(199))!.buckets.length, globex.byId.get(reel(1_000))!.buckets.length]).toEqual([0, 1]);
  });

  it('sizes a read by the bytes of the one before: after the outlier read, a chunk', async () => {
    // 256 KiB a read: after the read that held the outlier's 1,050 derivations (about 336 KiB), one chunk.
    const small = await reach(undefined, SITE_WIDE, 256 * 1024);
    expect(small.lots[1]!.length).toBeGreaterThan(200);
    expect(small.lots[2]).toHaveLength(200);
    expect(JSON.stringify(small.reached)).toBe(JSON.stringify((await reach()).reached));
  });

  it("weighs a lot's children too: after a read that held one split into 10,000 lots, a chunk", async () => {
    const ev = testEvents('wide', { minute: 0 });
    const wide = (children: number) =>
      storeOf([
        ...Array.from({ length: 1_200 }, (_, i) => ev('MaterialReceived', { receiptId: `R${i}`, vendorId: 'V1', manufacturer: 'M', mpn: 'CAP', internalPartNumber: 'C', vendorLotCode: `VL${i}`, receivedAt: t(0), uom: 'pcs', packages: [{ lotId: reel(i), quantity: 100 }] })),
        ev('LotSplit', { sourceLotId: reel(200), newLots: Array.from({ length: children }, (_, i) => ({ lotId: `W-${i}`, quantity: 1 })) }, 1),
      ]);
    const readsOf = async (children: number) => {
      const reader = readerOf(wide(children));
      const from = Array.from({ length: 1_200 }, (_, i) => ({ lotId: reel(i), path: [] }));
      await reachLots(reader, from, { roundTrips: 0 }, SITE_WIDE, undefined, 170 * 1024);
      return reader.reads.filter((r) => r.collection === 'lots').map((r) => r.ids.length);
    };
    // 170 KiB a read: 400 reels of one receipt (about 384 B each) a read; a chunk after the read holding the split (10,000 x 21 B more).
    expect((await readsOf(1)).slice(0, 3)).toEqual([200, 400, 400]);
    expect((await readsOf(10_000)).slice(0, 3)).toEqual([200, 400, 200]);
  });

  it('reads nothing for no roots, and one read for a level of one lot nothing names', async () => {
    expect((await reach(undefined, SITE_WIDE, undefined, [])).reads).toEqual([]);
    const ghost = await reach(undefined, SITE_WIDE, undefined, [{ lotId: 'GHOST', path: [] }]);
    expect(ghost.lots).toEqual([['GHOST']]);
    expect(ghost.reached).toEqual([{ lotId: 'GHOST', path: [], known: false, siteFact: false, status: 'unknown', buckets: [], splicePoints: [] }]);
  });
});
