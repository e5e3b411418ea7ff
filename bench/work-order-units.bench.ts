/**
 * A work order's and a shipment's units as they grow: the size of the work order's (the shipment's) document and what
 * its readers read, at each size, in the layout of now (work_order_units / shipment_unit_buckets) and in the one before
 * it (every unit in one `units` map of work_orders / shipment_units), side by side in one run.
 *
 *   npx ts-node --transpile-only -r tsconfig-paths/register bench/work-order-units.bench.ts [--units 1000,100000]
 *
 * Per size, one work order starts that many units (two brands: every third Globex's, the rest Acme's) and one shipment
 * ships them all, written with the bench's bulk loader (the ingest's own writes, graphWritesFor, without Kafka) into a
 * database of its own on a mongo-java-server of its own (BENCH_MONGO_PORT, heap BENCH_MONGO_HEAP, default 2g). Then the
 * work-order page (readWorkOrder, site-wide and for Acme's key) and the shipment page (readShipment, site-wide) are read,
 * every read counted (documents, BSON bytes, the largest document, the largest read), the work order's or shipment's
 * part (its document and buckets) apart from the units' own documents every answer reads as well. Then the buckets are
 * replaced by the map the writer before them kept (the same fields it set) and the same answers read again: the old
 * layout's figures, through the read path that still reads it. At 100,000 units that map is about 25 MB, above MongoDB's
 * 16 MB document limit: MongoDB 7 refuses the write that would make it (the stand-in does not enforce the limit), so
 * the old layout's figures at that size say what a reader would have to read, not what MongoDB could hold.
 * Writes bench/results/<time>-<sha>-work-order-units.json.
 */
import 'reflect-metadata';
import mongoose from 'mongoose';
import { SITE_WIDE, type BrandScope } from '@trace/genealogy';
import { COLLECTIONS, BUCKET_COUNT, bucketId, genealogyRepositoryOn, readShipment, readWorkOrder, type RecordSources } from '@trace/genealogy/testing';
import { eachLoadedSize, kib, loaderEvents, runStandaloneSection } from './standalone-section';
import { now } from './stats';

