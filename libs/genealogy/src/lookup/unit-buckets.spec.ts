import { TraceEvent } from '@trace/contracts';
import { testEvents } from '@trace/contracts/testing';
import { FakeStore, readerOf, storeOf } from '../testing/fake-graph';
import { expectSameDocumentsInAnyOrder } from '../testing/any-order';
import { SITE_WIDE, type BrandScope } from '../genealogy.types';
import { BUCKET_COUNT, UNITS_PER_READ, bucketedUnits, firstBucketsFor } from '../storage/lot-uses';
import { BucketCollection, indexedBuckets, ownerBuckets } from '../testing/bucket-layout';
import { shipmentUnitsOf } from '../authority/shipment-units';
import { findIds } from '../id-lookup';
import { readShipment, readWorkOrder } from './records';

// A work order's units (work_orders -> work_order_units) and a shipment's (shipment_units -> shipment_unit_buckets) in
// buckets, as a lot's uses are: the work order's and the shipment's own documents list only their buckets, however
// many units they hold.

const serial = (i: number) => `S${String(i).padStart(5, '0')}`;
const brandOf = (i: number) => (i % 3 === 0 ? 'Globex' : 'Acme');
const acme: BrandScope = { kind: 'brands', brands: ['Acme'] };

/** `n` units started under WO1 (two brands: a third Globex's) and shipped in SHP1; one unit of another work order. */
function built(n: number): TraceEvent[] {
  const ev = testEvents('ub'); // the same event ids at every call
  const events: TraceEvent[] = [];
  for (let i = 0; i < n; i++) {
    events.push(ev('UnitStarted', { serial: serial(i), brand: brandOf(i), productPartNumber: `P-${brandOf(i)}`, workOrder: 'WO1' }, i % 50));
    events.push(ev('UnitShipped', { serial: serial(i), shipmentId: 'SHP1', customer: i % 2 === 0 ? 'Northwind' : 'Initech' }, 100 + (i % 50)));
  }
  events.push(ev('UnitStarted', { serial: 'OTHER', brand: 'Acme', productPartNumber: 'P-Acme', workOrder: 'WO2' }, 1));
  return events;
}
const docs = (store: FakeStore, collection: string) => [...(store[collection]?.values() ?? [])];

/** As the writer before the buckets left a store: every unit in the work order's and the shipment's own `units`. */
function legacyOf(store: FakeStore): FakeStore {
  const out: FakeStore = structuredClone(store);
  for (const [parent, buckets] of [['workOrders', 'workOrderUnits'], ['shipmentUnits', 'shipmentUnitBuckets']] as const) {
    for (const doc of out[parent]!.values()) {
      delete doc.buckets;
      doc.units = {};
    }
    for (const b of docs(out, buckets)) Object.assign(out[parent]!.get(b.workOrder ?? b.shipmentId)!.units, b.units);
    delete out[buckets];
  }
  return out;
}

