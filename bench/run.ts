/**
 * `npm run bench [-- --quick]`: starts its own local stack (or uses KAFKA_BROKERS / MONGO_URL), loads simulated
 * data, and measures each figure against a ceiling or a floor measured in the same run. Prints a table and
 * writes bench/results/<timestamp>-<shortsha>.json. See bench/README.md for how to read it.
 */
import 'reflect-metadata';
import { execFile } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { ensureJars, startLocalStack } from '../test/stack/local-stack';
import { shopFloorEvents } from '../apps/simulator/src/shop-floor';
import { ShopFloorOptions } from '../apps/simulator/src/shop-floor';
import { Dataset, buildDataset, serialsNear } from './datasets';
import { GenealogyFigures, ProxiedGenealogyFigures, apiSplit, benchBehindProxy, benchGenealogy, startApiOn } from './genealogy.bench';
import { documentCounts, loadGraph } from './graph-bulk';
import { ScaleOutFigures, benchScaleOut } from './scale-out.bench';
import { WhereUsedPagingFigures, benchWhereUsedPaging } from './where-used-paging.bench';
import { IngestFigures, benchIngest } from './ingest.bench';
import { LoadFigures, benchLoad } from './load.bench';
import { CfxBridgeFigures, benchAmqp, benchCfxBridge } from './cfx-bridge.bench';
import { progressLog, rssOf } from './progress';
import { BenchResult, Metric, commitInfo, fmtMs, fmtRate, fmtRatio, machineInfo, renderTable, writeResultFile } from './results';
import { WebFigures, benchWeb, median } from './web.bench';

// mongoHeap: the stand-in's -Xmx (BENCH_MONGO_HEAP overrides it); each section drops its database, so it holds one at
// a time, the largest being where-used's (a 1 GB heap ran out at 100,000 boards). Not 8g: G1 grows to its -Xmx under
// load, and at 7.3 GB RSS the stand-in was the machine's largest process when the kernel ran out of memory.
const MODES = {
  quick: {
    mongoHeap: '1g',
    ingestRuns: 3, // one pair on two shared cores ranged 0.42 to 1.62 (bench/README.md): the median of three
    cfxMessages: 1_000,
    ingest: [{ seed: 1, units: 30, partsPerBoard: 700, brands: 3 }, { seed: 5, units: 3, partsPerBoard: 2600, brands: 1 }],
    small: { target: 1_000, serials: 4, rounds: { fast: 20, naive: 4 } },
    large: { target: 5_000, serials: 3, rounds: { fast: 12, naive: 3 } },
    proxied: { rounds: { fast: 12, naive: 2 } },
    whereUsed: { boards: 20_000, rounds: 5 },
    growth: { seed: 21, units: 10, partsPerBoard: 700, brands: 3, serials: 4, rounds: 20 },
    web: { runs: 2, rows: 20_000 },
    load: { graph: { seed: 31, units: 20, partsPerBoard: 300, brands: 2 }, stream: { seed: 32, units: 40, partsPerBoard: 300, brands: 2 }, secondsPerLevel: 5, soakSeconds: 20, soakRate: 20 },
  },
  full: {
    mongoHeap: '4g',
    ingestRuns: 3,
    cfxMessages: 5_000,
    ingest: [{ seed: 1, units: 180, partsPerBoard: 700, brands: 3 }, { seed: 5, units: 8, partsPerBoard: 2600, brands: 1 }],
    small: { target: 1_000, serials: 8, rounds: { fast: 120, naive: 16 } },
    large: { target: 5_000, serials: 6, rounds: { fast: 60, naive: 8 } },
    proxied: { rounds: { fast: 30, naive: 4 } },
    whereUsed: { boards: 100_000, rounds: 7 },
    growth: { seed: 21, units: 25, partsPerBoard: 700, brands: 3, serials: 8, rounds: 96 },
    web: { runs: 5, rows: 100_000 },
    load: { graph: { seed: 31, units: 60, partsPerBoard: 300, brands: 2 }, stream: { seed: 32, units: 400, partsPerBoard: 300, brands: 2 }, secondsPerLevel: 10, soakSeconds: 600, soakRate: 50 },
  },
} as const;

const countEvents = (o: ShopFloorOptions): number => {
  let n = 0;
  for (const _ of shopFloorEvents(o)) n++;
  return n;
};

let standInPid: number | undefined;
const standInMemory = (): string => {
  const m = rssOf(standInPid);
  return m ? `stand-in RSS ${Math.round(m.rssMiB)} MiB (peak ${Math.round(m.peakMiB)})` : '';
};
// A line at least every 30 s, whatever the section (a person watching sees the run is alive), and each section's time.
const progress = progressLog('bench', standInMemory);
const log = progress.log;
// Between sections, outside every timed span: a full collection of the stand-in, after which it returns what the
// dropped databases freed (the stack's heap free ratios), so that a run holds one section's data at a time in memory too.
const section = async (name: string): Promise<void> => {
  if (standInPid !== undefined) {
    await promisify(execFile)('jcmd', [String(standInPid), 'GC.run'], { timeout: 120_000 }).catch((error: unknown) =>
      log(`stand-in: no full collection before ${name} (${error instanceof Error ? error.message : String(error)})`),
    );
  }
  progress.section(name);
};

/** The server part of a MongoDB URL: each measurement names its own database. */
const serverOf = (url: string): string => url.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+)\/?[^?]*/, '$1/');

