import { TraceEvent } from '@trace/contracts';
import { testEvents } from '@trace/contracts/testing';
import { assembleGenealogy } from '../backward/assemble-genealogy';
import { BackwardTracer } from '../backward/backward-tracer';
import { GraphFetcher } from '../backward/graph-fetcher';
import { whereUsedOfLot } from '../forward/where-used';
import type { WhereUsedFilter, WhereUsedRow } from '../forward/where-used.types';
import { SITE_WIDE } from '../genealogy.types';
import { fetchedOf, readerOf, storeOf } from '../testing/fake-graph';
import { lotsInWords } from './candidates';

const ev = testEvents('c');
const collect = async (rows: AsyncGenerator<WhereUsedRow>): Promise<WhereUsedRow[]> => {
  const out: WhereUsedRow[] = [];
  for await (const r of rows) out.push(r);
  return out;
};

// REEL-A is spliced onto REEL-B at feeder 12 with a grey zone; B1 was placed before the joint could be told (C1 from
// A or B), B2 after it from B alone; B0 got A for certain. A later splice point (at minute 30) settles B1 to A.
const GREY = 'placed in the grey zone of the splice REEL-A -> REEL-B (2 placements)';
function session(): TraceEvent[] {
  const receipt = (lotId: string, code: string) =>
    ev('MaterialReceived', { receiptId: `GR-${lotId}`, vendorId: 'V', manufacturer: 'Murata', mpn: 'GRM', internalPartNumber: 'CAP', vendorLotCode: code, receivedAt: '2026-11-01T06:00:00Z', uom: 'pcs', packages: [{ lotId, quantity: 100 }] }, 0);
  return [
    ev('VendorRegistered', { vendorId: 'V', name: 'Vendor', country: 'JP', status: 'approved' }, 0),
    receipt('REEL-A', 'VL-A'),
    receipt('REEL-B', 'VL-B'),
    ev('LotSpliced', { leadingLotId: 'REEL-A', trailingLotId: 'REEL-B', greyZone: 2, location: 'FDR-12' }, 5),
    ...['B0', 'B1', 'B2'].map((serial) => ev('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'GW', workOrder: 'WO' }, 1)),
    ev('MaterialInstalled', { serial: 'B0', lotId: 'REEL-A', quantity: 1, refDes: ['C1'] }, 4),
    ev('MaterialInstalled', {
      serial: 'B1', lotId: 'REEL-A', quantity: 1, refDes: ['C1'],
      placements: [{ refDes: 'C1', location: 'FDR-12', placedAt: '2026-11-01T08:20:00Z' }],
      candidates: { lotIds: ['REEL-A', 'REEL-B'], reason: GREY },
    }, 20),
    ev('MaterialInstalled', { serial: 'B2', lotId: 'REEL-B', quantity: 1, refDes: ['C1'] }, 40),
  ];
}
const settle = (minute: number) => ev('SplicePointDetected', { leadingLotId: 'REEL-A', trailingLotId: 'REEL-B', location: 'FDR-12' }, minute);

const whereUsed = async (events: TraceEvent[], lotId: string, filter: WhereUsedFilter = {}, history = false) => {
  const w = (await whereUsedOfLot(readerOf(storeOf(events)), lotId, SITE_WIDE))!;
  return (await collect(w.rows(filter, SITE_WIDE, { history }))).map((r) => `${r.serial}${r.candidate ? `?${r.candidateLotIds!.join('|')}` : ''}`).sort();
};

describe('candidate lots: a placement in a splice grey zone', () => {
  it('lists both packages as candidates in the genealogy, with the reason, the placement and the vendor lots of both', async () => {
    const tracer = new BackwardTracer(new GraphFetcher(readerOf(storeOf(session())) as never));
    const g = (await tracer.trace('B1', SITE_WIDE))!;
    const [m] = g.unit.materials;
    expect(m).toMatchObject({
      lotId: 'REEL-A',
      candidates: { lotIds: ['REEL-A', 'REEL-B'], reason: GREY, inWords: 'REEL-A or REEL-B' },
      placements: [{ refDes: 'C1', location: 'FDR-12', placedAt: '2026-11-01T08:20:00Z' }],
      vendorLotIds: [JSON.stringify(['V', 'GRM', 'VL-A']), JSON.stringify(['V', 'GRM', 'VL-B'])],
    });
    expect(m!.candidates!.settledTo).toBeUndefined();
    // The candidate package was read in the same traversal: it is no gap, and the splice is told on both lots.
    expect(g.gaps).toEqual([]);
    expect(g.lots.find((l) => l.lotId === 'REEL-B')!.splices).toEqual([expect.objectContaining({ leadingLotId: 'REEL-A', trailingLotId: 'REEL-B', greyZone: 2, location: 'FDR-12' })]);
  });

  it('gives the serial in the where-used of either package, marked candidate, beside the certain ones', async () => {
    expect(await whereUsed(session(), 'REEL-A')).toEqual(['B0', 'B1?REEL-A|REEL-B']);
    expect(await whereUsed(session(), 'REEL-B')).toEqual(['B1?REEL-A|REEL-B', 'B2']);
  });

  it('gives the candidate row to a brand-scoped caller too (the brand-bucketed edges include every candidate)', async () => {
    const acme = { kind: 'brands', brands: ['Acme'] } as const;
    const w = (await whereUsedOfLot(readerOf(storeOf(session())), 'REEL-B', acme))!;
    expect((await collect(w.rows({}, acme))).map((r) => `${r.serial}${r.candidate ? '?' : ''}`).sort()).toEqual(['B1?', 'B2']);
  });

  it('filters rows: certain ones only, or candidates only', async () => {
    expect(await whereUsed(session(), 'REEL-B', { candidates: 'exclude' })).toEqual(['B2']);
    expect(await whereUsed(session(), 'REEL-B', { candidates: 'only' })).toEqual(['B1?REEL-A|REEL-B']);
  });

  it.each([
    ['after the placements', (events: TraceEvent[]) => [...events, settle(30)]],
    ['before them (delivered first)', (events: TraceEvent[]) => [settle(30), ...events]],
  ])('narrows to the leading package once a splice point after the placement arrives %s', async (_when, withPoint) => {
    const events = withPoint(session());
    expect(await whereUsed(events, 'REEL-A')).toEqual(['B0', 'B1']);
    expect(await whereUsed(events, 'REEL-B')).toEqual(['B2']);
    const g = assembleGenealogy('B1', fetchedOf(storeOf(events)));
    expect(g.unit.materials[0]).toMatchObject({ lotId: 'REEL-A', vendorLotIds: [JSON.stringify(['V', 'GRM', 'VL-A'])], candidates: { settledTo: 'REEL-A', inWords: 'REEL-A' } });
    expect(g.unit.materials[0]!.candidates!.settledBy).toMatchObject({ type: 'SplicePointDetected' });
  });

  it('narrows to the trailing package when the joint passed before the placement', async () => {
    const events = [...session(), settle(10)];
    expect(await whereUsed(events, 'REEL-A')).toEqual(['B0']);
    expect(await whereUsed(events, 'REEL-B')).toEqual(['B1', 'B2']);
    expect(assembleGenealogy('B1', fetchedOf(storeOf(events))).unit.materials[0]).toMatchObject({ lotId: 'REEL-B', candidates: { settledTo: 'REEL-B' } });
  });

  it('flags the candidate serial when either package is held', () => {
    const g = assembleGenealogy('B1', fetchedOf(storeOf([...session(), ev('LotStatusChanged', { lotId: 'REEL-B', status: 'hold', reason: 'suspect' }, 50)])));
    expect(g.summary.flags).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'LOT_NOT_RELEASED', lotId: 'REEL-B', serials: ['B1'] })]));
  });

  it('says the candidates in words', () => {
    expect(lotsInWords(['REEL-A', 'REEL-B'])).toBe('REEL-A or REEL-B');
    expect(lotsInWords(['A', 'B', 'C'])).toBe('A, B or C');
    expect(lotsInWords(['A'])).toBe('A');
  });
});