describe("a work order's and a shipment's units", () => {
  it('go to several buckets once there are more than one holds, each listed in its own document, which stays small (the stored layout)', () => {
    const few = storeOf(built(3));
    const many = storeOf(built(3_000));
    for (const [parent, buckets, owner, ownerField] of [['workOrders', 'workOrderUnits', 'WO1', 'workOrder'], ['shipmentUnits', 'shipmentUnitBuckets', 'SHP1', 'shipmentId']] as const) {
      const units: BucketCollection<{ serial: string }> = { collection: buckets, ownerOf: (b) => b[ownerField], factsOf: (b) => b.units, keyOf: (u) => u.serial };
      const held = ownerBuckets(many, units, owner);
      expect(held.misplaced).toEqual([]);
      expect(held.numbers.length).toBeGreaterThan(BUCKET_COUNT / 2); // 3,000 serials over 1,024 buckets: ~970 non-empty
      expect(held.facts.map(([, u]) => u.serial).sort()).toEqual(Array.from({ length: 3_000 }, (_, i) => serial(i)));
      const doc = many[parent]!.get(owner)!;
      expect(held.numbers).toEqual(indexedBuckets(doc));
      // The document holds the fields it does with three units and no unit: bounded by the buckets (at most 1,024 small fields).
      expect(Object.keys(doc).sort()).toEqual(Object.keys(few[parent]!.get(owner)!).sort());
      expect(Object.keys(doc).sort()).toEqual(['_id', 'buckets']);
      expect(JSON.stringify(doc).length).toBeLessThan(16 * 1_024);
    }
  });

  it('end in the same documents whatever the order of delivery, duplicates and replays included', () => {
    const ordered = expectSameDocumentsInAnyOrder(built(300), ['workOrders', 'workOrderUnits', 'shipmentUnits', 'shipmentUnitBuckets'], { seed: 7, repeated: 80 });
    expect(docs(ordered, 'workOrderUnits').flatMap((b) => Object.keys(b.units)).length).toBe(301);
    expect(docs(ordered, 'shipmentUnitBuckets').flatMap((b) => Object.keys(b.units)).length).toBe(300);
  });
});

