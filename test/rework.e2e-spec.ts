import { makeEvent, TraceEvent } from '@trace/contracts';
import { TestWorld } from './support/harness';

const ev = <T extends TraceEvent['type']>(type: T, data: Extract<TraceEvent, { type: T }>['data'], minute: number): TraceEvent =>
  makeEvent(type, data as never, { occurredAt: new Date(Date.UTC(2026, 10, 5, 6, minute)).toISOString() }) as TraceEvent;
const receive = (vendorId: string, lotId: string) =>
  ev('MaterialReceived', { receiptId: `R-${lotId}`, vendorId, manufacturer: 'M', mpn: 'MPN', internalPartNumber: 'I', vendorLotCode: lotId, receivedAt: '2026-11-05T06:00:00Z', uom: 'pcs', packages: [{ lotId, quantity: 100 }] }, 0);

// A board whose two suspect ICs are replaced from a new reel, and whose module is moved to a spare board.
const events: TraceEvent[] = [
  receive('V-BAD', 'REEL-BAD'),
  receive('V-NEW', 'REEL-NEW'),
  receive('V-OK', 'REEL-OK'),
  ev('UnitStarted', { serial: 'BOARD', brand: 'Acme', productPartNumber: 'B-1', workOrder: 'WO' }, 1),
  ev('UnitStarted', { serial: 'SPARE', brand: 'Acme', productPartNumber: 'B-1', workOrder: 'WO' }, 1),
  ev('UnitStarted', { serial: 'MODULE', brand: 'Acme', productPartNumber: 'M-1', workOrder: 'WO' }, 1),
  ev('MaterialInstalled', { serial: 'BOARD', lotId: 'REEL-BAD', quantity: 2, refDes: ['U1', 'U2'] }, 2),
  ev('MaterialInstalled', { serial: 'MODULE', lotId: 'REEL-OK', quantity: 1, refDes: ['C9'] }, 2),
  ev('UnitAssembled', { serial: 'BOARD', childSerial: 'MODULE' }, 3),
  ev('MaterialRemoved', { serial: 'BOARD', lotId: 'REEL-BAD', refDes: ['U1', 'U2'], reason: 'recall of V-BAD' }, 10),
  ev('MaterialInstalled', { serial: 'BOARD', lotId: 'REEL-NEW', quantity: 2, refDes: ['U1', 'U2'] }, 11),
  ev('UnitDisassembled', { serial: 'BOARD', childSerial: 'MODULE', reason: 'moved to a spare' }, 20),
  ev('UnitAssembled', { serial: 'SPARE', childSerial: 'MODULE' }, 21),
];

describe('rework over real Kafka and MongoDB', () => {
  const w = new TestWorld('rework');

  beforeAll(async () => {
    await Promise.all([w.startIngest(), w.startApi()]);
    // The rework first, the build after: only occurredAt says which came first.
    await w.produce([...events].reverse());
    await w.waitForIngest();
  });
  afterAll(() => w.close());

  it('answers the genealogy as built now, and with history=true marks what rework took out', async () => {
    const now = await w.get('/v1/serials/BOARD/genealogy');
    expect(now.status).toBe(200);
    expect(now.body.unit.materials.map((m: { lotId: string }) => m.lotId)).toEqual(['REEL-NEW']);
    expect(now.body.unit.subAssemblies).toEqual([]);
    expect(now.body.summary.vendors.map((v: { vendorId: string }) => v.vendorId)).toEqual(['V-NEW']);

    const all = await w.get('/v1/serials/BOARD/genealogy?history=true');
    const bad = all.body.unit.materials.find((m: { lotId: string }) => m.lotId === 'REEL-BAD');
    expect(bad).toMatchObject({ removed: true, removal: { reason: 'recall of V-BAD', provenance: { type: 'MaterialRemoved' } } });
    expect(all.body.unit.subAssemblies[0]).toMatchObject({ removed: true, removal: { reason: 'moved to a spare' }, unit: { serial: 'MODULE' } });
  });

  it('answers where-used as built now, and with history=true lists the removed uses marked', async () => {
    const now = await w.get('/v1/lots/REEL-BAD/where-used');
    expect(now.body.total).toBe(0);
    const all = await w.get('/v1/lots/REEL-BAD/where-used?history=true');
    expect(all.body.items.map((r: { serial: string; removed: boolean }) => `${r.serial}:${r.removed}`)).toEqual(['BOARD:true']);
    const moved = await w.get('/v1/lots/REEL-OK/where-used');
    expect(moved.body.items.map((r: { serial: string; topSerial: string }) => `${r.serial}>${r.topSerial}`)).toEqual(['MODULE>SPARE']);
  });

  it('answers 400 for a history flag that is not true or false', async () => {
    const { status, body } = await w.get('/v1/serials/BOARD/genealogy?history=yes');
    expect(status).toBe(400);
    expect(JSON.stringify(body.message)).toContain('history must be true or false');
  });
});
