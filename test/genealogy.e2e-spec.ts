import { gatewayScenario } from '@trace/contracts/testing';
import { diamondLattice } from '@trace/genealogy/testing';
import { TestWorld } from './support/harness';

// Strips what legitimately differs between two deliveries of the same events: where they sat in Kafka.
const withoutPositions = (g: unknown): unknown =>
  JSON.parse(JSON.stringify(g, (k, v) => (k === 'partition' || k === 'offset' || k === 'roundTrips' ? undefined : v)));

describe('backward genealogy over real Kafka and MongoDB', () => {
  const ordered = new TestWorld('genealogy');
  const shuffled = new TestWorld('genealogy_shuffled');
  const scenario = gatewayScenario();

  beforeAll(async () => {
    await Promise.all([ordered.startIngest(), shuffled.startIngest(), ordered.startApi(), shuffled.startApi()]);
    await ordered.produce(scenario.events);
    // The same events newest first, across all topics, and every third one delivered twice.
    const reversed = [...scenario.events].reverse();
    await shuffled.produce([...reversed, ...reversed.filter((_, i) => i % 3 === 0)]);
    await Promise.all([ordered.waitForIngest(), shuffled.waitForIngest()]);
  });
  afterAll(async () => Promise.all([ordered.close(), shuffled.close()]));

  it('returns exactly the vendors and vendor lots behind a serial with two levels of sub-assemblies, a split and a merge', async () => {
    const { status, body } = await ordered.get(`/v1/serials/${scenario.ids.top}/genealogy`);
    expect(status).toBe(200);
    expect(body.summary.vendors.map((v: { vendorId: string }) => v.vendorId)).toEqual(scenario.expected.vendors);
    expect(body.summary.vendorLots.map((v: { vendorLotId: string }) => v.vendorLotId)).toEqual(scenario.expected.vendorLots);
    expect(body.unit.subAssemblies[0].unit.serial).toBe(scenario.ids.sub);
    expect(body.unit.subAssemblies[0].unit.subAssemblies[0].unit.serial).toBe(scenario.ids.subSub);
    expect(body.summary.units).toBe(3);
    expect(body.summary.installations).toBe(5);
    expect(body.gaps).toEqual([]);
  });

  it('describes the serial, its shipment and each lot lineage back to the received package and vendor', async () => {
    const { body } = await ordered.get(`/v1/serials/${scenario.ids.top}/genealogy`);
    expect(body.unit).toMatchObject({ brand: 'Acme', productPartNumber: 'GW-100', workOrder: 'WO-1001', shipped: true });
    expect(body.unit.shipments[0]).toMatchObject({ shipmentId: 'SHP-9001', customer: 'Northwind Networks' });
    const merged = body.lots.find((l: { lotId: string }) => l.lotId === 'REEL-SM');
    expect(merged).toMatchObject({ origin: 'merge', status: 'released', sources: [{ kind: 'merge', lotIds: ['REEL-S1', 'REEL-S2'] }] });
    const split = body.lots.find((l: { lotId: string }) => l.lotId === 'REEL-C1A');
    expect(split).toMatchObject({ origin: 'split', sources: [{ kind: 'split', lotIds: ['REEL-C1'], quantity: 1000 }] });
    const reel = body.lots.find((l: { lotId: string }) => l.lotId === 'REEL-C1');
    expect(reel.receipt).toMatchObject({ receiptId: 'GR-1001', quantity: 4000, uom: 'pcs' });
    const murata = body.vendorLots.find((v: { vendorId: string }) => v.vendorId === 'V-MURATA');
    expect(murata).toMatchObject({ mpn: 'GRM188R71C104KA01D', manufacturer: 'Murata', vendorLotCode: 'M2345', dateCode: '2542', countryOfOrigin: 'JP' });
    expect(body.vendors.find((v: { vendorId: string }) => v.vendorId === 'V-MURATA')).toMatchObject({ name: 'Murata Electronics', country: 'JP', status: 'approved' });
  });

  it('flags material from a disqualified vendor, with the serial that holds it', async () => {
    const { body } = await ordered.get(`/v1/serials/${scenario.ids.top}/genealogy`);
    expect(body.summary.flags.filter((f: { rule?: string }) => f.rule === undefined)).toEqual([ // brand authority's flags: brand-authority.e2e-spec.ts
      expect.objectContaining({ code: 'VENDOR_NOT_APPROVED', vendorId: scenario.expected.disqualified, serials: [scenario.ids.subSub] }),
    ]);
  });

  it('gives every fact its provenance, down to the Kafka topic, partition and offset', async () => {
    const { body } = await ordered.get(`/v1/serials/${scenario.ids.top}/genealogy`);
    const install = body.unit.materials.find((m: { lotId: string }) => m.lotId === 'TRAY-U1');
    const source = scenario.events.find((e) => e.type === 'MaterialInstalled' && e.data.lotId === 'TRAY-U1')!;
    expect(install.provenance).toMatchObject({ eventId: source.eventId, source: 'site1/smt-line-1', occurredAt: source.occurredAt, topic: 'trace.production.v1', type: 'MaterialInstalled' });
    expect(Number.isInteger(install.provenance.partition)).toBe(true);
    expect(install.provenance.offset).toMatch(/^\d+$/);
  });

  it('ends in the same answer when events arrive reversed across topics and duplicated', async () => {
    const [a, b] = await Promise.all([ordered.get(`/v1/serials/${scenario.ids.top}/genealogy`), shuffled.get(`/v1/serials/${scenario.ids.top}/genealogy`)]);
    expect(b.status).toBe(200);
    expect(withoutPositions(b.body)).toEqual(withoutPositions(a.body));
  });

  it('reads one level of the graph per round trip', async () => {
    const { body } = await ordered.get(`/v1/serials/${scenario.ids.top}/genealogy`);
    // top, sub, sub-sub, then the lots of the deepest unit, their sources, receipts' vendor lots and vendors.
    // Then one for the retractions of the last level's events (the others ride along with the next level), and one for
    // the brand's documents (brand authority; no approvals here, so none for them).
    expect(body.roundTrips).toBeLessThanOrEqual(9);
    // At least the three levels of units and the lots of the deepest: a counter that never counts fails here.
    expect(body.roundTrips).toBeGreaterThanOrEqual(4);
  });

  it('answers 404 with a clear message for an unknown serial', async () => {
    const { status, body } = await ordered.get('/v1/serials/NO-SUCH-SERIAL/genealogy');
    expect(status).toBe(404);
    expect(body.message).toBe('serial "NO-SUCH-SERIAL" is not known');
  });

  it('answers 400 for a serial longer than the contract allows', async () => {
    const { status, body } = await ordered.get(`/v1/serials/${'x'.repeat(129)}/genealogy`);
    expect(status).toBe(400);
    expect(JSON.stringify(body.message)).toContain('serial');
  });

  it('reports healthy when the database and the broker answer', async () => {
    const { status, body } = await ordered.get('/health');
    expect(status).toBe(200);
    expect(body.checks.database.status).toBe('up');
    expect(body.checks.broker.status).toBe('up');
  });

  it('serves its OpenAPI document', async () => {
    const { status, body } = await ordered.get('/docs-json');
    expect(status).toBe(200);
    expect(Object.keys(body.paths)).toEqual(expect.arrayContaining(['/v1/serials/{serial}/genealogy', '/health']));
  });
});

