/**
 * A vendor's vendor lots as they grow: the size of the vendor's document and what a where-used of the vendor reads,
 * at each size, in the layout of now (vendor_supplies buckets) and in the one before it (every vendor lot in one
 * `vendors.vendorLots` map), side by side in one run.
 *
 *   npx ts-node --transpile-only -r tsconfig-paths/register bench/vendor-lots.bench.ts [--lots 1000,100000]
 *
 * Per size, one vendor receives that many vendor lots (one reel each; three reels installed in a board each), written
 * with the bench's bulk loader (the ingest's own writes, graphWritesFor, without Kafka) into a database of its own on a
 * mongo-java-server of its own (BENCH_MONGO_PORT, heap BENCH_MONGO_HEAP, default 2g). Then the where-used of the vendor
 * is opened and its rows read through ForwardTracer over the repository, every read counted (documents, BSON bytes,
 * the largest document, the largest read). Then the vendor's buckets are replaced by the map the writer before them
 * kept (the same fields it set) and the same answer read again: the old layout's figures, through the read path that
 * still reads it. Writes bench/results/<time>-<sha>-vendor-lots.json.
 */
import 'reflect-metadata';
import mongoose from 'mongoose';
import { ForwardTracer, SITE_WIDE } from '@trace/genealogy';
import { COLLECTIONS, GenealogyRepository, genealogyRepositoryOn } from '@trace/genealogy/testing';
import { LOADER_AT, eachLoadedSize, kib, loaderEvents, runStandaloneSection } from './standalone-section';
import { now } from './stats';