async function backends(mongoHeap: string): Promise<{ kind: 'local' | 'env'; kafka: string; mongo: string; mongoHeap?: string; stop(): Promise<void> }> {
  if (process.env.KAFKA_BROKERS && process.env.MONGO_URL) {
    return { kind: 'env', kafka: process.env.KAFKA_BROKERS, mongo: serverOf(process.env.MONGO_URL), stop: async () => undefined };
  }
  await ensureJars();
  const stack = await startLocalStack({
    name: process.env.BENCH_STACK_NAME ?? 'bench', // several people on one machine: a stack (and ports) of each's own
    kafkaPort: Number(process.env.BENCH_KAFKA_PORT ?? 29092),
    controllerPort: Number(process.env.BENCH_KAFKA_CONTROLLER_PORT ?? 29093),
    mongoPort: Number(process.env.BENCH_MONGO_PORT ?? 27019),
    portEnv: { kafka: 'BENCH_KAFKA_PORT', controller: 'BENCH_KAFKA_CONTROLLER_PORT', mongo: 'BENCH_MONGO_PORT' },
    mongoHeap,
  });
  if (!process.env.MONGO_URL) standInPid = stack.mongo.pid;
  return { kind: 'local', kafka: process.env.KAFKA_BROKERS ?? stack.kafkaBrokers, mongo: serverOf(process.env.MONGO_URL ?? stack.mongoUrl), ...(process.env.MONGO_URL ? {} : { mongoHeap: stack.mongo.heap }), stop: () => stack.stop() };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const onlyLoad = args.includes('--load-only');
  // `--only ingest`: the ingest against its ceilings and nothing else (to measure the write path alone).
  const onlyIngest = args.join(' ').includes('--only ingest');
  const unknown = args.filter((a, i) => a !== '--quick' && a !== '--load-only' && !(a === '--only' && args[i + 1] === 'ingest') && !(a === 'ingest' && args[i - 1] === '--only'));
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')}; usage: npm run bench [-- --quick] [--load-only | --only ingest]`);
  const mode = args.includes('--quick') ? 'quick' : 'full';
  const cfg = MODES[mode];
  const startedAt = new Date();
  const loadAtStart = os.loadavg()[0]!;
  // The code measured is the code at the start: files changed during the run (another session's edits) do not rename it.
  const commit = commitInfo();
  const runId = startedAt.toISOString().replace(/\D/g, '').slice(2, 14);
  log(`mode ${mode}, run ${runId}`);

  await section('simulating the data sets');
  const ingestSets = cfg.ingest.map((o, i) => buildDataset(`ingest-${i + 1}`, o));
  const messages = ingestSets.flatMap((d) => d.messages);

  await section('starting the stack');
  const be = await backends(process.env.BENCH_MONGO_HEAP ?? cfg.mongoHeap);
  const client = await new mongoose.mongo.MongoClient(be.mongo).connect();
  const env = { ...process.env, KAFKA_BROKERS: be.kafka, MONGO_URL: be.mongo, MONGO_WRITE_CONCERN: '1' };
  const notMeasured = [
    { what: 'where-used at a million installations, commonality', why: 'not in this suite: bench/where-used.bench.ts (issue 4) measures them on its own stand-in with a 10 GB heap' },
  ];
  try {
    const mongoVersion = String((await client.db('admin').command({ buildInfo: 1 })).version ?? '');
    // What the results record of the backends: the stand-in's heap and its peak resident memory (read at the end).
    const backendsOf = (): BenchResult['backends'] => {
      const m = rssOf(standInPid);
      return { kind: be.kind, kafka: be.kafka, mongo: be.mongo, mongoVersion, ...(be.mongoHeap ? { mongoHeap: be.mongoHeap } : {}), ...(m ? { mongoPeakRssMiB: Math.round(m.peakMiB) } : {}) };
    };
    const ctx = { brokers: be.kafka, mongoUrl: be.mongo, runId, client, log };

    // (d) Load: the API as deployed under 1, 16 and 64 clients while an ingest runs, then a soak (last, or alone).
    const runLoad = async (): Promise<LoadFigures> => {
      const l = cfg.load;
      const graph = buildDataset('load-graph', l.graph);
      const stream = buildDataset('load-stream', l.stream, false);
      const serial = serialsNear(graph, 300, 1)[0]!.serial;
      const lot = graph.messages.map((m) => JSON.parse(m.value) as { type: string; data: { lotId?: string } }).find((e) => e.type === 'MaterialInstalled')!.data.lotId!;
      return benchLoad(ctx, env, { graph: graph.messages, stream: stream.messages, serial, lot, secondsPerLevel: l.secondsPerLevel, soakSeconds: l.soakSeconds, soakRate: l.soakRate });
    };
    if (onlyLoad) {
      await section('load');
      const load = await runLoad();
      const { rows, metrics } = loadReport(load);
      const table = renderTable(['measure', 'value', 'against', 'ratio', 'goal', 'verdict'], rows);
      process.stdout.write(`\n${table}\n\n`);
      writeResult({ format: 1, mode, startedAt: startedAt.toISOString(), seconds: Math.round((Date.now() - startedAt.getTime()) / 1000), commit: commitInfo(), machine: { ...machineInfo(), loadAverage1m: { start: loadAtStart, end: os.loadavg()[0]! } }, backends: backendsOf(), sections: progress.stop(), datasets: { load: cfg.load }, metrics, notMeasured: [], table } as BenchResult);
      return;
    }

    // (a) Ingest against its two ceilings.
    await section('ingest');
    const ingest = await benchIngest(ctx, messages, cfg.ingestRuns);
    if (onlyIngest) {
      const metrics: Metric[] = [];
      const rows: (string[] | string)[] = [];
      const m: MetricOf = (id, label, value, unit, better, goal) => (metrics.push({ id, label, value, unit, better, ...(goal ? { goal } : {}) }), value);
      ingestRows(ingest, m, (ok) => (ok ? 'met' : 'NOT met'), rows);
      const table = renderTable(['measure', 'value', 'against', 'ratio', 'goal', 'verdict'], rows);
      process.stdout.write(`\n${table}\n\n`);
      const datasets = { ingest: { events: messages.length, runs: ingest.pairs, sets: ingestSets.map((d) => ({ ...d.options, events: d.messages.length })), documents: ingest.documents } };
      const file = writeResult({ format: 1, mode, startedAt: startedAt.toISOString(), seconds: Math.round((Date.now() - startedAt.getTime()) / 1000), commit, machine: { ...machineInfo(), loadAverage1m: { start: loadAtStart, end: os.loadavg()[0]! } }, backends: backendsOf(), sections: progress.stop(), datasets, metrics, notMeasured: [], table } as BenchResult, '-ingest');
      process.stdout.write(`results: ${path.relative(process.cwd(), file)}\n`);
      await ingest.graphDb.dropDatabase();
      return;
    }


    // (b) Backward genealogy, on the bulk-written copy of the ingest's graph (the same documents, checked above).
    await section('genealogy');
    const graphDb = ingest.graphDb;
    const api = await startApiOn({ ...env, MONGO_DB: graphDb.databaseName });
    const pick = (d: Dataset, target: number, n: number): string[] => serialsNear(d, target, n).map((t) => t.serial);
    let small: GenealogyFigures;
    let large: GenealogyFigures;
    try {
      log(`genealogy of serials near ${cfg.small.target} nodes`);
      small = await benchGenealogy(graphDb, api, pick(ingestSets[0]!, cfg.small.target, cfg.small.serials), cfg.small.rounds);
      log(`genealogy of serials near ${cfg.large.target} nodes`);
      large = await benchGenealogy(graphDb, api, pick(ingestSets[1]!, cfg.large.target, cfg.large.serials), cfg.large.rounds);
    } finally {
      await api.close();
    }

    // (b') The same large serials with a network hop between the service and the database: a delaying TCP proxy.
    await section('genealogy behind the proxy');
    const delayMs = Number(process.env.BENCH_PROXY_DELAY_MS ?? 0.5);
    log(`genealogy of serials near ${cfg.large.target} nodes behind a proxy adding ${delayMs} ms each way`);
    const proxied = await benchBehindProxy(be.mongo, graphDb.databaseName, env, pick(ingestSets[1]!, cfg.large.target, cfg.large.serials), delayMs, cfg.proxied.rounds);
    await graphDb.dropDatabase();

    // (b'') Where-used of a reel in every board: a page far into the answer against page 1, the stream against its floor.
    await section('where-used');
    const whereUsed = await benchWhereUsedPaging(client, env, `bench_${runId}_whereused`, cfg.whereUsed.boards, cfg.whereUsed.rounds, log);

    // Scale-out: the same messages, one ingest process and then two in one group, each as deployed (its own process).
    await section('scale-out');
    const scaleOut = await benchScaleOut(ctx, messages, 6);

    // The CFX bridge against the raw AMQP consume rate, on a broker of its own.
    await section('cfx bridge');
    const amqp = await benchAmqp();
    let cfx: CfxBridgeFigures;
    try {
      cfx = await benchCfxBridge({ brokers: be.kafka, amqpUrl: amqp.url, runId, log }, cfg.cfxMessages);
    } finally {
      await amqp.stop();
    }

    // (c) The same queries on a data set and on one ten times its size: the same site running ten times longer.
    await section('growth');
    const g = cfg.growth;
    const base = buildDataset('growth-1x', g);
    // Units built before the first vendor status change are identical in both runs (see the README).
    const early = base.tops.filter((t) => t.index < Math.floor(g.units * 0.4)).slice(0, g.serials).map((t) => t.serial);
    const growth: { size: string; events: number; documents: number; figures: GenealogyFigures }[] = [];
    // Early units bring every part's first receipts: find the run length that gives ten times the events.
    let units10 = g.units * 10;
    for (let i = 0; i < 3; i++) units10 = Math.round((units10 * 10 * base.messages.length) / countEvents({ ...g, units: units10 }));
    for (const [size, units] of [['1x', g.units], ['10x', units10]] as const) {
      const d = size === '1x' ? base : buildDataset(`growth-${size}`, { ...g, units }, false);
      const db = client.db(`bench_${runId}_growth_${size}`);
      log(`growth: loading ${d.messages.length} events (${size})`);
      await loadGraph(db, d.messages);
      const documents = Object.values(await documentCounts(db)).reduce((a, b) => a + b, 0);
      const a = await startApiOn({ ...env, MONGO_DB: db.databaseName });
      try {
        growth.push({ size, events: d.messages.length, documents, figures: await benchGenealogy(db, a, early, { fast: g.rounds, naive: 0 }) });
      } finally {
        await a.close();
      }
      await db.dropDatabase();
    }

    // The web app in a browser, against a stand-in of the API (no backend needed: the page is what is measured).
    await section('web');
    log(`web app in chromium: ${cfg.web.runs} runs, a stream of ${cfg.web.rows.toLocaleString('en-US')} rows`);
    const web = await benchWeb({ ...cfg.web, log: (line) => log(`web: ${line}`) });

    await section('load');
    const load = await runLoad();
    const sections = progress.stop();
    const seconds = (Date.now() - startedAt.getTime()) / 1000;
    const { table, metrics } = report(ingest, scaleOut, small, large, proxied, whereUsed, growth, web, notMeasured, load, cfx);
    const result: BenchResult = {
      format: 1,
      mode,
      startedAt: startedAt.toISOString(),
      seconds: Math.round(seconds),
      commit,
      machine: { ...machineInfo(), loadAverage1m: { start: loadAtStart, end: os.loadavg()[0]! } },
      backends: backendsOf(),
      sections,
      datasets: {
        ingest: { events: messages.length, runs: ingest.pairs, sets: ingestSets.map((d) => ({ ...d.options, events: d.messages.length })), documents: ingest.documents },
        scaleOut: { partitions: scaleOut.partitions, setups: scaleOut.setups, differences: scaleOut.differences },
        cfx: { messages: cfx.messages, eventsPerMessage: cfx.eventsPerMessage, prefetch: cfx.prefetch },
        whereUsed: { boards: whereUsed.rows, pageSize: whereUsed.pageSize, farPage: whereUsed.farPage, floorDocuments: whereUsed.floorDocuments },
        genealogy: { smallSerials: small.serials, largeSerials: large.serials, proxiedSerials: proxied.figures.serials, proxyDelayMs: proxied.delayMs },
        growth: growth.map((x) => ({ size: x.size, events: x.events, documents: x.documents, querySerials: early.length })),
        web: { runs: web.runs, streamRows: web.rows, genealogyNodes: 5_000, genealogyBytes: web.genealogyBytes },
      },
      metrics,
      notMeasured,
      table,
    };
    const file = writeResult(result);
    process.stdout.write(`\n${table}\n\n`);
    process.stdout.write(`commit ${result.commit.short}${result.commit.dirty.length ? ` (+${result.commit.dirty.length} uncommitted files)` : ''}, ` +
      `${result.machine.cpus} x ${result.machine.cpuModel}, node ${result.machine.node}, mongo ${mongoVersion}; ${mode} run in ${Math.round(seconds)} s; ` +
      `load average ${loadAtStart.toFixed(1)} at start, ${os.loadavg()[0]!.toFixed(1)} at end\n`);
    process.stdout.write(`results: ${path.relative(process.cwd(), file)}\n`);
  } finally {
    await client.close();
    await be.stop();
  }
}

