import { TraceEvent, vendorLotId } from '@trace/contracts';
import { testEvents } from '@trace/contracts/testing';
import { commonalityOf } from './commonality';
import { fetchedOf, readerOf, storeOf } from './testing/fake-graph';
import { SITE_WIDE } from './genealogy.types';

const ev = testEvents('c');
const receive = (vendorId: string, code: string, lotId: string) =>
  ev('MaterialReceived', { receiptId: `R-${lotId}`, vendorId, manufacturer: 'M', mpn: 'MPN', internalPartNumber: 'I', vendorLotCode: code, receivedAt: '2026-11-01T08:00:00Z', uom: 'pcs', packages: [{ lotId, quantity: 1000 }] });
const unit = (serial: string, brand = 'Acme', product = 'P') => ev('UnitStarted', { serial, brand, productPartNumber: product, workOrder: 'WO' });
const install = (serial: string, lotId: string) => ev('MaterialInstalled', { serial, lotId, quantity: 1, refDes: [] });

// Eight units of one product share a capacitor reel. The failed ones also hold the suspect vendor lot VB/L1: F1-F3
// directly through parts of a split reel, F4 through a sub-assembly. One good unit holds the same vendor's other lot.
function events(): TraceEvent[] {
  const out = [receive('V-CAP', 'C1', 'REEL-C'), receive('V-B', 'L1', 'REEL-BAD'), receive('V-B', 'L2', 'REEL-OK'), receive('V-X', 'X1', 'REEL-X')];
  out.push(ev('LotSplit', { sourceLotId: 'REEL-BAD', newLots: [{ lotId: 'BAD-1', quantity: 500 }, { lotId: 'BAD-2', quantity: 500 }] }));
  for (const s of ['F1', 'F2', 'F3', 'F4', 'G1', 'G2', 'G3', 'G4']) out.push(unit(s), install(s, 'REEL-C'));
  out.push(install('F1', 'BAD-1'), install('F2', 'BAD-1'), install('F3', 'BAD-2'));
  out.push(unit('SUB-F4', 'Acme', 'SUBP'), install('SUB-F4', 'BAD-2'), ev('UnitAssembled', { serial: 'F4', childSerial: 'SUB-F4' }));
  out.push(install('G1', 'REEL-OK'), install('G2', 'REEL-X'), install('F1', 'REEL-X'));
  out.push(unit('OTHER-BRAND', 'Globex'), install('OTHER-BRAND', 'BAD-1'));
  return out;
}
const graph = fetchedOf(storeOf(events()));
const label = (f: { kind: string; id: string; count: number; comparison?: { count: number } }) =>
  `${f.kind}:${f.id}:${f.count}${f.comparison ? `/${f.comparison.count}` : ''}`;
const SUSPECT = vendorLotId({ vendorId: 'V-B', mpn: 'MPN', vendorLotCode: 'L1' });
const CAP = vendorLotId({ vendorId: 'V-CAP', mpn: 'MPN', vendorLotCode: 'C1' });

