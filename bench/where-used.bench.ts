/**
 * Where-used and commonality latency on a generated graph of at least a million installations.
 *
 *   java -Xmx10g -cp '.stack/lib/*' test/stack/MongoLauncher.java 127.0.0.1 27049 memory &
 *   MONGO_URL=mongodb://127.0.0.1:27049/wu_bench TS_NODE_PROJECT=bench/tsconfig.json node --expose-gc \
 *     -r ts-node/register/transpile-only -r tsconfig-paths/register bench/where-used.bench.ts [--boards 100000] [--keep]
 *
 * Loads the graph through the ingest's own writes (graphWritesFor, merged per batch, unordered upserts), then
 * measures the lib's traversals (no HTTP) against it, and the small where-used once more on an empty database
 * for comparison. Data set, per board: 10 installations (9 from 1,000 common reels, 1 from a huge reel split in
 * two); every 4 boards are built into a system (2 levels); one small reel is used in 3 boards only.
 */
import 'reflect-metadata';
import { TraceEvent, makeEvent } from '@trace/contracts';
import {
  CommonalityAnalyzer,
  ForwardTracer,
  SITE_WIDE,
  WhereUsed,
  graphWritesFor,
  mergeGraphWrites,
} from '@trace/genealogy';
import { COLLECTIONS, GenealogyRepository, GraphFetcher, genealogyRepositoryOn, operationOf } from '@trace/genealogy/testing';
import mongoose from 'mongoose';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const BOARDS = arg('boards', 100_000);
const COMMON_REELS = 1_000;
const log = (s: string): void => void process.stderr.write(`[where-used bench ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

let seq = 0;
const at = '2026-11-01T08:00:00Z';
const ev = <T extends TraceEvent['type']>(type: T, data: Extract<TraceEvent, { type: T }>['data']): TraceEvent =>
  makeEvent(type, data as never, { eventId: `b${++seq}`, occurredAt: at }) as TraceEvent;

function* material(): Generator<TraceEvent> {
  yield ev('VendorRegistered', { vendorId: 'V-1', name: 'Vendor', country: 'DE', status: 'approved' });
  for (let r = 0; r < COMMON_REELS; r++) {
    yield ev('MaterialReceived', { receiptId: `GR-${r}`, vendorId: 'V-1', manufacturer: 'M', mpn: `MPN-${r % 50}`, internalPartNumber: 'I', vendorLotCode: `L${r}`, receivedAt: at, uom: 'pcs', packages: [{ lotId: `R-${r}`, quantity: 1e6 }] });
  }
  yield ev('MaterialReceived', { receiptId: 'GR-HUGE', vendorId: 'V-1', manufacturer: 'M', mpn: 'HUGE', internalPartNumber: 'I', vendorLotCode: 'H', receivedAt: at, uom: 'pcs', packages: [{ lotId: 'HUGE', quantity: 1e7 }] });
  yield ev('LotSplit', { sourceLotId: 'HUGE', newLots: [{ lotId: 'HUGE-A', quantity: 5e6 }, { lotId: 'HUGE-B', quantity: 5e6 }] });
  yield ev('MaterialReceived', { receiptId: 'GR-SMALL', vendorId: 'V-1', manufacturer: 'M', mpn: 'SMALL', internalPartNumber: 'I', vendorLotCode: 'S', receivedAt: at, uom: 'pcs', packages: [{ lotId: 'SMALL', quantity: 10 }] });
}

function* boards(from: number, to: number): Generator<TraceEvent> {
  for (let b = from; b < to; b++) {
    const serial = `B-${b}`;
    yield ev('UnitStarted', { serial, brand: b % 2 ? 'Acme' : 'Globex', productPartNumber: `BRD-${b % 5}`, workOrder: `WO-${b % 100}` });
    // 9 common reels per board: reel r is used by ~ BOARDS * 9 / COMMON_REELS boards.
    for (let k = 0; k < 9; k++) yield ev('MaterialInstalled', { serial, lotId: `R-${(b * 7 + k * 131) % COMMON_REELS}`, quantity: 1, refDes: [`C${k}`] });
    yield ev('MaterialInstalled', { serial, lotId: b % 2 ? 'HUGE-A' : 'HUGE-B', quantity: 1, refDes: ['U1'] });
    if (b % 4 === 0) yield ev('UnitStarted', { serial: `SYS-${b / 4}`, brand: b % 2 ? 'Acme' : 'Globex', productPartNumber: 'SYS', workOrder: 'WO-S' });
    yield ev('UnitAssembled', { serial: `SYS-${Math.floor(b / 4)}`, childSerial: serial });
    if (b % 2 === 0 && b % 3 === 0) yield ev('UnitShipped', { serial: `SYS-${Math.floor(b / 4)}`, shipmentId: `SHP-${b}`, customer: 'C' });
  }
}

async function load(db: mongoose.mongo.Db, events: Iterable<TraceEvent>): Promise<number> {
  let batch: TraceEvent[] = [];
  let n = 0;
  const inFlight: Promise<unknown>[] = [];
  const flush = async (): Promise<void> => {
    const writes = mergeGraphWrites(batch.map((event, i) => graphWritesFor({ event, position: { topic: 'bench', partition: 0, offset: String(n + i) } })).flat());
    n += batch.length;
    batch = [];
    const bulksOf = (ws: typeof writes): Promise<unknown> => {
      const by = new Map<string, mongoose.mongo.AnyBulkWriteOperation[]>();
      for (const w of ws) {
        const ops = by.get(COLLECTIONS[w.collection]) ?? by.set(COLLECTIONS[w.collection], []).get(COLLECTIONS[w.collection])!;
        ops.push(operationOf(w));
      }
      return Promise.all([...by].map(([c, ops]) => db.collection(c).bulkWrite(ops, { ordered: false })));
    };
    // A lot's inline derivations once the lot exists (applyGraphWrites' order).
    inFlight.push(bulksOf(writes.filter((w) => !w.push)).then(() => bulksOf(writes.filter((w) => w.push))));
    if (inFlight.length >= 2) await inFlight.shift();
  };
  for (const e of events) {
    batch.push(e);
    if (batch.length >= 4_000) await flush();
  }
  if (batch.length) await flush();
  await Promise.all(inFlight);
  return n;
}

function tracers(conn: mongoose.Connection) {
  const repo = genealogyRepositoryOn(conn);
  return { repo, commonality: new CommonalityAnalyzer(new GraphFetcher(repo), repo) };
}

interface WhereUsedFigure {
  rows: number;
  firstRowMs: number;
  wholeMs: number;
  roundTrips: number;
  /** Growth of the live heap (measured after a forced collection every 20,000 rows; needs node --expose-gc). */
  liveHeapGrowthMb: number;
}

async function whereUsed(repo: GenealogyRepository, lotId: string): Promise<WhereUsedFigure> {
  global.gc?.();
  const heapBefore = process.memoryUsage().heapUsed;
  let heapPeak = heapBefore;
  if (!global.gc) log('run node with --expose-gc to measure the live heap');
  const t0 = performance.now();
  const answer = (await new ForwardTracer(repo).fromLot(lotId, SITE_WIDE)) as WhereUsed;
  let first = 0;
  let rows = 0;
  for await (const _ of answer.rows({}, SITE_WIDE)) {
    if (rows === 0) first = performance.now() - t0;
    if (++rows % 20_000 === 0 && global.gc) {
      global.gc();
      heapPeak = Math.max(heapPeak, process.memoryUsage().heapUsed);
    }
  }
  return { rows, firstRowMs: first, wholeMs: performance.now() - t0, roundTrips: answer.stats.roundTrips, liveHeapGrowthMb: (heapPeak - heapBefore) / 2 ** 20 };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
async function repeat<T extends object>(times: number, f: () => Promise<T>): Promise<T> {
  const runs: T[] = [];
  for (let i = 0; i < times; i++) runs.push(await f());
  // The median of each numeric field: one run each is an order of magnitude on two shared cores.
  return Object.fromEntries(Object.keys(runs[0]!).map((k) => [k, median(runs.map((r) => (r as Record<string, number>)[k]!))])) as T;
}

const fmt = (f: WhereUsedFigure): string =>
  `${f.rows} rows, first row ${f.firstRowMs.toFixed(1)} ms, whole ${f.wholeMs.toFixed(1)} ms, ${f.roundTrips} round trips, live heap +${f.liveHeapGrowthMb.toFixed(1)} MB`;

async function main(): Promise<void> {
  const url = process.env.MONGO_URL;
  if (!url) throw new Error('MONGO_URL is required (a MongoDB 7 or the stand-in: java -cp ".stack/lib/*" test/stack/MongoLauncher.java 127.0.0.1 27049 memory)');
  const conn = await mongoose.createConnection(url, { autoIndex: false, autoCreate: false }).asPromise();
  const db = conn.db!;
  await db.dropDatabase();
  const { repo, commonality } = tracers(conn);

  // The same small question on an (almost) empty database first.
  await load(db, [...material(), ...boards(0, 4)]);
  await load(db, [ev('MaterialInstalled', { serial: 'B-0', lotId: 'SMALL', quantity: 1, refDes: ['X1'] })]);
  const emptySmall = await repeat(7, () => whereUsed(repo, 'SMALL'));
  log(`empty database: where-used SMALL: ${fmt(emptySmall)}`);

  const t0 = performance.now();
  const loaded = await load(db, boards(4, BOARDS));
  await load(db, [1, 2].map((b) => ev('MaterialInstalled', { serial: `B-${b * 1000}`, lotId: 'SMALL', quantity: 1, refDes: ['X1'] })));
  const loadS = (performance.now() - t0) / 1000;
  const installations = BOARDS * 10 + 3;
  log(`loaded ${loaded} events (${installations} installations, ${BOARDS} boards, ${Math.ceil(BOARDS / 4)} systems) in ${loadS.toFixed(0)} s`);
  const counts: Record<string, number> = {};
  for (const c of Object.values(COLLECTIONS)) counts[c] = await db.collection(c).estimatedDocumentCount();
  log(`documents: ${JSON.stringify(counts)}`);

  const small = await repeat(7, () => whereUsed(repo, 'SMALL'));
  log(`where-used SMALL (3 boards): ${fmt(small)}`);
  const common = await repeat(5, () => whereUsed(repo, 'R-17'));
  log(`where-used R-17 (a common reel): ${fmt(common)}`);
  const huge = await repeat(3, () => whereUsed(repo, 'HUGE'));
  log(`where-used HUGE (split, every board): ${fmt(huge)}`);

  const failed = Array.from({ length: 1_000 }, (_, i) => `B-${i * 37}`);
  const good = Array.from({ length: 1_000 }, (_, i) => `B-${i * 37 + 1}`);
  const comm = await repeat(3, async () => {
    const s = performance.now();
    const c = await commonality.analyse(failed, good, SITE_WIDE, 50);
    return { ms: performance.now() - s, roundTrips: c.roundTrips, factors: c.factors.length };
  });
  log(`commonality 1,000 serials vs 1,000: ${comm.ms.toFixed(0)} ms, ${comm.roundTrips} round trips`);

  process.stdout.write(JSON.stringify({ boards: BOARDS, installations, loadSeconds: loadS, documents: counts, emptySmall, small, common, huge, commonality: comm }, null, 2) + '\n');
  if (!process.argv.includes('--keep')) await db.dropDatabase();
  await conn.close();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