function writeResult(result: BenchResult, suffix = result.datasets.load && !result.datasets.ingest ? '-load' : ''): string {
  return writeResultFile(result.startedAt, `${result.commit.short}${suffix}`, result);
}

/** The load section: each route at each number of clients, the ratios of 64 clients to 1, and the soak. */
function loadReport(load: LoadFigures): { rows: (string[] | string)[]; metrics: Metric[] } {
  const metrics: Metric[] = [];
  const m = (id: string, label: string, value: number, unit: string, better: Metric['better'], goal?: string): number => {
    metrics.push({ id, label, value, unit, better, ...(goal ? { goal } : {}) });
    return value;
  };
  const rows: (string[] | string)[] = [];
  rows.push(`Load: the API as its own process on 127.0.0.1 (autocannon, fixed time per level) while an ingest process recorded ${load.ingestedDuringLoad.toLocaleString('en-US')} events into the same database`);
  for (const route of [...new Set(load.levels.map((l) => l.route))]) {
    const of = load.levels.filter((l) => l.route === route);
    for (const l of of) {
      m(`load.${route}.c${l.clients}.rps`, `load: ${route} at ${l.clients} clients, req/s`, l.requestsPerSecond, 'req/s', 'higher');
      m(`load.${route}.c${l.clients}.p99`, `load: ${route} at ${l.clients} clients, p99`, l.p99Ms, 'ms', 'lower');
      m(`load.${route}.c${l.clients}.errors`, `load: ${route} at ${l.clients} clients, error rate`, l.errorRate, 'x', 'lower', '0');
      m(`load.${route}.c${l.clients}.loop_p99`, `load: ${route} at ${l.clients} clients, event-loop delay p99`, l.eventLoopP99Ms, 'ms', 'lower');
      rows.push([
        `${route}, ${l.clients} client${l.clients > 1 ? 's' : ''}: req/s, p50 / p99 ms`,
        `${Math.round(l.requestsPerSecond).toLocaleString('en-US')}, ${fmtMs(l.p50Ms)} / ${fmtMs(l.p99Ms)}`,
        `errors ${Number.isNaN(l.errorRate) ? 'n/a (no answer within the level)' : `${(l.errorRate * 100).toFixed(2)}%`}, loop p99 ${fmtMs(l.eventLoopP99Ms)} ms`,
        '',
        '0 errors',
        l.errorRate === 0 ? 'met' : 'NOT met',
      ]);
    }
    const one = of.find((l) => l.clients === 1)!;
    const most = of.at(-1)!;
    const p99Ratio = m(`load.${route}.p99_ratio`, `load: ${route} p99 at ${most.clients} clients / p99 at 1`, most.p99Ms / one.p99Ms, 'x', 'lower');
    const rpsRatio = m(`load.${route}.rps_ratio`, `load: ${route} req/s at ${most.clients} clients / req/s at 1`, most.requestsPerSecond / one.requestsPerSecond, 'x', 'higher');
    rows.push([`${route}: ${most.clients} clients against 1`, '', 'p99 ratio; req/s ratio', `${fmtRatio(p99Ratio)}; ${fmtRatio(rpsRatio)}`, '', '']);
  }
  const s = load.soak;
  m('soak.heap_growth', 'soak: heap used, last quarter / first quarter (medians)', s.heapGrowth, 'x', 'lower', '<= 1.2');
  m('soak.rss_growth', 'soak: RSS, last quarter / first quarter (medians)', s.rssGrowth, 'x', 'lower', '<= 1.2');
  m('soak.errors', 'soak: error rate', s.errorRate, 'x', 'lower', '0');
  rows.push(`Soak: genealogy at ${s.rate} req/s for ${s.seconds} s (${s.requests.toLocaleString('en-US')} requests), heap and RSS sampled from the API's /metrics`);
  rows.push(['heap used, MB: first quarter -> last quarter', `${s.heapStartMb.toFixed(0)} -> ${s.heapEndMb.toFixed(0)}`, 'last / first', fmtRatio(s.heapGrowth), '<= 1.2', s.heapGrowth <= 1.2 ? 'met' : 'NOT met']);
  rows.push(['RSS, MB: first quarter -> last quarter', `${s.rssStartMb.toFixed(0)} -> ${s.rssEndMb.toFixed(0)}`, 'last / first', fmtRatio(s.rssGrowth), '<= 1.2', s.rssGrowth <= 1.2 ? 'met' : 'NOT met']);
  rows.push(['soak errors', `${(s.errorRate * 100).toFixed(2)}%`, '', '', '0', s.errorRate === 0 ? 'met' : 'NOT met']);
  return { rows, metrics };
}

