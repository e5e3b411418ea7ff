import { TestingModule } from '@nestjs/testing';
import { KafkaPosition, TraceEvent, makeEvent } from '@trace/contracts';
import { gatewayScenario } from '@trace/contracts/testing';
import { mediumModule } from '@trace/platform/testing';
import { judgeWithReads } from '../authority/authority-judge';
import { authorityReaderOf } from '../authority/fake-authority';
import { assembleGenealogy } from '../backward/assemble-genealogy';
import { BackwardTracer } from '../backward/backward-tracer';
import { FakeStore, applyWrites, fetchedOf, readerOf } from '../testing/fake-graph';
import { GenealogyModule } from '../genealogy.module';
import { GenealogyRepository } from './genealogy.repository';
import { GraphWriteRepository } from '../write/graph-write.repository';
import { graphWritesFor, mergeGraphWrites } from '../write/graph-writes';
import { BrandScope, SITE_WIDE } from '../genealogy.types';
import { ForwardTracer, whereUsedOfVendor } from '../forward/where-used';
import type { VendorWhereUsed, WhereUsedRow } from '../forward/where-used.types';
import { getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { COLLECTIONS } from './graph.documents';
import { DERIVED_INLINE_CAP } from './lot-derived';
import { factKey } from '../facts/provenance';
import { AuthorityJudge } from '../authority/authority-judge';
import { shipmentUnitsOf } from '../authority/shipment-units';
import { IdLookup, findIds } from '../id-lookup';
import { RecordReader, readShipment, readWorkOrder } from '../lookup/records';
import { partReceiptsId } from '../authority/authority.documents';
import { brandDeviations } from '../authority/brand-lists';
import { deviationReport } from '../authority/deviation-report';
import { FactView, visibleReader } from '../facts/visibility';

const at = (i: number): KafkaPosition => ({ topic: 'medium', partition: 0, offset: String(i) });
const positioned = (events: TraceEvent[]) => events.map((event, i) => ({ event, position: at(i) }));
const docsOf = (store: FakeStore, collection: string) => [...(store[collection]?.values() ?? [])];
const writesOf = (events: TraceEvent[]) => mergeGraphWrites(positioned(events).flatMap(graphWritesFor));

describe('the graph in a real database', () => {
  let moduleRef: TestingModule;
  beforeEach(async () => {
    moduleRef = await mediumModule([GenealogyModule]);
  });
  afterEach(() => moduleRef.close());

  /**
   * `events` written as one batch, then the last `replayed` of them again, last first, as another (a replayed batch in
   * another order, each event at its own position); with the database and the store the same events fold to without one.
   */
  const appliedAndReplayed = async (events: TraceEvent[], replayed = 200): Promise<{ db: NonNullable<Connection['db']>; store: FakeStore }> => {
    const writer = moduleRef.get(GraphWriteRepository);
    await writer.apply(writesOf(events));
    await writer.apply(mergeGraphWrites(positioned(events).reverse().slice(0, replayed).flatMap(graphWritesFor)));
    const store: FakeStore = {};
    applyWrites(store, positioned(events).flatMap(graphWritesFor));
    return { db: moduleRef.get<Connection>(getConnectionToken()).db!, store };
  };

  it('stores what the writes say, so the genealogy read from the database equals the one built without it, replays included', async () => {
    const { ids, events } = gatewayScenario('med-');
    const writer = moduleRef.get(GraphWriteRepository);
    const delivered = positioned(events);
    await writer.apply(mergeGraphWrites(delivered.flatMap(graphWritesFor)));
    // At least once: the same messages again, in another order, one write at a time.
    for (const message of [...delivered].reverse()) await writer.apply(graphWritesFor(message));

    const fromDatabase = await moduleRef.get(BackwardTracer).trace(ids.top, SITE_WIDE);
    const store: FakeStore = {};
    applyWrites(store, delivered.flatMap(graphWritesFor));
    const withoutDatabase = await judgeWithReads(authorityReaderOf(store), assembleGenealogy(ids.top, fetchedOf(store)), SITE_WIDE); // judged alike
    expect(fromDatabase).not.toBeNull();
    const { roundTrips, ...answer } = fromDatabase!;
    const { roundTrips: _fake, ...expected } = withoutDatabase;
    expect(answer).toEqual(expected);
    expect(roundTrips).toBeGreaterThan(0);
  });

  it('reads more ids than one $in chunk holds in one call, every one of them, and nothing for unknown ids', async () => {
    const serials = Array.from({ length: 450 }, (_, i) => `MED-U${String(i).padStart(4, '0')}`);
    const started = serials.map((serial, i) =>
      makeEvent('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'P-1', workOrder: 'WO-1' }, { eventId: `med-start-${i}` }),
    );
    await moduleRef.get(GraphWriteRepository).apply(writesOf(started));

    const repo = moduleRef.get(GenealogyRepository);
    const found = await repo.findUnits([...serials, 'MED-NEVER-1', 'MED-NEVER-2']);
    expect(found.map((u) => u._id).sort()).toEqual(serials);
    expect(await repo.findUnits([])).toEqual([]);
  });

  it('finds every serial a lot went into through the forward edges the writes left, per brand as well', async () => {
    const { ids, events } = gatewayScenario('fwd-');
    await moduleRef.get(GraphWriteRepository).apply(writesOf(events));
    const tracer = moduleRef.get(ForwardTracer);
    const topsFor = async (scope: BrandScope): Promise<Set<string> | null> => {
      const used = await tracer.fromLot('fwd-REEL-C1', scope);
      if (!used) return null;
      const tops = new Set<string>();
      for await (const row of used.rows({}, scope)) tops.add(row.topSerial);
      return tops;
    };
    expect(await topsFor(SITE_WIDE)).toEqual(new Set([ids.top, ids.other]));
    // The brand edges are written after the batch, from the units it touched: the brand's own key finds the same.
    expect(await topsFor({ kind: 'brands', brands: ['Acme'] })).toEqual(new Set([ids.top, ids.other]));
    // A received lot is the site's stock, known to every key; another brand's uses of it are not.
    expect(await topsFor({ kind: 'brands', brands: ['Initech'] })).toEqual(new Set());
  });

  it('keeps both starts of a serial started for two brands, in separate batches and either order: each brand counts, finds and traces nothing of it', async () => {
    const t = (m: number) => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();
    const events = [
      makeEvent('MaterialReceived', { receiptId: 'GR', vendorId: 'V', manufacturer: 'M', mpn: 'X', internalPartNumber: 'I', vendorLotCode: 'VL', receivedAt: t(0), uom: 'pcs', packages: [{ lotId: 'cf-REEL', quantity: 9 }] }, { occurredAt: t(0), eventId: 'cf-r' }),
      makeEvent('UnitStarted', { serial: 'cf-S', brand: 'Acme', productPartNumber: 'cf-P', workOrder: 'W' }, { occurredAt: t(1), eventId: 'cf-a' }),
      makeEvent('MaterialInstalled', { serial: 'cf-S', lotId: 'cf-REEL', quantity: 1, refDes: ['C1'] }, { occurredAt: t(2), eventId: 'cf-i' }),
      makeEvent('UnitStarted', { serial: 'cf-S', brand: 'Globex', productPartNumber: 'cf-P', workOrder: 'W' }, { occurredAt: t(3), eventId: 'cf-g' }),
    ];
    const writer = moduleRef.get(GraphWriteRepository);
    // One batch per event, the second brand's start first: the last batch to read the unit sees both claims.
    for (const message of [...positioned(events)].reverse()) await writer.apply(graphWritesFor(message));
    const tracer = moduleRef.get(BackwardTracer);
    const forward = moduleRef.get(ForwardTracer);
    for (const brand of ['Acme', 'Globex']) {
      const scope: BrandScope = { kind: 'brands', brands: [brand] };
      expect(await tracer.trace('cf-S', scope)).toBeNull();
      expect((await forward.unitsOfProducts(['cf-P'], scope)).get('cf-P')).toBe(0);
      const rows = [];
      for await (const row of (await forward.fromLot('cf-REEL', scope))!.rows({}, scope)) rows.push(row);
      expect(rows).toEqual([]);
    }
    const site = (await tracer.trace('cf-S', SITE_WIDE))!;
    expect(site.summary.flags.filter((f) => f.code === 'CONFLICTING_FACTS').map((f) => f.values!.map((v) => v.value))).toEqual([['Acme', 'Globex']]);
    expect((await forward.unitsOfProducts(['cf-P'], SITE_WIDE)).get('cf-P')).toBe(1);
  });
  it("keeps a vendor's vendor lots in buckets in the database, the vendor document small, and answers its where-used from them as without a database", async () => {
    const t = new Date(Date.UTC(2026, 10, 1, 8)).toISOString();
    const events: TraceEvent[] = [makeEvent('VendorRegistered', { vendorId: 'vs-V', name: 'Volume', country: 'DE', status: 'approved' }, { occurredAt: t, eventId: 'vs-reg' })];
    for (let i = 0; i < 600; i++) {
      events.push(makeEvent('MaterialReceived', { receiptId: `vs-R${i}`, vendorId: 'vs-V', manufacturer: 'M', mpn: 'CAP', internalPartNumber: 'C', vendorLotCode: `VL${i}`, receivedAt: t, uom: 'pcs', packages: [{ lotId: `vs-REEL-${i}`, quantity: 9 }] }, { occurredAt: t, eventId: `vs-r${i}` }));
    }
    events.push(makeEvent('MaterialInstalled', { serial: 'vs-B', lotId: 'vs-REEL-7', quantity: 1, refDes: ['C1'] }, { occurredAt: t, eventId: 'vs-i' }));
    const { db, store } = await appliedAndReplayed(events, 100);
    const vendor = await db.collection<{ _id: string }>(COLLECTIONS.vendors).findOne({ _id: 'vs-V' });
    expect(Object.keys(vendor!).sort()).toEqual(['_id', 'registration', 'statuses', 'supplied']);
    const index = await db.collection<{ _id: string; buckets: Record<string, number> }>(COLLECTIONS.vendorSupplyIndex).findOne({ _id: 'vs-V' });
    const buckets = Object.values(index!.buckets);
    expect(buckets.length).toBeGreaterThan(100);
    expect(buckets.sort((a, b) => a - b)).toEqual([...store.vendorSupplies!.values()].map((b) => b.bucket as number).sort((a, b) => a - b));
    const answerOf = async (w: VendorWhereUsed | null) => {
      const rows: WhereUsedRow[] = [];
      for await (const r of w!.rows({}, SITE_WIDE)) rows.push(r);
      return { vendorLots: w!.vendorLots, lots: w!.lots, rows };
    };
    const fromDatabase = await answerOf(await moduleRef.get(ForwardTracer).fromVendor('vs-V', SITE_WIDE));
    expect(fromDatabase.vendorLots).toHaveLength(600);
    expect(fromDatabase.rows.map((r) => `${r.lotId}>${r.serial}`)).toEqual(['vs-REEL-7>vs-B']);
    expect(fromDatabase).toEqual(await answerOf(await whereUsedOfVendor(readerOf(store), 'vs-V', SITE_WIDE)));
  });
  it("keeps a work order's and a shipment's units in buckets in the database, their documents small, and answers their readers from them as without a database", async () => {
    const t = (m: number) => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();
    const events: TraceEvent[] = [];
    for (let i = 0; i < 600; i++) {
      const brand = i % 3 === 0 ? 'Globex' : 'Acme';
      events.push(makeEvent('UnitStarted', { serial: `wb-S${i}`, brand, productPartNumber: `wb-${brand}`, workOrder: 'wb-WO' }, { occurredAt: t(i % 7), eventId: `wb-s${i}` }));
      events.push(makeEvent('UnitShipped', { serial: `wb-S${i}`, shipmentId: 'wb-SHP', customer: i % 2 === 0 ? 'Northwind' : 'Initech' }, { occurredAt: t(10 + (i % 7)), eventId: `wb-x${i}` }));
    }
    const { db, store } = await appliedAndReplayed(events);
    for (const [collection, id, buckets] of [[COLLECTIONS.workOrders, 'wb-WO', 'workOrderUnits'], [COLLECTIONS.shipmentUnits, 'wb-SHP', 'shipmentUnitBuckets']] as const) {
      const doc = await db.collection<{ _id: string; buckets: Record<string, number> }>(collection).findOne({ _id: id });
      expect(Object.keys(doc!).sort()).toEqual(['_id', 'buckets']);
      expect(Object.values(doc!.buckets).length).toBeGreaterThan(100);
      expect(Object.values(doc!.buckets).sort((a, b) => a - b)).toEqual([...store[buckets]!.values()].map((b) => b.bucket as number).sort((a, b) => a - b));
    }
    const records = moduleRef.get(RecordReader);
    const search = moduleRef.get(IdLookup);
    const fake = readerOf(store);
    for (const scope of [SITE_WIDE, { kind: 'brands', brands: ['Acme'] } as BrandScope]) {
      const wo = await records.workOrder('wb-WO', scope);
      expect(wo!.units).toHaveLength(scope.kind === 'site' ? 600 : 400);
      expect(wo).toEqual(await readWorkOrder(fake, 'wb-WO', scope));
      expect(await records.shipment('wb-SHP', scope)).toEqual(await readShipment(fake, 'wb-SHP', scope));
      expect(await search.find('wb-WO', scope)).toEqual(await findIds(fake, 'wb-WO', scope));
      expect(await search.find('wb-SHP', scope)).toEqual(await findIds(fake, 'wb-SHP', scope));
    }
    const shipped = await moduleRef.get(AuthorityJudge).shipmentUnits('wb-SHP');
    expect(shipped).toHaveLength(600);
    expect(shipped).toEqual(Object.values((await shipmentUnitsOf(fake, 'wb-SHP'))!.units!).map((u) => ({ serial: u.serial, customer: u.customer })).sort((a, b) => (a.serial < b.serial ? -1 : 1)));
  });
  it("keeps a part's receipts in buckets in the database, the part document small, and counts a deviation from them as without a database", async () => {
    const t = (m: number) => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();
    const events: TraceEvent[] = [];
    for (let i = 0; i < 600; i++) {
      events.push(makeEvent('MaterialReceived', { receiptId: `pr-R${i}`, vendorId: 'pr-V', manufacturer: 'Kemet', mpn: 'pr-ALT', internalPartNumber: 'pr-CAP', vendorLotCode: `VL${i}`, receivedAt: t(0), uom: 'pcs', packages: [{ lotId: `pr-REEL-${i}`, quantity: 9 }] }, { occurredAt: t(0), eventId: `pr-r${i}` }));
    }
    events.push(makeEvent('DeviationApproved', { brand: 'Acme', deviationId: 'pr-D', internalPartNumber: 'pr-CAP', manufacturer: 'Kemet', mpn: 'pr-ALT', maxQuantity: 2, validFrom: t(1), validUntil: t(50), approvedBy: 'q@acme.example', reason: 'shortage' }, { occurredAt: t(1), eventId: 'pr-d' }));
    for (let i = 0; i < 3; i++) {
      events.push(makeEvent('UnitStarted', { serial: `pr-S${i}`, brand: 'Acme', productPartNumber: 'pr-P', workOrder: 'pr-WO' }, { occurredAt: t(2), eventId: `pr-s${i}` }));
      events.push(makeEvent('MaterialInstalled', { serial: `pr-S${i}`, lotId: `pr-REEL-${i * 250}`, quantity: 1, refDes: ['C1'] }, { occurredAt: t(3 + i), eventId: `pr-i${i}` }));
    }
    const { db, store } = await appliedAndReplayed(events);
    const part = await db.collection<{ _id: string; buckets: Record<string, number> }>(COLLECTIONS.partReceipts).findOne({ _id: partReceiptsId('pr-CAP', 'Kemet', 'pr-ALT') });
    expect(Object.keys(part!).sort()).toEqual(['_id', 'buckets', 'internalPartNumber', 'manufacturer', 'mpn']);
    expect(Object.values(part!.buckets).length).toBeGreaterThan(100);
    expect(Object.values(part!.buckets).sort((a, b) => a - b)).toEqual([...store.partReceiptBuckets!.values()].map((b) => b.bucket as number).sort((a, b) => a - b));
    expect(await db.collection(COLLECTIONS.partReceiptBuckets).countDocuments({ internalPartNumber: 'pr-CAP' })).toBe(store.partReceiptBuckets!.size);
    const judge = moduleRef.get(AuthorityJudge);
    const fake = authorityReaderOf(store);
    const now = Date.parse(t(60));
    const report = await judge.deviation('Acme', 'pr-D', SITE_WIDE, now);
    expect(report).toMatchObject({ piecesUsed: 3, exceeded: [{ serial: 'pr-S2', count: 3 }] });
    expect(JSON.stringify(report)).toBe(JSON.stringify(await deviationReport(visibleReader(fake, new FactView(fake)), 'Acme', 'pr-D', SITE_WIDE, now)));
    expect(JSON.stringify(await judge.deviations('Acme', now))).toBe(JSON.stringify(await brandDeviations(fake, 'Acme', now)));
  });

  it("keeps a lot's children inline up to the cap and every one in its bucket, the same documents from shuffled, concurrent and replayed batches, and reads them all back (the old layout too)", async () => {
    const n = DERIVED_INLINE_CAP + 50;
    const splits = Array.from({ length: n }, (_, i) =>
      makeEvent('LotSplit', { sourceLotId: 'OUT-REEL', newLots: [{ lotId: `OUT-C${i}`, quantity: 1 }] }, { eventId: `out-split-${i}`, occurredAt: new Date(Date.UTC(2026, 10, 1, 8, 0, i)).toISOString() }),
    );
    const delivered = positioned(splits);
    const shuffled = [...delivered].sort((a, b) => factKey(a.event.eventId + 'x').localeCompare(factKey(b.event.eventId + 'x')));
    const writer = moduleRef.get(GraphWriteRepository);
    // Four concurrent batches in a shuffled order, then a replay of a fifth of them.
    const batches = [0, 1, 2, 3].map((b) => shuffled.filter((_, i) => i % 4 === b));
    await Promise.all(batches.map((batch) => writer.apply(mergeGraphWrites(batch.flatMap(graphWritesFor)))));
    await writer.apply(mergeGraphWrites(shuffled.slice(0, n / 5).flatMap(graphWritesFor)));

    const store: FakeStore = {};
    for (const message of delivered) applyWrites(store, graphWritesFor(message));
    const db = moduleRef.get<Connection>(getConnectionToken()).db!;
    const lot = (await db.collection<{ _id: string; derivedInline?: unknown[] }>(COLLECTIONS.lots).findOne({ _id: 'OUT-REEL' }))!;
    expect(lot.derivedInline).toHaveLength(DERIVED_INLINE_CAP);
    expect(lot).toEqual(store.lots!.get('OUT-REEL'));
    const buckets = await db.collection<{ _id: string; lotId: string }>(COLLECTIONS.lotDerivedBuckets).find({ lotId: 'OUT-REEL' }).toArray();
    expect(buckets.sort((a, b) => a._id.localeCompare(b._id))).toEqual(docsOf(store, 'lotDerivedBuckets').sort((a, b) => a._id.localeCompare(b._id)));

    const repo = moduleRef.get(GenealogyRepository);
    const stats = { roundTrips: 0 };
    const [read] = await repo.findLots(['OUT-REEL'], { stats });
    expect(stats.roundTrips).toBeGreaterThan(0); // the buckets' reads, counted for the caller
    expect(Object.values(read!.derived!).map((d) => d.lotIds[0])).toEqual(splits.map((e) => (e.data as { newLots: { lotId: string }[] }).newLots[0]!.lotId));
    expect(read).not.toHaveProperty('derivedInline');
    // A lot of the old layout (its children in its own `derived` map) is read as it is.
    const old = {
      _id: 'OUT-OLD',
      derived: { e1: { kind: 'split', lotIds: ['OUT-OLD-1'], at: new Date(0), prov: { eventId: 'old-1' } } },
      statuses: { e2: { status: 'quarantined', reason: 'x', at: new Date(0), prov: { eventId: 'old-2' } } },
    };
    await db.collection<{ _id: string }>(COLLECTIONS.lots).insertOne(old);
    expect(await repo.findLots(['OUT-OLD'])).toEqual([old]);
    // A read of the children only (a deviation's count): the same children, nothing else of the lot, as the fake reads them.
    const childrenOnly = await repo.findLots(['OUT-REEL', 'OUT-OLD'], { childrenOnly: true });
    expect(childrenOnly.sort((a, b) => a._id.localeCompare(b._id))).toEqual([{ _id: 'OUT-OLD', derived: old.derived }, read]);
    expect(await readerOf(store).findLots(['OUT-REEL'], { childrenOnly: true })).toEqual([read]);
    // A read of what a reached lot tells (a where-used's lineage): its children, receipts and statuses, not its splices, as the fake reads them.
    const spliced = { ...old, _id: 'OUT-SPLICED', splices: { e3: { leadingLotId: 'OUT-SPLICED', trailingLotId: 'X', at: new Date(0), prov: { eventId: 'old-3' } } }, splicePoints: { e4: { leadingLotId: 'OUT-SPLICED', trailingLotId: 'X', at: new Date(0), prov: { eventId: 'old-4' } } } };
    await db.collection<{ _id: string }>(COLLECTIONS.lots).insertOne(spliced);
    const { splices: _splices, ...reached } = spliced;
    expect(await repo.findLots(['OUT-SPLICED'], { reachedOnly: true })).toEqual([reached]);
    expect(await readerOf({ lots: new Map([['OUT-SPLICED', spliced]]) }).findLots(['OUT-SPLICED'], { reachedOnly: true })).toEqual([reached]);
    expect(await repo.findLots(['OUT-REEL'], { reachedOnly: true })).toEqual(await readerOf(store).findLots(['OUT-REEL'], { reachedOnly: true }));
  });
});
