import { TraceEvent, makeEvent, toMessage } from '@trace/contracts';
import { ForwardTracer, SITE_WIDE } from '@trace/genealogy';
import { COLLECTIONS, GenealogyRepository, PARENT_PROJECTION, bucketId, genealogyRepositoryOn } from '@trace/genealogy/testing';
import mongoose from 'mongoose';
import * as os from 'node:os';
import { ensureJars, startLocalStack } from '../test/stack/local-stack';
import { ApiUnderTest, startApiOn } from './genealogy.bench';
import { loadGraph } from './graph-bulk';
import { commitInfo, machineInfo, writeResultFile } from './results';
import { Latency, latencyOf, now } from './stats';

type Db = mongoose.mongo.Db;
type Doc = Record<string, any>;

/** A where-used of one reel in every board, read as JSON pages and as one NDJSON stream, against the floor of its reads. */
export interface WhereUsedPagingFigures {
  rows: number;
  pageSize: number;
  /** The page timed against page 1: the last full page (page `rows / pageSize`). */
  farPage: number;
  first: Latency;
  far: Latency;
  ndjson: Latency;
  /** CPU of this process (the API in it) per NDJSON answer, ms. */
  ndjsonCpu: Latency;
  floor: Latency;
  /** CPU of this process per floor read (the driver's decoding of the same documents), ms. */
  floorCpu: Latency;
  /** Documents the floor reads: the lot and its index, the buckets, the boards, the systems. */
  floorDocuments: number;
  /** Timed in the same rounds when a caller adds them (the section alone: the answer in process, without HTTP). */
  inProcess?: Record<string, Latency>;
}

/** Extra timings for the same rounds, and what closes them. */
export interface InProcessTimers {
  timers: Record<string, () => Promise<unknown>>;
  close(): Promise<void>;
}

const REEL = 'WU-REEL';
const PAGE = 1_000;
const at = '2026-11-01T08:00:00Z';

