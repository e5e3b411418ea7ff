import { eventIdOf } from './provenance';
import { KafkaPosition, TraceEvent, makeEvent } from '@trace/contracts';
import { assembleGenealogy } from '../backward/assemble-genealogy';
import { BackwardTracer } from '../backward/backward-tracer';
import { GraphFetcher } from '../backward/graph-fetcher';
import { judgeGenealogy, subjectOf } from '../authority/judge-genealogy';
import { sampleUnitsOfProducts, unitsOfProducts } from '../forward/product-units';
import { whereUsedOfLot } from '../forward/where-used';
import type { WhereUsedRow } from '../forward/where-used.types';
import { BrandScope, Flag, SITE_WIDE } from '../genealogy.types';
import { findIds } from '../id-lookup';
import type { LotDoc, UnitDoc } from '../storage/graph.documents';
import { FakeStore, applyWrites, fetchedOf, readerOf } from '../testing/fake-graph';
import { graphWritesFor } from '../write/graph-writes';
import { agreementOf, brandOf, claimsOf, lotReceiptOf, unitStartOf } from './claims';

const acme: BrandScope = { kind: 'brands', brands: ['Acme'] };
const globex: BrandScope = { kind: 'brands', brands: ['Globex'] };
const t = (m: number) => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();
const at = (i: number): KafkaPosition => ({ topic: 't', partition: 0, offset: String(i) });

const received = (eventId: string, lotId: string, over: { vendorLotCode?: string; receiptId?: string; quantity?: number } = {}): TraceEvent =>
  makeEvent('MaterialReceived', {
    receiptId: over.receiptId ?? 'GR-1', vendorId: 'V1', manufacturer: 'M', mpn: 'CAP', internalPartNumber: 'C1', vendorLotCode: over.vendorLotCode ?? 'VL-1',
    receivedAt: t(0), uom: 'pcs', packages: [{ lotId, quantity: over.quantity ?? 100 }],
  }, { occurredAt: t(0), eventId });
const started = (eventId: string, serial: string, brand: string, productPartNumber = 'P1', workOrder = 'WO1', m = 1): TraceEvent =>
  makeEvent('UnitStarted', { serial, brand, productPartNumber, workOrder }, { occurredAt: t(m), eventId });
const installed = (eventId: string, serial: string, lotId: string): TraceEvent =>
  makeEvent('MaterialInstalled', { serial, lotId, quantity: 1, refDes: ['C1'] }, { occurredAt: t(2), eventId });
const assembled = (eventId: string, serial: string, childSerial: string): TraceEvent =>
  makeEvent('UnitAssembled', { serial, childSerial }, { occurredAt: t(3), eventId });

const storeIn = (events: TraceEvent[]): FakeStore => {
  const store: FakeStore = {};
  events.forEach((event, i) => applyWrites(store, graphWritesFor({ event, position: at(i) })));
  return store;
};
const collect = async (rows: AsyncGenerator<WhereUsedRow>): Promise<WhereUsedRow[]> => {
  const out: WhereUsedRow[] = [];
  for await (const r of rows) out.push(r);
  return out;
};
const conflictFlags = (flags: Flag[]) => flags.filter((f) => f.code === 'CONFLICTING_FACTS');

/** Serial S1 started for Acme and again for Globex, with reel R1 installed; S2 a plain Acme unit on the same reel. */
const brandConflict = (): TraceEvent[] => [
  received('r1', 'R1'),
  started('s-acme', 'S1', 'Acme'),
  started('s-globex', 'S1', 'Globex'),
  installed('i1', 'S1', 'R1'),
  started('s2', 'S2', 'Acme'),
  installed('i2', 'S2', 'R1'),
];

