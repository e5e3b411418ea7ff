/**
 * Scale: the same questions on a graph of one million installations and on a larger one (ten million where it fits),
 * both in one stand-in, timed round-robin in the same run, so that the growth ratio compares figures seconds apart.
 *
 *   npm run bench:scale -- [--installations 1000000,10000000] [--backend compact|memory|h2] [--heap 14g] [--rounds 15] [--dry]
 *
 * Starts its own mongo-java-server (test/stack/MongoLauncher.java) on BENCH_MONGO_PORT (default 27029), by default
 * with its compact store (each document held as its BSON bytes: about 0.6 GiB of heap per million installations,
 * where the memory backend holds 3.6 with string deduplication, see bench/README.md "Scale"), or the H2 backend in a
 * file under .stack/<BENCH_STACK_NAME or bench>-scale/; or uses MONGO_URL (then no JVM heap or disk figures).
 *
 * Data set (bench/where-used.bench.ts's shape, with the reels growing with the boards): per board 10 installations,
 * 9 from common reels (one reel per 100 boards, a board's 9 the next in turn: a reel is in 900 boards, and a system's 4
 * boards hold 36 distinct reels, at every size from 36,000 on; `--dry` counts it for the sizes given and stops) and 1
 * from a huge reel split in two (every board); every 4 boards built into a system; a small reel in 3 boards. Written by
 * bench/scale-load.ts, not through Kafka: `--loader bulk` (the default) computes each document from the ingest's own
 * writes and inserts it once; `--loader upserts` sends the ingest's writes batch by batch; `--verify-loader` checks
 * that both give the same database (bench/scale-verify.ts). Before timing, a
 * sample of boards, systems and reels is traced through the API and checked against the generator's own truth.
 *
 * Timed over HTTP (site-wide key), per size: backward genealogy of a board and of a system; where-used of the small
 * reel (3 rows); the first page (1,000 rows) of the huge reel's where-used (every board); and, for information, the
 * first page of a common reel's. Writes bench/results/<time>-<sha>-scale.json.
 */
import 'reflect-metadata';
import { COLLECTIONS } from '@trace/genealogy/testing';
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as readline from 'node:readline';
import mongoose from 'mongoose';
import { getConnectionToken } from '@nestjs/mongoose';
import { ApiUnderTest, startApiOn } from './genealogy.bench';
import { rssOf } from './progress';
import { LOADERS, Loaded, Loader, load } from './scale-load';
import { verifyLoaders } from './scale-verify';
import { Shape, ShapeFacts, shapeDifferences, shapeFacts } from './scale-shape';
import { BenchResult, Metric, commitInfo, fmtMs, fmtRatio, machineInfo, renderTable, resultPath } from './results';
import { Latency, latencyOf, now } from './stats';

const ROOT = path.resolve(__dirname, '..');
const argOf = (name: string): string | undefined => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const SIZES = (argOf('installations') ?? '1000000,10000000').split(',').map(Number);
const BACKEND = argOf('backend') ?? 'compact';
const HEAP = argOf('heap') ?? '14g';
const ROUNDS = Number(argOf('rounds') ?? 15);
const SAMPLE = Number(argOf('sample') ?? 40);
/** Leave the stand-in running at the end (its pid and URL in kept.json), so a later run times the same data again. */
const KEEP = process.argv.includes('--keep');
/** Extra JVM options for the stand-in, e.g. "-XX:+UseStringDeduplication". */
const JVM_OPTS = (argOf('jvm') ?? '').split(' ').filter(Boolean);
/** Timing order within a round: `query` (each query at every size in turn, the default) or `size` (every query of one size in turn). */
const ORDER = argOf('order') ?? 'query';
/** Count each size's shape from the generator (what the timed questions depend on), say where the sizes differ, and stop. */
const DRY = process.argv.includes('--dry');
/** The load pauses while the machine has fewer MiB available than this (and stops after 10 minutes of it). */
const MIN_AVAILABLE_MIB = Number(argOf('min-available') ?? 1_500);
/** How the data set is written (bench/scale-load.ts): `bulk`, its documents computed and inserted once (the default), or `upserts`, the ingest's own writes batch by batch. */
const LOADER = (argOf('loader') ?? 'bulk') as Loader;
/** Load each size with both loaders into two databases, compare them document by document, and stop (exit 1 on a difference). */
const VERIFY_LOADER = process.argv.includes('--verify-loader');
const PAGE = 1_000;
const log = (s: string): void => void process.stderr.write(`[scale ${new Date().toISOString().slice(11, 19)}] ${s}\n`);

if (SIZES.some((n) => !Number.isInteger(n) || n < 1_000 || n % 10 !== 0)) throw new Error('--installations: comma-separated multiples of 10, at least 1000');
if (BACKEND !== 'h2' && BACKEND !== 'memory' && BACKEND !== 'compact') throw new Error('--backend: compact, memory or h2');
if (ORDER !== 'query' && ORDER !== 'size') throw new Error('--order: query or size');
if (!LOADERS.includes(LOADER)) throw new Error(`--loader: ${LOADERS.join(' or ')}`);

