import { makeEvent, TraceEvent } from '@trace/contracts';
import { sleep, TestWorld } from './support/harness';

// Facts with one value (a unit's brand, product and work order; a package's receipt; the parent a child is built
// into) claimed differently by two events: both are kept, the answer shows both with their provenance, and a brand
// in conflict fails closed (only a site-wide key sees the unit). Through Kafka and MongoDB as in production.

const at = (minute: number): string => new Date(Date.UTC(2026, 10, 6, 6, minute)).toISOString();
const ev = <T extends TraceEvent['type']>(type: T, data: Extract<TraceEvent, { type: T }>['data'], minute: number, eventId: string): TraceEvent =>
  makeEvent(type, data as never, { occurredAt: at(minute), eventId }) as TraceEvent;
const receive = (eventId: string, lotId: string, vendorLotCode: string) =>
  ev('MaterialReceived', { receiptId: 'GR-CF', vendorId: 'V-CF', manufacturer: 'M', mpn: 'MPN-CF', internalPartNumber: 'I-CF', vendorLotCode, receivedAt: at(0), uom: 'pcs', packages: [{ lotId, quantity: 100 }] }, 0, eventId);
const start = (eventId: string, serial: string, brand: string, productPartNumber = 'P-CF', workOrder = 'WO-CF', minute = 1) =>
  ev('UnitStarted', { serial, brand, productPartNumber, workOrder }, minute, eventId);
const install = (eventId: string, serial: string, lotId: string) => ev('MaterialInstalled', { serial, lotId, quantity: 1, refDes: ['C1'] }, 2, eventId);

const events: TraceEvent[] = [
  receive('cf-r1', 'CF-REEL', 'VL-CF'),
  // CF-BRAND: started for Acme and, by a label mix-up, again for Globex.
  start('cf-b-acme', 'CF-BRAND', 'Acme'),
  start('cf-b-globex', 'CF-BRAND', 'Globex', 'P-CF', 'WO-CF', 3),
  install('cf-b-inst', 'CF-BRAND', 'CF-REEL'),
  ev('UnitShipped', { serial: 'CF-BRAND', shipmentId: 'CF-SHP', customer: 'Northwind' }, 4, 'cf-b-ship'),
  // CF-PRODUCT: Acme's, started under two products and two work orders.
  start('cf-p-1', 'CF-PRODUCT', 'Acme', 'P-CF', 'WO-1'),
  start('cf-p-2', 'CF-PRODUCT', 'Acme', 'P-OTHER', 'WO-2'),
  install('cf-p-inst', 'CF-PRODUCT', 'CF-REEL'),
  // CF-PKG: one package received twice with different vendor lots.
  receive('cf-k1', 'CF-PKG', 'VL-K1'),
  receive('cf-k2', 'CF-PKG', 'VL-K2'),
  start('cf-k-start', 'CF-PKG-UNIT', 'Acme'),
  install('cf-k-inst', 'CF-PKG-UNIT', 'CF-PKG'),
  // CF-CHILD: built into two Acme parents at once.
  start('cf-c', 'CF-CHILD', 'Acme'),
  start('cf-c-p1', 'CF-PARENT-1', 'Acme'),
  start('cf-c-p2', 'CF-PARENT-2', 'Acme'),
  ev('UnitAssembled', { serial: 'CF-PARENT-1', childSerial: 'CF-CHILD' }, 3, 'cf-c-a1'),
  ev('UnitAssembled', { serial: 'CF-PARENT-2', childSerial: 'CF-CHILD' }, 3, 'cf-c-a2'),
];
// Duplicates are no conflict: the same start under a second event id, and a receipt sent twice, in either order.
const duplicates: TraceEvent[] = [
  start('cf-d-1', 'CF-DUP', 'Acme'),
  start('cf-d-2', 'CF-DUP', 'Acme'),
  receive('cf-dr-1', 'CF-DUP-REEL', 'VL-DUP'),
  receive('cf-dr-2', 'CF-DUP-REEL', 'VL-DUP'),
  install('cf-d-inst', 'CF-DUP', 'CF-DUP-REEL'),
];

