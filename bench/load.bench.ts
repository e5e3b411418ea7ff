import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { DEAD_LETTER_TOPIC, SOURCE_TOPICS } from '@trace/contracts';
import { createKafka, ensureTopics, produceByTopic } from '@trace/platform';
import { SimMessage } from '../apps/simulator/src/faults';
import { startApiOn } from './genealogy.bench';
import { loadGraph } from './graph-bulk';
import { IngestContext } from './ingest.bench';
import { freePort } from './standalone-section';
import { sleep } from './stats';

const ROOT = path.join(__dirname, '..');
export const LOAD_CLIENTS = [1, 16, 64] as const;

export interface LoadLevel {
  route: string;
  clients: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Connection errors, timeouts and answers other than 2xx, over the requests that ended within the level (NaN: none did). */
  errorRate: number;
  /** The API process's event-loop delay p99 over the run (prom-client's default metric). */
  eventLoopP99Ms: number;
}

export interface SoakFigures {
  seconds: number;
  rate: number;
  requests: number;
  errorRate: number;
  /** Median of the last quarter of the samples over the median of the first quarter. */
  heapGrowth: number;
  rssGrowth: number;
  heapStartMb: number;
  heapEndMb: number;
  rssStartMb: number;
  rssEndMb: number;
}

export interface LoadFigures {
  levels: LoadLevel[];
  soak: SoakFigures;
  /** Events the ingest recorded while the load ran (it consumes a stream produced meanwhile). */
  ingestedDuringLoad: number;
}

export interface LoadOptions {
  /** The graph the API answers from, bulk-written before the load. */
  graph: SimMessage[];
  /** Produced and ingested (into the same database) while the load runs. */
  stream: SimMessage[];
  serial: string;
  lot: string;
  secondsPerLevel: number;
  soakSeconds: number;
  soakRate: number;
}