describe('gaps in the graph', () => {
  const world = new TestWorld('gaps');
  const scenario = gatewayScenario();
  // Leave out the receipt of the TI tray, the start of the sub-sub-assembly and the Yageo registration.
  const missing = new Set(['MaterialReceived:TRAY-U1', 'UnitStarted:REG1-0001', 'VendorRegistered:V-YAGEO']);
  const label = (e: (typeof scenario.events)[number]): string =>
    e.type === 'MaterialReceived' ? `${e.type}:${e.data.packages[0]?.lotId}` : e.type === 'UnitStarted' ? `${e.type}:${e.data.serial}` : e.type === 'VendorRegistered' ? `${e.type}:${e.data.vendorId}` : '';

  beforeAll(async () => {
    await Promise.all([world.startIngest(), world.startApi()]);
    await world.produce(scenario.events.filter((e) => !missing.has(label(e))));
    await world.waitForIngest();
  });
  afterAll(() => world.close());

  it('says where the graph has a hole instead of failing or hiding it', async () => {
    const { status, body } = await world.get(`/v1/serials/${scenario.ids.top}/genealogy`);
    expect(status).toBe(200);
    const gaps = body.gaps.map((g: { code: string; id: string; referencedBy: string[] }) => `${g.code}:${g.id}:${g.referencedBy.join('+')}`).sort();
    expect(gaps).toEqual(['CHILD_SERIAL_NEVER_STARTED:REG1-0001:PWR10-0001', 'LOT_NEVER_RECEIVED:TRAY-U1:GW100-0001', 'VENDOR_NEVER_REGISTERED:V-YAGEO:["V-YAGEO","RC0603FR-0710KL","Y77"]']);
    // The rest of the genealogy is still complete.
    expect(body.summary.vendorLots).toHaveLength(3);
  });
});

