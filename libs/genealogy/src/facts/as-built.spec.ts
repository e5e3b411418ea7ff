import { TraceEvent } from '@trace/contracts';
import { testEvents } from '@trace/contracts/testing';
import { installedLots, parentSerials } from './as-built';
import { assembleGenealogy } from '../backward/assemble-genealogy';
import { fetchedOf, readerOf, storeOf } from '../testing/fake-graph';
import { SITE_WIDE } from '../genealogy.types';
import { whereUsedOfLot } from '../forward/where-used';
import type { WhereUsedRow } from '../forward/where-used.types';

const ev = testEvents('r');
const receive = (vendorId: string, lotId: string) =>
  ev('MaterialReceived', { receiptId: `R-${lotId}`, vendorId, manufacturer: 'M', mpn: 'MPN', internalPartNumber: 'I', vendorLotCode: lotId, receivedAt: '2026-11-01T08:00:00Z', uom: 'pcs', packages: [{ lotId, quantity: 100 }] }, 0);
const unitOf = (events: TraceEvent[], serial: string) => storeOf(events).units!.get(serial) as any;
const orders = (events: TraceEvent[]) => [events, [...events].reverse()];

// BOARD gets U1 and U2 from REEL-BAD and C1 from REEL-OK; U1 and U2 are reworked with parts of REEL-NEW.
// MODULE is built into BOARD, taken out, and built into SPARE-BOARD.
function rework(): TraceEvent[] {
  return [
    receive('V-BAD', 'REEL-BAD'),
    receive('V-OK', 'REEL-OK'),
    receive('V-NEW', 'REEL-NEW'),
    ev('UnitStarted', { serial: 'BOARD', brand: 'Acme', productPartNumber: 'B-1', workOrder: 'WO' }, 1),
    ev('UnitStarted', { serial: 'SPARE-BOARD', brand: 'Acme', productPartNumber: 'B-1', workOrder: 'WO' }, 1),
    ev('UnitStarted', { serial: 'MODULE', brand: 'Acme', productPartNumber: 'M-1', workOrder: 'WO' }, 1),
    ev('MaterialInstalled', { serial: 'BOARD', lotId: 'REEL-BAD', quantity: 2, refDes: ['U1', 'U2'] }, 2),
    ev('MaterialInstalled', { serial: 'BOARD', lotId: 'REEL-OK', quantity: 1, refDes: ['C1'] }, 2),
    ev('MaterialInstalled', { serial: 'MODULE', lotId: 'REEL-OK', quantity: 1, refDes: ['C9'] }, 2),
    ev('UnitAssembled', { serial: 'BOARD', childSerial: 'MODULE' }, 3),
    ev('MaterialRemoved', { serial: 'BOARD', lotId: 'REEL-BAD', refDes: ['U1'], reason: 'failed ICT' }, 10),
    ev('MaterialRemoved', { serial: 'BOARD', lotId: 'REEL-BAD', refDes: ['U2'], reason: 'recall of V-BAD' }, 11),
    ev('MaterialInstalled', { serial: 'BOARD', lotId: 'REEL-NEW', quantity: 2, refDes: ['U1', 'U2'] }, 12),
    ev('UnitDisassembled', { serial: 'BOARD', childSerial: 'MODULE', reason: 'moved to a spare' }, 20),
    ev('UnitAssembled', { serial: 'SPARE-BOARD', childSerial: 'MODULE' }, 21),
  ];
}

describe('as built', () => {
  it('takes a lot out once every reference designator it placed is removed, whatever the arrival order', () => {
    for (const events of orders(rework())) {
      expect(installedLots(unitOf(events, 'BOARD'))).toEqual(['REEL-NEW', 'REEL-OK']);
      expect(installedLots(unitOf(events, 'BOARD'), true)).toEqual(['REEL-BAD', 'REEL-NEW', 'REEL-OK']);
    }
    const partly = rework().filter((e) => !(e.type === 'MaterialRemoved' && e.data.refDes[0] === 'U2'));
    expect(installedLots(unitOf(partly, 'BOARD'))).toContain('REEL-BAD');
  });

  it('decides by occurredAt: a removal that happened before a reinstallation does not undo it', () => {
    const events = [...rework(), ev('MaterialInstalled', { serial: 'BOARD', lotId: 'REEL-BAD', quantity: 1, refDes: ['U7'] }, 30)];
    for (const order of orders(events)) expect(installedLots(unitOf(order, 'BOARD'))).toContain('REEL-BAD');
  });

  it('removes all of a lot with a removal that names no reference designator', () => {
    const events = [...rework(), ev('MaterialRemoved', { serial: 'BOARD', lotId: 'REEL-OK', refDes: [], reason: 'conformal coat rework' }, 40)];
    expect(installedLots(unitOf(events, 'BOARD'))).toEqual(['REEL-NEW']);
  });

  it('follows a sub-assembly to the unit it is built into now', () => {
    for (const events of orders(rework())) {
      expect(parentSerials(unitOf(events, 'MODULE'))).toEqual(['SPARE-BOARD']);
      expect(parentSerials(unitOf(events, 'MODULE'), true)).toEqual(['BOARD', 'SPARE-BOARD']);
    }
  });
});