interface ConflictFlag {
  code: string;
  serial?: string;
  lotId?: string;
  field: string;
  values: { value: string; provenance: { eventId: string; topic: string; offset: string }[] }[];
}
const conflictsOf = (body: { summary: { flags: ConflictFlag[] } }) =>
  body.summary.flags.filter((f) => f.code === 'CONFLICTING_FACTS').map((f) => `${f.serial ?? f.lotId}.${f.field}=${f.values.map((v) => `${v.value}@${v.provenance.map((p) => p.eventId).join('+')}`).join('|')}`);

describe('conflicting facts over real Kafka and MongoDB', () => {
  const w = new TestWorld('conflicts');
  const reversed = new TestWorld('conflicts_rev');
  const keys: Record<string, string> = {};

  beforeAll(async () => {
    await Promise.all([w.startIngest(), w.startApi(), reversed.startIngest(), reversed.startApi()]);
    await w.produce([...events, ...duplicates]);
    await w.produce([duplicates[0]!, duplicates[2]!]); // replays
    await reversed.produce([...events, ...duplicates].reverse());
    await Promise.all([w.waitForIngest(), reversed.waitForIngest()]);
    keys.acme = (await w.createKey('quality', ['Acme'], 'acme')).key;
    keys.globex = (await w.createKey('quality', ['Globex'], 'globex')).key;
    keys.both = (await w.createKey('quality', ['Acme', 'Globex'], 'both brands')).key;
    keys.reversedAcme = (await reversed.createKey('quality', ['Acme'], 'acme')).key;
  });
  afterAll(() => Promise.all([w.close(), reversed.close()]));

  it('hides a serial whose brand is in conflict from each brand, with the 404 of a serial never seen', async () => {
    for (const key of [keys.acme!, keys.globex!, keys.both!]) {
      for (const path of ['genealogy', 'genealogy?history=true', 'epcis', 'report?format=json']) {
        const [x, y] = [await w.get(`/v1/serials/CF-BRAND/${path}`, key), await w.get(`/v1/serials/CF-NEVER/${path}`, key)];
        expect(`${path} ${x.status} ${x.text.replaceAll('CF-BRAND', 'CF-NEVER')}`).toBe(`${path} 404 ${y.text}`);
      }
      expect((await w.get('/v1/search?q=CF-BRAND', key)).body.matches).toEqual((await w.get('/v1/search?q=CF-NEVER', key)).body.matches);
      expect((await w.get('/v1/shipments/CF-SHP/compliance', key)).status).toBe(404);
    }
    const rows = await w.get('/v1/lots/CF-REEL/where-used', keys.acme!);
    expect(rows.body.items.map((r: { serial: string }) => r.serial)).toEqual(['CF-PRODUCT']);
    expect((await w.get('/v1/lots/CF-REEL/where-used', keys.globex!)).body.total).toBe(0);
  });

  it('shows a site-wide key both brands with the provenance of each, picking neither', async () => {
    const { status, body } = await w.get('/v1/serials/CF-BRAND/genealogy');
    expect(status).toBe(200);
    expect(body.unit.brand).toBeUndefined();
    expect(body.unit.conflictingFields).toEqual(['brand']);
    expect(body.unit.productPartNumber).toBe('P-CF');
    expect(conflictsOf(body)).toEqual(['CF-BRAND.brand=Acme@cf-b-acme|Globex@cf-b-globex']);
    const flag = body.summary.flags.find((f: ConflictFlag) => f.code === 'CONFLICTING_FACTS');
    expect(flag.values[1].provenance[0]).toMatchObject({ type: 'UnitStarted', topic: expect.stringContaining('production'), offset: expect.any(String) });
    // The brand judgement cannot take a side either, and says so.
    expect(body.unit.materials[0].judgement).toMatchObject({ verdict: 'NOT_JUDGED', reason: expect.stringContaining('brand is in conflict') });
    const rows = await w.get('/v1/lots/CF-REEL/where-used');
    expect(rows.body.items.map((r: { serial: string; brand?: string; conflictingFields?: string[] }) => `${r.serial}:${r.brand ?? '-'}:${r.conflictingFields?.join() ?? ''}`).sort())
      .toEqual(['CF-BRAND:-:brand', 'CF-PRODUCT:Acme:productPartNumber,workOrder']);
    expect((await w.get('/v1/search?q=CF-BRAND')).body.matches).toEqual([{ kind: 'serial', id: 'CF-BRAND', label: 'conflicting starts (brand)' }]);
  });

  it('counts exposure with units in conflict left out of every brand, and named (conflicting) site-wide', async () => {
    const counts = async (key: string) => (await w.get('/v1/vendors/V-CF/exposure?total=true', key)).body.counts;
    expect(await counts(w.key)).toMatchObject({
      units: 4,
      byBrand: [{ brand: 'Acme', units: 3 }, { brand: '(conflicting)', units: 1 }],
      // CF-BRAND's product is agreed; CF-PRODUCT is in no product's units, CF-BRAND in P-CF's once.
      byProduct: [{ productPartNumber: 'P-CF', units: 3, productUnits: 6 }, { productPartNumber: '(conflicting)', units: 1 }],
    });
    expect(await counts(keys.acme!)).toMatchObject({
      units: 3,
      byBrand: [{ brand: 'Acme', units: 3 }],
      byProduct: [{ productPartNumber: 'P-CF', units: 2, productUnits: 5 }, { productPartNumber: '(conflicting)', units: 1 }],
    });
    expect(await counts(keys.globex!)).toMatchObject({ units: 0, byBrand: [], byProduct: [] });
  });

  it('flags a product and a work order in conflict to the brand that owns the unit', async () => {
    const { status, body } = await w.get('/v1/serials/CF-PRODUCT/genealogy', keys.acme!);
    expect(status).toBe(200);
    expect(body.unit).toMatchObject({ brand: 'Acme', conflictingFields: ['productPartNumber', 'workOrder'] });
    expect(body.unit.productPartNumber).toBeUndefined();
    expect(conflictsOf(body)).toEqual(['CF-PRODUCT.productPartNumber=P-CF@cf-p-1|P-OTHER@cf-p-2', 'CF-PRODUCT.workOrder=WO-1@cf-p-1|WO-2@cf-p-2']);
  });

  it('flags a package received twice with different vendor lots, and traces both', async () => {
    const { body } = await w.get('/v1/serials/CF-PKG-UNIT/genealogy', keys.acme!);
    expect(conflictsOf(body)).toEqual([`CF-PKG.vendorLotId=${JSON.stringify(['V-CF', 'MPN-CF', 'VL-K1'])}@cf-k1|${JSON.stringify(['V-CF', 'MPN-CF', 'VL-K2'])}@cf-k2`]);
    const lot = body.lots.find((l: { lotId: string }) => l.lotId === 'CF-PKG');
    expect(lot).toMatchObject({ origin: 'received', conflictingFields: ['vendorLotId'] });
    expect(lot.receipt).toBeUndefined();
    expect(body.summary.vendorLots.map((v: { vendorLotCode: string }) => v.vendorLotCode)).toEqual(['VL-K1', 'VL-K2']);
  });

  it('flags a child built into two parents at once', async () => {
    const { body } = await w.get('/v1/serials/CF-CHILD/genealogy');
    expect(conflictsOf(body)).toEqual(['CF-CHILD.parentSerial=CF-PARENT-1@cf-c-a1|CF-PARENT-2@cf-c-a2']);
  });

  it('flags no duplicate, replayed or not, and answers the same in the reverse order of delivery', async () => {
    const dup = await w.get('/v1/serials/CF-DUP/genealogy', keys.acme!);
    expect(dup.status).toBe(200);
    expect(conflictsOf(dup.body)).toEqual([]);
    expect(dup.body.unit).toMatchObject({ brand: 'Acme', productPartNumber: 'P-CF', workOrder: 'WO-CF' });
    expect(dup.body.lots[0].receipt).toMatchObject({ receiptId: 'GR-CF' });
    const strip = (text: string) => JSON.stringify(JSON.parse(text, (k, v: unknown) => (k === 'partition' || k === 'offset' || k === 'topic' ? undefined : v)));
    for (const serial of ['CF-DUP', 'CF-PRODUCT', 'CF-PKG-UNIT', 'CF-BRAND']) {
      const key = serial === 'CF-BRAND' ? [w.key, reversed.key] : [keys.acme!, keys.reversedAcme!];
      const [x, y] = [await w.get(`/v1/serials/${serial}/genealogy`, key[0]), await reversed.get(`/v1/serials/${serial}/genealogy`, key[1])];
      expect(strip(x.text)).toBe(strip(y.text));
    }
  });

  it('describes the conflict in its OpenAPI document', async () => {
    const { body } = await w.get('/docs-json');
    const schemas = body.components.schemas;
    expect(schemas.FlagDto.properties.code.enum).toContain('CONFLICTING_FACTS');
    expect(schemas.FlagDto.properties.values.items.$ref).toBe('#/components/schemas/ClaimedValueDto');
    expect(Object.keys(schemas.ClaimedValueDto.properties).sort()).toEqual(['provenance', 'value']);
    for (const dto of ['UnitNodeDto', 'LotNodeDto', 'WhereUsedRowDto']) expect(`${dto}: ${Object.keys(schemas[dto].properties)}`).toContain('conflictingFields');
  });

  it('leaves a serial whose brand is in conflict out of a brand’s report job, as a serial never seen', async () => {
    const job = await w.post('/v1/reports', { serials: ['CF-BRAND', 'CF-NEVER', 'CF-DUP'] }, keys.acme!);
    expect(job.status).toBe(202);
    let state = job.body;
    for (let i = 0; i < 100 && state.status !== 'done' && state.status !== 'failed'; i++) {
      await sleep(100);
      state = (await w.get(`/v1/reports/${job.body.id}`, keys.acme!)).body;
    }
    expect(state).toMatchObject({ status: 'done', notFound: ['CF-BRAND', 'CF-NEVER'] });
    const csv = (await w.get(`/v1/reports/${job.body.id}/result`, keys.acme!)).text;
    expect(csv).toContain('CF-DUP');
    expect(csv).not.toContain('CF-BRAND');
  });
});

