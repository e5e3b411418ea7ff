import { TraceEvent } from '@trace/contracts';
import { PositionedEvent, graphWritesFor, mergeGraphWrites } from '@trace/genealogy';
// The collection names of the graph and the lib's own write plan (GraphWriteRepository.apply is applyGraphWrites over
// mongoose's collections): the same function over the raw driver, so the ceiling sends exactly the ingest's writes.
import { COLLECTIONS, DERIVED_FROM_FIELDS, GraphStore, PreparedWrites, applyGraphWrites, prepareGraphWrites } from '@trace/genealogy/testing';
import { createHash } from 'node:crypto';
import mongoose from 'mongoose';

type Db = mongoose.mongo.Db;

/**
 * What the ingest sends for one batch, prepared beforehand: its graph writes merged per document, one bulk per
 * collection, and the units whose derived writes (brand-bucketed forward edges, conflict marks) it reads back after.
 */
export type PreparedBatch = PreparedWrites;

/** A batch of messages as one partition delivered them. */
export interface RecordedBatch {
  topic: string;
  partition: number;
  messages: { offset: string; value: string }[];
}

/** The same write concern as the ingest on a single server (MONGO_WRITE_CONCERN=1, journaled). */
export const WRITE_CONCERN = { w: 1, journal: true } as const;

/** The graph of `db` through the raw driver, with the ingest's write concern. */
export const rawStore = (db: Db): GraphStore => ({
  bulkUpsert: (collection, ops) => db.collection(COLLECTIONS[collection]).bulkWrite(ops, { ordered: false, writeConcern: WRITE_CONCERN }),
  readUnits: (ids) => db.collection(COLLECTIONS.units).find({ _id: { $in: ids as never[] } }, { projection: DERIVED_FROM_FIELDS }).toArray() as never,
  readAuthority: (collection, ids) => db.collection(COLLECTIONS[collection]).find({ _id: { $in: ids as never[] } }).toArray() as never,
});

/** The writes the ingest would send for a batch, prepared: merged per document, one bulk per collection, and its read-back. */
export function bulkOpsFor(batch: RecordedBatch): PreparedBatch {
  const positioned: PositionedEvent[] = batch.messages.map((m) => ({
    event: JSON.parse(m.value) as TraceEvent,
    position: { topic: batch.topic, partition: batch.partition, offset: m.offset },
  }));
  return prepareGraphWrites(mergeGraphWrites(positioned.flatMap(graphWritesFor)));
}

/**
 * One batch as the ingest applies it (applyGraphWrites): the prepared bulks, then (when the batch started units or
 * installed material) one read of those units and the bulk of the writes derived from them. Those depend on what the
 * database holds then, so they cannot be prepared; deriving them is a few microseconds a unit.
 */
const applyBatch = (db: Db, batch: PreparedBatch): Promise<void> => applyGraphWrites(rawStore(db), batch);

/** Sends prepared batches, `concurrency` at a time (as the ingest processes partitions side by side). */
export async function writeBulks(db: Db, batches: PreparedBatch[], concurrency: number, spans?: Span[]): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < batches.length) {
      const t0 = performance.now();
      await applyBatch(db, batches[next++]!);
      spans?.push([t0, performance.now()]);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

/** When one batch's writes started and ended (ms, performance.now()). */
export type Span = [number, number];

/**
 * How a run kept the database busy: the share of its time with a batch in flight, and the batches in flight on
 * average (the sum of their durations over the run's time).
 */
export function occupancy(spans: Span[]): { seconds: number; busy: number; meanInFlight: number; meanMs: number } {
  if (spans.length === 0) return { seconds: 0, busy: 0, meanInFlight: 0, meanMs: 0 };
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  const start = sorted[0]![0];
  const end = Math.max(...sorted.map((s) => s[1]));
  let covered = 0;
  let [from, to] = sorted[0]!;
  for (const [a, b] of sorted.slice(1)) {
    if (a > to) {
      covered += to - from;
      [from, to] = [a, b];
    } else to = Math.max(to, b);
  }
  covered += to - from;
  const total = sorted.reduce((n, [a, b]) => n + (b - a), 0);
  return { seconds: (end - start) / 1000, busy: covered / (end - start), meanInFlight: total / (end - start), meanMs: total / spans.length };
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

/** One document that differs between two graphs: its collection, its _id, and the top-level fields that differ. */
export interface GraphDifference {
  collection: string;
  id: string;
  /** The document's presence, or the first paths (dotted, down to the first value that differs) with both values, shortened. */
  fields: { field: string; a: string; b: string }[];
}

/** The first `limit` documents (collections in name order, _ids in order) that differ between the graphs of `a` and `b`. */
export async function graphDiff(a: mongoose.mongo.Db, b: mongoose.mongo.Db, limit = 5): Promise<GraphDifference[]> {
  const out: GraphDifference[] = [];
  const short = (v: unknown): string => { const s = JSON.stringify(canonical(v)) ?? 'undefined'; return s.length > 300 ? `${s.slice(0, 300)}…` : s; };
  for (const name of Object.values(COLLECTIONS).sort()) {
    const [da, db] = await Promise.all([a, b].map(async (d) => new Map((await d.collection(name).find({}).toArray()).map((x) => [String(x._id), x] as const))));
    const ids = [...new Set([...da!.keys(), ...db!.keys()])].sort();
    for (const id of ids) {
      const [x, y] = [da!.get(id), db!.get(id)];
      if (!x || !y) {
        out.push({ collection: name, id, fields: [{ field: '(document)', a: x ? 'present' : 'missing', b: y ? 'present' : 'missing' }] });
      } else {
        const fields: GraphDifference['fields'] = [];
        differingPaths(x, y, '', fields, short);
        if (fields.length > 0) out.push({ collection: name, id, fields });
      }
      if (out.length >= limit) return out;
    }
  }
  return out;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => !!v && typeof v === 'object' && !Array.isArray(v) && !(v instanceof Date) && !(v instanceof mongoose.mongo.ObjectId);

// Descends into sub-documents to the first values that differ (a fact map of a thousand entries names the one fact).
function differingPaths(x: unknown, y: unknown, at: string, out: GraphDifference['fields'], short: (v: unknown) => string, limit = 5): void {
  if (out.length >= limit) return;
  if (isPlainObject(x) && isPlainObject(y)) {
    for (const k of [...new Set([...Object.keys(x), ...Object.keys(y)])].sort()) differingPaths(x[k], y[k], at ? `${at}.${k}` : k, out, short, limit);
  } else if (JSON.stringify(canonical(x)) !== JSON.stringify(canonical(y))) out.push({ field: at, a: short(x), b: short(y) });
}