type MetricOf = (id: string, label: string, value: number, unit: string, better: Metric['better'], goal?: string) => number;

/** The ingest section's rows and metrics (also the whole report of `--only ingest`). */
function ingestRows(ingest: IngestFigures, m: MetricOf, verdict: (ok: boolean) => string, rows: (string[] | string)[]): void {
  const lowerName = ingest.consumeRate <= ingest.bulkRate ? 'raw consume' : 'raw bulk write';
  m('ingest.rate', 'ingest events/s (median of runs)', ingest.ingestRate, 'ev/s', 'higher');
  m('ingest.ceiling.consume', 'raw consume events/s', ingest.consumeRate, 'ev/s', 'none');
  m('ingest.ceiling.bulk', 'raw bulk write events/s (median of runs)', ingest.bulkRate, 'ev/s', 'none');
  m('ingest.produce', 'produce events/s (info)', ingest.produceRate, 'ev/s', 'none');
  m('ingest.cpu', 'parse+validate+map events/s (1 thread)', ingest.cpuRate, 'ev/s', 'higher');
  const rIngest = m('ingest.ratio', 'ingest / lower ceiling (median of runs)', ingest.ratio, 'x', 'higher', '>= 0.8');
  const pairRatios = ingest.pairs.map((p) => p.ingestRate / Math.min(ingest.consumeRate, p.bulkRate));
  const runs = ingest.pairs.length;
  rows.push(
    `Ingest: ${ingest.events.toLocaleString('en-US')} events, ${runs} run${runs > 1 ? 's' : ''} (median); the ingest got ${ingest.pairs.at(-1)!.batches} batches of ` +
      `${Math.round(ingest.meanBatch)} on average, the raw consumer ${ingest.consumeBatches}`,
  );
  rows.push(['ingest, Kafka -> graph (startIngest)', fmtRate(ingest.ingestRate), runs > 1 ? `runs: ${ingest.pairs.map((p) => Math.round(p.ingestRate).toLocaleString('en-US')).join(', ')}` : '', '', '', '']);
  rows.push(['ceiling: raw consume, same consumer settings', fmtRate(ingest.consumeRate), 'ingest / consume', fmtRatio(ingest.ingestRate / ingest.consumeRate), '', '']);
  rows.push(["ceiling: raw bulk write of each run's batches, right after it", fmtRate(ingest.bulkRate), runs > 1 ? `runs: ${ingest.pairs.map((p) => Math.round(p.bulkRate).toLocaleString('en-US')).join(', ')}` : 'ingest / bulk write', runs > 1 ? '' : fmtRatio(pairRatios[0]!), '', '']);
  rows.push(['ingest against the lower ceiling, run by run', runs > 1 ? pairRatios.map(fmtRatio).join(', ') : '', `/ ${lowerName}, median`, fmtRatio(rIngest), '>= 0.8', verdict(rIngest >= 0.8)]);
  rows.push(['(info) CPU only: parse, validate, map, merge (per CPU-second)', fmtRate(ingest.cpuRate), 'ingest / CPU only', fmtRatio(ingest.ingestRate / ingest.cpuRate), '', '']);
  const serial = 1 / (1 / ingest.cpuRate + 1 / ingest.bulkRate);
  m('ingest.over_serial_model', 'ingest / (CPU then bulk write, in series)', ingest.ingestRate / serial, 'x', 'none');
  rows.push(['(info) CPU only then bulk write, one after the other', fmtRate(serial), 'ingest / in series', fmtRatio(ingest.ingestRate / serial), '', '']);
  rows.push(['(info) produce, one producer, 2,000 a send', fmtRate(ingest.produceRate), '', '', '', '']);
  rows.push(['(info) bulk-written graph = the ingest\'s, byte for byte', ingest.graphMatches ? 'yes' : 'NO', '', '', '', '']);
}

