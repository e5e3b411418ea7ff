/**
 * `npm run bench:genealogy-ab -- --a <tree>[=<node flags>] --b <tree>[=<node flags>] [--rounds 30] [--proxy 0.5] [--full]`:
 * the ~5,000-node genealogy of two API processes side by side, interleaved pair by pair on one data set and one
 * stand-in, with the floor and the judged floor timed between them: a before/after measured in the same minutes.
 * Each side is the API as deployed (`apps/api/src/main.ts` run from `<tree>`, its own Node process with `<node flags>`,
 * e.g. `--max-semi-space-size=64`), so it compares two commits (a tree of each: `git archive <commit> | tar -x -C dir`,
 * with a `node_modules` link) or two sets of flags on one tree. Before timing, the two answers of every serial must be
 * byte for byte the same (sha256 of the body), else the run stops. The data set is written by this tree's bulk loader
 * and the judged floor replays this tree's judgement reads (listed in the table): run from the older tree, the newer
 * side reads documents as the older writer left them. `--a-as-before`: side a reads a copy of the data set with every
 * provenance as the object it was stored as before it was one string (provenanceFrom of each `prov`), so a tree from
 * before that form reads what it wrote while b reads what this tree writes (the floors read b's documents).
 * Writes bench/results/<time>-<sha>-genealogy-ab.json.
 */