describe('a unit built into two parents at every level (diamond lattice)', () => {
  const world = new TestWorld('lattice');
  // Depth 10 is the ~105 events that once gave a 167 MB genealogy; depth 20 doubles the units and squares the paths.
  const small = diamondLattice('LAT10', 10);
  const large = diamondLattice('LAT20', 20);

  beforeAll(async () => {
    await Promise.all([world.startIngest(), world.startApi()]);
    await world.produce([...small.events, ...large.events]);
    await world.waitForIngest();
  });
  afterAll(() => world.close());

  it('answers with each unit once and a size linear in the units, not in the 2^depth paths', async () => {
    const [a, b] = [await world.get(`/v1/serials/${small.top}/genealogy`), await world.get(`/v1/serials/${large.top}/genealogy`)];
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(small.events.length).toBeGreaterThanOrEqual(100);
    expect([a.body.summary.units, b.body.summary.units]).toEqual([small.units.length, large.units.length]);
    console.log(`lattice genealogy: ${a.text.length} bytes for ${small.units.length} units, ${b.text.length} bytes for ${large.units.length} units`);
    expect(a.text.length).toBeLessThan(200_000);
    expect(b.text.length / a.text.length).toBeLessThan(2.5);
    const ratioOfUnits = large.units.length / small.units.length;
    expect(b.text.length / a.text.length).toBeLessThan(ratioOfUnits * 1.3);
  });

  it('shows each shared sub-assembly as a UNIT_IN_TWO_PARENTS gap naming both parents', async () => {
    const { body } = await world.get(`/v1/serials/${small.top}/genealogy`);
    const conflicts = body.gaps.filter((g: { code: string }) => g.code === 'UNIT_IN_TWO_PARENTS');
    expect(conflicts).toHaveLength(2 * 9);
    expect(conflicts.find((g: { id: string }) => g.id === 'LAT10-L5a')).toMatchObject({ referencedBy: ['LAT10-L4a', 'LAT10-L4b'] });
  });

  it('exports EPCIS and answers where-used in sizes linear in the units', async () => {
    const [a, b] = [await world.get(`/v1/serials/${small.top}/epcis`), await world.get(`/v1/serials/${large.top}/epcis`)];
    expect([a.status, b.status]).toEqual([200, 200]);
    expect(b.text.length / a.text.length).toBeLessThan(2.5);
    const wu = await world.get(`/v1/lots/${large.bottomLot}/where-used?limit=1000&total=true`);
    expect(wu.status).toBe(200);
    expect(wu.body.total).toBe(large.units.length); // one row per (lot, serial, top), and every unit has one top
    const health = await world.get('/health');
    expect(health.status).toBe(200);
  });
});