function report(
  ingest: IngestFigures,
  scaleOut: ScaleOutFigures,
  small: GenealogyFigures,
  large: GenealogyFigures,
  proxied: ProxiedGenealogyFigures,
  whereUsed: WhereUsedPagingFigures,
  growth: { size: string; events: number; documents: number; figures: GenealogyFigures }[],
  web: WebFigures,
  notMeasured: { what: string; why: string }[],
  load: LoadFigures,
  cfx: CfxBridgeFigures,
): { table: string; metrics: Metric[] } {
  const metrics: Metric[] = [];
  const m = (id: string, label: string, value: number, unit: string, better: Metric['better'], goal?: string): number => {
    metrics.push({ id, label, value, unit, better, ...(goal ? { goal } : {}) });
    return value;
  };
  const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  const rows: (string[] | string)[] = [];
  ingestRows(ingest, m, verdict, rows);

  const [one, two] = scaleOut.setups as [ScaleOutFigures['setups'][0], ScaleOutFigures['setups'][0]];
  m('scaleout.one', 'scale-out: one ingest process events/s', one.rate, 'ev/s', 'higher');
  m('scaleout.two', 'scale-out: two ingest processes events/s', two.rate, 'ev/s', 'higher');
  const rScale = m('scaleout.ratio', 'scale-out: two processes / one', two.rate / one.rate, 'x', 'higher');
  rows.push(`Scale-out: the same events on topics of ${scaleOut.partitions} partitions, each ingest its own process (rate from first to last commit)`);
  rows.push(['one ingest process', fmtRate(one.rate), '', '', '', '']);
  rows.push(['two ingest processes, one consumer group', fmtRate(two.rate), 'two / one', fmtRatio(rScale), '', '']);
  const firstDiff = scaleOut.differences[0];
  rows.push(['same graph, byte for byte', scaleOut.sameGraph ? 'yes' : 'NO', `${one.documents.toLocaleString('en-US')} documents${firstDiff ? `; first difference: ${firstDiff.collection} ${firstDiff.id} (${firstDiff.fields.map((f) => f.field).join(', ')})` : ''}`, '', 'yes', verdict(scaleOut.sameGraph)]);

  // The naive walk's goal is behind the proxy (below): on the loopback no traversal can reach it.
  for (const [key, g, floorGoal] of [['g1k', small, 1.5], ['g5k', large, 1.3]] as const) {
    const at = key === 'g1k' ? 'genealogy ~1k nodes' : 'genealogy ~5k nodes';
    const rFloor = m(`${key}.api_over_floor`, `${at}: API p50 / floor p50`, g.api.p50 / g.floor.p50, 'x', 'lower', `<= ${floorGoal}`);
    const rFetch = m(`${key}.fetch_over_floor`, `${at}: graph reads p50 / floor p50`, g.fetch.p50 / g.floor.p50, 'x', 'lower');
    const rNaive = m(`${key}.naive_over_api`, `${at}: naive p50 / API p50`, g.naive.p50 / g.api.p50, 'x', 'higher');
    m(`${key}.api.p50`, `${at}: API p50`, g.api.p50, 'ms', 'lower');
    m(`${key}.api.p99`, `${at}: API p99`, g.api.p99, 'ms', 'lower');
    m(`${key}.fetch.p50`, `${at}: graph reads p50`, g.fetch.p50, 'ms', 'lower');
    m(`${key}.floor.p50`, `${at}: floor p50`, g.floor.p50, 'ms', 'none');
    m(`${key}.naive.p50`, `${at}: naive p50`, g.naive.p50, 'ms', 'none');
    m(`${key}.nodes`, `${at}: nodes (median)`, g.nodes, 'nodes', 'none');
    const naiveOverFloor = m(`${key}.naive_over_floor`, `${at}: naive p50 / floor p50`, g.naive.p50 / g.floor.p50, 'x', 'none');
    rows.push(`Backward genealogy: ${g.nodes.toLocaleString('en-US')} nodes, ${g.levels} levels, ${(g.answerBytes / 1e6).toFixed(1)} MB answer (median of ${g.serials} serials)`);
    rows.push([`API GET genealogy, p50 / p99 ms (n=${g.api.n})`, `${fmtMs(g.api.p50)} / ${fmtMs(g.api.p99)}`, `floor ${fmtMs(g.floor.p50)} / ${fmtMs(g.floor.p99)}`, fmtRatio(rFloor), `<= ${floorGoal}`, verdict(rFloor <= floorGoal)]);
    rows.push([`graph reads only (tracer.fetch), p50 / p99 ms`, `${fmtMs(g.fetch.p50)} / ${fmtMs(g.fetch.p99)}`, 'fetch / floor', fmtRatio(rFetch), '', '']);
    const rJudged = m(`${key}.judged_over_judged_floor`, `${at}: judged trace p50 / floor with judgement p50`, g.judged.p50 / g.judgedFloor.p50, 'x', 'lower');
    const rJudgedFloor = m(`${key}.judged_floor_over_floor`, `${at}: floor with judgement p50 / floor p50`, g.judgedFloor.p50 / g.floor.p50, 'x', 'lower');
    const rApiJudged = m(`${key}.api_over_judged_floor`, `${at}: API p50 / floor with judgement p50`, g.api.p50 / g.judgedFloor.p50, 'x', 'lower');
    m(`${key}.judged.p50`, `${at}: judged trace in process p50`, g.judged.p50, 'ms', 'lower');
    m(`${key}.judged_floor.p50`, `${at}: floor with judgement p50`, g.judgedFloor.p50, 'ms', 'none');
    m(`${key}.judgement_round_trips`, `${at}: judgement round trips (median)`, g.judgementRoundTrips, 'round trips', 'lower', `<= ${g.levels} (one per level)`);
    rows.push([`floor with the judgement's reads, p50 / p99 ms`, `${fmtMs(g.judgedFloor.p50)} / ${fmtMs(g.judgedFloor.p99)}`, 'judged floor / floor', fmtRatio(rJudgedFloor), '', '']);
    rows.push([`judged trace in process (walk, assemble, judge), p50 / p99 ms`, `${fmtMs(g.judged.p50)} / ${fmtMs(g.judged.p99)}`, 'judged / judged floor', fmtRatio(rJudged), '', '']);
    rows.push([`API GET genealogy (judged) against the judged floor`, '', 'API / judged floor', fmtRatio(rApiJudged), '<= 1.5', verdict(rApiJudged <= 1.5)]);
    rows.push([`judgement round trips per answer (median)`, `${g.judgementRoundTrips} over ${g.levels} levels`, g.judgementReads.slice(0, 72), '', `<= ${g.levels}`, verdict(g.judgementRoundTrips <= g.levels)]);
    m(`${key}.assemble.p50`, `${at}: assemble p50`, g.assemble.p50, 'ms', 'lower');
    m(`${key}.serialize.p50`, `${at}: JSON.stringify p50`, g.serialize.p50, 'ms', 'lower');
    rows.push(apiSplit(g).row);
    rows.push([`naive, one query per node, p50 / p99 ms (n=${g.naive.n})`, `${fmtMs(g.naive.p50)} / ${fmtMs(g.naive.p99)}`, `naive / API (${g.naiveQueries} queries)`, fmtRatio(rNaive), '', '']);
    rows.push(['(info) the most any traversal could gain over naive', '', 'naive / floor', fmtRatio(naiveOverFloor), '', '']);
  }

  {
    const p = proxied.figures;
    const at = 'genealogy ~5k nodes behind the proxy';
    const rFloor = m('g5k_proxy.api_over_floor', `${at}: API p50 / floor p50`, p.api.p50 / p.floor.p50, 'x', 'lower', '<= 1.3');
    const rFetch = m('g5k_proxy.fetch_over_floor', `${at}: graph reads p50 / floor p50`, p.fetch.p50 / p.floor.p50, 'x', 'lower');
    const rNaive = m('g5k_proxy.naive_over_api', `${at}: naive p50 / API p50`, p.naive.p50 / p.api.p50, 'x', 'higher', '>= 20');
    m('g5k_proxy.api.p50', `${at}: API p50`, p.api.p50, 'ms', 'lower');
    m('g5k_proxy.floor.p50', `${at}: floor p50`, p.floor.p50, 'ms', 'none');
    m('g5k_proxy.naive.p50', `${at}: naive p50`, p.naive.p50, 'ms', 'none');
    m('g5k_proxy.added_rtt', `${at}: round trip added by the proxy (ping p50)`, proxied.addedRoundTripMs, 'ms', 'none');
    m('g5k_proxy.proxy_cpu_share', `${at}: the proxy's CPU time / the section's wall time`, proxied.proxyCpuShare, 'x', 'lower');
    const naiveOverFloor = m('g5k_proxy.naive_over_floor', `${at}: naive p50 / floor p50`, p.naive.p50 / p.floor.p50, 'x', 'none');
    rows.push(
      `Backward genealogy behind a delaying TCP proxy (${proxied.delayMs} ms each way, ${fmtMs(proxied.addedRoundTripMs)} ms added a round trip measured): ` +
        `${p.nodes.toLocaleString('en-US')} nodes, ${p.levels} levels (median of ${p.serials} serials)`,
    );
    rows.push([`API GET genealogy, p50 / p99 ms (n=${p.api.n})`, `${fmtMs(p.api.p50)} / ${fmtMs(p.api.p99)}`, `floor ${fmtMs(p.floor.p50)} / ${fmtMs(p.floor.p99)}`, fmtRatio(rFloor), '<= 1.3', verdict(rFloor <= 1.3)]);
    rows.push([`graph reads only (tracer.fetch), p50 / p99 ms`, `${fmtMs(p.fetch.p50)} / ${fmtMs(p.fetch.p99)}`, 'fetch / floor', fmtRatio(rFetch), '', '']);
    rows.push([`naive, one query per node, p50 / p99 ms (n=${p.naive.n})`, `${fmtMs(p.naive.p50)} / ${fmtMs(p.naive.p99)}`, `naive / API (${p.naiveQueries} queries)`, fmtRatio(rNaive), '>= 20', verdict(rNaive >= 20)]);
    rows.push(['(info) the most any traversal could gain over naive', '', 'naive / floor', fmtRatio(naiveOverFloor), '', '']);
  }

  {
    const w = whereUsed;
    const rPage = m('whereused.far_over_first', `where-used: page ${w.farPage} / page 1 (p50)`, w.far.p50 / w.first.p50, 'x', 'lower', '<= 2');
    const rStream = m('whereused.ndjson_over_floor', 'where-used: whole NDJSON answer / floor (p50)', w.ndjson.p50 / w.floor.p50, 'x', 'lower', '<= 1.5');
    m('whereused.first.p50', 'where-used: page 1 p50', w.first.p50, 'ms', 'lower');
    m('whereused.far.p50', `where-used: page ${w.farPage} p50`, w.far.p50, 'ms', 'lower');
    m('whereused.ndjson.p50', 'where-used: whole NDJSON answer p50', w.ndjson.p50, 'ms', 'lower');
    m('whereused.floor.p50', 'where-used: floor p50', w.floor.p50, 'ms', 'none');
    m('whereused.ndjson_cpu.p50', 'where-used: the API process CPU per NDJSON answer p50', w.ndjsonCpu.p50, 'ms', 'lower');
    m('whereused.floor_cpu.p50', 'where-used: the bench process CPU per floor read p50', w.floorCpu.p50, 'ms', 'none');
    const rPageShare = m('whereused.first_over_ndjson', 'where-used: page 1 / whole NDJSON answer (p50)', w.first.p50 / w.ndjson.p50, 'x', 'lower');
    m('whereused.ndjson.rows_per_s', 'where-used: NDJSON rows/s', w.rows / (w.ndjson.p50 / 1000), 'rows/s', 'higher');
    rows.push(`Where-used: a reel in ${w.rows.toLocaleString('en-US')} boards, each built into a system (one row a board), pages of ${w.pageSize.toLocaleString('en-US')}`);
    rows.push([`API page 1, p50 / p99 ms (n=${w.first.n})`, `${fmtMs(w.first.p50)} / ${fmtMs(w.first.p99)}`, 'page 1 / whole answer (NDJSON)', fmtRatio(rPageShare), '', '']);
    rows.push([`API page ${w.farPage} (by its cursor), p50 / p99 ms`, `${fmtMs(w.far.p50)} / ${fmtMs(w.far.p99)}`, `page ${w.farPage} / page 1`, fmtRatio(rPage), '<= 2', verdict(rPage <= 2)]);
    rows.push([`API whole answer as NDJSON, p50 / p99 ms`, `${fmtMs(w.ndjson.p50)} / ${fmtMs(w.ndjson.p99)}`, `floor ${fmtMs(w.floor.p50)} / ${fmtMs(w.floor.p99)} (${w.floorDocuments.toLocaleString('en-US')} documents)`, fmtRatio(rStream), '<= 1.5', verdict(rStream <= 1.5)]);
  }

  const [g1, g10] = growth as [(typeof growth)[0], (typeof growth)[0]];
  const sizes = `${(g10.events / g1.events).toFixed(1)}x events, ${(g10.documents / g1.documents).toFixed(1)}x documents`;
  rows.push(
    `Growth: the same ${g1.figures.serials} serials (${g1.figures.nodes} nodes) on ${g1.events.toLocaleString('en-US')} and ${g10.events.toLocaleString('en-US')} events ` +
      `(${g1.documents.toLocaleString('en-US')} and ${g10.documents.toLocaleString('en-US')} documents)`,
  );
  const growthOf = (key: 'api' | 'fetch' | 'floor'): number => g10.figures[key].p50 / g1.figures[key].p50;
  for (const [key, label] of [['api', 'API GET genealogy p50 ms'], ['fetch', 'graph reads p50 ms'], ['floor', 'floor p50 ms (the database alone)']] as const) {
    const r = m(`growth.${key}`, `growth: ${label}, 10x / 1x`, growthOf(key), 'x', 'lower', key === 'api' ? '<= 1.2' : undefined);
    rows.push([label, `${fmtMs(g1.figures[key].p50)} -> ${fmtMs(g10.figures[key].p50)}`, sizes, fmtRatio(r), key === 'api' ? '<= 1.2' : '', key === 'api' ? verdict(r <= 1.2) : '']);
  }
  const beyond = m('growth.api_beyond_floor', 'growth: API growth / floor growth', growthOf('api') / growthOf('floor'), 'x', 'lower', '<= 1.2');
  rows.push(['API growth beyond the database\'s own', '', 'API 10x/1x over floor 10x/1x', fmtRatio(beyond), '<= 1.2', verdict(beyond <= 1.2)]);
  rows.push(...webSection(web, m, verdict));
  const loadPart = loadReport(load);
  rows.push(...loadPart.rows);
  metrics.push(...loadPart.metrics);
  m('cfx.bridge', 'CFX bridge messages/s', cfx.bridgeRate, 'msg/s', 'higher');
  m('cfx.bridge.events', 'CFX bridge events/s', cfx.bridgeEventRate, 'ev/s', 'higher');
  m('cfx.raw', 'raw AMQP consume messages/s', cfx.rawRate, 'msg/s', 'none');
  const rCfx = m('cfx.ratio', 'CFX bridge / raw AMQP consume', cfx.bridgeRate / cfx.rawRate, 'x', 'higher');
  rows.push(`CFX bridge: ${cfx.messages.toLocaleString('en-US')} gzip MaterialsInstalled messages of ${cfx.eventsPerMessage} events each, credit ${cfx.prefetch}, Artemis`);
  rows.push(['bridge: map, produce (acks=all), then accept', `${Math.round(cfx.bridgeRate).toLocaleString('en-US')} msg/s`, fmtRate(cfx.bridgeEventRate), '', '', '']);
  rows.push(['ceiling: raw AMQP consume (gunzip, parse, accept)', `${Math.round(cfx.rawRate).toLocaleString('en-US')} msg/s`, 'bridge / raw', fmtRatio(rCfx), '', '']);
  rows.push('Not measured');
  for (const n of notMeasured) rows.push([n.what, '-', n.why, '', '', '']);
  return { table: renderTable(['measure', 'value', 'against', 'ratio', 'goal', 'verdict'], rows), metrics };
}

