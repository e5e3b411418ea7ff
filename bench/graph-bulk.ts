import { TraceEvent } from '@trace/contracts';
import { PositionedEvent, graphWritesFor, mergeGraphWrites } from '@trace/genealogy';
// The collection names of the graph and the brand-bucketed edges' read-back rule: read-only use of the lib's own
// functions, to write exactly what and where the ingest writes.
import { BrandedUseNeed, COLLECTIONS, GraphCollection, brandedUseNeeds, brandedUseWrites } from '@trace/genealogy/testing';
import type { GraphWrite } from '@trace/genealogy';
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';

type Db = mongoose.mongo.Db;
type CollectionOps = { collection: string; ops: mongoose.mongo.AnyBulkWriteOperation[] }[];

/**
 * What the ingest sends for one batch, prepared beforehand: its graph writes merged per document (one bulk per
 * collection), and the units whose brand-bucketed forward edges it must read back and write after them
 * (GraphWriteRepository.apply).
 */
export interface PreparedBatch {
  ops: CollectionOps;
  readBack: Map<string, BrandedUseNeed>;
}

/** A batch of messages as one partition delivered them. */
export interface RecordedBatch {
  topic: string;
  partition: number;
  messages: { offset: string; value: string }[];
}

/** The same write concern as the ingest on a single server (MONGO_WRITE_CONCERN=1, journaled). */
export const WRITE_CONCERN = { w: 1, journal: true } as const;

// As GraphWriteRepository.apply: units read back by `_id $in` in chunks of 500, side by side.
const READ_BACK_CHUNK = 500;

const opsOf = (writes: GraphWrite[]): CollectionOps => {
  const byCollection = new Map<string, mongoose.mongo.AnyBulkWriteOperation[]>();
  for (const w of writes) {
    const name = COLLECTIONS[w.collection satisfies GraphCollection];
    const ops = byCollection.get(name) ?? byCollection.set(name, []).get(name)!;
    ops.push({ updateOne: { filter: { _id: w.id as never }, update: { $set: w.set }, upsert: true } });
  }
  return [...byCollection].map(([collection, ops]) => ({ collection, ops }));
};

/** The writes the ingest would send for a batch, prepared: merged per document, one bulk per collection, and its read-back. */
export function bulkOpsFor(batch: RecordedBatch): PreparedBatch {
  const positioned: PositionedEvent[] = batch.messages.map((m) => ({
    event: JSON.parse(m.value) as TraceEvent,
    position: { topic: batch.topic, partition: batch.partition, offset: m.offset },
  }));
  const writes = mergeGraphWrites(positioned.flatMap(graphWritesFor));
  return { ops: opsOf(writes), readBack: brandedUseNeeds(writes) };
}

const sendOps = (db: Db, ops: CollectionOps): Promise<unknown> =>
  Promise.all(ops.map(({ collection, ops: o }) => db.collection(collection).bulkWrite(o, { ordered: false, writeConcern: WRITE_CONCERN })));

/**
 * One batch as the ingest applies it: the prepared bulks, then (when the batch started units or installed material)
 * one read of those units and the bulk of their brand-bucketed edges. The read-back's writes depend on what the
 * database holds then, so they cannot be prepared; deriving them is a few microseconds a unit.
 */
async function applyBatch(db: Db, batch: PreparedBatch): Promise<void> {
  await sendOps(db, batch.ops);
  if (batch.readBack.size === 0) return;
  const ids = [...batch.readBack.keys()];
  const reads: Promise<mongoose.mongo.Document[]>[] = [];
  for (let i = 0; i < ids.length; i += READ_BACK_CHUNK) {
    const chunk = ids.slice(i, i + READ_BACK_CHUNK);
    reads.push(db.collection(COLLECTIONS.units).find({ _id: { $in: chunk as never[] } }, { projection: { brand: 1, installs: 1 } }).toArray());
  }
  const units = (await Promise.all(reads)).flat() as unknown as Parameters<typeof brandedUseWrites>[0][];
  const writes = mergeGraphWrites(units.flatMap((u) => brandedUseWrites(u, batch.readBack.get(u._id)!)));
  if (writes.length > 0) await sendOps(db, opsOf(writes));
}

/** Sends prepared batches, `concurrency` at a time (as the ingest processes partitions side by side). */
export async function writeBulks(db: Db, batches: PreparedBatch[], concurrency: number): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) await applyBatch(db, batches[next++]!);
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** Writes messages straight into the graph, in batches of `batchSize` (to load data sets without Kafka). */
export async function loadGraph(db: Db, messages: { topic: string; value: string }[], batchSize = 2_000): Promise<void> {
  const bulks: PreparedBatch[] = [];
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