function spawnApp(app: 'api' | 'ingest', env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', `apps/${app}/src/main.ts`], {
    cwd: ROOT,
    env: { ...env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  child.stderr!.on('data', (d: Buffer) => void (tail = (tail + d.toString()).slice(-2_000)));
  child.once('exit', (code) => {
    if (code !== 0 && code !== null) process.stderr.write(`[bench] the ${app} process exited with ${code}: ${tail}\n`);
  });
  return child;
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/** One series' value (summed over its label sets) from a Prometheus text answer. */
async function scrape(url: string): Promise<(name: string) => number> {
  const text = await (await fetch(url)).text();
  return (name) =>
    text
      .split('\n')
      .filter((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
      .reduce((sum, l) => sum + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s[Math.floor((s.length - 1) / 2)]!;
};

/**
 * The API under load, as deployed (its own process, 127.0.0.1 only) while an ingest process records a stream into the
 * same database: genealogy, where-used and the report of one serial at 1, 16 and 64 concurrent clients for a fixed
 * time each (autocannon), then a soak at a fixed rate sampling the API's heap and RSS from its /metrics.
 */
export async function benchLoad(ctx: IngestContext, env: NodeJS.ProcessEnv, o: LoadOptions): Promise<LoadFigures> {
  const dbName = `bench_${ctx.runId}_load`;
  const db = ctx.client.db(dbName);
  ctx.log(`load: bulk-writing ${o.graph.length} events`);
  await loadGraph(db, o.graph);
  const { key, close } = await startApiOn({ ...env, MONGO_DB: dbName }); // makes the key in that database
  await close();

  const prefix = `bench-${ctx.runId}-load.`;
  const kafka = createKafka(`bench-${ctx.runId}-load`, ctx.brokers);
  const admin = kafka.admin();
  await admin.connect();
  await ensureTopics(admin, [...SOURCE_TOPICS, DEAD_LETTER_TOPIC].map((t) => prefix + t), 3);
  const [apiPort, metricsPort] = [await freePort(), await freePort()];
  const base = { ...env, MONGO_DB: dbName, MONGO_WRITE_CONCERN: '1', LOG_LEVEL: 'warn' };
  const api = spawnApp('api', { ...base, API_PORT: String(apiPort), METRICS_PORT: String(metricsPort), RATE_LIMIT_EXPENSIVE: '1000000000' });
  const group = `bench-${ctx.runId}-load`;
  const ingest = spawnApp('ingest', { ...base, TOPIC_PREFIX: prefix, KAFKA_GROUP_ID: group, KAFKA_CLIENT_ID: group });
  const url = `http://127.0.0.1:${apiPort}`;
  const metrics = `http://127.0.0.1:${metricsPort}/metrics`;
  let producing = true;
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  try {
    for (let deadline = Date.now() + 90_000; ; await sleep(250)) {
      if (api.exitCode !== null) throw new Error('the API exited during start-up');
      if (await fetch(`${url}/health`).then((r) => r.ok, () => false)) break;
      if (Date.now() > deadline) throw new Error('the API did not answer /health in 90 s');
    }
    // The stream goes out in slices all through the load, so the ingest is busy while the API answers.
    await producer.connect();
    const streaming = (async () => {
      for (let i = 0; producing && i < o.stream.length; i += 500) {
        await produceByTopic(producer, o.stream.slice(i, i + 500).map((m) => ({ topic: m.topic, key: m.key, value: m.value })), prefix);
        await sleep(100);
      }
    })();

    const headers = { authorization: `Bearer ${key}` };
    const routes = [
      { route: 'genealogy', path: `/v1/serials/${encodeURIComponent(o.serial)}/genealogy` },
      { route: 'where-used', path: `/v1/lots/${encodeURIComponent(o.lot)}/where-used?limit=100` },
      { route: 'report', path: `/v1/serials/${encodeURIComponent(o.serial)}/report` },
    ];
    // Warm up: the first answers of a fresh process pay for compiling and connecting, which is not load.
    for (const r of routes) for (let i = 0; i < 5; i++) await fetch(`${url}${r.path}`, { headers }).then((res) => res.arrayBuffer());
    const levels: LoadLevel[] = [];
    for (const r of routes) {
      for (const clients of LOAD_CLIENTS) {
        await scrape(metrics); // restarts the event-loop delay window
        const res = await autocannon({ url: `${url}${r.path}`, connections: clients, duration: o.secondsPerLevel, headers, timeout: 30 });
        const after = await scrape(metrics);
        // Every connection has a request in flight when the time is up: those are cut, not failed, and count for nothing.
        const total = res.requests.total + res.errors;
        const unanswered = Math.max(0, res.requests.sent - total);
        levels.push({
          route: r.route,
          clients,
          requestsPerSecond: res.requests.average,
          p50Ms: res.latency.p50,
          p99Ms: res.latency.p99,
          errorRate: total === 0 ? NaN : (res.errors + res.non2xx) / total, // NaN: not one answer within the level
          eventLoopP99Ms: after('nodejs_eventloop_lag_p99_seconds') * 1000,
        });
        ctx.log(`load: ${r.route} at ${clients} clients: ${Math.round(res.requests.average)} req/s, p99 ${res.latency.p99} ms, ${res.non2xx} non-2xx, ${res.errors} errors (${res.timeouts} timeouts), ${unanswered} cut at the end`);
      }
    }

    ctx.log(`load: soak, genealogy at ${o.soakRate} req/s for ${o.soakSeconds} s`);
    const samples: { heap: number; rss: number }[] = [];
    const sampling = (async () => {
      const every = Math.max(1_000, (o.soakSeconds * 1000) / 60);
      for (const end = Date.now() + o.soakSeconds * 1000; Date.now() < end; await sleep(every)) {
        const m = await scrape(metrics);
        samples.push({ heap: m('nodejs_heap_size_used_bytes'), rss: m('process_resident_memory_bytes') });
      }
    })();
    const soak = await autocannon({ url: `${url}${routes[0]!.path}`, connections: 8, overallRate: o.soakRate, duration: o.soakSeconds, headers, timeout: 30 });
    await sampling;
    producing = false;
    await streaming;
    const quarter = Math.max(1, Math.floor(samples.length / 4));
    const first = samples.slice(0, quarter);
    const last = samples.slice(-quarter);
    const mb = (b: number): number => b / 1024 / 1024;
    const heapStart = median(first.map((s) => s.heap));
    const heapEnd = median(last.map((s) => s.heap));
    const rssStart = median(first.map((s) => s.rss));
    const rssEnd = median(last.map((s) => s.rss));
    const offsets = await admin.fetchOffsets({ groupId: group, topics: SOURCE_TOPICS.map((t) => prefix + t) });
    const ingested = offsets.flatMap((t) => t.partitions).reduce((n, p) => n + Math.max(0, Number(p.offset)), 0);
    const soakTotal = soak.requests.total + soak.errors;
    return {
      levels,
      ingestedDuringLoad: ingested,
      soak: {
        seconds: o.soakSeconds,
        rate: o.soakRate,
        requests: soak.requests.total,
        errorRate: soakTotal === 0 ? 1 : (soak.errors + soak.non2xx) / soakTotal,
        heapGrowth: heapEnd / heapStart,
        rssGrowth: rssEnd / rssStart,
        heapStartMb: mb(heapStart),
        heapEndMb: mb(heapEnd),
        rssStartMb: mb(rssStart),
        rssEndMb: mb(rssEnd),
      },
    };
  } finally {
    producing = false;
    await producer.disconnect().catch(() => undefined);
    await Promise.all([stop(api), stop(ingest)]);
    await admin.disconnect();
    await db.dropDatabase();
  }
}
