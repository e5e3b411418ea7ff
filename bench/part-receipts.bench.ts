/**
 * A part's receipts as they grow: the size of the part's document and what a limited deviation's count of that part
 * reads, at each size, in the layout of now (part_receipt_buckets) and in the one before it (every receipt in one
 * `part_receipts.receipts` map), side by side in one run.
 *
 *   npx ts-node --transpile-only -r tsconfig-paths/register bench/part-receipts.bench.ts [--receipts 1000,10000,80000]
 *
 * Per size, one alternate part is received that many times (one vendor lot and one reel each), a brand approves a
 * limited deviation for it and three of its units hold reels of it, written with the bench's bulk loader (the ingest's
 * own writes, graphWritesFor, without Kafka) into a database of its own on a mongo-java-server of its own
 * (BENCH_MONGO_PORT, heap BENCH_MONGO_HEAP, default 2g). Then the deviation's report is read (AuthorityJudge.deviation:
 * the count over every receipt of the part, forward to the brand's units) over the repositories, every read counted
 * (documents, BSON bytes, the largest document, the largest read). Then the part's buckets are replaced by the map the
 * writer before them kept (the same fields it set) and the same report read again (each the median of three runs by
 * time after a warm-up): the old layout's figures, through the read path that still reads it. 80,000 is the largest
 * size: the old map is then about 10 MB, toward MongoDB's 16 MB document limit. Writes bench/results/<time>-<sha>-part-receipts.json.
 */
import 'reflect-metadata';
import mongoose from 'mongoose';
import { AuthorityJudge, SITE_WIDE } from '@trace/genealogy';
import { AuthorityRepository, COLLECTIONS, GenealogyRepository, BUCKET_COUNT, authorityRepositoryOn, bucketId, genealogyRepositoryOn } from '@trace/genealogy/testing';
import { LOADER_AT, eachLoadedSize, kib, loaderEvents, runStandaloneSection } from './standalone-section';
import { now } from './stats';