/** The URL with monitorCommands on, so the API's reads can be counted (readsOf). */
const withCommandMonitoring = (url: string): string => {
  const u = new URL(url);
  u.searchParams.set('monitorCommands', 'true');
  return u.toString();
};

/** The stand-in as a child JVM, with its pid for heap figures and its store file for disk. */
interface StandIn {
  url: string;
  pid?: number;
  file?: string;
  stop(): Promise<void>;
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function startStandIn(): Promise<StandIn> {
  if (process.env.MONGO_URL) return { url: process.env.MONGO_URL, stop: async () => undefined };
  const port = Number(process.env.BENCH_MONGO_PORT ?? 27029);
  const dir = path.join(ROOT, '.stack', `${process.env.BENCH_STACK_NAME ?? 'bench'}-scale`);
  const keptFile = path.join(dir, 'kept.json');
  const file = path.join(dir, 'scale.mv.db');
  let stopping = false;
  const stopPid = async (pid: number, exited: Promise<void>): Promise<void> => {
    stopping = true;
    if (KEEP) {
      log(`stand-in kept running: pid ${pid}, mongodb://127.0.0.1:${port} (${keptFile}); stop it with kill ${pid}`);
      return;
    }
    if (!alive(pid)) {
      // It died on its own (an OutOfMemoryError, the kernel's OOM killer): keep its log and GC log to read, drop only the store.
      fs.rmSync(file, { force: true });
      log(`the stand-in had exited before the bench stopped it: its logs are kept in ${dir} (mongo.err, gc.log)`);
      return;
    }
    process.kill(pid, 'SIGTERM');
    await Promise.race([exited, new Promise((r) => setTimeout(r, 30_000))]);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // A stand-in an earlier run kept (--keep): the same server and its loaded databases, timed again.
  if (fs.existsSync(keptFile)) {
    const kept = JSON.parse(fs.readFileSync(keptFile, 'utf8')) as { pid: number; url: string; store: string; heap: string };
    if (alive(kept.pid) && kept.store === BACKEND) {
      log(`stand-in: reusing the kept ${kept.store} server, -Xmx${kept.heap}, pid ${kept.pid}, ${kept.url}`);
      const exited = new Promise<void>((r) => {
        const t = setInterval(() => alive(kept.pid) || (clearInterval(t), r()), 500);
        t.unref();
      });
      return { url: kept.url, pid: kept.pid, ...(BACKEND === 'h2' ? { file } : {}), stop: () => stopPid(kept.pid, exited) };
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const spec = BACKEND === 'h2' ? `h2:${file}` : BACKEND;
  const child: ChildProcess = spawn('java', [`-Xmx${HEAP}`, '-XX:+UseG1GC', '-XX:+ExitOnOutOfMemoryError', `-Xlog:gc:file=${path.join(dir, 'gc.log')}`, ...JVM_OPTS, '-cp', path.join(ROOT, '.stack/lib/*'), path.join(ROOT, 'test/stack/MongoLauncher.java'), '127.0.0.1', String(port), spec], {
    stdio: ['ignore', 'pipe', fs.openSync(path.join(dir, 'mongo.err'), 'w')],
    detached: KEEP, // a kept server outlives this process
  });
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  if (KEEP) child.unref();
  else process.once('exit', () => child.kill('SIGKILL')); // never leave the JVM behind, whatever ends this process
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`stand-in not ready in 60 s (see ${dir}/mongo.err)`)), 60_000);
    const lines = readline.createInterface({ input: child.stdout! });
    lines.on('line', (line) => {
      if (line.startsWith('ready')) {
        clearTimeout(timer);
        if (KEEP) (child.stdout as unknown as { unref?: () => void }).unref?.();
        resolve();
      }
    });
    child.once('exit', (code) => reject(new Error(`stand-in exited with ${code} (see ${dir}/mongo.err; port ${port} taken? set BENCH_MONGO_PORT)`)));
  });
  const url = `mongodb://127.0.0.1:${port}`;
  // A stand-in that dies mid-run (an OutOfMemoryError, the OOM killer) ends the run at once, its logs kept, instead of
  // leaving the driver to retry a refused connection for ever.
  child.once('exit', (code, signal) => {
    if (stopping) return;
    log(`the stand-in exited by itself (${signal ?? `code ${code}`}): the run stops here; its logs are in ${dir} (mongo.err, gc.log)`);
    process.exit(1);
  });
  if (KEEP) fs.writeFileSync(keptFile, JSON.stringify({ pid: child.pid, url, store: BACKEND, heap: HEAP }));
  log(`stand-in: ${spec}, -Xmx${HEAP} ${JVM_OPTS.join(' ')}, pid ${child.pid}, ${url}`);
  return { url, pid: child.pid, ...(BACKEND === 'h2' ? { file } : {}), stop: () => stopPid(child.pid!, exited) };
}

