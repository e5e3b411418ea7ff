import type { mongo } from 'mongoose';
import { GraphCollection } from '../storage/graph.documents';
import { BrandedUseNeed, DerivedFrom, GraphWrite, brandedUseNeeds, brandedUseWrites, conflictMarkWrites, mergeGraphWrites } from './graph-writes';
import type { BrandApprovalDoc, BrandDeviationDoc } from '../authority/authority.documents';
import { PartCopyNeeds, copyMarksOff, partCopyNeeds, partCopyWrites } from '../authority/authority-writes';
import { classifyDatabaseError } from './database-errors';

type AnyBulkWriteOperation = mongo.AnyBulkWriteOperation;

/**
 * Where graph writes go: one unordered bulk of upserts per collection, and the read of units by `_id` that the
 * derived writes need. GraphWriteRepository is one (mongoose's driver collections); the bench's bulk-write ceiling
 * is another (the raw driver), so that both send exactly the same round trips.
 */
export interface GraphStore {
  bulkUpsert(collection: GraphCollection, ops: AnyBulkWriteOperation[]): Promise<unknown>;
  /** The units of `ids` that exist, with the fields of DERIVED_FROM_FIELDS only. */
  readUnits(ids: string[]): Promise<DerivedFrom[]>;
  /** The approvals' or deviations' own documents of `ids` that exist, whole (partCopyWrites copies from them). */
  readAuthority(collection: 'brandApprovals' | 'brandDeviations', ids: string[]): Promise<(BrandApprovalDoc | BrandDeviationDoc)[]>;
}

/** The projection of the units read back for the derived writes (brandedUseWrites, conflictMarkWrites). */
export const DERIVED_FROM_FIELDS = { starts: 1, started: 1, installs: 1 } as const;

/** Units read back by `_id $in` in chunks of this many, side by side. */
export const READ_BACK_CHUNK = 500;

/**
 * A batch's writes as the database gets them: one bulk of upserts per collection, the units to read back after, and
 * the capped pushes (a lot's inline derivations) that go after the upserts, when the document they add to exists.
 */
export interface PreparedWrites {
  bulks: [GraphCollection, AnyBulkWriteOperation[]][];
  needs: Map<string, BrandedUseNeed>;
  /** The approvals' and deviations' own documents to read back and copy to their parts' documents. */
  copies: PartCopyNeeds;
  pushes: [GraphCollection, AnyBulkWriteOperation[]][];
}

/** Groups writes into one bulk of idempotent upserts per collection, and notes the units whose derived writes they call for. */
export function prepareGraphWrites(writes: GraphWrite[]): PreparedWrites {
  return {
    bulks: upsertsOf(writes.filter((w) => !w.push)),
    needs: brandedUseNeeds(writes),
    copies: partCopyNeeds(writes),
    pushes: upsertsOf(writes.filter((w) => w.push)),
  };
}

function upsertsOf(writes: GraphWrite[]): [GraphCollection, AnyBulkWriteOperation[]][] {
  const byCollection = new Map<GraphCollection, AnyBulkWriteOperation[]>();
  for (const w of writes) {
    const ops = byCollection.get(w.collection) ?? byCollection.set(w.collection, []).get(w.collection)!;
    ops.push(operationOf(w));
  }
  return [...byCollection];
}

/**
 * A graph write as one operation of a bulk: an upsert of its `$set`; for a capped push, an update (no upsert: the
 * document exists, an upsert of the same event sent before made it) that adds the entry unless the list holds its key:
 * `$push` with `$each`, `$sort` by key and `$slice`, so the list is the smallest keys ever pushed, each once, whatever the
 * order of the writes, their replays and their concurrent writers.
 */
export function operationOf(w: GraphWrite): AnyBulkWriteOperation {
  if (!w.push) return { updateOne: { filter: { _id: w.id as never }, update: { $set: w.set }, upsert: true } };
  const { field, entry, slice } = w.push;
  return {
    updateOne: {
      filter: { _id: w.id as never, [`${field}.k`]: { $ne: entry.k } },
      update: { $push: { [field]: { $each: [entry], $sort: { k: 1 }, $slice: slice } } as never },
    },
  };
}

const sendBulks = (store: Pick<GraphStore, 'bulkUpsert'>, bulks: PreparedWrites['bulks']): Promise<unknown> => Promise.all(bulks.map(([collection, ops]) => store.bulkUpsert(collection, ops)));