describe('claims: facts with one value, kept per event', () => {
  it('agree when every claim has the same value, a duplicate UnitStarted under another event id included', () => {
    const store = storeIn([started('a', 'S', 'Acme'), started('b', 'S', 'Acme')]);
    const start = unitStartOf(store.units!.get('S') as UnitDoc);
    expect(start.claims).toHaveLength(2);
    expect(start.conflicts).toEqual([]);
    expect(start.agreed).toEqual({ brand: 'Acme', productPartNumber: 'P1', workOrder: 'WO1' });
    const g = assembleGenealogy('S', fetchedOf(store));
    expect(conflictFlags(g.summary.flags)).toEqual([]);
    expect(g.unit.brand).toBe('Acme');
  });

  it('name every value of a field in conflict with the provenance of each, in the order first claimed', () => {
    const { agreed, conflicts } = agreementOf(
      claimsOf({
        x: { brand: 'B', n: 1, at: new Date(t(2)), prov: { eventId: 'e2' } as never },
        y: { brand: 'A', n: 1, at: new Date(t(1)), prov: { eventId: 'e1' } as never },
        z: { brand: 'A', n: 1, at: new Date(t(3)), prov: { eventId: 'e3' } as never },
      }),
      ['brand', 'n'],
    );
    expect(agreed).toEqual({ n: 1 });
    expect(conflicts).toEqual([{ field: 'brand', values: [{ value: 'A', provenance: [{ eventId: 'e1' }, { eventId: 'e3' }] }, { value: 'B', provenance: [{ eventId: 'e2' }] }] }]);
  });

  it('leave a claim the visibility predicate hides out, so hiding one side resolves the conflict', () => {
    const unit = storeIn([started('s-acme', 'S1', 'Acme'), started('s-globex', 'S1', 'Globex')]).units!.get('S1') as UnitDoc;
    expect(brandOf(unit)).toBeUndefined();
    expect(brandOf(unit, (f) => eventIdOf(f.prov) !== 's-globex')).toBe('Acme');
  });

  it('read a document of the old shape (one started field, one receipt field) as one claim each', () => {
    const prov = { eventId: 'old' } as never;
    const unit: UnitDoc = { _id: 'S', started: { brand: 'Acme', productPartNumber: 'P', workOrder: 'W', at: new Date(t(0)), prov } };
    expect(brandOf(unit)).toBe('Acme');
    const lot: LotDoc = { _id: 'L', receipt: { receiptId: 'GR', vendorLotId: 'VL', vendorId: 'V', mpn: 'M', quantity: 1, uom: 'pcs', receivedAt: t(0), at: new Date(t(0)), prov } };
    expect(lotReceiptOf(lot).agreed.vendorLotId).toBe('VL');
  });
});

describe('claims on the write side', () => {
  it('keep both starts of a serial, ending in the same documents in any order of delivery and with replays', () => {
    const events = brandConflict();
    const snapshot = (s: FakeStore) => JSON.stringify(Object.fromEntries(Object.entries(s).map(([k, m]) => [k, [...m].sort(([a], [b]) => (a < b ? -1 : 1))])), (_k, v) =>
      v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v);
    const expected = snapshot(storeIn(events));
    for (const order of [[...events].reverse(), [events[2]!, events[3]!, events[1]!, events[0]!, events[5]!, events[4]!, events[1]!]]) {
      const store: FakeStore = {};
      order.forEach((event) => applyWrites(store, graphWritesFor({ event, position: at(events.indexOf(event)) })));
      expect(snapshot(store)).toBe(expected);
    }
    const unit = storeIn(events).units!.get('S1') as UnitDoc;
    expect(Object.values(unit.starts ?? {}).map((s) => s.brand).sort()).toEqual(['Acme', 'Globex']);
  });

  it("write the forward edges of a unit in conflict under every brand claimed, and mark its product-unit buckets conflicted", () => {
    const store = storeIn(brandConflict());
    const edges = [...store.lotBrandUses!.values()].flatMap((d) => Object.values(d.serials).map((s) => `${d.brand}:${s}`)).sort();
    expect(edges).toEqual(['Acme:S1', 'Acme:S2', 'Globex:S1']);
    const marks = [...store.productUnits!.values()].flatMap((d) => Object.values(d.conflicted ?? {}).map((c) => `${d.brand}:${c}`)).sort();
    expect(marks).toEqual(['Acme:brand', 'Globex:brand']);
  });
});