/** Heap after a full collection, the process's resident memory and the store file's size, in MiB. */
interface Footprint {
  heapMiB?: number;
  rssMiB?: number;
  /** The highest RSS so far (VmHWM): what the machine had to have free. */
  peakRssMiB?: number;
  diskMiB?: number;
}

function footprint(s: StandIn): Footprint {
  const out: Footprint = {};
  if (s.pid) {
    execFileSync('jcmd', [String(s.pid), 'GC.run'], { stdio: 'ignore' });
    const info = execFileSync('jcmd', [String(s.pid), 'GC.heap_info'], { encoding: 'utf8' });
    const used = /used (\d+)K/.exec(info);
    if (used) out.heapMiB = Number(used[1]) / 1024;
    const rss = rssOf(s.pid);
    if (rss) {
      out.rssMiB = rss.rssMiB;
      out.peakRssMiB = rss.peakMiB;
    }
  }
  if (s.file && fs.existsSync(s.file)) out.diskMiB = fs.statSync(s.file).size / 2 ** 20;
  return out;
}

/**
 * Documents per collection and their BSON bytes: the loader's sum of every document it wrote (`written`, the bulk
 * loader), else the first 2,000 of a collection times its count (biased where the first written differ from the rest:
 * at ten million installations it said 13.2 GiB for the 6.8 GiB heap that held every document).
 */
async function sizes(db: mongoose.mongo.Db, written?: Record<string, number>): Promise<{ documents: Record<string, number>; total: number; bsonMiB: number; bsonMeasured: 'every document' | 'a sample' }> {
  const documents: Record<string, number> = {};
  let bson = 0;
  for (const name of Object.values(COLLECTIONS)) {
    const n = await db.collection(name).countDocuments();
    if (n === 0) continue;
    documents[name] = n;
    if (written) {
      bson += written[name] ?? 0;
      continue;
    }
    const sample = await db.collection(name).find({}).limit(2_000).toArray();
    bson += (sample.reduce((s, d) => s + mongoose.mongo.BSON.calculateObjectSize(d), 0) / sample.length) * n;
  }
  return { documents, total: Object.values(documents).reduce((a, b) => a + b, 0), bsonMiB: bson / 2 ** 20, bsonMeasured: written ? 'every document' : 'a sample' };
}

async function getJson<T>(api: ApiUnderTest, p: string): Promise<T> {
  const res = await fetch(`${api.url}${p}`, { headers: { authorization: `Bearer ${api.key}` } });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET ${p}: ${res.status} ${text.slice(0, 300)}`);
  return JSON.parse(text) as T;
}

interface UnitAnswer {
  serial: string;
  materials: { lotId: string }[];
  subAssemblies: { unit: UnitAnswer }[];
}
interface GenealogyAnswer {
  unit: UnitAnswer;
  lots: { lotId: string }[];
}
interface PageAnswer {
  items: { lotId: string; serial: string; topSerial: string }[];
  nextCursor?: string;
  total?: number;
}

const sorted = (xs: Iterable<string>): string => JSON.stringify([...xs].sort());
function same(what: string, got: Iterable<string>, want: Iterable<string>): void {
  if (sorted(got) !== sorted(want)) throw new Error(`sample check: ${what}: the API answered ${sorted(got).slice(0, 300)}, the generator's truth is ${sorted(want).slice(0, 300)}`);
}

/** The timed questions of round `r` at one size: the same fraction of the boards at every size. */
function pathsOf(shape: Shape, r: number): Record<(typeof QUERIES)[number], string> {
  const b = Math.floor((((r + 3) * 2_246_822_519) % 2 ** 32) / 2 ** 32 * shape.boards);
  return {
    board: `/v1/serials/${shape.board(b)}/genealogy`,
    system: `/v1/serials/${shape.system(Math.floor(b / 4))}/genealogy`,
    small: `/v1/lots/SMALL/where-used?limit=${PAGE}`,
    hugeFirstPage: `/v1/lots/HUGE/where-used?limit=${PAGE}`,
    reelFirstPage: `/v1/lots/${shape.reelsOf(b)[0]!}/where-used?limit=${PAGE}`,
  };
}