describe('commonality', () => {
  it('ranks what the serials share by how many of them hold it, with the ids of those that do', () => {
    const c = commonalityOf(graph, ['F1', 'F2', 'F3', 'F4'], undefined, SITE_WIDE, 100);
    const shared = c.factors.filter((f) => f.count === 4).map(label);
    expect(shared).toEqual([`vendorLot:${SUSPECT}:4`, `vendorLot:${CAP}:4`, 'vendor:V-B:4', 'vendor:V-CAP:4', 'lot:REEL-BAD:4', 'lot:REEL-C:4']);
    expect(c.factors.find((f) => f.id === 'BAD-1')).toMatchObject({ count: 2, share: 0.5, serials: ['F1', 'F2'] });
    expect(c.factors.find((f) => f.kind === 'subAssemblyProduct')).toMatchObject({ id: 'SUBP', serials: ['F4'] });
  });

  it('with a comparison set, puts first what is common among the serials and rare among the others', () => {
    const c = commonalityOf(graph, ['F1', 'F2', 'F3', 'F4'], ['G1', 'G2', 'G3', 'G4'], SITE_WIDE, 3);
    expect(c.factors.map(label)).toEqual([`vendorLot:${SUSPECT}:4/0`, 'lot:REEL-BAD:4/0', 'vendor:V-B:4/1']);
    expect(c.factors[2]!.comparison).toEqual({ count: 1, share: 0.25 });
    expect(c.comparison).toEqual({ serials: ['G1', 'G2', 'G3', 'G4'], unknownSerials: [] });
  });

  it('reads nothing behind a given serial outside the scope, so round trips say nothing about it', async () => {
    const { GraphFetcher } = await import('./backward/graph-fetcher');
    const store = storeOf(events());
    const reader = readerOf(store);
    const tracer = new GraphFetcher(reader as never);
    const acme = { kind: 'brands', brands: ['Acme'] } as const;
    const [alone, withForeign] = [await tracer.fetchMany(['F1'], acme), await tracer.fetchMany(['F1', 'OTHER-BRAND'], acme)];
    expect(withForeign.roundTrips).toBe(alone.roundTrips);
    expect([...withForeign.units.keys()].sort()).toEqual([...alone.units.keys()].sort());
  });

  it('names the serials it does not know or may not see instead of guessing', () => {
    const c = commonalityOf(graph, ['F1', 'NOPE', 'OTHER-BRAND'], undefined, { kind: 'brands', brands: ['Acme'] }, 100);
    expect(c.serials).toEqual(['F1']);
    expect(c.unknownSerials).toEqual(['NOPE', 'OTHER-BRAND']);
  });
});

describe('commonality as of a moment', () => {
  const at = testEvents('ca');
  const t = (minute: number) => new Date(Date.UTC(2026, 10, 1, 8, minute));
  const asOfEvents = [
    at('MaterialReceived', { receiptId: 'R-C', vendorId: 'V-CAP', manufacturer: 'M', mpn: 'MPN', internalPartNumber: 'I', vendorLotCode: 'C1', receivedAt: '2026-11-01T08:00:00Z', uom: 'pcs', packages: [{ lotId: 'REEL-C', quantity: 1000 }] }, 0),
    at('MaterialReceived', { receiptId: 'R-B', vendorId: 'V-B', manufacturer: 'M', mpn: 'MPN', internalPartNumber: 'I', vendorLotCode: 'L1', receivedAt: '2026-11-01T08:00:00Z', uom: 'pcs', packages: [{ lotId: 'REEL-BAD', quantity: 1000 }] }, 0),
    ...['F1', 'F2'].flatMap((s) => [
      at('UnitStarted', { serial: s, brand: 'Acme', productPartNumber: 'P', workOrder: 'WO' }, 1),
      at('MaterialInstalled', { serial: s, lotId: 'REEL-C', quantity: 1, refDes: [] }, 2),
      at('MaterialInstalled', { serial: s, lotId: 'REEL-BAD', quantity: 1, refDes: [] }, 10), // later than the moment asked for
    ]),
    at('UnitStarted', { serial: 'LATE', brand: 'Acme', productPartNumber: 'P', workOrder: 'WO' }, 20),
    at('MaterialInstalled', { serial: 'LATE', lotId: 'REEL-C', quantity: 1, refDes: [] }, 21),
  ];
  const analyse = async (asOf?: Date) => {
    const { GraphFetcher } = await import('./backward/graph-fetcher');
    const { CommonalityAnalyzer } = await import('./commonality');
    const reader = readerOf(storeOf(asOfEvents));
    return new CommonalityAnalyzer(new GraphFetcher(reader as never), reader as never).analyse(['F1', 'F2', 'LATE'], undefined, SITE_WIDE, 100, asOf);
  };

  it('shares only what was installed by then, and a unit not started by then is unknown', async () => {
    const now = await analyse();
    expect([now.serials, now.unknownSerials]).toEqual([['F1', 'F2', 'LATE'], []]);
    expect(now.factors.find((f) => f.id === 'REEL-BAD')).toMatchObject({ count: 2, serials: ['F1', 'F2'] });
    const then = await analyse(t(5));
    expect([then.serials, then.unknownSerials]).toEqual([['F1', 'F2'], ['LATE']]);
    expect(then.factors.map((f) => `${f.kind}:${f.id}:${f.count}`)).toEqual([`vendorLot:${CAP}:2`, 'vendor:V-CAP:2', 'lot:REEL-C:2']);
  });
});