import 'reflect-metadata';
import { ChildProcess, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import mongoose from 'mongoose';
import { provenanceFrom } from '@trace/genealogy/testing';
import { buildDataset, serialsNear } from './datasets';
import { floorTrace, judgedFloorTrace, judgementRoundsOf, levelsOf, startApiOn } from './genealogy.bench';
import { hostOf, startDelayProxy } from './delay-proxy';
import { loadGraph } from './graph-bulk';
import { BenchResult, Metric, commitInfo, fmtMs, fmtRatio, machineInfo, renderTable, writeResultFile } from './results';
import { freePort, startStandIn } from './standalone-section';
import { latencyOf, median, now, sleep } from './stats';

const SETS = {
  quick: [{ seed: 1, units: 30, partsPerBoard: 700, brands: 3 }, { seed: 5, units: 3, partsPerBoard: 2600, brands: 1 }],
  full: [{ seed: 1, units: 180, partsPerBoard: 700, brands: 3 }, { seed: 5, units: 8, partsPerBoard: 2600, brands: 1 }],
} as const;

const log = (line: string): void => void process.stderr.write(`[bench:genealogy-ab ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

interface Side {
  name: 'a' | 'b';
  tree: string;
  flags: string[];
}

function sideOf(name: 'a' | 'b', arg: string | undefined): Side {
  if (!arg) throw new Error(`--${name} <tree>[=<node flags>] is required`);
  const at = arg.indexOf('=');
  const [tree, flags] = at < 0 ? [arg, ''] : [arg.slice(0, at), arg.slice(at + 1)];
  const dir = path.resolve(tree);
  if (!fs.existsSync(path.join(dir, 'apps/api/src/main.ts'))) throw new Error(`--${name}: ${dir} holds no apps/api/src/main.ts`);
  return { name, tree: dir, flags: flags.split(/\s+/).filter(Boolean).map((f) => (f.startsWith('--') ? f : `--${f}`)) };
}

/** Every document of `from` into `to`, each `prov` string as the object it stood for (documents as written before the string form). */
async function copyAsWrittenBefore(from: mongoose.mongo.Db, to: mongoose.mongo.Db): Promise<number> {
  const back = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(back);
    if (v === null || typeof v !== 'object' || v instanceof Date || !(Object.getPrototypeOf(v) === Object.prototype)) return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'prov' && typeof x === 'string' ? provenanceFrom(x) : back(x)]));
  };
  let n = 0;
  for (const { name } of await from.listCollections({}, { nameOnly: true }).toArray()) {
    const docs = await from.collection(name).find({}).toArray();
    for (let i = 0; i < docs.length; i += 2_000) await to.collection(name).insertMany(docs.slice(i, i + 2_000).map((d) => back(d) as typeof d));
    n += docs.length;
  }
  return n;
}

function spawnApi(side: Side, env: NodeJS.ProcessEnv, port: number): ChildProcess {
  const child = spawn(process.execPath, [...side.flags, '-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/api/src/main.ts'], {
    cwd: side.tree,
    env: { ...env, API_PORT: String(port), TS_NODE_PROJECT: path.join(side.tree, 'tsconfig.json') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  child.stderr!.on('data', (d: Buffer) => void (tail = (tail + d.toString()).slice(-2_000)));
  child.once('exit', (code) => {
    if (code !== 0 && code !== null) process.stderr.write(`[bench:genealogy-ab] API ${side.name} exited with ${code}: ${tail}\n`);
  });
  return child;
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

async function untilUp(url: string, child: ChildProcess): Promise<void> {
  for (let deadline = Date.now() + 120_000; Date.now() < deadline; await sleep(250)) {
    if (child.exitCode !== null) throw new Error(`the API for ${url} exited with ${child.exitCode}`);
    try {
      await fetch(`${url}/health`); // any answer: listening (health says 503 without Kafka, which this route never uses)
      return;
    } catch {
      // not listening yet
    }
  }
  throw new Error(`${url} did not come up within 120 s`);
}

/** CPU milliseconds (user + system, every thread) the process has used so far, from /proc (Linux). */
function cpuMsOf(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' '); // after the command name, which may hold spaces
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS;
}
const CLOCK_TICKS = 100; // sysconf(_SC_CLK_TCK) on Linux

/** GET genealogy, the whole body read: its duration and the sha256 of the body. */
async function get(url: string, key: string, serial: string): Promise<{ ms: number; sha: string; bytes: number }> {
  const t0 = now();
  const res = await fetch(`${url}/v1/serials/${encodeURIComponent(serial)}/genealogy`, { headers: { authorization: `Bearer ${key}` } });
  const body = Buffer.from(await res.arrayBuffer());
  const ms = now() - t0;
  if (res.status !== 200) throw new Error(`GET genealogy of ${serial} on ${url}: ${res.status} ${body.toString('utf8', 0, 200)}`);
  return { ms, sha: createHash('sha256').update(body).digest('hex'), bytes: body.length };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const a = sideOf('a', opt('a'));
  const b = sideOf('b', opt('b'));
  const rounds = Number(opt('rounds') ?? 30);
  const proxyDelay = opt('proxy') === undefined ? undefined : Number(opt('proxy'));
  const mode = args.includes('--full') ? 'full' : 'quick';
  const startedAt = new Date();
  const loadAtStart = os.loadavg()[0]!;
  const commit = commitInfo();
  log(`simulating the ${mode} data sets`);
  const sets = SETS[mode].map((o, i) => buildDataset(`ab-${i + 1}`, o));
  const { stack, mongo: direct } = await startStandIn('ab');
  const proxy = proxyDelay === undefined ? undefined : await startDelayProxy(hostOf(direct), proxyDelay);
  const mongo = proxy ? `mongodb://127.0.0.1:${proxy.port}/` : direct;
  const client = await new mongoose.mongo.MongoClient(mongo).connect();
  const children: ChildProcess[] = [];
  try {
    const db = client.db(`bench_ab_${startedAt.getTime()}`);
    log(`loading ${sets.reduce((n, d) => n + d.messages.length, 0)} events with the bulk loader`);
    await loadGraph(db, sets.flatMap((d) => d.messages));
    const serials = serialsNear(sets[1]!, 5_000, 3).map((t) => t.serial);
    const env = { ...process.env, KAFKA_BROKERS: '127.0.0.1:9', MONGO_URL: mongo, MONGO_DB: db.databaseName, MONGO_WRITE_CONCERN: '1', LOG_LEVEL: 'warn', RATE_LIMIT_EXPENSIVE: '1000000000' };
    const asBefore = args.includes('--a-as-before');
    const envOf = (side: Side): NodeJS.ProcessEnv => (asBefore && side.name === 'a' ? { ...env, MONGO_DB: `${db.databaseName}_before` } : env);
    // The key, the shapes and the judgement's round trips from an API in this process (untimed), then it is closed.
    const inProcess = await startApiOn(env);
    const key = inProcess.key;
    const shapes = await Promise.all(serials.map((s) => levelsOf(db, s)));
    const judgement = [];
    for (const s of serials) judgement.push(await judgementRoundsOf(inProcess, s));
    const judgementRounds = judgement.map((rounds) => rounds.map((round): [string, number][] => round.map((r) => [r.collection, r.ids.length])));
    await inProcess.close();
    // After the key is made: the copy holds it.
    if (asBefore) log(`side a's copy, as written before the provenance was one string: ${await copyAsWrittenBefore(db, client.db(`${db.databaseName}_before`))} documents`);

    const ports = { a: await freePort(), b: await freePort() };
    const urls = { a: `http://127.0.0.1:${ports.a}`, b: `http://127.0.0.1:${ports.b}` };
    for (const side of [a, b]) children.push(spawnApi(side, envOf(side), ports[side.name]));
    await Promise.all([untilUp(urls.a, children[0]!), untilUp(urls.b, children[1]!)]);
    log(`API a: ${a.tree} ${a.flags.join(' ')}; API b: ${b.tree} ${b.flags.join(' ')}`);

    // Same answers, byte for byte, and a warm-up of each side.
    const digests: Record<string, string> = {};
    for (const s of serials) {
      const [x, y] = [await get(urls.a, key, s), await get(urls.b, key, s)];
      if (x.sha !== y.sha) throw new Error(`the answers for ${s} differ: a ${x.sha} (${x.bytes} bytes), b ${y.sha} (${y.bytes} bytes)`);
      digests[s] = x.sha;
    }
    for (let w = 0; w < 2; w++) for (const s of serials) for (const u of [urls.a, urls.b]) await get(u, key, s);

    const t = { a: [] as number[], b: [] as number[], floor: [] as number[], judgedFloor: [] as number[], pair: [] as number[], cpuA: [] as number[], cpuB: [] as number[] };
    const pids = { a: children[0]!.pid!, b: children[1]!.pid! };
    log(`${rounds} rounds${proxy ? ` behind a proxy adding ${proxyDelay} ms each way` : ' on the loopback'}`);
    for (let r = 0; r < rounds; r++) {
      const i = r % serials.length;
      const order = r % 2 === 0 ? (['a', 'b'] as const) : (['b', 'a'] as const); // who goes first alternates
      const got: Record<string, number> = {};
      for (const side of order) {
        const cpu0 = cpuMsOf(pids[side]);
        got[side] = (await get(urls[side], key, serials[i]!)).ms;
        await sleep(20); // the access log's completion, after the answer, counted in this request's CPU
        (side === 'a' ? t.cpuA : t.cpuB).push(cpuMsOf(pids[side]) - cpu0);
      }
      t.a.push(got.a!);
      t.b.push(got.b!);
      t.pair.push(got.b! / got.a!);
      let t0 = now();
      await floorTrace(db, shapes[i]!.levels);
      t.floor.push(now() - t0);
      t0 = now();
      await judgedFloorTrace(db, shapes[i]!.levels, judgement[i]!);
      t.judgedFloor.push(now() - t0);
    }
    const [la, lb, lf, lj] = [latencyOf(t.a), latencyOf(t.b), latencyOf(t.floor), latencyOf(t.judgedFloor)];
    const metrics: Metric[] = [];
    const m = (id: string, label: string, value: number, unit: string, better: Metric['better']): number => {
      metrics.push({ id, label, value, unit, better });
      return value;
    };
    for (const [k, l] of [['a', la], ['b', lb], ['floor', lf], ['judged_floor', lj]] as const) m(`ab.${k}.p50`, `${k} p50`, l.p50, 'ms', k === 'a' || k === 'b' ? 'lower' : 'none');
    const rows: string[][] = [
      [`API a, p50 / p99 ms (n=${la.n})`, `${fmtMs(la.p50)} / ${fmtMs(la.p99)}`, fmtRatio(m('ab.a.over_floor', 'a / floor', la.p50 / lf.p50, 'x', 'lower')), fmtRatio(m('ab.a.over_judged_floor', 'a / judged floor', la.p50 / lj.p50, 'x', 'lower'))],
      [`API b, p50 / p99 ms (n=${lb.n})`, `${fmtMs(lb.p50)} / ${fmtMs(lb.p99)}`, fmtRatio(m('ab.b.over_floor', 'b / floor', lb.p50 / lf.p50, 'x', 'lower')), fmtRatio(m('ab.b.over_judged_floor', 'b / judged floor', lb.p50 / lj.p50, 'x', 'lower'))],
      ['floor, p50 / p99 ms', `${fmtMs(lf.p50)} / ${fmtMs(lf.p99)}`, '', ''],
      ["floor with the judgement's reads, p50 / p99 ms", `${fmtMs(lj.p50)} / ${fmtMs(lj.p99)}`, fmtRatio(m('ab.judged_floor.over_floor', 'judged floor / floor', lj.p50 / lf.p50, 'x', 'lower')), ''],
      // The judgement's reads as this tree makes them (the judged floor replays them): per round trip, documents asked by collection.
      ["the judgement's round trips (first serial): ids asked per collection", judgementRounds[0]!.map((r) => r.map(([c, n]) => `${n} ${c}`).join(' + ')).join(', then ') || 'none', '', ''],
      ...(asBefore ? [["side a's documents", 'as written before the provenance was one string (--a-as-before)', '', '']] : []),
      ['b / a: median of the pairs', fmtRatio(m('ab.b_over_a', 'b / a, median of the pairs', median(t.pair), 'x', 'lower')), '', ''],
      ['CPU of the API process per request (every thread), median ms: a, b', `${fmtMs(m('ab.a.cpu', 'a: CPU ms per request', median(t.cpuA), 'ms', 'lower'))}, ${fmtMs(m('ab.b.cpu', 'b: CPU ms per request', median(t.cpuB), 'ms', 'lower'))}`, '', ''],
    ];
    const table = renderTable(['measure', 'value', 'over floor', 'over judged floor'], rows);
    const result: BenchResult = {
      format: 1,
      mode,
      startedAt: startedAt.toISOString(),
      seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      commit,
      machine: { ...machineInfo(), loadAverage1m: { start: loadAtStart, end: os.loadavg()[0]! } },
      backends: { kind: 'local', kafka: 'none', mongo },
      datasets: { genealogyAb: { sets: SETS[mode], serials, digests, rounds, proxyDelayMs: proxyDelay ?? null, a: { tree: a.tree, flags: a.flags }, b: { tree: b.tree, flags: b.flags }, judgementRounds, samples: t } },
      metrics,
      notMeasured: [],
      table,
    };
    const file = writeResultFile(result.startedAt, `${commit.short}-genealogy-ab`, result);
    process.stdout.write(`\n${table}\n\nload ${loadAtStart.toFixed(1)} -> ${os.loadavg()[0]!.toFixed(1)}\nresults: ${path.relative(process.cwd(), file)}\n`);
    await db.dropDatabase();
  } finally {
    await Promise.all(children.map(stop));
    await client.close();
    await proxy?.close();
    await stack.stop();
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
