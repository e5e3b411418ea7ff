import { TraceEvent } from '@trace/contracts';
import { shopFloorEvents } from '../apps/simulator/src/shop-floor';
import { cfxStream } from '../apps/simulator/src/cfx-format';
import { vendorAliasTable } from '../apps/cfx-bridge/src/map-cfx-message/cfx-mapping.config';
import { MapCfxMessage } from '../apps/cfx-bridge/src/map-cfx-message/map-cfx-message.use-case';
import { LineState } from '../apps/cfx-bridge/src/line-state/line-state';

// The simulator's `--format cfx` and the bridge meet here: the CFX a simulated line publishes maps back, through the
// bridge's own mapper, to the installations of the contract stream, with the splices the line made.
describe('a simulated stream as IPC-CFX', () => {
  const events: TraceEvent[] = [...shopFloorEvents({ seed: 1, units: 40, partsPerBoard: 300, brands: 3, lines: 6 })];
  const stream = cfxStream(events);
  const envelopes = [...stream.envelopes];
  const vendors = [...new Set(events.flatMap((e) => (e.type === 'MaterialReceived' ? [e.data.vendorId] : [])))];
  const mapper = new MapCfxMessage({ vendorAliases: vendorAliasTable(Object.fromEntries(vendors.map((v) => [v, []]))), workOrders: new Map(Object.entries(stream.workOrders)) }, new LineState());
  const mapped = envelopes.map((e) => mapper.execute({ body: Buffer.from(JSON.stringify(e)) }));
  const out = mapped.flatMap((m) => m.events.map((x) => x.event));

  it('maps every envelope, none refused, none unused', () => {
    expect(mapped.flatMap((m) => m.refusals)).toEqual([]);
    expect(mapped.flatMap((m) => m.unused)).toEqual([]);
  });

  it('gives back every installation of the contract stream, package and designators, and every unit started', () => {
    const say = (e: TraceEvent): string => (e.type === 'MaterialInstalled' ? `${e.data.serial}|${e.data.lotId}|${e.data.refDes.join(',')}` : '');
    const installs = (es: TraceEvent[]) => es.filter((e) => e.type === 'MaterialInstalled').map(say).sort();
    expect(installs(out)).toEqual(installs(events));
    expect(out.filter((e) => e.type === 'UnitStarted').length).toBe(events.filter((e) => e.type === 'UnitStarted').length);
  });

  it('splices a new reel onto the old one where a line changes reels, its first placements from either', () => {
    const splices = out.filter((e) => e.type === 'LotSpliced');
    expect(splices.length).toBeGreaterThan(0);
    const grey = out.flatMap((e) => (e.type === 'MaterialInstalled' && e.data.candidates ? [e.data] : []));
    expect(grey.length).toBeGreaterThan(0);
    for (const g of grey) {
      expect(g.candidates!.lotIds).toContain(g.lotId);
      expect(splices.some((s) => s.type === 'LotSpliced' && s.data.trailingLotId === g.lotId && g.candidates!.lotIds.includes(s.data.leadingLotId))).toBe(true);
    }
  });
});
