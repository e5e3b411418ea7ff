/**
 * The scale bench's two loaders of a Shape (bench/scale-shape.ts) into a database, neither through Kafka:
 *
 * - `upserts`: the ingest's own writes, batch by batch, as GraphWriteRepository.apply sends them (graphWritesFor,
 *   mergeGraphWrites per batch of 4,000 events, unordered upserts, then the units read back and their brand-bucketed
 *   forward edges), two batches in flight. What the data set means, by definition; about 600 to 2,000 events/s on the
 *   stand-in.
 * - `bulk`: the same documents computed in the bench and written once each with `insertMany`. Every graph write is a
 *   `$set` of fields that only its event or the entity's identity determines (graphWritesFor's contract), so a
 *   document is the union of its writes in any order: the loader folds them in memory. The documents of a serial
 *   (its unit; its fields in lot_uses, lot_brand_uses, product_units, work_order_units, all bucketed by
 *   bucketOf(serial)) are computed one group of buckets at a time, from the events of the boards whose serial, or
 *   whose system's serial, falls in the group; the few documents that are not per bucket (lots, vendors, the bucket
 *   indexes, work orders...) are folded over every group and written at the end. `--verify-loader` checks that both
 *   give the same database, document by document.
 */
import type { TraceEvent } from '@trace/contracts';
import { graphWritesFor, mergeGraphWrites } from '@trace/genealogy';
import type { GraphWrite } from '@trace/genealogy';
import {
  BrandedUseNeed,
  COLLECTIONS,
  DerivedFrom,
  GraphCollection,
  BUCKET_COUNT,
  brandedUseNeeds,
  brandedUseWrites,
  bucketOf,
  conflictMarkWrites,
  operationOf,
  pushCapped,
} from '@trace/genealogy/testing';
import * as fs from 'node:fs';
import mongoose from 'mongoose';
import { WRITE_CONCERN } from './graph-bulk';
import { rssOf } from './progress';
import type { Shape } from './scale-shape';
import { now } from './stats';

type Db = mongoose.mongo.Db;
export const LOADERS = ['bulk', 'upserts'] as const;
export type Loader = (typeof LOADERS)[number];

export interface LoadOptions {
  /** The load pauses while the machine has fewer MiB available than this, and stops after 10 minutes of it. */
  minAvailableMiB: number;
  standInPid?: number;
  log: (line: string) => void;
}

export interface Loaded {
  /** Events of the stream (the same count for both loaders: the bulk loader's rate is in the stream's events too). */
  events: number;
  seconds: number;
  /** Documents written (bulk loader only). */
  documents?: number;
  /** The largest document of each collection, BSON bytes, every document measured (bulk loader only). */
  largest?: Record<string, { id: string; bytes: number }>;
  /** Each collection's BSON bytes, the sum of every document written (bulk loader only). */
  bson?: Record<string, number>;
}

const TOPIC = 'bench.scale';
const positioned = (event: TraceEvent, offset: number) => ({ event, position: { topic: TOPIC, partition: 0, offset: String(offset) } });

/** The machine's MemAvailable in MiB (/proc/meminfo), or undefined off Linux. */
export function availableMiB(): number | undefined {
  try {
    const kib = /^MemAvailable:\s+(\d+) kB/m.exec(fs.readFileSync('/proc/meminfo', 'utf8'))?.[1];
    return kib === undefined ? undefined : Number(kib) / 1024;
  } catch {
    return undefined;
  }
}

/**
 * Between writes: waits while the machine is short of memory (the stand-in does not grow meanwhile), and every 30 s
 * logs the progress. On a shared machine the kernel's OOM killer would otherwise end the stand-in, or another process,
 * in the middle of the load.
 */