/** The web app's rows: each figure against a floor measured in the same page, or against its budget. */
function webSection(web: WebFigures, m: (id: string, label: string, value: number, unit: string, better: Metric['better'], goal?: string) => number, verdict: (ok: boolean) => string): (string[] | string)[] {
  const [interactive, drawn, parse] = [median(web.interactive), median(web.treeDrawn), median(web.parseFloor)];
  const [stream, streamFloor, gap, longest, longCount] = [median(web.streamTotal), median(web.streamFloor), median(web.streamFrameGap), median(web.streamLongest), median(web.streamLongCount)];
  m('web.genealogy.interactive', 'web: 5,000-node genealogy, answer -> interactive', interactive, 'ms', 'lower');
  const rBudget = m('web.genealogy.interactive_over_budget', 'web: 5,000-node genealogy interactive / 1 s budget', interactive / 1_000, 'x', 'lower', '<= 1');
  const rParse = m('web.genealogy.interactive_over_parse', 'web: 5,000-node genealogy interactive / JSON.parse of the answer', interactive / parse, 'x', 'lower');
  m('web.genealogy.expand_all', 'web: Expand all of 1,250 units', median(web.expandAll), 'ms', 'lower');
  m('web.stream.total', `web: where-used stream of ${web.rows} rows, page load to count`, stream, 'ms', 'lower');
  const rStream = m('web.stream.total_over_floor', 'web: where-used stream, page load to count / its bytes read', stream / streamFloor, 'x', 'lower');
  m('web.stream.frame_gap', 'web: where-used stream, longest gap between frames', gap, 'ms', 'lower');
  const rGap = m('web.stream.frame_gap_over_budget', 'web: where-used stream, longest frame gap / 100 ms', gap / 100, 'x', 'lower', '<= 1');
  m('web.stream.long_tasks', 'web: where-used stream, long tasks (> 50 ms)', longCount, 'tasks', 'lower');
  m('web.stream.longest_task', 'web: where-used stream, longest long task', longest, 'ms', 'lower');
  m('web.stream.load_frame_gap', 'web: the lot page, longest frame gap in its load before the stream', median(web.loadFrameGap), 'ms', 'lower');
  m('web.lot.shown', 'web: the lot page, navigation -> page drawn (its where-used count first showing)', median(web.lotShown), 'ms', 'lower');
  m('web.lot.load_longest_task', 'web: the lot page, longest long task before it is drawn (0: none over 50 ms)', median(web.loadLongest), 'ms', 'lower');
  return [
    `Web app in Debian's chromium: the built app against a stand-in of the API answering at once (median of ${web.runs} runs; a genealogy of 5,000 nodes, ${(web.genealogyBytes / 1024 / 1024).toFixed(1)} MiB)`,
    ['genealogy: answer -> tree drawn and the main thread free, ms', fmtMs(interactive), 'budget 1,000 ms', fmtRatio(rBudget), '<= 1', verdict(rBudget <= 1)],
    ['(info) the same, the tree drawn / JSON.parse of the answer, ms', `${fmtMs(drawn)} / ${fmtMs(parse)}`, 'interactive / JSON.parse', fmtRatio(rParse), '', ''],
    ['(info) Expand all (1,250 units open), then scrolled to the last, ms', `${fmtMs(median(web.expandAll))} / ${fmtMs(median(web.scrollEnd))}`, '', '', '', ''],
    [`where-used stream of ${web.rows.toLocaleString('en-US')} rows: page load to the final count, ms`, fmtMs(stream), `its bytes read in the page: ${fmtMs(streamFloor)}`, fmtRatio(rStream), '', ''],
    ['the same: longest gap between animation frames, ms', fmtMs(gap), 'a frame every 100 ms', fmtRatio(rGap), '<= 1', verdict(rGap <= 1)],
    ['(info) the same: long tasks (> 50 ms) per stream / the longest, ms', `${longCount} / ${fmtMs(longest)}`, '', '', '', ''],
    ['(info) the lot page\'s load before the stream: longest frame gap / navigation -> drawn / its longest task, ms', `${fmtMs(median(web.loadFrameGap))} / ${fmtMs(median(web.lotShown))} / ${fmtMs(median(web.loadLongest))}`, '', '', '', ''],
  ];
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    log(`failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
