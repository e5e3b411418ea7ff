import { compare } from '../facts/facts';
import type { BrandScope } from '../genealogy.types';
import { ClimbMemo, RowQuery, RowSink, Use, readClimb, rowOf, rowsOfUse } from './climb';
import { LineWriter } from './row-line';
import type { UnitDoc } from '../storage/graph.documents';
import { sameScope } from './filters';
import type { ForwardReader } from './forward-reader';
import type { ReachedWithBuckets } from './lineage';
import { type ForwardBatching, type NdjsonChunk, type PositionedRow, type RowPosition, RowPositionNotFound, type TraversalStats, type WhereUsed, type WhereUsedRow } from './where-used.types';

// The lazy part of a where-used answer: the forward-edge buckets read in growing batches, the serials climbed in batches.

/** The answer over the reached lots: the lots now, the rows when asked for, only in the scope it was opened with. */
export function answer(reader: ForwardReader, lots: ReachedWithBuckets[], stats: TraversalStats, batching: ForwardBatching, opened: BrandScope): WhereUsed {
  return {
    lots: lots.map(({ lotId, known, status, path }) => ({ lotId, known, status, path })),
    stats,
    rows: (filter, scope, options) => {
      checkScope(scope);
      return rowsOf(reader, lots, { filter, scope, history: options?.history ?? false }, stats, batching, options?.readAhead ?? true);
    },
    lines: (filter, scope, options) => {
      checkScope(scope);
      return linesOf(reader, lots, { filter, scope, history: options?.history ?? false }, stats, batching, options?.chunk ?? NDJSON_CHUNK);
    },
    rowsFrom: (filter, scope, options) => {
      checkScope(scope);
      return positionedRowsOf(reader, lots, { filter, scope, history: options.history ?? false }, stats, batching, options.from, options.readAhead ?? false, options.wanted);
    },
  };
  function checkScope(scope: BrandScope): void {
    if (!sameScope(scope, opened)) throw new Error('where-used rows asked for another scope than the answer was opened with');
  }
}

/**
 * How much of the answer is still wanted, as the batches are cut: the rows a page asks for (absent: all of them, as the
 * NDJSON stream does), the rows given so far and the serials handed out for them.
 */
interface Demand {
  rows?: number;
  given: number;
  serials: number;
}

/** A batch of uses and the units its climb read. */
interface ReadBatch {
  uses: Use[];
  units: Map<string, UnitDoc | null>;
}

/** About 64 KB of lines a chunk: a 100,000-row answer is a few hundred async steps and writes, not 100,000. */
const NDJSON_CHUNK = 64 * 1024;

// Every row, without positions: one async step per row, not one per layer.
async function* rowsOf(reader: ForwardReader, lots: ReachedWithBuckets[], query: RowQuery, stats: TraversalStats, batching: ForwardBatching, readAhead: boolean): AsyncGenerator<WhereUsedRow> {
  const memo = new ClimbMemo();
  const rows: WhereUsedRow[] = [];
  const sink: RowSink = (parts) => void rows.push(rowOf(parts));
  for await (const batch of climbs(reader, lots, query, stats, batching, undefined, readAhead, memo)) {
    for (const use of batch.uses) {
      rowsOfUse(use, batch.units, query, memo, sink);
      for (let i = 0; i < rows.length; i++) yield rows[i]!;
      rows.length = 0;
    }
  }
}

// Every row as NDJSON lines written straight from the climb (the whole answer is wanted, read ahead), in chunks of
// about `chunk` characters: one async step per chunk, no row objects.
async function* linesOf(reader: ForwardReader, lots: ReachedWithBuckets[], query: RowQuery, stats: TraversalStats, batching: ForwardBatching, chunk: number): AsyncGenerator<NdjsonChunk> {
  const memo = new ClimbMemo();
  const lines = new LineWriter();
  for await (const batch of climbs(reader, lots, query, stats, batching, undefined, true, memo)) {
    for (const use of batch.uses) {
      rowsOfUse(use, batch.units, query, memo, lines.add);
      if (lines.text.length >= chunk) yield lines.take();
    }
  }
  if (lines.rows > 0) yield lines.take();
}

// Each row with the position after it: which row of its use it is, so that resuming skips that many of its use's rows.
async function* positionedRowsOf(
  reader: ForwardReader,
  lots: ReachedWithBuckets[],
  query: RowQuery,
  stats: TraversalStats,
  batching: ForwardBatching,
  from: RowPosition | undefined,
  readAhead: boolean,
  wanted: number | undefined,
): AsyncGenerator<PositionedRow> {
  const memo = new ClimbMemo();
  const rows: WhereUsedRow[] = [];
  const sink: RowSink = (parts) => void rows.push(rowOf(parts));
  const demand: Demand = { ...(wanted !== undefined ? { rows: wanted } : {}), given: 0, serials: 0 };
  for await (const batch of climbs(reader, lots, query, stats, batching, from, readAhead, memo, demand)) {
    for (const use of batch.uses) {
      rowsOfUse(use, batch.units, query, memo, sink);
      const skip = from && use.bucket === from.bucket && use.serial === from.serial ? from.skip : 0;
      if (rows.length > skip) demand.given += rows.length - skip;
      for (let i = skip; i < rows.length; i++) yield { row: rows[i]!, next: { bucket: use.bucket, serial: use.serial, skip: i + 1 } };
      rows.length = 0;
    }
  }
}