/** Traces a sample through the API and checks it against the generator's truth; returns how many answers were checked. */
async function checkSample(api: ApiUnderTest, shape: Shape): Promise<number> {
  let checked = 0;
  const small = new Set(shape.smallBoards().map(shape.board));
  for (let i = 0; i < SAMPLE; i++) {
    const b = Math.floor(((i * 2_654_435_761) % 2 ** 32) / 2 ** 32 * shape.boards);
    const serial = shape.board(b);
    const g = await getJson<GenealogyAnswer>(api, `/v1/serials/${serial}/genealogy`);
    const want = [...shape.reelsOf(b), shape.hugeOf(b), ...(small.has(serial) ? ['SMALL'] : [])];
    same(`materials of ${serial}`, g.unit.materials.map((m) => m.lotId), want);
    same(`lots of ${serial}`, g.lots.map((l) => l.lotId), [...want, 'HUGE']);
    const s = Math.floor(b / 4);
    const sys = await getJson<GenealogyAnswer>(api, `/v1/serials/${shape.system(s)}/genealogy`);
    const boards = Array.from({ length: 4 }, (_, k) => s * 4 + k).filter((x) => x < shape.boards);
    same(`sub-assemblies of ${shape.system(s)}`, sys.unit.subAssemblies.map((a) => a.unit.serial), boards.map(shape.board));
    checked += 2;
  }
  const smallPage = await getJson<PageAnswer>(api, `/v1/lots/SMALL/where-used?limit=${PAGE}`);
  same('where-used of SMALL', smallPage.items.map((r) => r.serial), small);
  same('top serials of SMALL', smallPage.items.map((r) => r.topSerial), shape.smallBoards().map((b) => shape.system(Math.floor(b / 4))));
  // A common reel, every page: each of its ~900 boards exactly once.
  const reel = `R-${Math.floor(shape.reels / 3)}`;
  const rows: string[] = [];
  let cursor: string | undefined;
  do {
    const page: PageAnswer = await getJson<PageAnswer>(api, `/v1/lots/${reel}/where-used?limit=${PAGE}${cursor ? `&cursor=${cursor}` : ''}`);
    rows.push(...page.items.map((r) => r.serial));
    cursor = page.nextCursor;
  } while (cursor);
  same(`where-used of ${reel}`, rows, shape.boardsOfReel(reel));
  // The huge reel's first page: 1,000 distinct boards, each with the half of the reel the generator installed in it.
  const huge = await getJson<PageAnswer>(api, `/v1/lots/HUGE/where-used?limit=${PAGE}`);
  if (huge.items.length !== Math.min(PAGE, shape.boards) || new Set(huge.items.map((r) => r.serial)).size !== huge.items.length) throw new Error(`sample check: first page of HUGE has ${huge.items.length} rows`);
  for (const r of huge.items) {
    const b = Number(r.serial.slice(2));
    if (r.serial !== shape.board(b) || r.lotId !== shape.hugeOf(b) || r.topSerial !== shape.system(Math.floor(b / 4))) throw new Error(`sample check: HUGE row ${JSON.stringify(r)}`);
  }
  return checked + 3;
}

/** What a size's load measured, kept in its database: a kept server's next run times the same data again. */
const LOAD_MARK = 'bench_scale_load';
interface LoadMark {
  _id: 'load';
  at: string;
  /** Which loader wrote it (absent in runs before the bulk loader: upserts). */
  loader?: Loader;
  events: number;
  seconds: number;
  /** The largest document of each collection (the bulk loader measures every document it writes). */
  largest?: Loaded['largest'];
  /** `bsonMeasured` absent in runs before it: a sample. */
  sizes: { documents: Record<string, number>; total: number; bsonMiB: number; bsonMeasured?: 'every document' | 'a sample' };
  footprint: Footprint;
  emptyFootprint: Footprint;
}

interface SizeFigures {
  /** When an earlier run loaded this size into the kept server (absent: this run loaded it). */
  loadedBefore?: string;
  installations: number;
  boards: number;
  /** Which loader wrote it (absent in runs before the bulk loader: upserts). */
  loader?: Loader;
  events: number;
  loadSeconds: number;
  /** The largest document of each collection, BSON bytes (bulk loader only). */
  largest?: Loaded['largest'];
  loadEventsPerSecond: number;
  documents: Record<string, number>;
  totalDocuments: number;
  bsonMiB: number;
  /** How bsonMiB was measured (absent in runs before it: a sample). */
  bsonMeasured?: 'every document' | 'a sample';
  /** The stand-in after this size's load (both sizes live in one server: the second includes the first). */
  footprint: Footprint;
  sampleChecked: number;
  /** What the timed questions depend on, counted from the generator (absent in runs before it). */
  shape?: ShapeFacts;
  board: Latency;
  system: Latency;
  small: Latency;
  hugeFirstPage: Latency;
  reelFirstPage: Latency;
  /** What each query read from the database once, after the timing (absent in runs before it). */
  reads?: Record<(typeof QUERIES)[number], Reads>;
}

/** The database reads of one answer: the API's find and getMore commands, the documents they returned, their BSON. */
interface Reads {
  commands: number;
  documents: number;
  kib: number;
  byCollection: Record<string, { commands: number; documents: number }>;
}

