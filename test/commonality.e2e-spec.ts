import { makeEvent, TraceEvent, vendorLotId } from '@trace/contracts';
import { TestWorld } from './support/harness';

let minute = 0;
const ev = <T extends TraceEvent['type']>(type: T, data: Extract<TraceEvent, { type: T }>['data']): TraceEvent =>
  makeEvent(type, data as never, { occurredAt: new Date(Date.UTC(2026, 10, 4, 6, minute++)).toISOString() }) as TraceEvent;
const receive = (vendorId: string, code: string, lotId: string) =>
  ev('MaterialReceived', { receiptId: `R-${lotId}`, vendorId, manufacturer: 'M', mpn: 'MPN-1', internalPartNumber: 'I', vendorLotCode: code, receivedAt: '2026-11-01T08:00:00Z', uom: 'pcs', packages: [{ lotId, quantity: 1000 }] });
const unit = (serial: string, product: string) => ev('UnitStarted', { serial, brand: 'Acme', productPartNumber: product, workOrder: 'WO-1' });
const install = (serial: string, lotId: string) => ev('MaterialInstalled', { serial, lotId, quantity: 1, refDes: [] });
const assemble = (serial: string, childSerial: string) => ev('UnitAssembled', { serial, childSerial });

// Six boards of one product share a capacitor reel. Each board carries a module that carries a sensor (three
// levels); the three failed boards' sensors hold parts of the suspect vendor lot, split into two reels, while the
// good boards' sensors hold another lot of the same vendor.
function events(): TraceEvent[] {
  const out = [receive('V-CAP', 'C1', 'REEL-C'), receive('V-SENS', 'BAD', 'REEL-BAD'), receive('V-SENS', 'GOOD', 'REEL-GOOD')];
  out.push(ev('LotSplit', { sourceLotId: 'REEL-BAD', newLots: [{ lotId: 'BAD-A', quantity: 500 }, { lotId: 'BAD-B', quantity: 500 }] }));
  for (const [board, sensorLot] of [['F1', 'BAD-A'], ['F2', 'BAD-A'], ['F3', 'BAD-B'], ['G1', 'REEL-GOOD'], ['G2', 'REEL-GOOD'], ['G3', 'REEL-GOOD']] as const) {
    out.push(unit(board, 'BOARD-1'), install(board, 'REEL-C'));
    out.push(unit(`MOD-${board}`, 'MOD-7'), assemble(board, `MOD-${board}`));
    out.push(unit(`SEN-${board}`, 'SEN-3'), install(`SEN-${board}`, sensorLot), assemble(`MOD-${board}`, `SEN-${board}`));
  }
  return out;
}