describe('a unit whose brand is in conflict fails closed', () => {
  it('is unknown to each brand, as a serial that never existed, and shown to a site-wide key with both sides', async () => {
    const reader = readerOf(storeIn(brandConflict()));
    const tracer = new BackwardTracer(new GraphFetcher(reader as never));
    expect(await tracer.trace('S1', acme)).toBeNull();
    expect(await tracer.trace('S1', globex)).toBeNull();
    expect(await tracer.trace('NEVER', acme)).toBeNull();
    expect((await tracer.traceMany(['S1', 'S2'], acme)).has('S1')).toBe(false);

    const g = (await tracer.trace('S1', SITE_WIDE))!;
    expect(g.unit.brand).toBeUndefined();
    expect(g.unit.productPartNumber).toBe('P1');
    expect(g.unit.conflictingFields).toEqual(['brand']);
    const [flag, ...more] = conflictFlags(g.summary.flags);
    expect(more).toEqual([]);
    expect(flag).toMatchObject({ serial: 'S1', field: 'brand', serials: ['S1'] });
    expect(flag!.values!.map((v) => [v.value, v.provenance.map((p) => p.eventId)])).toEqual([['Acme', ['s-acme']], ['Globex', ['s-globex']]]);
  });

  it('is in no brand’s where-used rows, product counts, samples or search, and counted once site-wide', async () => {
    const store = storeIn(brandConflict());
    const reader = readerOf(store);
    const rows = async (scope: BrandScope) => (await collect((await whereUsedOfLot(reader, 'R1', scope))!.rows({}, scope, {}))).map((r) => r.serial).sort();
    expect(await rows(acme)).toEqual(['S2']);
    expect(await rows(globex)).toEqual([]);
    expect(await rows(SITE_WIDE)).toEqual(['S1', 'S2']);
    const site = (await collect((await whereUsedOfLot(reader, 'R1', SITE_WIDE))!.rows({}, SITE_WIDE, {}))).find((r) => r.serial === 'S1')!;
    expect(site.brand).toBeUndefined();
    expect(site.conflictingFields).toEqual(['brand']);

    expect((await unitsOfProducts(reader, ['P1'], acme)).get('P1')).toBe(1);
    expect((await unitsOfProducts(reader, ['P1'], globex)).get('P1')).toBe(0);
    expect((await unitsOfProducts(reader, ['P1'], SITE_WIDE)).get('P1')).toBe(2);
    expect(await sampleUnitsOfProducts(reader, ['P1'], acme, 10, new Set())).toEqual(['S2']);
    expect(await sampleUnitsOfProducts(reader, ['P1'], globex, 10, new Set())).toEqual([]);
    expect((await sampleUnitsOfProducts(reader, ['P1'], SITE_WIDE, 10, new Set())).sort()).toEqual(['S1', 'S2']);

    expect(await findIds(reader, 'S1', acme)).toEqual([]);
    expect(await findIds(reader, 'S1', globex)).toEqual([]);
    expect(await findIds(reader, 'S1', SITE_WIDE)).toEqual([{ kind: 'serial', id: 'S1', label: 'conflicting starts (brand)' }]);
  });

  it('makes a lot no event received, known only from its uses in that unit, unknown to each brand', async () => {
    const reader = readerOf(storeIn([...brandConflict(), installed('i3', 'S1', 'NEVER-RECEIVED')]));
    expect(await whereUsedOfLot(reader, 'NEVER-RECEIVED', acme)).toBeNull();
    expect(await whereUsedOfLot(reader, 'NEVER-RECEIVED', globex)).toBeNull();
    expect(await whereUsedOfLot(reader, 'NEVER-RECEIVED', SITE_WIDE)).not.toBeNull();
  });

  it('is withheld inside another unit for a brand, like another brand’s sub-assembly', async () => {
    const reader = readerOf(storeIn([...brandConflict(), started('top', 'TOP', 'Acme'), assembled('a1', 'TOP', 'S1')]));
    const g = (await new BackwardTracer(new GraphFetcher(reader as never)).trace('TOP', acme))!;
    const child = g.unit.subAssemblies[0]!.unit;
    expect(child).toMatchObject({ serial: 'S1', withheld: true, materials: [] });
    expect(child.brand).toBeUndefined();
    expect(child.conflictingFields).toBeUndefined();
    expect(conflictFlags(g.summary.flags)).toEqual([]);
  });

  it('cannot be judged against a brand’s authority, and the answer says so', () => {
    const g = assembleGenealogy('S1', fetchedOf(storeIn(brandConflict())));
    const subject = subjectOf(g, SITE_WIDE);
    expect(subject.units).toEqual([]);
    judgeGenealogy(g, subject, { parts: new Map(), boms: new Map(), uses: [] });
    expect(g.unit.materials[0]!.judgement).toMatchObject({ verdict: 'NOT_JUDGED' });
    expect(g.unit.materials[0]!.judgement!.reason).toMatch(/brand is in conflict/);
    expect(conflictFlags(g.summary.flags)[0]!.message).toMatch(/cannot be judged/);
  });
});