describe("the readers of a work order's and a shipment's units", () => {
  const store = storeOf(built(3_000));
  const answers = async (s: FakeStore) => {
    const reader = readerOf(s);
    return {
      workOrder: await readWorkOrder(reader, 'WO1', SITE_WIDE),
      workOrderAcme: await readWorkOrder(reader, 'WO1', acme),
      shipment: await readShipment(reader, 'SHP1', SITE_WIDE),
      shipmentAcme: await readShipment(reader, 'SHP1', acme),
      found: [...(await findIds(reader, 'WO1', SITE_WIDE)), ...(await findIds(reader, 'SHP1', SITE_WIDE))],
      foundAcme: [...(await findIds(reader, 'WO1', acme)), ...(await findIds(reader, 'SHP1', acme))],
      shipped: await shipmentUnitsOf(reader, 'SHP1'),
    };
  };

  it('list every unit across the buckets, a brand only its own, each bucket read once, a few buckets at first, then about a read of units at a time', async () => {
    const reader = readerOf(store);
    const wo = (await readWorkOrder(reader, 'WO1', SITE_WIDE))!;
    expect(wo.units.map((u) => u.serial)).toEqual(Array.from({ length: 3_000 }, (_, i) => serial(i)));
    expect(wo.units[3]).toMatchObject({ serial: serial(3), brand: 'Globex', productPartNumber: 'P-Globex', workOrder: 'WO1' });
    const mine = (await readWorkOrder(reader, 'WO1', acme))!;
    expect(mine.units.map((u) => u.serial)).toEqual(Array.from({ length: 3_000 }, (_, i) => i).filter((i) => brandOf(i) === 'Acme').map(serial));
    const sh = (await readShipment(reader, 'SHP1', acme))!;
    expect(sh.units.map((u) => [u.serial, u.customer])).toEqual(mine.units.map((u) => [u.serial, Number(u.serial.slice(1)) % 2 === 0 ? 'Northwind' : 'Initech']));
    expect(await findIds(reader, 'WO1', acme)).toEqual([{ kind: 'workOrder', id: 'WO1', label: '2000 units of Acme P-Acme' }]);
    expect(await findIds(reader, 'SHP1', acme)).toEqual([{ kind: 'shipment', id: 'SHP1', label: '2000 units to Initech, Northwind' }]);
    for (const [collection, owner] of [['workOrderUnits', 'WO1'], ['shipmentUnitBuckets', 'SHP1']] as const) {
      const reads = reader.reads.filter((r) => r.collection === collection);
      const once = readerOf(store);
      await (collection === 'workOrderUnits' ? readWorkOrder(once, owner, SITE_WIDE) : readShipment(once, owner, SITE_WIDE));
      const ids = once.reads.filter((r) => r.collection === collection).flatMap((r) => r.ids);
      expect(ids.sort()).toEqual(docs(store, collection).filter((b) => b.workOrder === owner || b.shipmentId === owner).map((b) => b._id).sort());
      expect(new Set(ids).size).toBe(ids.length);
      // The first read takes 8 buckets, the next as many as hold about UNITS_PER_READ units: never every bucket at once.
      expect(reads[0]!.ids).toHaveLength(firstBucketsFor(UNITS_PER_READ));
      expect(reads.length).toBeGreaterThanOrEqual(2);
    }
    // A work order of more units than one read holds: no read of much more than UNITS_PER_READ units.
    const large = storeOf(built(20_000));
    const reader20k = readerOf(large);
    expect((await readWorkOrder(reader20k, 'WO1', SITE_WIDE))!.units).toHaveLength(20_000);
    const unitReads = reader20k.reads.filter((r) => r.collection === 'workOrderUnits').map((r) => r.ids.reduce((n, id) => n + Object.keys(large.workOrderUnits!.get(id)!.units).length, 0));
    expect(unitReads.reduce((a, b) => a + b, 0)).toBe(20_000);
    expect(unitReads.length).toBeGreaterThanOrEqual(3);
    expect(Math.max(...unitReads)).toBeLessThanOrEqual(1.25 * UNITS_PER_READ);
    // A work order of three units reads the few buckets it has, in one round trip.
    const small = readerOf(storeOf(built(3)));
    await readWorkOrder(small, 'WO1', SITE_WIDE);
    expect(small.reads.filter((r) => r.collection === 'workOrderUnits')).toEqual([{ collection: 'workOrderUnits', ids: expect.any(Array) }]);
  });

  it('read a large work order about UNITS_PER_READ units a round trip, the first read too, every unit once', async () => {
    // Every bucket holding 250 units (256,000 in all; 64 buckets would be twice a read), one fact shared, only the keys differ.
    const PER_BUCKET = 250;
    const unit = { serial: 'S', prov: { eventId: 'e' } };
    const reads: number[] = [];
    const units = await bucketedUnits({ _id: 'WO-M', buckets: Object.fromEntries([...Array(BUCKET_COUNT).keys()].map((b) => [`b${b}`, b])) }, async (ids) => {
      reads.push(ids.length * PER_BUCKET);
      return ids.map((id) => ({ _id: id, units: Object.fromEntries(Array.from({ length: PER_BUCKET }, (_, i) => [`${id}-${i}`, unit])) }));
    });
    expect(Object.keys(units!)).toHaveLength(BUCKET_COUNT * PER_BUCKET);
    expect(reads.reduce((a, b) => a + b, 0)).toBe(BUCKET_COUNT * PER_BUCKET);
    expect(reads[0]).toBeLessThanOrEqual(UNITS_PER_READ);
    expect(Math.max(...reads)).toBeLessThanOrEqual(UNITS_PER_READ);
    expect(reads.length).toBeLessThanOrEqual(Math.ceil((BUCKET_COUNT * PER_BUCKET) / UNITS_PER_READ) + 1);
  });

  it('answer the same on documents written before the buckets, which list their units themselves, and on a mix of both', async () => {
    const expected = await answers(store);
    expect(expected.workOrder!.units).toHaveLength(3_000);
    expect(expected.shipped!.units).not.toEqual({});
    const legacy = legacyOf(store);
    expect(legacy.workOrderUnits).toBeUndefined();
    expect(await answers(legacy)).toEqual(expected);
    // A unit written both ways (its event replayed since the upgrade) is still one unit.
    const both = storeOf(built(3_000));
    const old = legacyOf(storeOf(built(40)));
    both.workOrders!.get('WO1')!.units = old.workOrders!.get('WO1')!.units;
    both.shipmentUnits!.get('SHP1')!.units = old.shipmentUnits!.get('SHP1')!.units;
    expect(await answers(both)).toEqual(expected);
  });
});
