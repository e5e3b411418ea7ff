import { TraceEvent } from '@trace/contracts';
import { PositionedEvent, graphWritesFor, mergeGraphWrites } from '@trace/genealogy';
// The collection names of the graph: read-only use of the lib's constant, to write exactly where the ingest writes.
import { COLLECTIONS, GraphCollection } from '@trace/genealogy/testing';
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';

type Db = mongoose.mongo.Db;
type BulkOps = { collection: string; ops: mongoose.mongo.AnyBulkWriteOperation[] }[];

/** A batch of messages as one partition delivered them. */
export interface RecordedBatch {
  topic: string;
  partition: number;
  messages: { offset: string; value: string }[];
}

/** The same write concern as the ingest on a single server (MONGO_WRITE_CONCERN=1, journaled). */
export const WRITE_CONCERN = { w: 1, journal: true } as const;

/** The bulk operations the ingest would send for a batch: graph writes merged per document, one bulk per collection. */
export function bulkOpsFor(batch: RecordedBatch): BulkOps {
  const positioned: PositionedEvent[] = batch.messages.map((m) => ({
    event: JSON.parse(m.value) as TraceEvent,
    position: { topic: batch.topic, partition: batch.partition, offset: m.offset },
  }));
  const byCollection = new Map<string, mongoose.mongo.AnyBulkWriteOperation[]>();
  for (const w of mergeGraphWrites(positioned.flatMap(graphWritesFor))) {
    const name = COLLECTIONS[w.collection satisfies GraphCollection];
    const ops = byCollection.get(name) ?? byCollection.set(name, []).get(name)!;
    ops.push({ updateOne: { filter: { _id: w.id as never }, update: { $set: w.set }, upsert: true } });
  }
  return [...byCollection].map(([collection, ops]) => ({ collection, ops }));
}

/** Sends prepared bulks, `concurrency` batches at a time (as the ingest processes partitions side by side). */
export async function writeBulks(db: Db, bulks: BulkOps[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < bulks.length) {
      const bulk = bulks[next++]!;
      await Promise.all(bulk.map(({ collection, ops }) => db.collection(collection).bulkWrite(ops, { ordered: false, writeConcern: WRITE_CONCERN })));
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Writes messages straight into the graph, in batches of `batchSize` (to load data sets without Kafka). */
export async function loadGraph(db: Db, messages: { topic: string; value: string }[], batchSize = 2_000): Promise<void> {
  const bulks: BulkOps[] = [];
  for (let i = 0; i < messages.length; i += batchSize) {
    const slice = messages.slice(i, i + batchSize);
    bulks.push(bulkOpsFor({ topic: 'bench.load', partition: 0, messages: slice.map((m, j) => ({ offset: String(i + j), value: m.value })) }));
    if (bulks.length >= 8) await writeBulks(db, bulks.splice(0), 2);
  }
  await writeBulks(db, bulks, 2);
}

/** Documents per collection of a graph database. */
export async function documentCounts(db: Db): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const name of Object.values(COLLECTIONS)) out[name] = await db.collection(name).countDocuments();
  return out;
}

// Canonical JSON (keys sorted at every level, dates as ISO strings): equal documents, equal text.
const canonical = (v: unknown): unknown =>
  v instanceof Date
    ? v.toISOString()
    : Array.isArray(v)
      ? v.map(canonical)
      : v && typeof v === 'object'
        ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])]))
        : v;

/** Every document of the graph, canonical JSON in _id order, hashed: equal graphs, equal digests. */
export async function graphDigest(db: mongoose.mongo.Db): Promise<{ documents: number; digest: string }> {
  const hash = createHash('sha256');
  let documents = 0;
  for (const name of Object.values(COLLECTIONS).sort()) {
    const docs = await db.collection(name).find({}).toArray();
    docs.sort((a, b) => (String(a._id) < String(b._id) ? -1 : 1));
    hash.update(name);
    for (const d of docs) hash.update(JSON.stringify(canonical(d)));
    documents += docs.length;
  }
  return { documents, digest: hash.digest('hex') };
}