/** Counts the API's reads while `during` runs (the API's client was opened with monitorCommands). */
async function readsOf(api: ApiUnderTest, during: () => Promise<unknown>): Promise<Reads> {
  const client = (api.app.get(getConnectionToken()) as mongoose.Connection).getClient();
  const out: Reads = { commands: 0, documents: 0, kib: 0, byCollection: {} };
  const collections = new Map<number, string>();
  const started = (e: mongoose.mongo.CommandStartedEvent): void => {
    if (e.commandName === 'find' || e.commandName === 'getMore' || e.commandName === 'aggregate') collections.set(e.requestId, String(e.command[e.commandName === 'getMore' ? 'collection' : e.commandName]));
  };
  const succeeded = (e: mongoose.mongo.CommandSucceededEvent): void => {
    const name = collections.get(e.requestId);
    if (name === undefined) return;
    const cursor = (e.reply as { cursor?: { firstBatch?: object[]; nextBatch?: object[] } }).cursor;
    const docs = cursor?.firstBatch ?? cursor?.nextBatch ?? [];
    const c = (out.byCollection[name] ??= { commands: 0, documents: 0 });
    c.commands++;
    c.documents += docs.length;
    out.commands++;
    out.documents += docs.length;
    out.kib += docs.reduce((sum, d) => sum + mongoose.mongo.BSON.calculateObjectSize(d as mongoose.mongo.Document), 0) / 1024;
  };
  client.on('commandStarted', started);
  client.on('commandSucceeded', succeeded);
  try {
    await during();
    await new Promise((r) => setTimeout(r, 200)); // what the route reads after its answer (none expected), counted too
  } finally {
    client.off('commandStarted', started);
    client.off('commandSucceeded', succeeded);
  }
  return out;
}

const QUERIES = ['board', 'system', 'small', 'hugeFirstPage', 'reelFirstPage'] as const;
const LABELS: Record<(typeof QUERIES)[number], string> = {
  board: 'backward genealogy of a board (10 lots, 2 levels)',
  system: 'backward genealogy of a system (4 boards)',
  small: 'where-used of a lot in 3 boards',
  hugeFirstPage: 'where-used first page (1,000) of a lot in every board',
  reelFirstPage: '(info) where-used first page of a reel in ~900 boards',
};

/** What a run measured, before it is rendered: kept whole in the results file (so `--report` can render it again). */
interface ScaleRun {
  startedAt: string;
  seconds: number;
  commit: BenchResult['commit'];
  machine: BenchResult['machine'];
  backend: { kind: 'local' | 'env'; store: string; heap: string; url: string };
  emptyFootprint: Footprint;
  /** The timing order within a round (--order; absent in runs before it: size). */
  order?: 'query' | 'size';
  sizes: SizeFigures[];
}

/** The largest document of each collection, largest first. */
const largestLine = (largest: NonNullable<Loaded['largest']>): string =>
  Object.entries(largest)
    .sort((a, b) => b[1].bytes - a[1].bytes)
    .map(([c, d]) => `${c} ${(d.bytes / 1024).toFixed(1)} KiB (${d.id})`)
    .join(', ');

const GOAL = 1.2;
/** Runs without shape facts had the generator's stride of 7 and 131: a system's 4 boards had 36 distinct reels only from 300 reels on. */
const STRIDED_SAME_SHAPE_FROM = 300_000;
const TEN_MILLION = 10_000_000;