const argOf = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const SIZES = (argOf('receipts') ?? '1000,10000,80000').split(',').map(Number);
const PART = JSON.stringify(['CAP-1', 'Kemet', 'ALT1']);
const log = (s: string): void => void process.stderr.write(`[part-receipts ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
const bsonSize = (doc: object): number => mongoose.mongo.BSON.calculateObjectSize(doc as mongoose.mongo.Document);

/** What one answer read, in all and of the part's receipts (its document and buckets). */
interface Reads {
  receipts: { calls: number; documents: number; bytes: number; largestDocument: number; largestRead: number; ms: number };
  calls: number;
  documents: number;
  bytes: number;
  largestDocument: number;
  largestRead: number;
  /** Round trips: reads started while no other was in flight (those side by side with one are in its wait). */
  waits: number;
  inFlight: number;
  /** Time in each kind of read (ms), for the log. */
  msBy: Record<string, number>;
  /** BSON bytes and the largest read (one call) of each kind of read. */
  bytesBy: Record<string, { bytes: number; largestRead: number }>;
}
const RECEIPT_READS = new Set(['findPartReceipts', 'findPartReceiptBuckets']);

/** A repository with every find counted. */
function counted<R extends object>(repo: R, reads: Reads): R {
  const wrapped: Record<string, unknown> = {};
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(repo))) {
    const method = (repo as Record<string, unknown>)[name];
    if (typeof method !== 'function' || name === 'constructor') continue;
    wrapped[name] = async (...args: unknown[]) => {
      const t0 = now();
      if (reads.inFlight++ === 0) reads.waits++;
      const out = await (method as (...a: unknown[]) => Promise<unknown>).apply(repo, args).finally(() => reads.inFlight--);
      const ms = now() - t0;
      reads.msBy[name] = (reads.msBy[name] ?? 0) + ms;
      if (Array.isArray(out)) {
        const sizes = (out as object[]).map(bsonSize);
        const bytes = sizes.reduce((a, b) => a + b, 0);
        reads.calls++;
        reads.documents += out.length;
        reads.bytes += bytes;
        reads.largestDocument = Math.max(reads.largestDocument, ...sizes, 0);
        reads.largestRead = Math.max(reads.largestRead, bytes);
        const by = (reads.bytesBy[name] ??= { bytes: 0, largestRead: 0 });
        by.bytes += bytes;
        by.largestRead = Math.max(by.largestRead, bytes);
        if (RECEIPT_READS.has(name)) {
          const r = reads.receipts;
          r.calls++;
          r.documents += out.length;
          r.bytes += bytes;
          r.largestDocument = Math.max(r.largestDocument, ...sizes, 0);
          r.largestRead = Math.max(r.largestRead, bytes);
          r.ms += ms;
        }
      }
      return out;
    };
  }
  return wrapped as R;
}
const empty = (): Reads => ({ receipts: { calls: 0, documents: 0, bytes: 0, largestDocument: 0, largestRead: 0, ms: 0 }, calls: 0, documents: 0, bytes: 0, largestDocument: 0, largestRead: 0, waits: 0, inFlight: 0, msBy: {}, bytesBy: {} });

/** `n` receipts of the alternate part, one reel each; Acme's limited deviation for it; three units holding reels of it. */
function events(n: number): { topic: string; value: string }[] {
  const ev = loaderEvents(`prb-${n}`);
  const out = [ev('VendorRegistered', { vendorId: 'V1', name: 'Distri', country: 'DE', status: 'approved' })];
  for (let i = 0; i < n; i++) {
    out.push(ev('MaterialReceived', { receiptId: `R${i}`, vendorId: 'V1', manufacturer: 'Kemet', mpn: 'ALT1', internalPartNumber: 'CAP-1', vendorLotCode: `VL${i}`, receivedAt: LOADER_AT, uom: 'pcs', packages: [{ lotId: `REEL-${n}-${i}`, quantity: 1_000 }] }));
  }
  out.push(ev('DeviationApproved', { brand: 'Acme', deviationId: 'D1', internalPartNumber: 'CAP-1', manufacturer: 'Kemet', mpn: 'ALT1', maxQuantity: 2, validFrom: '2026-01-01T00:00:00.000Z', validUntil: '2027-01-01T00:00:00.000Z', approvedBy: 'q@acme.example', reason: 'shortage' }));
  for (const [i, reel] of [0, Math.floor(n / 2), n - 1].entries()) {
    out.push(ev('UnitStarted', { serial: `B-${n}-${i}`, brand: 'Acme', productPartNumber: 'P-B', workOrder: 'WO1' }));
    out.push(ev('MaterialInstalled', { serial: `B-${n}-${i}`, lotId: `REEL-${n}-${reel}`, quantity: 1, refDes: ['C1'] }));
  }
  return out;
}

/** The old layout: the part's buckets gone, every receipt in its document as the writer before them set it. */
async function toOldLayout(db: mongoose.mongo.Db): Promise<void> {
  const ids = Array.from({ length: BUCKET_COUNT }, (_, b) => bucketId(PART, b));
  const held = await db.collection<{ _id: string; receipts: Record<string, object> }>(COLLECTIONS.partReceiptBuckets).find({ _id: { $in: ids } }).toArray();
  const fields = held.flatMap((b) => Object.entries(b.receipts));
  await db.collection<{ _id: string }>(COLLECTIONS.partReceipts).updateOne({ _id: PART }, { $unset: { buckets: '' } });
  for (let i = 0; i < fields.length; i += 10_000) {
    await db.collection<{ _id: string }>(COLLECTIONS.partReceipts).updateOne({ _id: PART }, { $set: Object.fromEntries(fields.slice(i, i + 10_000).map(([key, r]) => [`receipts.${key}`, r])) });
  }
  await db.collection<{ _id: string }>(COLLECTIONS.partReceiptBuckets).deleteMany({ _id: { $in: held.map((b) => b._id) } });
}

runStandaloneSection(
  'part-receipts',
  {
    header: ['receipts', 'layout', 'part doc KiB', 'bucket docs', 'report read: docs / KiB', "part's receipts: reads / docs / KiB", 'their largest doc KiB', 'their largest read KiB', 'largest doc KiB', 'largest read KiB', 'reads', 'round trips', "part's receipts ms", 'ms'],
    datasets: { partReceipts: { sizes: SIZES, part: PART, shape: 'one part, one vendor lot and reel per receipt, a limited deviation for it, three units holding reels of it' } },
    notMeasured: "everything but a deviation's count over a part received many times",
  },
  async ({ mongo, metric, rows }) => {
    await eachLoadedSize(mongo, 'part-receipts', SIZES, events, toOldLayout, async (conn, n, layout) => {
      const db = conn.db!;
      const reads = empty();
      const judge = new AuthorityJudge(counted<AuthorityRepository>(authorityRepositoryOn(conn), reads), counted<GenealogyRepository>(genealogyRepositoryOn(conn), reads));
      const partDoc = await db.collection<{ _id: string }>(COLLECTIONS.partReceipts).findOne({ _id: PART });
      const buckets = await db.collection(COLLECTIONS.partReceiptBuckets).countDocuments({ internalPartNumber: 'CAP-1' });
      const report = async () => {
        Object.assign(reads, empty());
        const t0 = now();
        const r = await judge.deviation('Acme', 'D1', SITE_WIDE);
        return { r, ms: now() - t0, reads: structuredClone(reads) };
      };
      await report(); // warm
      // The median of three by time (the reads are the same each time); the receipts' own time beside it.
      const runs = [await report(), await report(), await report()].sort((a, b) => a.ms - b.ms);
      const { r, ms, reads: w } = runs[1]!;
      if (r?.piecesUsed !== 3) throw new Error(`the deviation over ${n} receipts (${layout}) counted ${r?.piecesUsed} pieces, not 3`);
      const key = `part_receipts.${n}.${layout === 'buckets' ? 'buckets' : 'old_map'}`;
      metric(`${key}.part_doc_bytes`, `${n} receipts, ${layout}: the part's document (BSON bytes)`, bsonSize(partDoc!), 'bytes');
      metric(`${key}.bucket_docs`, `${n} receipts, ${layout}: part_receipt_buckets documents of the part`, buckets, 'documents');
      metric(`${key}.report.documents`, `${n} receipts, ${layout}: documents the deviation's report read`, w.documents, 'documents');
      metric(`${key}.report.bytes`, `${n} receipts, ${layout}: BSON bytes the deviation's report read`, w.bytes, 'bytes');
      metric(`${key}.report.largest_document`, `${n} receipts, ${layout}: the largest document it read`, w.largestDocument, 'bytes');
      metric(`${key}.report.largest_read`, `${n} receipts, ${layout}: the largest read (one repository call)`, w.largestRead, 'bytes');
      metric(`${key}.report.round_trips`, `${n} receipts, ${layout}: the report's round trips (reads started with none in flight)`, w.waits, 'round trips');
      metric(`${key}.report.lots.bytes`, `${n} receipts, ${layout}: of those, the lots' (findLots)`, w.bytesBy.findLots?.bytes ?? 0, 'bytes');
      metric(`${key}.report.lots.largest_read`, `${n} receipts, ${layout}: the largest read of lots`, w.bytesBy.findLots?.largestRead ?? 0, 'bytes');
      metric(`${key}.report.receipts.bytes`, `${n} receipts, ${layout}: of those, the part's document and buckets`, w.receipts.bytes, 'bytes');
      metric(`${key}.report.receipts.largest_document`, `${n} receipts, ${layout}: the largest document of the part's receipts read`, w.receipts.largestDocument, 'bytes');
      metric(`${key}.report.receipts.largest_read`, `${n} receipts, ${layout}: the largest read of the part's receipts`, w.receipts.largestRead, 'bytes');
      metric(`${key}.report.receipts.reads`, `${n} receipts, ${layout}: reads of the part's receipts (round trips)`, w.receipts.calls, 'round trips');
      metric(`${key}.report.receipts.ms`, `${n} receipts, ${layout}: time in the reads of the part's receipts (ms)`, w.receipts.ms, 'ms');
      metric(`${key}.report.ms`, `${n} receipts, ${layout}: the deviation's report (ms, median of three after a warm-up)`, ms, 'ms');
      rows.push([
        n.toLocaleString('en-US'),
        layout,
        kib(bsonSize(partDoc!)),
        String(buckets),
        `${w.documents.toLocaleString('en-US')} / ${kib(w.bytes)}`,
        `${w.receipts.calls} / ${w.receipts.documents.toLocaleString('en-US')} / ${kib(w.receipts.bytes)}`,
        kib(w.receipts.largestDocument),
        kib(w.receipts.largestRead),
        kib(w.largestDocument),
        kib(w.largestRead),
        String(w.calls),
        String(w.waits),
        w.receipts.ms.toFixed(0),
        ms.toFixed(0),
      ]);
      log(`${n} ${layout}: ${rows.at(-1)!.join(' | ')}; ms by read: ${JSON.stringify(Object.fromEntries(Object.entries(w.msBy).map(([k, v]) => [k, Math.round(v)])))}; KiB by read (all / largest): ${JSON.stringify(Object.fromEntries(Object.entries(w.bytesBy).map(([k, v]) => [k, `${kib(v.bytes)} / ${kib(v.largestRead)}`])))}`);
    });
  },
);
