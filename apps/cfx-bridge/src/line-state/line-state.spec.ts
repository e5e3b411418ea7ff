import { LineState, PanelRecord, parseStateRecord, stateKeyOf } from './line-state';

describe('the bridge state records', () => {
  const order = { kind: 'work-order', workOrder: 'WO-9', brand: 'Globex', productPartNumber: 'GX-7', at: '2026-11-02T06:00:00-04:00', uniqueId: 'u-1' } as const;

  it('read back what the bridge writes, keyed by work order and by panel', () => {
    const panel: PanelRecord = { kind: 'panel', panel: 'PNL-1', units: [{ position: 1, serial: 'PNL-1@1' }], at: order.at, uniqueId: 'u-2' };
    expect(parseStateRecord(Buffer.from(JSON.stringify(order)))).toEqual(order);
    expect(parseStateRecord(JSON.stringify(panel))).toEqual(panel);
    expect([stateKeyOf(order), stateKeyOf(panel)]).toEqual(['work-order:WO-9', 'panel:PNL-1']);
  });

  it.each([
    ['a tombstone', null],
    ['no JSON', '{work'],
    ['a record of another kind', JSON.stringify({ ...order, kind: 'shift' })],
    ['a record without its time', JSON.stringify({ ...order, at: undefined })],
    ['a brand that is no text', JSON.stringify({ ...order, brand: 7 })],
    ['a panel position that is no whole number', JSON.stringify({ kind: 'panel', panel: 'P', units: [{ position: 1.5, serial: 'S' }], at: order.at, uniqueId: 'u' })],
  ])('skip %s', (_what, value) => {
    expect(parseStateRecord(value)).toBeUndefined();
  });

  it('keep the newest record of a key, whatever order they are offered in', () => {
    const state = new LineState();
    const later = { ...order, productPartNumber: 'GX-8', at: '2026-11-02T11:00:00Z' }; // 07:00 at -04:00
    expect(state.offer(later)).toBe(true);
    expect(state.offer(order)).toBe(false);
    expect(state.offer(later)).toBe(false);
    expect(state.workOrder('WO-9')?.productPartNumber).toBe('GX-8');
  });
});