/** The table, the figures for bench:compare, and what 10M would need, from the measured per-installation costs. */
export function report(run: ScaleRun): Pick<BenchResult, 'table' | 'metrics' | 'notMeasured'> {
  const { sizes, emptyFootprint: empty, backend } = run;
  const [base, ...larger] = sizes;
  if (!base) throw new Error('no sizes measured');
  const rows: (string[] | string)[] = [];
  const metrics: Metric[] = [];
  const n = (x: number): string => x.toLocaleString('en-US');
  for (const f of sizes) {
    rows.push(`${n(f.installations)} installations: ${n(f.totalDocuments)} documents, ${f.bsonMiB.toFixed(0)} MiB BSON, loaded (${f.loader ?? 'upserts'}) at ${n(Math.round(f.loadEventsPerSecond))} ev/s (${f.loadSeconds.toFixed(0)} s), ${f.sampleChecked} sample answers checked${f.shape ? `; ${f.shape.reelsPerSystem.max} reels a system, ${f.shape.boardsPerReel.max} boards a reel, HUGE-A in ${n(f.shape.hugeHalves[0])} boards` : ''}`);
    for (const q of QUERIES) {
      rows.push([LABELS[q], `${fmtMs(f[q].p50)} / ${fmtMs(f[q].p99)} ms (n=${f[q].n})`, 'p50 / p99', '', '', '']);
      const rd = f.reads?.[q];
      if (rd) rows.push(['  (info) its reads, once', `${n(rd.commands)} finds, ${n(rd.documents)} documents, ${rd.kib.toFixed(0)} KiB`, Object.entries(rd.byCollection).map(([c, v]) => `${c} ${v.documents}`).join(', '), '', '', '']);
      metrics.push({ id: `scale.${q}.p50@${f.installations}`, label: `scale: ${LABELS[q]} at ${n(f.installations)} installations, p50`, value: f[q].p50, unit: 'ms', better: 'lower' });
    }
    if (f.largest) rows.push(`  (info) largest document per collection at ${n(f.installations)}: ${largestLine(f.largest)}`);
    const fp = f.footprint;
    rows.push(['(info) stand-in after this load: heap after GC / RSS (peak) / store file', `${fp.heapMiB?.toFixed(0) ?? '-'} / ${fp.rssMiB?.toFixed(0) ?? '-'} (${fp.peakRssMiB?.toFixed(0) ?? '-'}) / ${fp.diskMiB?.toFixed(0) ?? '-'} MiB`, 'every size so far, one server', '', '', '']);
    metrics.push({ id: `scale.load@${f.installations}`, label: `scale: bulk load of ${n(f.installations)} installations`, value: f.loadEventsPerSecond, unit: 'ev/s', better: 'higher' });
  }
  if (base.shape) {
    for (const f of larger) {
      const differences = f.shape ? shapeDifferences(base.shape, f.shape) : ['no shape counted'];
      if (differences.length > 0) rows.push(`Not like with like at ${n(f.installations)}: ${differences.join('; ')} (see "its reads")`);
    }
  } else if (larger.length > 0 && base.installations < STRIDED_SAME_SHAPE_FROM) {
    // Measured: a system read 13 lots at 10,000, 21 at 50,000 and 100,000, 39 at 500,000; the first page 2,053 documents at 10,000, then 3,227.
    rows.push(`Not like with like: below ${n(STRIDED_SAME_SHAPE_FROM)} installations a system's 4 boards share reels (10 to 18 distinct reels, not 36) and below 15,000 the huge reel's first page is all of the reel, so those queries read fewer documents than at the larger size (see "its reads"); compare from ${n(STRIDED_SAME_SHAPE_FROM)} on`);
  }
  for (const f of larger) {
    const x = f.installations / base.installations;
    rows.push(`Growth ${n(base.installations)} -> ${n(f.installations)} installations (${x}x), p50 over p50, measured round-robin in one run`);
    for (const q of QUERIES) {
      const ratio = f[q].p50 / base[q].p50;
      const info = q === 'reelFirstPage';
      rows.push([LABELS[q], `${fmtMs(base[q].p50)} -> ${fmtMs(f[q].p50)} ms`, `${x}x installations`, fmtRatio(ratio), info ? '' : `<= ${GOAL}`, info ? '' : ratio <= GOAL ? 'met' : 'NOT met']);
      const rb = base.reads?.[q];
      const rf = f.reads?.[q];
      if (rb && rf) rows.push(['  (info) its reads: documents, KiB', `${n(rb.documents)} -> ${n(rf.documents)}, ${rb.kib.toFixed(0)} -> ${rf.kib.toFixed(0)}`, 'once per size', fmtRatio(rf.kib / rb.kib), '', '']);
      metrics.push({ id: `scale.${q}.growth@${f.installations}`, label: `scale: ${LABELS[q]}, ${n(f.installations)} over ${n(base.installations)} installations`, value: ratio, unit: 'x', better: 'lower', ...(info ? {} : { goal: `<= ${GOAL}` }) });
    }
  }
  // Per million installations, from everything loaded into the one server (less the empty server).
  const last = sizes[sizes.length - 1]!;
  const total = sizes.reduce((s, f) => s + f.installations, 0);
  const perMillion = (v: number | undefined, e: number | undefined): number | undefined => (v === undefined ? undefined : (((v - (e ?? 0)) / total) * 1e6) / 1024);
  const per = {
    heapGiB: perMillion(last.footprint.heapMiB, empty.heapMiB),
    diskGiB: perMillion(last.footprint.diskMiB, empty.diskMiB),
    bsonGiB: perMillion(sizes.reduce((s, f) => s + f.bsonMiB, 0), 0)!,
    documents: (sizes.reduce((s, f) => s + f.totalDocuments, 0) / total) * 1e6,
  };
  const gib = (x: number | undefined): string => (x === undefined ? '-' : `${x.toFixed(2)} GiB`);
  rows.push(`The stand-in (${backend.store}, -Xmx${backend.heap}) per million installations, from the ${n(total)} loaded`);
  rows.push(['documents / BSON of the documents', `${n(Math.round(per.documents))} / ${gib(per.bsonGiB)}`, sizes.every((f) => f.bsonMeasured === 'every document') ? 'BSON: every document, as the loader wrote it' : 'BSON: the first 2,000 of a collection times its count (biased)', '', '', '']);
  rows.push(['heap after a full GC / store file', `${gib(per.heapGiB)} / ${gib(per.diskGiB)}`, 'jcmd GC.run, GC.heap_info; file size', '', '', '']);
  for (const [id, v] of Object.entries(per)) if (v !== undefined) metrics.push({ id: `scale.perMillion.${id}`, label: `scale: ${id} per million installations (${backend.store})`, value: v, unit: id === 'documents' ? 'docs' : 'GiB', better: 'lower' });
  const notMeasured: BenchResult['notMeasured'] = [];
  if (last.installations < TEN_MILLION) {
    const x = TEN_MILLION / 1e6;
    const loadRate = last.loadEventsPerSecond;
    const events = (last.events / last.installations) * TEN_MILLION;
    const why =
      `largest size here ${n(last.installations)}; ten million on this stand-in (${backend.store}) would need about ${gib(per.heapGiB && per.heapGiB * x)} of heap` +
      `${per.diskGiB !== undefined ? ` and ${gib(per.diskGiB * x)} of disk` : ''} (${n(Math.round(per.documents * x))} documents, ${gib(per.bsonGiB * x)} of BSON) and ` +
      `${((events / loadRate) / 3600).toFixed(1)} h of loading at this run's ${n(Math.round(loadRate))} ev/s`;
    notMeasured.push({ what: 'growth to ten million installations', why });
    rows.push(`Not measured: ${why}`);
  }
  return { table: renderTable(['measure', 'value', 'against', 'ratio', 'goal', 'verdict'], rows), metrics, notMeasured };
}