function guard(o: LoadOptions, progress: () => string): () => Promise<void> {
  const t0 = now();
  let lastLog = t0;
  let lastCheck = t0;
  const mib = (x: number | undefined): string => (x === undefined ? '-' : x.toFixed(0));
  return async () => {
    if (now() - lastCheck > 2_000) {
      const since = now();
      for (let left = availableMiB(); left !== undefined && left < o.minAvailableMiB; left = availableMiB()) {
        if (now() - since > 600_000) throw new Error(`load stopped at ${progress()}: the machine has had less than --min-available ${o.minAvailableMiB} MiB for 10 minutes (${left.toFixed(0)} MiB now); stand-in RSS ${mib(rssOf(o.standInPid)?.rssMiB)} MiB`);
        o.log(`  paused at ${progress()}: ${left.toFixed(0)} MiB available, less than --min-available ${o.minAvailableMiB}`);
        await new Promise((r) => setTimeout(r, 5_000));
      }
      lastCheck = now();
    }
    if (now() - lastLog > 30_000) {
      lastLog = now();
      o.log(`  ${progress()} after ${((lastLog - t0) / 1000).toFixed(0)} s; RSS stand-in ${mib(rssOf(o.standInPid)?.rssMiB)} MiB, bench ${mib(process.memoryUsage().rss / 2 ** 20)} MiB; machine available ${mib(availableMiB())} MiB`);
    }
  };
}

export function load(loader: Loader, db: Db, shape: Shape, o: LoadOptions): Promise<Loaded> {
  return loader === 'bulk' ? loadBulk(db, shape, o) : loadByUpserts(db, shape, o);
}

// ---- the ingest's writes, batch by batch -------------------------------------------------------------------------

const BATCH = 4_000;

type Ops = { collection: string; ops: mongoose.mongo.AnyBulkWriteOperation[] }[];
const opsOf = (writes: GraphWrite[]): Ops => {
  const by = new Map<string, mongoose.mongo.AnyBulkWriteOperation[]>();
  for (const w of writes) {
    const name = COLLECTIONS[w.collection satisfies GraphCollection];
    (by.get(name) ?? by.set(name, []).get(name)!).push(operationOf(w));
  }
  return [...by].map(([collection, ops]) => ({ collection, ops }));
};
const send = (db: Db, ops: Ops): Promise<unknown> =>
  Promise.all(ops.map(({ collection, ops: o }) => db.collection(collection).bulkWrite(o, { ordered: false, writeConcern: WRITE_CONCERN })));

/**
 * One batch as GraphWriteRepository.apply writes it: the merged writes, then the units it started or installed into
 * read back (the fields the derived writes use, chunks of 500) and their brand-bucketed forward edges. (The
 * conflict marks apply also derives are empty here: every unit is started once.) From events rather than Kafka
 * messages, unlike bench/graph-bulk.ts: no JSON round trip for ten million.
 */
async function applyBatch(db: Db, events: TraceEvent[], firstOffset: number): Promise<void> {
  const writes = mergeGraphWrites(events.flatMap((event, i) => graphWritesFor(positioned(event, firstOffset + i))));
  const needs: Map<string, BrandedUseNeed> = brandedUseNeeds(writes);
  await send(db, opsOf(writes.filter((w) => !w.push)));
  await send(db, opsOf(writes.filter((w) => w.push))); // a lot's inline derivations, once the lot exists
  const ids = [...needs.keys()];
  const reads: Promise<mongoose.mongo.Document[]>[] = [];
  for (let i = 0; i < ids.length; i += 500) {
    reads.push(db.collection(COLLECTIONS.units).find({ _id: { $in: ids.slice(i, i + 500) as never[] } }, { projection: { starts: 1, started: 1, installs: 1 } }).toArray());
  }
  const units = (await Promise.all(reads)).flat() as unknown as DerivedFrom[];
  const derived = mergeGraphWrites(units.flatMap((u) => brandedUseWrites(u, needs.get(u._id)!)));
  if (derived.length > 0) await send(db, opsOf(derived));
}