describe('commonality over real Kafka and MongoDB', () => {
  const w = new TestWorld('commonality');
  const post = async (body: unknown) => {
    const res = await fetch(`${w.apiUrl}/v1/analysis/commonality`, { method: 'POST', headers: w.headers(undefined, { 'content-type': 'application/json' }), body: JSON.stringify(body) });
    return { status: res.status, body: (await res.json()) as any };
  };
  const suspect = vendorLotId({ vendorId: 'V-SENS', mpn: 'MPN-1', vendorLotCode: 'BAD' });

  beforeAll(async () => {
    await Promise.all([w.startIngest(), w.startApi()]);
    await w.produce([...events()].reverse());
    await w.waitForIngest();
  });
  afterAll(() => w.close());

  it('finds the vendor lot shared by the failed units three levels down, and rare among the good ones', async () => {
    const { status, body } = await post({ serials: ['F1', 'F2', 'F3'], comparison: ['G1', 'G2', 'G3'], top: 3 });
    expect(status).toBe(200);
    expect(body.factors.map((f: any) => `${f.kind}:${f.id}:${f.count}/${f.comparison.count}`)).toEqual([`vendorLot:${suspect}:3/0`, 'lot:REEL-BAD:3/0', 'lot:BAD-A:2/0']);
    expect(body.factors[0]).toMatchObject({ share: 1, serials: ['F1', 'F2', 'F3'], comparison: { count: 0, share: 0 } });
  });

  it('without a comparison set, ranks by how many serials share each thing, sub-assembly products included', async () => {
    const { body } = await post({ serials: ['F1', 'F2', 'F3', 'NOPE'] });
    expect(body.unknownSerials).toEqual(['NOPE']);
    const everywhere = body.factors.filter((f: any) => f.count === 3).map((f: any) => `${f.kind}:${f.id}`);
    expect(everywhere).toEqual(expect.arrayContaining([`vendorLot:${suspect}`, 'vendor:V-CAP', 'vendor:V-SENS', 'lot:REEL-C', 'subAssemblyProduct:MOD-7', 'subAssemblyProduct:SEN-3']));
    expect(everywhere).not.toContain('lot:REEL-GOOD');
  });

  it('compares with a sample of other units of the same product when no comparison set is given', async () => {
    const { status, body } = await post({ serials: ['F1', 'F2', 'F3'], sampleComparison: 10, top: 2 });
    expect(status).toBe(200);
    expect(body.comparison.sampledFromProducts).toEqual(['BOARD-1']);
    expect([...body.comparison.serials].sort()).toEqual(['G1', 'G2', 'G3']);
    expect(body.factors.map((f: any) => `${f.kind}:${f.id}:${f.count}/${f.comparison.count}`)).toEqual([`vendorLot:${suspect}:3/0`, 'lot:REEL-BAD:3/0']);
    expect((await post({ serials: ['F1'], comparison: ['G1'], sampleComparison: 5 })).status).toBe(400);
  });

  it('reads all serials level by level together: round trips do not grow with the number of serials', async () => {
    const one = await post({ serials: ['F1'] });
    const six = await post({ serials: ['F1', 'F2', 'F3', 'G1', 'G2', 'G3'] });
    expect(six.body.roundTrips).toBe(one.body.roundTrips);
  });

  it('answers as of a moment: what the serials held then, and a unit not started by then as unknown', async () => {
    // 06:07:30: F1 is started, holds REEL-C and its module, whose sensor comes a minute later; F2 and F3 come later still.
    const { status, body } = await post({ serials: ['F1', 'F2', 'F3'], asOf: '2026-11-04T06:07:30Z' });
    expect(status).toBe(200);
    expect([body.serials, body.unknownSerials]).toEqual([['F1'], ['F2', 'F3']]);
    const held = body.factors.map((f: any) => `${f.kind}:${f.id}`);
    expect(held).toEqual(expect.arrayContaining(['lot:REEL-C', 'subAssemblyProduct:MOD-7']));
    expect(held).not.toContain(`vendorLot:${suspect}`);
    expect((await post({ serials: ['F1'], asOf: '2026-11-04T05:00:00Z' })).status).toBe(404); // before anything was built
    const bad = await post({ serials: ['F1'], asOf: '2026-02-30T08:00:00Z' });
    expect([bad.status, JSON.stringify(bad.body.message)]).toEqual([400, expect.stringContaining('asOf must be a real ISO 8601 date-time with an offset')]);
  });

  it('answers 400 for an empty, oversized or repeated serial list and 404 when no serial is known', async () => {
    expect((await post({ serials: [] })).status).toBe(400);
    const big = await post({ serials: Array.from({ length: 1001 }, (_, i) => `S${i}`) });
    expect(big.status).toBe(400);
    expect(JSON.stringify(big.body.message)).toContain('serials must contain no more than 1000 elements');
    expect((await post({ serials: ['F1', 'F1'] })).status).toBe(400);
    expect((await post({ serials: ['F1'], comparison: [] })).status).toBe(400);
    const none = await post({ serials: ['NOPE-1', 'NOPE-2'] });
    expect(none.status).toBe(404);
    expect(none.body.message).toBe('none of the 2 serials is known');
  });
});