/** Writes the run as a bench result (format 1: bench:compare reads its metrics), with every measured figure kept. */
function writeResult(run: ScaleRun, file: string): void {
  const { table, metrics, notMeasured } = report(run);
  process.stdout.write(`${table}\n`);
  const result: BenchResult & { kind: 'scale'; run: ScaleRun } = {
    format: 1,
    kind: 'scale',
    mode: 'full',
    startedAt: run.startedAt,
    seconds: run.seconds,
    commit: run.commit,
    machine: run.machine,
    backends: { kind: run.backend.kind, kafka: 'none (bulk loader)', mongo: run.backend.url },
    datasets: { scale: run.sizes.map((f) => ({ installations: f.installations, boards: f.boards, events: f.events, documents: f.documents })) },
    metrics,
    notMeasured,
    table,
    run,
  };
  fs.writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  log(`wrote ${path.relative(ROOT, file)}`);
}

async function main(): Promise<void> {
  const again = argOf('report');
  if (again) {
    // Renders a stored run again (its table and metrics from its measured figures), in place.
    const stored = JSON.parse(fs.readFileSync(again, 'utf8')) as { run?: ScaleRun };
    if (!stored.run) throw new Error(`${again}: not a result of bench/scale.bench.ts`);
    writeResult(stored.run, again);
    return;
  }
  const facts = SIZES.map((n) => shapeFacts(new Shape(n), PAGE));
  for (const f of facts) log(`shape at ${f.installations.toLocaleString('en-US')}: ${JSON.stringify(f)}`);
  const differences = facts.slice(1).flatMap((f) => shapeDifferences(facts[0]!, f));
  for (const d of differences) log(`not like with like: ${d}`);
  if (DRY) {
    log(differences.length === 0 ? 'every size asks the same questions' : `${differences.length} difference(s) between the sizes`);
    process.exitCode = differences.length === 0 ? 0 : 1;
    return;
  }
  const startedAt = new Date();
  const loadAtStart = os.loadavg()[0]!;
  const standIn = await startStandIn();
  if (VERIFY_LOADER) {
    try {
      const client = await mongoose.mongo.MongoClient.connect(standIn.url, { connectTimeoutMS: 180_000, serverSelectionTimeoutMS: 180_000, socketTimeoutMS: 0 });
      try {
        const verdicts = await verifyLoaders(client, SIZES.map((n) => new Shape(n)), { minAvailableMiB: MIN_AVAILABLE_MIB, standInPid: standIn.pid, log });
        process.exitCode = verdicts.every((v) => v.differences.length === 0) ? 0 : 1;
      } finally {
        await client.close();
      }
    } finally {
      await standIn.stop();
    }
    return;
  }
  // A stand-in near its heap limit pauses for tens of seconds in a full collection: the driver's monitor must wait.
  const client = await mongoose.mongo.MongoClient.connect(standIn.url, { connectTimeoutMS: 180_000, serverSelectionTimeoutMS: 180_000, socketTimeoutMS: 0 });
  const apis: ApiUnderTest[] = [];
  try {
    let empty = footprint(standIn);
    const figures: Omit<SizeFigures, keyof Pick<SizeFigures, 'board' | 'system' | 'small' | 'hugeFirstPage' | 'reelFirstPage'>>[] = [];
    const shapes = SIZES.map((n) => new Shape(n));
    for (const shape of shapes) {
      const db = client.db(`scale_${shape.installations}`);
      // Loaded by an earlier run into a kept server (--keep): its figures as they were measured then.
      const stored = (await db.collection<LoadMark>(LOAD_MARK).findOne({ _id: 'load' })) ?? undefined;
      let mark: LoadMark;
      if (stored) {
        mark = stored;
        log(`${db.databaseName}: loaded by an earlier run at ${mark.at} (${mark.events.toLocaleString('en-US')} events in ${mark.seconds.toFixed(0)} s), timed again`);
      } else {
        await db.dropDatabase();
        log(`loading ${shape.installations.toLocaleString('en-US')} installations (${shape.boards.toLocaleString('en-US')} boards, ${shape.reels} reels) into ${db.databaseName}`);
        const loaded = await load(LOADER, db, shape, { minAvailableMiB: MIN_AVAILABLE_MIB, standInPid: standIn.pid, log });
        const s = await sizes(db, loaded.bson);
        const fp = footprint(standIn);
        mark = { _id: 'load', at: new Date().toISOString(), loader: LOADER, events: loaded.events, seconds: loaded.seconds, ...(loaded.largest ? { largest: loaded.largest } : {}), sizes: s, footprint: fp, emptyFootprint: empty };
        await db.collection<LoadMark>(LOAD_MARK).insertOne(mark);
        log(`loaded (${LOADER}) ${loaded.events.toLocaleString('en-US')} events in ${loaded.seconds.toFixed(0)} s (${Math.round(loaded.events / loaded.seconds)} ev/s${loaded.documents ? `, ${Math.round(loaded.documents / loaded.seconds)} docs/s` : ''}); ${s.total.toLocaleString('en-US')} documents, ${s.bsonMiB.toFixed(0)} MiB of BSON; stand-in ${JSON.stringify(fp)}`);
      }
      if (mark.emptyFootprint && shape === shapes[0]) empty = mark.emptyFootprint;
      const { sizes: s, footprint: fp } = mark;
      const loaded = { events: mark.events, seconds: mark.seconds };
      if (mark.largest) log(`largest documents: ${largestLine(mark.largest)}`);
      // No Kafka: the read routes never produce (KAFKA_BROKERS is only dialled by containment); no metrics listener, one API per size.
      const { METRICS_PORT: _metrics, ...env } = process.env;
      const api = await startApiOn({ ...env, MONGO_URL: withCommandMonitoring(standIn.url), MONGO_DB: db.databaseName, KAFKA_BROKERS: process.env.KAFKA_BROKERS ?? '127.0.0.1:9', MONGO_WRITE_CONCERN: '1' });
      apis.push(api);
      const sampleChecked = await checkSample(api, shape);
      log(`sample check: ${sampleChecked} answers equal the generator's truth`);
      figures.push({ ...(stored ? { loadedBefore: mark.at } : {}), installations: shape.installations, boards: shape.boards, loader: mark.loader ?? 'upserts', ...(mark.largest ? { largest: mark.largest } : {}), events: loaded.events, loadSeconds: loaded.seconds, loadEventsPerSecond: loaded.events / loaded.seconds, documents: s.documents, totalDocuments: s.total, bsonMiB: s.bsonMiB, bsonMeasured: s.bsonMeasured ?? 'a sample', footprint: fp, sampleChecked, shape: facts[shapes.indexOf(shape)]! });
    }

    // Round-robin over the sizes and the queries: each pair of figures is measured seconds apart.
    const samples = shapes.map(() => Object.fromEntries(QUERIES.map((q) => [q, [] as number[]])) as Record<(typeof QUERIES)[number], number[]>);
    const time = async (into: number[], f: () => Promise<unknown>): Promise<void> => {
      const t0 = now();
      await f();
      into.push(now() - t0);
    };
    for (let r = -2; r < ROUNDS; r++) {
      const paths = shapes.map((shape) => pathsOf(shape, r));
      const into = (i: number): Record<(typeof QUERIES)[number], number[]> => (r < 0 ? Object.fromEntries(QUERIES.map((q) => [q, [] as number[]])) as Record<(typeof QUERIES)[number], number[]> : samples[i]!);
      if (ORDER === 'size') {
        // Every query of one size, then the next size's (the order of the runs before --order).
        for (const i of shapes.keys()) for (const q of QUERIES) await time(into(i)[q], () => getJson(apis[i]!, paths[i]![q]));
      } else {
        // One query at every size, then the next query: each size's figure has the same query before it.
        for (const q of QUERIES) for (const i of shapes.keys()) await time(into(i)[q], () => getJson(apis[i]!, paths[i]![q]));
      }
    }
    // What each query reads, once per size after the timing (counting costs time of its own): the same round's serials.
    const reads: Record<(typeof QUERIES)[number], Reads>[] = [];
    for (const [i, shape] of shapes.entries()) {
      const paths = pathsOf(shape, 0);
      const perQuery = {} as Record<(typeof QUERIES)[number], Reads>;
      for (const q of QUERIES) perQuery[q] = await readsOf(apis[i]!, () => getJson(apis[i]!, paths[q]));
      reads.push(perQuery);
    }
    const sized: SizeFigures[] = figures.map((f, i) => ({ ...f, ...(Object.fromEntries(QUERIES.map((q) => [q, latencyOf(samples[i]![q])])) as Pick<SizeFigures, (typeof QUERIES)[number]>), reads: reads[i]! }));

    const run: ScaleRun = {
      startedAt: startedAt.toISOString(),
      seconds: (Date.now() - startedAt.getTime()) / 1000,
      commit: commitInfo(),
      machine: { ...machineInfo(), loadAverage1m: { start: loadAtStart, end: os.loadavg()[0]! } },
      backend: { kind: process.env.MONGO_URL ? 'env' : 'local', store: BACKEND, heap: HEAP, url: standIn.url },
      emptyFootprint: empty,
      order: ORDER as 'query' | 'size',
      sizes: sized,
    };
    writeResult(run, resultPath(startedAt, `${run.commit.short}-scale`));
  } finally {
    for (const a of apis) await a.close();
    await client.close();
    await standIn.stop();
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