const argOf = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const SIZES = (argOf('lots') ?? '1000,100000').split(',').map(Number);
const VENDOR = 'V-VOLUME';
const log = (s: string): void => void process.stderr.write(`[vendor-lots ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const bsonSize = (doc: object): number => mongoose.mongo.BSON.calculateObjectSize(doc as mongoose.mongo.Document);

/** What one answer read: every call to the repository, with its documents and their BSON bytes. */
interface Reads {
  /** Of those, the vendor's part: its document, its buckets and index, its vendor lots (the rest: lots, their buckets, units). */
  vendor: { documents: number; bytes: number; largestRead: number };
  calls: number;
  documents: number;
  bytes: number;
  largestDocument: number;
  largestRead: { documents: number; bytes: number };
}

const VENDOR_READS = new Set(['findVendors', 'findVendorSupplyIndexes', 'findVendorSupplies', 'findVendorLots']);

/** The repository with every find counted: what a where-used of the vendor reads, as the database sends it. */
function counted(repo: GenealogyRepository): { repo: GenealogyRepository; reads: Reads; reset(): void } {
  const empty = (): Reads => ({ vendor: { documents: 0, bytes: 0, largestRead: 0 }, calls: 0, documents: 0, bytes: 0, largestDocument: 0, largestRead: { documents: 0, bytes: 0 } });
  const reads: Reads = empty();
  const wrapped: Record<string, unknown> = {};
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(repo))) {
    const method = (repo as unknown as Record<string, unknown>)[name];
    if (typeof method !== 'function' || name === 'constructor') continue;
    wrapped[name] = async (...args: unknown[]) => {
      const out = await (method as (...a: unknown[]) => Promise<unknown>).apply(repo, args);
      if (Array.isArray(out)) {
        let bytes = 0;
        for (const d of out as object[]) {
          const size = bsonSize(d);
          bytes += size;
          reads.largestDocument = Math.max(reads.largestDocument, size);
        }
        reads.calls++;
        reads.documents += out.length;
        reads.bytes += bytes;
        if (bytes > reads.largestRead.bytes) reads.largestRead = { documents: out.length, bytes };
        if (VENDOR_READS.has(name)) {
          reads.vendor.documents += out.length;
          reads.vendor.bytes += bytes;
          reads.vendor.largestRead = Math.max(reads.vendor.largestRead, bytes);
        }
      }
      return out;
    };
  }
  return {
    repo: wrapped as unknown as GenealogyRepository,
    reads,
    reset: () => Object.assign(reads, empty()),
  };
}

/** `n` vendor lots of one vendor, one reel each, the first three installed in a board each. */
function events(n: number): { topic: string; value: string }[] {
  const ev = loaderEvents(`vlb-${n}`);
  const out = [ev('VendorRegistered', { vendorId: VENDOR, name: 'Volume Parts', country: 'DE', status: 'approved' })];
  for (let i = 0; i < n; i++) {
    out.push(ev('MaterialReceived', { receiptId: `R${i}`, vendorId: VENDOR, manufacturer: 'M', mpn: 'CAP', internalPartNumber: 'C', vendorLotCode: `VL${i}`, receivedAt: LOADER_AT, uom: 'pcs', packages: [{ lotId: `REEL-${n}-${i}`, quantity: 100 }] }));
  }
  for (let i = 0; i < 3; i++) {
    out.push(ev('UnitStarted', { serial: `B-${n}-${i}`, brand: 'Acme', productPartNumber: 'P-B', workOrder: 'WO1' }));
    out.push(ev('MaterialInstalled', { serial: `B-${n}-${i}`, lotId: `REEL-${n}-${i}`, quantity: 1, refDes: ['C1'] }));
  }
  return out;
}

/** One where-used of the vendor, every row read: what it read, its round trips and time. */
async function whereUsed(tracer: ForwardTracer, c: ReturnType<typeof counted>): Promise<{ reads: Reads; roundTrips: number; rows: number; vendorLots: number; ms: number }> {
  c.reset();
  const t0 = now();
  const answer = (await tracer.fromVendor(VENDOR, SITE_WIDE))!;
  let rows = 0;
  for await (const _ of answer.rows({}, SITE_WIDE)) rows++;
  return { reads: structuredClone(c.reads), roundTrips: answer.stats.roundTrips, rows, vendorLots: answer.vendorLots.length, ms: now() - t0 };
}

/** The old layout: the vendor's buckets gone, every vendor lot in its document as the writer before them set it. */
async function toOldLayout(db: mongoose.mongo.Db): Promise<void> {
  const buckets = await db.collection<{ _id: string; vendorLots: Record<string, string> }>(COLLECTIONS.vendorSupplies).find({ vendorId: VENDOR }).toArray();
  const fields = buckets.flatMap((b) => Object.entries(b.vendorLots));
  for (let i = 0; i < fields.length; i += 10_000) {
    const set = Object.fromEntries(fields.slice(i, i + 10_000).map(([key, vl]) => [`vendorLots.${key}`, vl]));
    await db.collection<{ _id: string }>(COLLECTIONS.vendors).updateOne({ _id: VENDOR }, { $set: set, $unset: { supplied: '' } });
  }
  await db.collection(COLLECTIONS.vendorSupplies).deleteMany({ vendorId: VENDOR });
  await db.collection<{ _id: string }>(COLLECTIONS.vendorSupplyIndex).deleteOne({ _id: VENDOR });
}

runStandaloneSection(
  'vendor-lots',
  {
    header: ['vendor lots', 'layout', 'vendor doc KiB', 'bucket docs', 'where-used read: docs / KiB', "vendor's part: docs / KiB / largest read KiB", 'largest doc KiB', 'largest read: docs / KiB', 'round trips', 'ms'],
    datasets: { vendorLots: { sizes: SIZES, vendor: VENDOR, shape: 'one vendor, one reel per vendor lot, three reels installed in a board each' } },
    notMeasured: 'everything but a vendor with many vendor lots',
  },
  async ({ mongo, metric, rows }) => {
    await eachLoadedSize(mongo, 'vendor-lots', SIZES, events, toOldLayout, async (conn, n, layout) => {
      const db = conn.db!;
      const c = counted(genealogyRepositoryOn(conn));
      const tracer = new ForwardTracer(c.repo);
      const vendorDoc = await db.collection<{ _id: string }>(COLLECTIONS.vendors).findOne({ _id: VENDOR });
      const buckets = await db.collection(COLLECTIONS.vendorSupplies).countDocuments({ vendorId: VENDOR });
      await whereUsed(tracer, c); // warm
      const w = await whereUsed(tracer, c);
      if (w.vendorLots !== n || w.rows !== 3) throw new Error(`the where-used of ${n} vendor lots (${layout}) gave ${w.vendorLots} vendor lots and ${w.rows} rows`);
      const key = `vendor_lots.${n}.${layout === 'buckets' ? 'buckets' : 'old_map'}`;
      metric(`${key}.vendor_doc_bytes`, `${n} vendor lots, ${layout}: the vendor document (BSON bytes)`, bsonSize(vendorDoc!), 'bytes');
      metric(`${key}.bucket_docs`, `${n} vendor lots, ${layout}: vendor_supplies documents of the vendor`, buckets, 'documents');
      metric(`${key}.where_used.documents`, `${n} vendor lots, ${layout}: documents a where-used of the vendor read`, w.reads.documents, 'documents');
      metric(`${key}.where_used.bytes`, `${n} vendor lots, ${layout}: BSON bytes a where-used of the vendor read`, w.reads.bytes, 'bytes');
      metric(`${key}.where_used.largest_document`, `${n} vendor lots, ${layout}: the largest document it read`, w.reads.largestDocument, 'bytes');
      metric(`${key}.where_used.largest_read`, `${n} vendor lots, ${layout}: the largest read (one repository call)`, w.reads.largestRead.bytes, 'bytes');
      metric(`${key}.where_used.vendor_part.bytes`, `${n} vendor lots, ${layout}: of those, the vendor's document, buckets and vendor lots`, w.reads.vendor.bytes, 'bytes');
      metric(`${key}.where_used.vendor_part.largest_read`, `${n} vendor lots, ${layout}: the largest read of the vendor's part`, w.reads.vendor.largestRead, 'bytes');
      metric(`${key}.where_used.round_trips`, `${n} vendor lots, ${layout}: round trips`, w.roundTrips, 'round trips');
      metric(`${key}.where_used.ms`, `${n} vendor lots, ${layout}: whole answer (ms, one run after a warm-up)`, w.ms, 'ms');
      rows.push([
        n.toLocaleString('en-US'),
        layout,
        kib(bsonSize(vendorDoc!)),
        String(buckets),
        `${w.reads.documents.toLocaleString('en-US')} / ${kib(w.reads.bytes)}`,
        `${w.reads.vendor.documents.toLocaleString('en-US')} / ${kib(w.reads.vendor.bytes)} / ${kib(w.reads.vendor.largestRead)}`,
        kib(w.reads.largestDocument),
        `${w.reads.largestRead.documents.toLocaleString('en-US')} / ${kib(w.reads.largestRead.bytes)}`,
        String(w.roundTrips),
        w.ms.toFixed(0),
      ]);
      log(`${n} ${layout}: ${rows.at(-1)!.join(' | ')}`);
    });
  },
);