// The batches of uses with the units their climbs read, in order. Reading ahead (the whole answer is wanted): the next
// READ_AHEAD batches' reads are in flight while this one's rows are assembled, serialized and written, so the database
// always has a batch's reads to answer (one batch's levels are one after another: its parents are known only once its
// serials are read). A parent wanted by two batches in flight is read once (ParentUnits.reading).
async function* climbs(
  reader: ForwardReader,
  lots: ReachedWithBuckets[],
  query: RowQuery,
  stats: TraversalStats,
  batching: ForwardBatching,
  from: RowPosition | undefined,
  readAhead: boolean,
  memo: ClimbMemo,
  demand: Demand = { given: 0, serials: 0 },
): AsyncGenerator<ReadBatch> {
  const batches = useBatches(reader, lots, query.scope, stats, batching, from, demand);
  const read = async (): Promise<ReadBatch | undefined> => {
    const next = await batches.next();
    return next.done ? undefined : { uses: next.value, units: await readClimb(reader, next.value, query.history, stats, memo.parents) };
  };
  const pending: Promise<ReadBatch | undefined>[] = [read()];
  try {
    for (;;) {
      const batch = await pending.shift()!;
      if (!batch) return;
      if (readAhead) while (pending.length < READ_AHEAD) pending.push(read());
      yield batch;
      if (!readAhead) pending.push(read());
    }
  } finally {
    // Left before its end (a page is full, the client went away): the reads in flight have no one to fail to.
    for (const p of pending) p.catch(() => undefined);
  }
}

/** Batches read ahead of the one given (at most READ_AHEAD + 1 batches' units held: about 6,000 serials' at 2,000). */
const READ_AHEAD = 2;

// The uses of the answer in its stable order, in batches: the forward-edge buckets read in growing batches, their
// serials handed out in batches of growing size for one climb each.
async function* useBatches(
  reader: ForwardReader,
  lots: ReachedWithBuckets[],
  scope: BrandScope,
  stats: TraversalStats,
  batching: ForwardBatching,
  from: RowPosition | undefined,
  demand: Demand,
): AsyncGenerator<Use[]> {
  let buckets = lots.flatMap((lot) => lot.buckets.map((id) => ({ lot, id })));
  if (from) {
    // Resuming: the buckets before the position's are never read, nor the serials before its serial.
    const at = buckets.findIndex((b) => b.id === from.bucket);
    if (at < 0) throw new RowPositionNotFound(from);
    buckets = buckets.slice(at);
  }
  const read = (ids: string[]): Promise<{ _id: string; serials?: Record<string, string> }[]> =>
    scope.kind === 'site' ? reader.findLotUses(ids) : reader.findLotBrandUses(ids);
  const uses: Use[] = [];
  // Batches start small and grow: the first rows come quickly, the rest in few round trips. The number of buckets
  // read at once follows how full they turned out to be, so about one climb's worth of serials is held at a time
  // (a bucket of a lot used in a million serials holds ~1,000): memory does not grow with the answer.
  let bucketBatch = Math.min(16, batching.buckets);
  let serialBatch = Math.min(100, batching.serials);
  let bucketsRead = 0;
  let usesRead = 0;
  for (let i = 0; i < buckets.length; ) {
    const batch = buckets.slice(i, i + bucketBatch);
    i += batch.length;
    const docs = new Map((await read(batch.map((b) => b.id))).map((d) => [d._id, d]));
    stats.roundTrips++;
    for (const { lot, id } of batch) {
      for (const serial of Object.values(docs.get(id)?.serials ?? {}).sort(compare)) {
        if (from && id === from.bucket && compare(serial, from.serial) < 0) continue;
        uses.push({ lot, bucket: id, serial });
        usesRead++;
      }
    }
    bucketsRead += batch.length;
    const perBucket = Math.max(usesRead / bucketsRead, 1);
    bucketBatch = Math.max(1, Math.min(batching.buckets, bucketBatch * 2, Math.floor(batching.serials / perBucket)));
    while (uses.length >= batchSize(serialBatch, demand)) {
      yield handOut(uses, batchSize(serialBatch, demand), demand);
      serialBatch = Math.min(serialBatch * 2, batching.serials);
    }
  }
  while (uses.length > 0) yield handOut(uses, batchSize(serialBatch, demand), demand);
}

function handOut(uses: Use[], size: number, demand: Demand): Use[] {
  demand.serials += Math.min(size, uses.length);
  return uses.splice(0, size);
}

// The serials of the next batch: the growing batch, but no more than a page still wants. Those serials gave so many rows
// each so far (one, mostly; none when out of scope or filtered out, several for a unit in several top-level units), so
// the rest of the page takes about that many more; before any row, one a serial. Never below one: a page is full or
// the uses end, whatever its serials give. Cut when the batch is asked for, that is once the rows before it were taken
// (a page reads no batch ahead).
function batchSize(serialBatch: number, { rows, given, serials }: Demand): number {
  if (rows === undefined) return serialBatch;
  const perSerial = serials === 0 ? 1 : given / serials;
  if (perSerial === 0) return serialBatch;
  return Math.max(1, Math.min(serialBatch, Math.ceil((rows - given) / perSerial)));
}
