import { KafkaPosition, TraceEvent, makeEvent } from '@trace/contracts';
import { assembleGenealogy } from '../backward/assemble-genealogy';
import { FakeStore, applyWrites as apply, fetchedOf } from '../testing/fake-graph';
import { factKey } from '../facts/provenance';
import { graphWritesFor, mergeGraphWrites } from './graph-writes';

// Canonical JSON (keys sorted at every level): MongoDB compares documents by content, not key order.
const canonical = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' && !(v instanceof Date)
    ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
    : v;
const snapshot = (s: FakeStore) => JSON.stringify(canonical(Object.fromEntries(Object.entries(s).map(([k, m]) => [k, Object.fromEntries(m)]))));

const at = (i: number): KafkaPosition => ({ topic: 't', partition: 0, offset: String(i) });
const t = (m: number) => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();

function scenario(): TraceEvent[] {
  return [
    makeEvent('VendorRegistered', { vendorId: 'V-OK', name: 'Good Parts', country: 'DE', status: 'approved' }, { occurredAt: t(0), eventId: 'e1' }),
    makeEvent('VendorRegistered', { vendorId: 'V-BAD', name: 'Cheap Parts', country: 'CN', status: 'approved' }, { occurredAt: t(0), eventId: 'e2' }),
    makeEvent('VendorStatusChanged', { vendorId: 'V-BAD', status: 'disqualified', reason: 'counterfeit' }, { occurredAt: t(5), eventId: 'e3' }),
    makeEvent('MaterialReceived', { receiptId: 'R1', vendorId: 'V-OK', manufacturer: 'M', mpn: 'CAP', internalPartNumber: 'C1', vendorLotCode: 'VL1', receivedAt: t(1), uom: 'pcs', packages: [{ lotId: 'REEL-A', quantity: 100 }] }, { occurredAt: t(1), eventId: 'e4' }),
    makeEvent('MaterialReceived', { receiptId: 'R2', vendorId: 'V-BAD', manufacturer: 'M', mpn: 'RES', internalPartNumber: 'R1', vendorLotCode: 'VL2', receivedAt: t(1), uom: 'pcs', packages: [{ lotId: 'REEL-B', quantity: 50 }, { lotId: 'REEL-C', quantity: 50 }] }, { occurredAt: t(1), eventId: 'e5' }),
    makeEvent('LotSplit', { sourceLotId: 'REEL-A', newLots: [{ lotId: 'REEL-A1', quantity: 60 }, { lotId: 'REEL-A2', quantity: 40 }] }, { occurredAt: t(2), eventId: 'e6' }),
    makeEvent('LotMerged', { sourceLotIds: ['REEL-B', 'REEL-C'], lotId: 'REEL-BC' }, { occurredAt: t(2), eventId: 'e7' }),
    makeEvent('UnitStarted', { serial: 'TOP', brand: 'BrandA', productPartNumber: 'P-TOP', workOrder: 'WO1' }, { occurredAt: t(3), eventId: 'e8' }),
    makeEvent('UnitStarted', { serial: 'SUB', brand: 'BrandA', productPartNumber: 'P-SUB', workOrder: 'WO2' }, { occurredAt: t(3), eventId: 'e9' }),
    makeEvent('MaterialInstalled', { serial: 'SUB', lotId: 'REEL-A1', quantity: 2, refDes: ['C1', 'C2'] }, { occurredAt: t(4), eventId: 'e10' }),
    makeEvent('MaterialInstalled', { serial: 'TOP', lotId: 'REEL-BC', quantity: 1, refDes: ['R1'] }, { occurredAt: t(4), eventId: 'e11' }),
    makeEvent('UnitAssembled', { serial: 'TOP', childSerial: 'SUB', refDes: 'J1' }, { occurredAt: t(6), eventId: 'e12' }),
    makeEvent('LotStatusChanged', { lotId: 'REEL-BC', status: 'hold', reason: 'suspect' }, { occurredAt: t(7), eventId: 'e13' }),
  ];
}