/** Loads the shape in batches of 4,000 events, two batches in flight (as the ingest's partitions side by side). */
export async function loadByUpserts(db: Db, shape: Shape, o: LoadOptions): Promise<Loaded> {
  const t0 = now();
  let batch: TraceEvent[] = [];
  let offset = 0;
  const between = guard(o, () => `${offset.toLocaleString('en-US')} events, ${Math.round(offset / ((now() - t0) / 1000))} ev/s`);
  const inFlight: Promise<void>[] = [];
  const flush = async (): Promise<void> => {
    const applied = applyBatch(db, batch, offset);
    applied.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile (which would skip the stand-in's stop)
    inFlight.push(applied);
    offset += batch.length;
    batch = [];
    if (inFlight.length >= 2) await inFlight.shift();
    await between();
  };
  for (const e of shape.events()) {
    batch.push(e);
    if (batch.length >= BATCH) await flush();
  }
  if (batch.length) await flush();
  await Promise.all(inFlight);
  return { events: offset, seconds: (now() - t0) / 1000 };
}

// ---- the final documents, inserted once ----------------------------------------------------------------------------

type Doc = { _id: string } & Record<string, unknown>;

/**
 * Documents being folded from their writes: per collection, by `_id`, each write's paths set as `$set` would; a capped
 * push (a lot's inline derivations) as `operationOf`'s update does: the entry added unless the list holds its key, the
 * list sorted by key and cut to its slice.
 */
class Folded {
  readonly byCollection = new Map<GraphCollection, Map<string, Doc>>();
  add(w: GraphWrite): void {
    let docs = this.byCollection.get(w.collection);
    if (!docs) this.byCollection.set(w.collection, (docs = new Map()));
    let doc = docs.get(w.id);
    if (!doc) docs.set(w.id, (doc = { _id: w.id }));
    for (const path in w.set) setPath(doc, path, w.set[path]);
    if (w.push) pushCapped(doc, w.push);
  }
}


/** `$set: { [path]: value }` on a document in memory: a dotted path makes (or descends into) sub-documents. */
function setPath(doc: Record<string, unknown>, path: string, value: unknown): void {
  let at = doc;
  let from = 0;
  for (let dot = path.indexOf('.'); dot >= 0; dot = path.indexOf('.', from)) {
    const key = path.slice(from, dot);
    const next = at[key];
    if (next === undefined) at = at[key] = {} as Record<string, unknown>;
    else if (next && typeof next === 'object' && !Array.isArray(next) && !(next instanceof Date)) at = next as Record<string, unknown>;
    else throw new Error(`$set ${path}: ${key} is not a sub-document`);
    from = dot + 1;
  }
  at[path.slice(from)] = value;
}

/** Buckets per group of the bulk loader: 1,024 / 32 groups, so a group holds about a 32nd of the per-serial documents. */
const GROUPS = 32;
const groupOf = (bucket: number): number => bucket % GROUPS;
const INSERT_BATCH = 2_000;
const INSERTS_IN_FLIGHT = 3;
/**
 * Acknowledged, not journaled: on the H2 store a journaled insert commits the store each time (measured 859 against
 * 2,679 documents/s, 2,000 a batch, three in flight); the bench's store is only durable after a clean stop anyway.
 */
const INSERT_CONCERN = { w: 1 } as const;

/** The documents bucketed by the serial they are written for (`bucket` among their fields). */
const BY_SERIAL: ReadonlySet<GraphCollection> = new Set<GraphCollection>(['lotUses', 'lotBrandUses', 'productUnits', 'workOrderUnits']);

/**
 * Which group a write's document belongs to, or -1 for the documents folded over every group: a unit by its serial's
 * bucket, a document bucketed by serial (BY_SERIAL) by its bucket. Documents bucketed by something else (a vendor
 * lot's or a fact's hash: vendor_supplies, part_receipt_buckets, lot_derived_buckets) are folded over every group, as
 * the events that write them need not be in the group's boards.
 */
const ownerOf = (w: GraphWrite): number =>
  w.collection === 'units' ? groupOf(bucketOf(w.id)) : BY_SERIAL.has(w.collection) && typeof w.set.bucket === 'number' ? groupOf(w.set.bucket) : -1;

/**
 * Computes every document of the shape and writes each once, `insertMany` (unordered, batches of 2,000, three in
 * flight), one group of buckets at a time: a group's documents are inserted while the next group's are computed.
 */
export async function loadBulk(db: Db, shape: Shape, o: LoadOptions): Promise<Loaded> {
  const t0 = now();
  const events = shape.firstEventOf(shape.boards);
  const largest: Record<string, { id: string; bytes: number }> = {};
  const bson: Record<string, number> = {};
  let documents = 0;
  let group = 0;
  const between = guard(o, () => `group ${group} of ${GROUPS}, ${documents.toLocaleString('en-US')} documents, ${Math.round(documents / ((now() - t0) / 1000))} docs/s`);
  const inFlight = new Set<Promise<unknown>>();
  const insert = async (collection: GraphCollection, docs: Doc[]): Promise<void> => {
    const name = COLLECTIONS[collection];
    for (const d of docs) {
      const bytes = mongoose.mongo.BSON.calculateObjectSize(d);
      if (bytes > (largest[name]?.bytes ?? -1)) largest[name] = { id: d._id, bytes };
      bson[name] = (bson[name] ?? 0) + bytes;
    }
    for (let i = 0; i < docs.length; i += INSERT_BATCH) {
      while (inFlight.size >= INSERTS_IN_FLIGHT) await Promise.race(inFlight);
      const p = db.collection(name).insertMany(docs.slice(i, i + INSERT_BATCH) as never[], { ordered: false, writeConcern: INSERT_CONCERN });
      const tracked = p.then(() => void inFlight.delete(tracked));
      tracked.catch(() => undefined); // awaited through inFlight; not an unhandled rejection meanwhile
      inFlight.add(tracked);
      documents += Math.min(INSERT_BATCH, docs.length - i);
      await between();
    }
  };
  const insertAll = async (folded: Folded): Promise<void> => {
    for (const [collection, docs] of folded.byCollection) await insert(collection, [...docs.values()]);
  };
  const drain = async (): Promise<void> => {
    while (inFlight.size > 0) await Promise.race(inFlight);
  };

  const global = new Folded();
  for (const [i, event] of shape.prelude().entries()) for (const w of graphWritesFor(positioned(event, i))) global.add(w);
  const firsts = new Float64Array(shape.boards);
  const boardGroups = new Uint8Array(shape.boards);
  const systemGroups = new Uint8Array(Math.ceil(shape.boards / 4));
  for (let b = 0, first = shape.firstEventOf(0); b < shape.boards; b++) {
    firsts[b] = first;
    first += shape.boardEventCount(b);
    boardGroups[b] = groupOf(bucketOf(shape.board(b)));
    if (b % 4 === 0) systemGroups[b / 4] = groupOf(bucketOf(shape.system(b / 4)));
  }
  if (firsts.length > 0 && firsts[shape.boards - 1]! + shape.boardEventCount(shape.boards - 1) !== events) throw new Error('bulk loader: board event counts disagree with the stream');
  if (BUCKET_COUNT % GROUPS !== 0) throw new Error('bulk loader: groups must divide the buckets');

  let writing: Promise<void> = Promise.resolve();
  for (group = 0; group < GROUPS; group++) {
    const own = new Folded();
    const route = (w: GraphWrite): void => {
      const owner = ownerOf(w);
      if (owner === -1) global.add(w);
      else if (owner === group) own.add(w);
      // else: another group's document, folded when that group's events are made again
    };
    for (let b = 0, made = 0; b < shape.boards; b++) {
      if (boardGroups[b] !== group && systemGroups[b >> 2] !== group) continue;
      // Now and then, let the previous group's inserts send their next batches.
      if (++made % 1_000 === 0) await new Promise((r) => setImmediate(r));
      const first = firsts[b]!;
      for (const [i, event] of shape.boardEvents(b, first).entries()) for (const w of graphWritesFor(positioned(event, first + i))) route(w);
    }
    // The writes GraphWriteRepository.apply derives from the units as read back, from the units as they end.
    for (const unit of own.byCollection.get('units')?.values() ?? []) {
      const u = unit as unknown as DerivedFrom;
      for (const w of brandedUseWrites(u, { brandSet: true, lots: new Set() })) route(w);
      for (const w of conflictMarkWrites(u)) route(w);
    }
    await writing; // the previous group's inserts, sent while this one was computed
    writing = insertAll(own);
    writing.catch(() => undefined);
  }
  await writing;
  await insertAll(global);
  await drain();
  return { events, seconds: (now() - t0) / 1000, documents, largest, bson };
}