const argOf = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const SIZES = (argOf('units') ?? '1000,100000').split(',').map(Number);
const WORK_ORDER = 'WO-BIG';
const SHIPMENT = 'SHP-BIG';
const ACME: BrandScope = { kind: 'brands', brands: ['Acme'] };
const log = (s: string): void => void process.stderr.write(`[work-order-units ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const bsonSize = (doc: object): number => mongoose.mongo.BSON.calculateObjectSize(doc as mongoose.mongo.Document);

/** What one answer read, in all and of the work order's or shipment's own documents (its document and buckets). */
interface Reads {
  own: { calls: number; documents: number; bytes: number; largestDocument: number; largestRead: number; firstBucketRead?: number };
  calls: number;
  documents: number;
  bytes: number;
}
const OWN_READS = new Set(['findWorkOrders', 'findWorkOrderUnits', 'findShipmentUnits', 'findShipmentUnitBuckets']);
const BUCKET_READS = new Set(['findWorkOrderUnits', 'findShipmentUnitBuckets']);

/** The record pages' sources on the database, every find counted. */
function counted(conn: mongoose.Connection): { src: RecordSources; reads: Reads; reset(): void } {
  const db = conn.db!;
  const repo = genealogyRepositoryOn(conn);
  const byId = (collection: string) => (ids: string[]) => db.collection<{ _id: string }>(collection).find({ _id: { $in: ids } }).toArray();
  const empty = (): Reads => ({ own: { calls: 0, documents: 0, bytes: 0, largestDocument: 0, largestRead: 0 }, calls: 0, documents: 0, bytes: 0 });
  const reads = empty();
  const finds: Record<string, (ids: string[]) => Promise<object[]>> = {
    findWorkOrders: byId(COLLECTIONS.workOrders),
    findWorkOrderUnits: byId(COLLECTIONS.workOrderUnits),
    findShipmentUnits: byId(COLLECTIONS.shipmentUnits),
    findShipmentUnitBuckets: byId(COLLECTIONS.shipmentUnitBuckets),
    findUnits: (ids) => repo.findUnits(ids),
    findRetractions: (ids) => repo.findRetractions(ids),
    findVendorLots: (ids) => repo.findVendorLots(ids),
    findVendors: (ids) => repo.findVendors(ids, true),
    findLots: (ids) => repo.findLots(ids, { withoutForwardEdges: true }),
    findVendorLotCodes: byId(COLLECTIONS.vendorLotCodes),
  };
  const src: Record<string, unknown> = { anyRetraction: () => repo.anyRetraction() };
  for (const [name, find] of Object.entries(finds)) {
    src[name] = async (ids: string[]) => {
      const out = await find(ids);
      const sizes = out.map(bsonSize);
      const bytes = sizes.reduce((a, b) => a + b, 0);
      reads.calls++;
      reads.documents += out.length;
      reads.bytes += bytes;
      if (OWN_READS.has(name)) {
        reads.own.calls++;
        reads.own.documents += out.length;
        reads.own.bytes += bytes;
        reads.own.largestDocument = Math.max(reads.own.largestDocument, ...sizes, 0);
        reads.own.largestRead = Math.max(reads.own.largestRead, bytes);
        if (BUCKET_READS.has(name) && reads.own.firstBucketRead === undefined) reads.own.firstBucketRead = bytes;
      }
      return out;
    };
  }
  return { src: src as unknown as RecordSources, reads, reset: () => Object.assign(reads, empty()) };
}

/** `n` units of one work order, every third Globex's, all shipped in one shipment. */
function events(n: number): { topic: string; value: string }[] {
  const ev = loaderEvents(`wob-${n}`);
  const out: { topic: string; value: string }[] = [];
  for (let i = 0; i < n; i++) {
    const brand = i % 3 === 0 ? 'Globex' : 'Acme';
    const serial = `U-${n}-${String(i).padStart(6, '0')}`;
    out.push(ev('UnitStarted', { serial, brand, productPartNumber: `P-${brand}`, workOrder: WORK_ORDER }));
    out.push(ev('UnitShipped', { serial, shipmentId: SHIPMENT, customer: i % 2 === 0 ? 'Northwind' : 'Initech' }));
  }
  return out;
}

/** The old layout: the buckets gone, every unit in the work order's (the shipment's) document as the writer before them set it. */
async function toOldLayout(db: mongoose.mongo.Db): Promise<void> {
  for (const [parent, buckets, owner] of [[COLLECTIONS.workOrders, COLLECTIONS.workOrderUnits, WORK_ORDER], [COLLECTIONS.shipmentUnits, COLLECTIONS.shipmentUnitBuckets, SHIPMENT]] as const) {
    const held = await db.collection<{ _id: string; units: Record<string, object> }>(buckets).find({ _id: { $in: Array.from({ length: BUCKET_COUNT }, (_, b) => bucketId(owner, b)) } }).toArray();
    const fields = held.flatMap((b) => Object.entries(b.units));
    await db.collection<{ _id: string }>(parent).updateOne({ _id: owner }, { $unset: { buckets: '' } });
    for (let i = 0; i < fields.length; i += 10_000) {
      await db.collection<{ _id: string }>(parent).updateOne({ _id: owner }, { $set: Object.fromEntries(fields.slice(i, i + 10_000).map(([key, u]) => [`units.${key}`, u])) });
    }
    await db.collection<{ _id: string }>(buckets).deleteMany({ _id: { $in: held.map((b) => b._id) } });
  }
}

runStandaloneSection(
  'work-order-units',
  {
    header: ['units', 'layout', 'answer', 'its doc KiB', 'its doc + buckets: reads / docs / KiB', 'largest doc KiB', 'largest read KiB', 'first read of buckets KiB', 'all reads: calls / KiB', 'ms'],
    datasets: { workOrderUnits: { sizes: SIZES, workOrder: WORK_ORDER, shipment: SHIPMENT, shape: 'one work order of n units (every third Globex, the rest Acme), all shipped in one shipment' } },
    notMeasured: 'everything but one work order and one shipment with many units',
  },
  async ({ mongo, metric, rows }) => {
    await eachLoadedSize(mongo, 'work-order-units', SIZES, events, toOldLayout, async (conn, n, layout) => {
      const db = conn.db!;
      const c = counted(conn);
      const layoutKey = layout === 'buckets' ? 'buckets' : 'old_map';
      const docOf = async (collection: string, id: string) => (await db.collection<{ _id: string }>(collection).findOne({ _id: id }))!;
      const sizes = { work_order: bsonSize(await docOf(COLLECTIONS.workOrders, WORK_ORDER)), shipment: bsonSize(await docOf(COLLECTIONS.shipmentUnits, SHIPMENT)) };
      const answers = [
        ['work_order.site', 'work-order page, site-wide', () => readWorkOrder(c.src, WORK_ORDER, SITE_WIDE), n],
        ['work_order.acme', "work-order page, Acme's key", () => readWorkOrder(c.src, WORK_ORDER, ACME), n - Math.ceil(n / 3)],
        ['shipment.site', 'shipment page, site-wide', () => readShipment(c.src, SHIPMENT, SITE_WIDE), n],
      ] as const;
      for (const [id, label, read, expected] of answers) {
        await read(); // warm
        c.reset();
        const t0 = now();
        const answer = await read();
        const ms = now() - t0;
        if (answer?.units.length !== expected) throw new Error(`${label} of ${n} units (${layout}) listed ${answer?.units.length} units, not ${expected}`);
        const r = structuredClone(c.reads);
        const doc = id.startsWith('work_order') ? sizes.work_order : sizes.shipment;
        const key = `work_order_units.${n}.${layoutKey}.${id}`;
        metric(`${key}.doc_bytes`, `${n} units, ${layout}: the ${id.startsWith('work_order') ? "work order's" : "shipment's"} document (BSON bytes)`, doc, 'bytes');
        metric(`${key}.own.bytes`, `${n} units, ${layout}, ${label}: BSON bytes of its document and buckets read`, r.own.bytes, 'bytes');
        metric(`${key}.own.largest_document`, `${n} units, ${layout}, ${label}: the largest of them`, r.own.largestDocument, 'bytes');
        metric(`${key}.own.largest_read`, `${n} units, ${layout}, ${label}: the largest read of them (one call)`, r.own.largestRead, 'bytes');
        metric(`${key}.own.first_bucket_read`, `${n} units, ${layout}, ${label}: the first read of its buckets (one call; 0 without buckets)`, r.own.firstBucketRead ?? 0, 'bytes');
        metric(`${key}.own.round_trips`, `${n} units, ${layout}, ${label}: reads of them`, r.own.calls, 'round trips');
        metric(`${key}.all.bytes`, `${n} units, ${layout}, ${label}: BSON bytes read in all (with the units' documents)`, r.bytes, 'bytes');
        metric(`${key}.ms`, `${n} units, ${layout}, ${label}: whole answer (ms, one run after a warm-up)`, ms, 'ms');
        rows.push([
          n.toLocaleString('en-US'),
          layout,
          label,
          kib(doc),
          `${r.own.calls} / ${r.own.documents.toLocaleString('en-US')} / ${kib(r.own.bytes)}`,
          kib(r.own.largestDocument),
          kib(r.own.largestRead),
          kib(r.own.firstBucketRead ?? 0),
          `${r.calls} / ${kib(r.bytes)}`,
          ms.toFixed(0),
        ]);
        log(`${n} ${layout}: ${rows.at(-1)!.join(' | ')}`);
      }
    });
  },
);