describe('genealogy after rework', () => {
  it('tells what the unit contains now by default, and marks what was taken out with history', () => {
    for (const events of orders(rework())) {
      const graph = fetchedOf(storeOf(events));
      const now = assembleGenealogy('BOARD', graph);
      expect(now.unit.materials.map((m) => m.lotId)).toEqual(['REEL-OK', 'REEL-NEW']);
      expect(now.unit.subAssemblies).toEqual([]);
      expect(now.summary.vendors.map((v) => v.vendorId)).toEqual(['V-NEW', 'V-OK']);

      const all = assembleGenealogy('BOARD', graph, { history: true });
      const bad = all.unit.materials.find((m) => m.lotId === 'REEL-BAD')!;
      expect(bad).toMatchObject({ removed: true, removal: { reason: 'recall of V-BAD' } });
      expect(all.unit.subAssemblies[0]).toMatchObject({ removed: true, removal: { reason: 'moved to a spare' }, unit: { serial: 'MODULE' } });
      expect(all.unit.materials.find((m) => m.lotId === 'REEL-NEW')!.removed).toBeUndefined();
    }
  });
});

describe('where-used after rework', () => {
  const rows = async (events: TraceEvent[], lotId: string, history = false): Promise<WhereUsedRow[]> => {
    const out: WhereUsedRow[] = [];
    for await (const r of (await whereUsedOfLot(readerOf(storeOf(events)), lotId, SITE_WIDE))!.rows({}, SITE_WIDE, { history })) out.push(r);
    return out;
  };

  it('no longer lists a serial the lot was removed from, unless asked for history', async () => {
    for (const events of orders(rework())) {
      expect(await rows(events, 'REEL-BAD')).toEqual([]);
      expect((await rows(events, 'REEL-BAD', true)).map((r) => `${r.serial}:${r.removed}`)).toEqual(['BOARD:true']);
    }
  });

  it('climbs to the unit a sub-assembly is built into now, and with history also to the one it left', async () => {
    for (const events of orders(rework())) {
      const now = (await rows(events, 'REEL-OK')).map((r) => `${r.serial}>${r.topSerial}:${r.removed}`).sort();
      expect(now).toEqual(['BOARD>BOARD:false', 'MODULE>SPARE-BOARD:false']);
      const all = (await rows(events, 'REEL-OK', true)).map((r) => `${r.serial}>${r.topSerial}:${r.removed}`).sort();
      expect(all).toEqual(['BOARD>BOARD:false', 'MODULE>BOARD:true', 'MODULE>SPARE-BOARD:false']);
    }
  });
});

describe('rework of a grey-zone placement (from REEL-A or REEL-B)', () => {
  const gz = testEvents('gz');
  const grey = (events: TraceEvent[] = []) => [
    gz('MaterialReceived', { receiptId: 'R-GA', vendorId: 'V', manufacturer: 'M', mpn: 'MPN', internalPartNumber: 'I', vendorLotCode: 'L-A', receivedAt: '2026-11-01T08:00:00Z', uom: 'pcs', packages: [{ lotId: 'GZ-A', quantity: 100 }] }, 0),
    gz('MaterialReceived', { receiptId: 'R-GB', vendorId: 'V', manufacturer: 'M', mpn: 'MPN', internalPartNumber: 'I', vendorLotCode: 'L-B', receivedAt: '2026-11-01T08:00:00Z', uom: 'pcs', packages: [{ lotId: 'GZ-B', quantity: 100 }] }, 0),
    gz('UnitStarted', { serial: 'GZ-BOARD', brand: 'Acme', productPartNumber: 'B-1', workOrder: 'WO' }, 1),
    gz('MaterialInstalled', { serial: 'GZ-BOARD', lotId: 'GZ-B', quantity: 1, refDes: ['C3'], candidates: { lotIds: ['GZ-A', 'GZ-B'], reason: 'grey zone' } }, 2),
    gz('MaterialInstalled', { serial: 'GZ-BOARD', lotId: 'GZ-A', quantity: 1, refDes: ['C4'] }, 2),
    ...events,
  ];
  const rows = async (events: TraceEvent[], lotId: string): Promise<string[]> => {
    const out: string[] = [];
    for await (const r of (await whereUsedOfLot(readerOf(storeOf(events)), lotId, SITE_WIDE))!.rows({}, SITE_WIDE)) out.push(`${r.serial}${r.candidate ? '?' : ''}`);
    return out;
  };

  it('is taken out by a removal that names the other candidate reel, in the genealogy and the where-used of both', async () => {
    const removed = gz('MaterialRemoved', { serial: 'GZ-BOARD', lotId: 'GZ-A', refDes: ['C3'], reason: 'CFX MaterialsUninstalled: DefectiveMaterial' }, 5);
    for (const events of orders(grey([removed]))) {
      const g = assembleGenealogy('GZ-BOARD', fetchedOf(storeOf(events)));
      expect(g.unit.materials.map((m) => `${m.lotId}:${m.refDes.join(',')}`)).toEqual(['GZ-A:C4']);
      expect(await rows(events, 'GZ-B')).toEqual([]);
      expect(await rows(events, 'GZ-A')).toEqual(['GZ-BOARD']);
    }
  });

  it('is taken out by a removal that names the reel it was recorded under, and stays in place without one', async () => {
    const removed = gz('MaterialRemoved', { serial: 'GZ-BOARD', lotId: 'GZ-B', refDes: ['C3'], reason: 'replaced' }, 5);
    expect(assembleGenealogy('GZ-BOARD', fetchedOf(storeOf(grey([removed])))).unit.materials.map((m) => m.refDes.join(','))).toEqual(['C4']);
    expect(assembleGenealogy('GZ-BOARD', fetchedOf(storeOf(grey()))).unit.materials.map((m) => m.refDes.join(',')).sort()).toEqual(['C3', 'C4']);
    expect(await rows(grey(), 'GZ-B')).toEqual(['GZ-BOARD?']);
  });
});