describe('a conflict resolved by a retraction, over real Kafka and MongoDB', () => {
  const w = new TestWorld('conflicts_fix');
  const wrong = start('fx-globex', 'FX-UNIT', 'Globex', 'P-CF', 'WO-CF', 3);
  const retraction = ev('EventRetracted', { retractedEventId: 'fx-globex', reason: 'label printed twice: FX-UNIT is Acme\'s' }, 5, 'fx-retract');
  let acme = '';
  let globex = '';

  beforeAll(async () => {
    await Promise.all([w.startIngest(), w.startApi()]);
    await w.produce([receive('fx-r', 'FX-REEL', 'VL-FX'), start('fx-acme', 'FX-UNIT', 'Acme'), wrong, install('fx-inst', 'FX-UNIT', 'FX-REEL')]);
    await w.waitForIngest();
    acme = (await w.createKey('quality', ['Acme'], 'acme')).key;
    globex = (await w.createKey('quality', ['Globex'], 'globex')).key;
  });
  afterAll(() => w.close());

  it('hides the unit from both brands while in conflict, and gives it back to its brand alone once one side is retracted', async () => {
    for (const key of [acme, globex]) expect((await w.get('/v1/serials/FX-UNIT/genealogy', key)).status).toBe(404);
    expect(conflictsOf((await w.get('/v1/serials/FX-UNIT/genealogy')).body)).toEqual(['FX-UNIT.brand=Acme@fx-acme|Globex@fx-globex']);

    await w.produce([retraction], [wrong]);
    await w.waitForIngest();

    const mine = await w.get('/v1/serials/FX-UNIT/genealogy', acme);
    expect(mine.status).toBe(200);
    expect(mine.body.unit.brand).toBe('Acme');
    expect(conflictsOf(mine.body)).toEqual([]);
    const theirs = [await w.get('/v1/serials/FX-UNIT/genealogy', globex), await w.get('/v1/serials/FX-NEVER/genealogy', globex)];
    expect(theirs[0]!.status).toBe(404);
    expect(theirs[0]!.body).toEqual(theirs[1]!.body.message ? { ...theirs[1]!.body, message: theirs[1]!.body.message.replace('FX-NEVER', 'FX-UNIT') } : theirs[1]!.body);
    // The forward edges were written under both brands claimed; the unit's own claims decide who sees the use.
    expect((await w.get('/v1/lots/FX-REEL/where-used', acme)).body.items.map((r: { serial: string }) => r.serial)).toEqual(['FX-UNIT']);
    expect((await w.get('/v1/lots/FX-REEL/where-used', globex)).body.items).toEqual([]); // a received lot: known site-wide, none of Globex's units
  });
});