describe('graph writes', () => {
  it('merge without changing the writes given (a refused bulk is retried event by event from them)', () => {
    const writes = scenario().flatMap((e, i) => graphWritesFor({ event: e, position: at(i) }));
    const before = JSON.stringify(writes);
    const merged = mergeGraphWrites(writes);
    expect(JSON.stringify(writes)).toBe(before);
    const units = merged.filter((w) => w.collection === 'units' && w.id === 'TOP');
    expect(units).toHaveLength(1);
    expect(Object.keys(units[0]!.set).filter((k) => k.startsWith('installs.') || k.startsWith('starts.') || k.startsWith('children.'))).toHaveLength(3);
  });

  it('keep of a placement the contract\'s fields that were given, none stored as undefined and no extra field', () => {
    const placements = [{ refDes: 'C1', location: 'FDR-1', placedAt: t(4), note: 'extra' }, { refDes: 'C2', location: undefined }];
    const event = makeEvent('MaterialInstalled', { serial: 'S', lotId: 'L', quantity: 2, refDes: ['C1', 'C2'], placements }, { eventId: 'p1' });
    const install = Object.values(graphWritesFor({ event, position: at(0) })[0]!.set)[0] as { placements: object[] };
    expect(install.placements).toStrictEqual([{ refDes: 'C1', location: 'FDR-1', placedAt: t(4) }, { refDes: 'C2' }]);
  });

  it('end in the same documents whatever the order of delivery, replays included', () => {
    const events = scenario();
    const ordered: FakeStore = {};
    events.forEach((e, i) => apply(ordered, graphWritesFor({ event: e, position: at(i) })));

    let seed = 7;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 20; round++) {
      const shuffled = events.map((e, i) => ({ e, i })).sort(() => random() - 0.5);
      const withReplays = [...shuffled, ...shuffled.slice(0, 5)];
      const store: FakeStore = {};
      for (const { e, i } of withReplays) apply(store, graphWritesFor({ event: e, position: at(i) }));
      expect(snapshot(store)).toEqual(snapshot(ordered));
    }
  });

  it("write each unit's forward edges under its brand, whether the unit was started before or after its material", () => {
    const edges = (events: TraceEvent[]) => {
      const store: FakeStore = {};
      events.forEach((e, i) => apply(store, graphWritesFor({ event: e, position: at(i) })));
      return [...(store.lotBrandUses?.values() ?? [])].map((d) => `${d.lotId}:${d.brand}:${Object.values(d.serials).join()}`).sort();
    };
    const expected = ['REEL-A1:BrandA:SUB', 'REEL-BC:BrandA:TOP'];
    expect(edges(scenario())).toEqual(expected);
    expect(edges([...scenario()].reverse())).toEqual(expected);
  });

  it('key a serial in every bucket of serials by its fact key, under a brand as without one (the stored layout)', () => {
    const store: FakeStore = {};
    scenario().forEach((e, i) => apply(store, graphWritesFor({ event: e, position: at(i) })));
    const keysOf = (docs: Iterable<Record<string, unknown>>) => [...docs].flatMap((d) => Object.entries(d.serials as Record<string, string>)).map(([k, serial]) => `${serial}:${k}`).sort();
    const expected = ['SUB', 'TOP'].map((serial) => `${serial}:${factKey(serial)}`);
    expect(keysOf(store.lotUses!.values())).toEqual(expected);
    expect(keysOf(store.lotBrandUses!.values())).toEqual(expected);
  });

  it('merged per document give the same documents as applied one by one', () => {
    const positioned = scenario().map((event, i) => ({ event, position: at(i) }));
    const oneByOne: FakeStore = {};
    positioned.forEach((p) => apply(oneByOne, graphWritesFor(p)));
    const merged: FakeStore = {};
    const writes = mergeGraphWrites(positioned.flatMap(graphWritesFor));
    apply(merged, writes);
    expect(snapshot(merged)).toEqual(snapshot(oneByOne));
    expect(writes.length).toBeLessThan(positioned.flatMap(graphWritesFor).length);
  });

  it('record the same event sent twice (at two offsets) once', () => {
    const e = scenario()[9]!;
    const store: FakeStore = {};
    apply(store, graphWritesFor({ event: e, position: at(1) }));
    apply(store, graphWritesFor({ event: e, position: at(2) }));
    expect(Object.keys(store.units!.get('SUB')!.installs)).toHaveLength(1);
  });
});

describe('assembleGenealogy', () => {
  const build = (events = scenario()) => {
    const store: FakeStore = {};
    events.forEach((e, i) => apply(store, graphWritesFor({ event: e, position: at(i) })));
    return assembleGenealogy('TOP', fetchedOf(store));
  };

  it('returns every vendor lot behind a serial through a sub-assembly, a split and a merge', () => {
    const g = build();
    expect(g.summary.vendorLots.map((v) => v.vendorLotId)).toEqual([JSON.stringify(['V-BAD', 'RES', 'VL2']), JSON.stringify(['V-OK', 'CAP', 'VL1'])]);
    expect(g.summary.vendors.map((v) => v.vendorId)).toEqual(['V-BAD', 'V-OK']);
    expect(g.unit.subAssemblies[0]?.unit.materials[0]?.lotId).toBe('REEL-A1');
    expect(g.lots.find((l) => l.lotId === 'REEL-BC')?.sources[0]?.lotIds).toEqual(['REEL-B', 'REEL-C']);
    expect(g.gaps).toEqual([]);
  });

  it('flags material from a vendor whose latest status is not approved, and a lot on hold', () => {
    const g = build();
    const codes = g.summary.flags.map((f) => `${f.code}:${f.vendorId ?? f.lotId}:${f.serials.join('+')}`);
    expect(codes.sort()).toEqual(['LOT_NOT_RELEASED:REEL-BC:TOP', 'VENDOR_NOT_APPROVED:V-BAD:TOP']);
  });

  it('decides the latest status by occurredAt, not by arrival', () => {
    const events = scenario();
    const requalified = makeEvent('VendorStatusChanged', { vendorId: 'V-BAD', status: 'approved', reason: 'audit passed' }, { occurredAt: t(2), eventId: 'e99' });
    const g = build([...events, requalified]); // arrives last, happened before the disqualification
    expect(g.vendors.find((v) => v.vendorId === 'V-BAD')?.status).toBe('disqualified');
  });

  it('names the gaps instead of failing: lot never received, child never started, vendor never registered', () => {
    const events = scenario().filter((e) => !['e4', 'e9', 'e2', 'e3'].includes(e.eventId));
    const g = build(events);
    const gaps = g.gaps.map((x) => `${x.code}:${x.id}`).sort();
    expect(gaps).toEqual(['CHILD_SERIAL_NEVER_STARTED:SUB', 'LOT_NEVER_RECEIVED:REEL-A', 'VENDOR_NEVER_REGISTERED:V-BAD']);
  });

  it('reports an assembly cycle instead of looping', () => {
    const loop = makeEvent('UnitAssembled', { serial: 'SUB', childSerial: 'TOP' }, { occurredAt: t(8), eventId: 'e100' });
    const g = build([...scenario(), loop]);
    expect(g.gaps.map((x) => x.code)).toContain('ASSEMBLY_CYCLE');
  });
});