describe('other conflicts', () => {
  it('flag a product and a work order in conflict, the brand agreed and still in its scope', async () => {
    const reader = readerOf(storeIn([started('a', 'S', 'Acme', 'P1', 'WO1'), started('b', 'S', 'Acme', 'P2', 'WO2')]));
    const g = (await new BackwardTracer(new GraphFetcher(reader as never)).trace('S', acme))!;
    expect(g.unit).toMatchObject({ brand: 'Acme', conflictingFields: ['productPartNumber', 'workOrder'] });
    expect(g.unit.productPartNumber).toBeUndefined();
    expect(g.unit.workOrder).toBeUndefined();
    expect(conflictFlags(g.summary.flags).map((f) => [f.field, f.values!.map((v) => v.value)])).toEqual([['productPartNumber', ['P1', 'P2']], ['workOrder', ['WO1', 'WO2']]]);
    expect((await unitsOfProducts(reader, ['P1', 'P2'], acme))).toEqual(new Map([['P1', 0], ['P2', 0]]));
    expect((await unitsOfProducts(reader, ['P1', 'P2'], SITE_WIDE))).toEqual(new Map([['P1', 0], ['P2', 0]]));
  });

  it('flag a package received twice with different vendor lots, and trace both', () => {
    const g = assembleGenealogy('S', fetchedOf(storeIn([received('r1', 'L1'), received('r2', 'L1', { vendorLotCode: 'VL-2' }), started('s', 'S', 'Acme'), installed('i', 'S', 'L1')])));
    const lot = g.lots.find((l) => l.lotId === 'L1')!;
    expect(lot.receipt).toBeUndefined();
    expect(lot.origin).toBe('received');
    expect(lot.conflictingFields).toEqual(['vendorLotId']);
    expect(lot.vendorLotIds).toHaveLength(2);
    const [flag] = conflictFlags(g.summary.flags);
    expect(flag).toMatchObject({ lotId: 'L1', field: 'vendorLotId', serials: ['S'] });
    expect(flag!.values!.map((v) => v.provenance[0]!.eventId)).toEqual(['r1', 'r2']);
  });

  it('do not flag a package received twice by the same receipt content', () => {
    const g = assembleGenealogy('S', fetchedOf(storeIn([received('r2', 'L1'), received('r1', 'L1'), started('s', 'S', 'Acme'), installed('i', 'S', 'L1')])));
    expect(conflictFlags(g.summary.flags)).toEqual([]);
    expect(g.lots[0]!.receipt).toMatchObject({ vendorLotId: expect.any(String), quantity: 100 });
  });

  it('flag a child built into two parents at once, site-wide, with both assemblies', () => {
    const store = storeIn([started('c', 'C', 'Acme'), started('p1', 'P1', 'Acme'), started('p2', 'P2', 'Globex'), assembled('a1', 'P1', 'C'), assembled('a2', 'P2', 'C')]);
    const g = assembleGenealogy('C', fetchedOf(store));
    expect(conflictFlags(g.summary.flags).map((f) => [f.serial, f.field, f.values!.map((v) => `${v.value}:${v.provenance[0]!.eventId}`)])).toEqual([['C', 'parentSerial', ['P1:a1', 'P2:a2']]]);
    // A brand does not learn of a parent it may not see.
    expect(conflictFlags(assembleGenealogy('C', { ...fetchedOf(store), scope: acme }).summary.flags)).toEqual([]);
  });

  it('do not flag a child taken out of one parent and built into another', () => {
    const store = storeIn([
      started('c', 'C', 'Acme'), started('p1', 'P1', 'Acme'), started('p2', 'P2', 'Acme'), assembled('a1', 'P1', 'C'),
      makeEvent('UnitDisassembled', { serial: 'P1', childSerial: 'C', reason: 'rework' }, { occurredAt: t(4), eventId: 'd1' }),
      makeEvent('UnitAssembled', { serial: 'P2', childSerial: 'C' }, { occurredAt: t(5), eventId: 'a2' }),
    ]);
    expect(conflictFlags(assembleGenealogy('C', fetchedOf(store)).summary.flags)).toEqual([]);
  });
});