/**
 * Upserts every write, then (side by side) the capped pushes, the brand-bucketed forward edges and conflict marks the
 * writes call for, derived from the units just written as the database holds them then (one more read and one more
 * bulk when the batch started units or installed material; one more bulk when it split or merged lots), and the copies
 * of the approvals' and deviations' own documents it wrote to their parts' documents (partCopyWrites: one more read and
 * bulk when it held brand events). Resolves once the store acknowledged all of it. A failure in between is retried whole by the caller, and every write is idempotent.
 */
export async function applyGraphWrites(store: GraphStore, prepared: PreparedWrites): Promise<void> {
  await sendBulks(store, prepared.bulks);
  await Promise.all([sendBulks(store, prepared.pushes), derivedWrites(store, prepared.needs), copyWrites(store, prepared.copies)]);
}

/**
 * The copies of the approvals' and deviations' own documents of `copies`, as the database holds them now, to their
 * parts' documents (partCopyWrites): after a batch, of the ones it wrote; in `graph recopy`, of every one stored.
 */
export async function copyWrites(store: Pick<GraphStore, 'bulkUpsert' | 'readAuthority'>, copies: PartCopyNeeds): Promise<void> {
  const reads: Promise<(BrandApprovalDoc | BrandDeviationDoc)[]>[] = [];
  for (const collection of ['brandApprovals', 'brandDeviations'] as const) {
    const ids = copies[collection];
    for (let i = 0; i < ids.length; i += READ_BACK_CHUNK) reads.push(store.readAuthority(collection, ids.slice(i, i + READ_BACK_CHUNK)));
  }
  if (reads.length === 0) return;
  await copyDocuments(store, (await Promise.all(reads)).flat());
}

/**
 * Writes the copies of approvals' and deviations' own documents already read (partCopyWrites) to their parts' documents;
 * a part that refuses its copy (its document too large) gets those ids marked not copied instead.
 */
export async function copyDocuments(store: Pick<GraphStore, 'bulkUpsert'>, docs: readonly (BrandApprovalDoc | BrandDeviationDoc)[]): Promise<void> {
  const copied = mergeGraphWrites(docs.flatMap(partCopyWrites));
  if (copied.length === 0) return;
  try {
    await sendBulks(store, upsertsOf(copied));
  } catch (error) {
    if (classifyDatabaseError(error) !== 'refused') throw error;
    // A part's document refused its copy (too large): the own documents are written, so the event is recorded, and the
    // ids lose their mark on that part, so its judgement reads their own documents, never an incomplete copy.
    await sendBulks(store, upsertsOf(copyMarksOff(refusedWrites(copied, error))));
  }
}

/**
 * The writes of one unordered bulk (upsertsOf of `writes`, one collection: the parts' copies) that a refused bulk's
 * error names: its write errors by index, every other operation having been applied (ordered: false). All of them when
 * the error does not say which (the driver refusing a document before sending, a write concern error, an index out
 * of range): taking a mark off a part whose copy did land only costs a read of the own document.
 */
export function refusedWrites(writes: readonly GraphWrite[], error: unknown): readonly GraphWrite[] {
  const e = error as { writeErrors?: unknown; writeConcernError?: unknown };
  const collections = new Set(writes.map((w) => w.collection));
  if (collections.size !== 1 || e.writeConcernError || !Array.isArray(e.writeErrors) || e.writeErrors.length === 0) return writes;
  const indexes = (e.writeErrors as { index?: unknown }[]).map((w) => w.index);
  if (!indexes.every((i): i is number => Number.isInteger(i) && (i as number) >= 0 && (i as number) < writes.length)) return writes;
  return [...new Set(indexes)].sort((a, b) => a - b).map((i) => writes[i]!);
}

async function derivedWrites(store: GraphStore, needs: PreparedWrites['needs']): Promise<void> {
  if (needs.size === 0) return;
  const ids = [...needs.keys()];
  const chunks: string[][] = [];
  for (let i = 0; i < ids.length; i += READ_BACK_CHUNK) chunks.push(ids.slice(i, i + READ_BACK_CHUNK));
  const units = (await Promise.all(chunks.map((c) => store.readUnits(c)))).flat();
  const derived = mergeGraphWrites(
    units.flatMap((u) => {
      const need = needs.get(u._id)!;
      return [...brandedUseWrites(u, need), ...(need.brandSet ? conflictMarkWrites(u) : [])];
    }),
  );
  if (derived.length > 0) await sendBulks(store, upsertsOf(derived));
}