// One reel installed in every board; every 4 boards built into a system: two levels to climb, one row a board.
function events(boards: number): TraceEvent[] {
  let seq = 0;
  const ev = <T extends TraceEvent['type']>(type: T, data: Extract<TraceEvent, { type: T }>['data']): TraceEvent =>
    makeEvent(type, data as never, { eventId: `wu${++seq}`, occurredAt: at }) as TraceEvent;
  const out: TraceEvent[] = [
    ev('MaterialReceived', { receiptId: 'GR-WU', vendorId: 'V-WU', manufacturer: 'M', mpn: 'WU', internalPartNumber: 'I', vendorLotCode: 'L', receivedAt: at, uom: 'pcs', packages: [{ lotId: REEL, quantity: 1e7 }] }),
  ];
  for (let b = 0; b < boards; b++) {
    const serial = `WB-${String(b).padStart(7, '0')}`;
    const system = `WS-${String(Math.floor(b / 4)).padStart(7, '0')}`;
    out.push(ev('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'BRD', workOrder: 'WO-1' }));
    out.push(ev('MaterialInstalled', { serial, lotId: REEL, quantity: 1, refDes: ['U1'] }));
    if (b % 4 === 0) out.push(ev('UnitStarted', { serial: system, brand: 'Acme', productPartNumber: 'SYS', workOrder: 'WO-S' }));
    out.push(ev('UnitAssembled', { serial: system, childSerial: serial }));
  }
  return out;
}

/** Where a kept database records what it was loaded with. */
const LOADED = 'bench_loaded';

/** The boards a kept database was loaded with (none: not loaded, or loaded by a run that did not finish loading). */
async function loadedBoards(db: Db): Promise<number | undefined> {
  return ((await db.collection<Doc>(LOADED).findOne({ _id: REEL as never })) as { boards?: number } | null)?.boards;
}

/** One read of the floor: ids of one collection, with the projection the answer reads them with. */
interface FloorRead {
  collection: string;
  ids: string[];
  projection?: Record<string, 0>;
}

// The ids the where-used reads, level by level (untimed), each document once: the lot, its bucket index and whether any
// retraction exists (the answer's visibility rule: the retractions of the events read are looked up only if one does);
// the buckets; the serials the reel is installed in (whole: their installs decide); each level of units above them
// (as the answer reads parents: without installs and children).
async function levelsOf(db: Db): Promise<FloorRead[][]> {
  if ((await db.collection(COLLECTIONS.retractions).countDocuments({})) > 0) throw new Error('where-used floor: the data set has retractions; the floor reads none');
  const [index] = await db.collection<Doc>(COLLECTIONS.lotUseIndex).find({ _id: REEL as never }).toArray();
  const bucketIds = Object.values((index?.buckets ?? {}) as Record<string, number>).map((b) => bucketId(REEL, b));
  const buckets = await db.collection<Doc>(COLLECTIONS.lotUses).find({ _id: { $in: bucketIds as never[] } }).toArray();
  if (buckets.length !== bucketIds.length) throw new Error(`where-used floor: ${buckets.length} of ${bucketIds.length} lot_uses buckets found`);
  const levels: FloorRead[][] = [
    [{ collection: COLLECTIONS.lots, ids: [REEL] }, { collection: COLLECTIONS.lotUseIndex, ids: [REEL] }, { collection: COLLECTIONS.retractions, ids: [] }],
    [{ collection: COLLECTIONS.lotUses, ids: bucketIds }],
  ];
  let serials = [...new Set(buckets.flatMap((d) => Object.values((d.serials ?? {}) as Record<string, string>)))];
  const seen = new Set(serials);
  while (serials.length > 0) {
    levels.push([{ collection: COLLECTIONS.units, ids: serials, ...(levels.length > 2 ? { projection: PARENT_PROJECTION } : {}) }]);
    const next = new Set<string>();
    for (let i = 0; i < serials.length; i += 1_000) {
      for (const u of await db.collection<Doc>(COLLECTIONS.units).find({ _id: { $in: serials.slice(i, i + 1_000) as never[] } }, { projection: { parents: 1 } }).toArray()) {
        for (const p of Object.values((u.parents ?? {}) as Record<string, { serial: string }>)) if (!seen.has(p.serial)) next.add(p.serial);
      }
    }
    for (const s of next) seen.add(s);
    serials = [...next];
  }
  return levels;
}

const FLOOR_CHUNK = 200;

// The floor: each level's documents read in chunks of 200 side by side, one wait per level, no processing; whether
// any retraction exists is one document asked for (none is found).
async function floorRead(db: Db, levels: FloorRead[][]): Promise<void> {
  for (const level of levels) {
    const reads: Promise<unknown>[] = [];
    for (const { collection, ids, projection } of level) {
      if (collection === COLLECTIONS.retractions) reads.push(db.collection(collection).findOne({}, { projection: { _id: 1 } }));
      for (let i = 0; i < ids.length; i += FLOOR_CHUNK) reads.push(db.collection(collection).find({ _id: { $in: ids.slice(i, i + FLOOR_CHUNK) as never[] } }, projection ? { projection } : {}).toArray());
    }
    await Promise.all(reads);
  }
}

async function get(api: ApiUnderTest, path: string): Promise<{ text: string }> {
  const res = await fetch(`${api.url}${path}`, { headers: { authorization: `Bearer ${api.key}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${text.slice(0, 200)}`);
  return { text };
}

/**
 * Loads a reel in `boards` boards (bulk loader, not Kafka), then times round-robin: page 1 of pages of 1,000, the last
 * full page (its cursor found by an untimed walk), the whole answer as NDJSON, and the floor of the NDJSON's reads.
 */
export async function benchWhereUsedPaging(
  client: mongoose.mongo.MongoClient,
  env: NodeJS.ProcessEnv,
  dbName: string,
  boards: number,
  rounds: number,
  log: (s: string) => void,
  inProcess?: (dbName: string) => Promise<InProcessTimers>,
  keep = false,
): Promise<WhereUsedPagingFigures> {
  const db = client.db(dbName);
  // keep: the database stays for the next run, which times it again without loading (the 100,000-board load is minutes).
  if (keep && (await loadedBoards(db)) === boards) log(`where-used: the reel in ${boards.toLocaleString('en-US')} boards is loaded already (${dbName})`);
  else {
    log(`where-used: loading a reel in ${boards.toLocaleString('en-US')} boards`);
    await db.dropDatabase();
    await loadGraph(db, events(boards).map((e) => toMessage(e)));
    await db.collection(LOADED).insertOne({ _id: REEL as never, boards });
  }
  const levels = await levelsOf(db);
  const floorDocuments = levels.reduce((n, l) => n + l.reduce((m, r) => m + r.ids.length, 0), 0);
  const api = await startApiOn({ ...env, MONGO_DB: dbName });
  try {
    const base = `/v1/lots/${REEL}/where-used?limit=${PAGE}`;
    const farPage = Math.floor(boards / PAGE);
    let cursor: string | undefined;
    for (let p = 1; p < farPage; p++) {
      cursor = (JSON.parse((await get(api, `${base}${cursor ? `&cursor=${cursor}` : ''}`)).text) as { nextCursor?: string }).nextCursor;
      if (!cursor) throw new Error(`where-used: no cursor after page ${p} of ${farPage}`);
    }
    const farPath = cursor ? `${base}&cursor=${cursor}` : base;
    const rows = (await get(api, `/v1/lots/${REEL}/where-used?format=ndjson`)).text.trim().split('\n').length;
    if (rows !== boards) throw new Error(`where-used: ${rows} NDJSON rows for ${boards} boards`);
    await floorRead(db, levels);
    const extra = await inProcess?.(dbName);
    const extraSamples: Record<string, number[]> = Object.fromEntries(Object.keys(extra?.timers ?? {}).map((k) => [k, []]));
    const samples = { first: [] as number[], far: [] as number[], ndjson: [] as number[], ndjsonCpu: [] as number[], floor: [] as number[], floorCpu: [] as number[] };
    const time = async (into: number[], f: () => Promise<unknown>, cpu?: number[]): Promise<void> => {
      const c0 = process.cpuUsage();
      const t0 = now();
      await f();
      into.push(now() - t0);
      const c = process.cpuUsage(c0);
      cpu?.push((c.user + c.system) / 1000);
    };
    for (let r = 0; r < rounds; r++) {
      await time(samples.first, () => get(api, base));
      await time(samples.far, () => get(api, farPath));
      // The API runs in this process: its CPU for the answer (with the client's reading of the body, a small part).
      await time(samples.ndjson, () => get(api, `/v1/lots/${REEL}/where-used?format=ndjson`), samples.ndjsonCpu);
      await time(samples.floor, () => floorRead(db, levels), samples.floorCpu);
      for (const [k, f] of Object.entries(extra?.timers ?? {})) await time(extraSamples[k]!, f);
    }
    await extra?.close();
    const inProcessLatency = Object.fromEntries(Object.entries(extraSamples).map(([k, v]) => [k, latencyOf(v)]));
    return {
      rows,
      pageSize: PAGE,
      farPage,
      first: latencyOf(samples.first),
      far: latencyOf(samples.far),
      ndjson: latencyOf(samples.ndjson),
      ndjsonCpu: latencyOf(samples.ndjsonCpu),
      floor: latencyOf(samples.floor),
      floorCpu: latencyOf(samples.floorCpu),
      floorDocuments,
      ...(extra ? { inProcess: inProcessLatency } : {}),
    };
  } finally {
    await api.close();
    if (!keep) await db.dropDatabase();
  }
}

// ---- Alone: `npx ts-node --transpile-only -r tsconfig-paths/register bench/where-used-paging.bench.ts [--boards N] [--rounds R] [--api-only]
// [--mongo URL --keep] [--label L]` (a stand-in of its own on BENCH_MONGO_PORT, or the one at --mongo; add `node --cpu-prof`
// to profile the API, which runs in this process). Also splits the NDJSON's time in process: the traversal's reads and
// assembly alone, then with each line serialized.
// Load once, time many: start a stand-in that outlives the runs (java -Xmx2g -cp '.stack/lib/*' test/stack/MongoLauncher.java
// 127.0.0.1 $BENCH_MONGO_PORT memory), give it as --mongo mongodb://127.0.0.1:$BENCH_MONGO_PORT/ with --keep: the first
// run loads and leaves the database, the next ones (of this code or another, alternated) time it without loading.
// --label names the results file (the code of another checkout: bench/results/<time>Z-<label>-where-used.json).

/** Wall time and ids per repository read (reads side by side overlap: the sum may pass the whole). */
type ReadTimes = Record<string, { calls: number; ids: number; ms: number }>;

function tracerOn(conn: mongoose.Connection, times: ReadTimes): ForwardTracer {
  const repo = genealogyRepositoryOn(conn);
  for (const name of Object.getOwnPropertyNames(GenealogyRepository.prototype).filter((n) => n.startsWith('find'))) {
    const method = (repo as unknown as Record<string, (ids: string[]) => Promise<unknown[]>>)[name]!.bind(repo);
    (repo as unknown as Record<string, unknown>)[name] = async (ids: string[]) => {
      const t0 = now();
      const out = await method(ids);
      const t = (times[name] ??= { calls: 0, ids: 0, ms: 0 });
      t.calls++;
      t.ids += ids.length;
      t.ms += now() - t0;
      return out;
    };
  }
  return new ForwardTracer(repo);
}

/** In process, on the loaded reel: the rows alone (reads and assembly), and the lines as the route writes them. */
export async function whereUsedInProcess(url: string): Promise<InProcessTimers & { reads: ReadTimes }> {
  const conn = await mongoose.createConnection(url, { autoIndex: false, autoCreate: false }).asPromise();
  const reads: ReadTimes = {};
  const tracer = tracerOn(conn, reads);
  return {
    reads,
    timers: {
      rows: async () => {
        for await (const _ of (await tracer.fromLot(REEL, SITE_WIDE))!.rows({}, SITE_WIDE)) void _;
      },
      // As the route writes them: lines straight from the traversal, in chunks.
      serialized: async () => {
        for await (const chunk of (await tracer.fromLot(REEL, SITE_WIDE))!.lines({}, SITE_WIDE)) void chunk;
      },
    },
    close: () => conn.close(),
  };
}

async function alone(): Promise<void> {
  const arg = (name: string, fallback: number): number => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? Number(process.argv[i + 1]) : fallback;
  };
  const text = (name: string): string | undefined => {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 ? process.argv[i + 1] : undefined;
  };
  const boards = arg('boards', 20_000);
  const rounds = arg('rounds', 5);
  const keep = process.argv.includes('--keep');
  const given = text('mongo');
  if (keep && !given) throw new Error('--keep needs --mongo <url>: the stand-in this run starts stops with it');
  const label = text('label');
  const startedAt = new Date();
  const loadAtStart = os.loadavg()[0]!;
  const commit = commitInfo(); // the code measured is the code at the start
  const log = (s: string): void => void process.stderr.write(`[where-used paging ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
  if (!given) await ensureJars();
  const stack = given
    ? undefined
    : await startLocalStack({
        name: `${process.env.BENCH_STACK_NAME ?? 'bench'}-wu`,
        kafka: false,
        kafkaPort: 0,
        controllerPort: 0,
        mongoPort: Number(process.env.BENCH_MONGO_PORT ?? 27019),
        portEnv: { mongo: 'BENCH_MONGO_PORT' },
        mongoHeap: process.env.BENCH_MONGO_HEAP, // 100,000 boards need more than the default 1g
      });
  const mongo = given ? `${given.replace(/\/+$/, '')}/` : `${stack!.mongoUrl}/`;
  // A stand-in busy with a bulk load on a loaded machine can miss a heartbeat for longer than the default 30 s; the
  // driver then interrupts the writes in flight ("server monitor timeout") and the load of minutes is lost.
  const client = await new mongoose.mongo.MongoClient(mongo, { serverMonitoringMode: 'poll', connectTimeoutMS: 300_000 }).connect();
  // The API connects to Kafka only to send a hold, which this section never does: a broker address is enough.
  const env = { ...process.env, KAFKA_BROKERS: `127.0.0.1:${process.env.BENCH_KAFKA_PORT ?? 29092}`, MONGO_URL: mongo, MONGO_WRITE_CONCERN: '1' };
  try {
    let reads: ReadTimes = {};
    // --api-only: the section as bench/run.ts times it, without the in-process timings (a full-size run in less time).
    const inProcess = process.argv.includes('--api-only')
      ? undefined
      : async (dbName: string): Promise<InProcessTimers> => {
          const opened = await whereUsedInProcess(`${mongo}${dbName}`);
          reads = opened.reads;
          return opened;
        };
    const w = await benchWhereUsedPaging(client, env, keep ? `bench_wu_kept_${boards}` : 'bench_wu_alone', boards, rounds, log, inProcess, keep);
    for (const t of Object.values(reads)) t.ms = Math.round(t.ms / (2 * rounds));
    log(`reads per answer in process (ms overlap): ${JSON.stringify(reads)}`);
    const ratios = { farOverFirst: w.far.p50 / w.first.p50, ndjsonOverFloor: w.ndjson.p50 / w.floor.p50, firstOverNdjson: w.first.p50 / w.ndjson.p50 };
    // Not a BenchResult (bench:compare compares whole runs): this section's figures alone, named -where-used.
    const result = {
      kind: 'where-used-paging alone',
      startedAt: startedAt.toISOString(),
      commit,
      ...(label ? { label } : {}),
      machine: { ...machineInfo(), loadAverage1m: { start: loadAtStart, end: os.loadavg()[0]! } },
      boards,
      rounds,
      ...(keep ? { keptDatabase: true } : {}),
      figures: w,
      ratios,
    };
    const file = writeResultFile(startedAt, `${label ?? commit.short}-where-used`, result);
    process.stdout.write(`${JSON.stringify({ ...ratios, ndjsonMs: w.ndjson.p50, floorMs: w.floor.p50, ndjsonCpuMs: w.ndjsonCpu.p50, floorCpuMs: w.floorCpu.p50 })}\n${file}\n`);
  } finally {
    await client.close();
    await stack?.stop();
  }
}

if (require.main === module) {
  alone().then(
    () => process.exit(0),
    (error: unknown) => {
      process.stderr.write(`${error instanceof Error ? error.stack : String(error)}\n`);
      process.exit(1);
    },
  );
}
