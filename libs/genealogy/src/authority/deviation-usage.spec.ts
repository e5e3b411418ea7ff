import { TraceEvent } from '@trace/contracts';
import { testEvents } from '@trace/contracts/testing';
import { storeOf } from '../testing/fake-graph';
import { partReceiptsId } from './authority.documents';
import { authorityReaderOf } from './fake-authority';
import { LOTS_PER_READ, usesOfParts } from './deviation-usage';

// A deviation's count reads the lots made of a part's packages level by level, a bounded number of lots a round trip,
// however often the part was received.

const t = (m: number) => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();
const PART = partReceiptsId('CAP-1', 'Kemet', 'ALT1');

/**
 * `n` receipts of the alternate part, one reel each; the last reel split into two; Acme's units holding reels of the
 * first level and of the split, and a Globex unit holding one.
 */
function received(n: number): TraceEvent[] {
  const ev = testEvents('du', { minute: 0 });
  const events: TraceEvent[] = [ev('VendorRegistered', { vendorId: 'V1', name: 'Distri', country: 'DE', status: 'approved' })];
  for (let i = 0; i < n; i++) {
    events.push(ev('MaterialReceived', { receiptId: `R${i}`, vendorId: 'V1', manufacturer: 'Kemet', mpn: 'ALT1', internalPartNumber: 'CAP-1', vendorLotCode: `VL${i}`, receivedAt: t(0), uom: 'pcs', packages: [{ lotId: `REEL-${i}`, quantity: 1_000 }] }));
  }
  events.push(ev('LotSplit', { sourceLotId: `REEL-${n - 1}`, newLots: [{ lotId: 'SPLIT-A', quantity: 500 }, { lotId: 'SPLIT-B', quantity: 500 }] }, 1));
  const held = [['U0', 'REEL-0'], ['U1', `REEL-${Math.floor(n / 2)}`], ['U2', 'SPLIT-B'], ['G0', 'REEL-1']];
  held.forEach(([serial, lotId], i) => {
    events.push(ev('UnitStarted', { serial: serial!, brand: serial!.startsWith('G') ? 'Globex' : 'Acme', productPartNumber: 'P1', workOrder: 'WO1' }, 2));
    events.push(ev('MaterialInstalled', { serial: serial!, lotId: lotId!, quantity: 1 + i, refDes: ['C1'] }, 3 + i));
  });
  return events;
}

describe("a deviation's count", () => {
  const n = LOTS_PER_READ + 500;
  const store = storeOf(received(n));
  const count = async (lotsPerRead?: number) => {
    const reader = authorityReaderOf(store);
    const stats = { roundTrips: 0 };
    const uses = await usesOfParts(reader, [PART], new Set(['Acme']), stats, undefined, lotsPerRead);
    const lotReads = reader.reads.filter((r) => r.collection === 'lots').map((r) => r.ids.length);
    const indexReads = reader.reads.filter((r) => r.collection === 'lotBrandUseIndex').map((r) => r.ids.length);
    return { uses: JSON.stringify(uses), roundTrips: stats.roundTrips, lotReads, indexReads };
  };

  it("reads a level of more lots than LOTS_PER_READ that many at a time, every lot once, the same uses as one read of the level", async () => {
    const bounded = await count();
    const whole = await count(Number.POSITIVE_INFINITY);
    expect(JSON.parse(bounded.uses).map((u: { serial: string; lotId: string }) => `${u.serial}<${u.lotId}`).sort()).toEqual(['U0<REEL-0', `U1<REEL-${n / 2}`, 'U2<SPLIT-B'].sort());
    expect(bounded.uses).toBe(whole.uses);
    expect(whole.lotReads).toEqual([n, 2]); // the packages, then the split's lots
    expect(bounded.lotReads).toEqual([LOTS_PER_READ, n - LOTS_PER_READ, 2]);
    expect(bounded.indexReads).toEqual(bounded.lotReads); // each lot's index of Acme's uses beside it
    expect(bounded.roundTrips).toBe(whole.roundTrips + 1);
  });

  it('reads a few lots a round trip when asked, level after level, and counts the same', async () => {
    const few = await count(300);
    expect(few.uses).toBe((await count()).uses);
    expect(Math.max(...few.lotReads)).toBeLessThanOrEqual(300);
    expect(few.lotReads.reduce((a, b) => a + b, 0)).toBe(n + 2);
    expect(few.lotReads).toHaveLength(Math.ceil(n / 300) + 1);
  });
});
