/**
 * `npm run bench:genealogy [-- --quick]`: the backward genealogy sections of `npm run bench` alone (the ~5,000-node serials
 * on the loopback and behind the delaying proxy), on the same data set the quick or full run uses, loaded with the
 * bench's bulk loader (the ingest's own writes, without Kafka). Prints the rows of those sections, one timeline of the
 * API's database commands for one answer behind the proxy (what waits on what), and writes
 * bench/results/<timestamp>-<shortsha>-genealogy.json. A MongoDB stand-in of its own (no Kafka: the route never
 * publishes).
 */
import 'reflect-metadata';
import * as os from 'node:os';
import * as path from 'node:path';
import mongoose from 'mongoose';
import { getConnectionToken } from '@nestjs/mongoose';
import { buildDataset, serialsNear } from './datasets';
import { GenealogyFigures, apiSplit, apiTrace, benchBehindProxy, benchGenealogy, startApiOn } from './genealogy.bench';
import { hostOf, startDelayProxy } from './delay-proxy';
import { loadGraph } from './graph-bulk';
import { BenchResult, Metric, commitInfo, fmtMs, fmtRatio, machineInfo, renderTable, writeResultFile } from './results';
import { startStandIn } from './standalone-section';
import { now } from './stats';

const MODES = {
  quick: { ingest: [{ seed: 1, units: 30, partsPerBoard: 700, brands: 3 }, { seed: 5, units: 3, partsPerBoard: 2600, brands: 1 }], large: { serials: 3, rounds: { fast: 12, naive: 3 } }, proxied: { fast: 12, naive: 2 } },
  full: { ingest: [{ seed: 1, units: 180, partsPerBoard: 700, brands: 3 }, { seed: 5, units: 8, partsPerBoard: 2600, brands: 1 }], large: { serials: 6, rounds: { fast: 60, naive: 8 } }, proxied: { fast: 30, naive: 4 } },
} as const;

const log = (line: string): void => void process.stderr.write(`[bench:genealogy ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

/** One database command the API sent while answering, relative to the request's start. */
interface CommandSpan {
  startMs: number;
  endMs: number;
  name: string;
  collection: string;
  ids: number;
}

/** The API's database commands for one GET genealogy behind the proxy: how many, and how many waits one after another. */
async function timelineOf(mongoServer: string, dbName: string, env: NodeJS.ProcessEnv, serial: string, delayMs: number): Promise<{ spans: CommandSpan[]; waves: number; totalMs: number; proxyCpuMs: number }> {
  const proxy = await startDelayProxy(hostOf(mongoServer), delayMs);
  const api = await startApiOn({ ...env, MONGO_URL: `mongodb://127.0.0.1:${proxy.port}/?monitorCommands=true`, MONGO_DB: dbName });
  try {
    const client = (api.app.get(getConnectionToken()) as mongoose.Connection).getClient();
    const spans: CommandSpan[] = [];
    const open = new Map<number, CommandSpan>();
    let t0 = 0;
    client.on('commandStarted', (e) => {
      const c = e.command as Record<string, unknown>;
      const filter = (c.filter ?? {}) as { _id?: { $in?: unknown[] } };
      const span: CommandSpan = { startMs: now() - t0, endMs: Number.NaN, name: e.commandName, collection: String(c[e.commandName] ?? ''), ids: filter._id?.$in?.length ?? (Array.isArray(c.documents) ? c.documents.length : Array.isArray(c.updates) ? c.updates.length : 0) };
      open.set(e.requestId, span);
    });
    const end = (e: { requestId: number }): void => {
      const s = open.get(e.requestId);
      if (s) {
        s.endMs = now() - t0;
        spans.push(s);
        open.delete(e.requestId);
      }
    };
    client.on('commandSucceeded', end);
    client.on('commandFailed', end);
    await apiTrace(api, serial); // warm
    spans.length = 0;
    const cpu0 = proxy.cpuMs();
    t0 = now();
    await apiTrace(api, serial);
    const totalMs = now() - t0;
    const proxyCpuMs = proxy.cpuMs() - cpu0;
    await new Promise((r) => setTimeout(r, 200)); // the access log's completion, after the answer
    spans.sort((a, b) => a.startMs - b.startMs);
    // A wave: commands sent before any earlier one returned (side by side); each new wave waited for one.
    let waves = 0;
    let firstEnd = -Infinity;
    for (const s of spans) {
      if (s.startMs >= firstEnd) {
        waves++;
        firstEnd = s.endMs;
      } else firstEnd = Math.min(firstEnd, s.endMs);
    }
    return { spans, waves, totalMs, proxyCpuMs };
  } finally {
    await api.close();
    await proxy.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const unknown = args.filter((a) => a !== '--quick');
  if (unknown.length > 0) throw new Error(`unknown option ${unknown.join(' ')}; usage: npm run bench:genealogy [-- --quick]`);
  const mode = args.includes('--quick') ? 'quick' : 'full';
  const cfg = MODES[mode];
  const startedAt = new Date();
  const loadAtStart = os.loadavg()[0]!;
  const commit = commitInfo();
  log(`mode ${mode}: simulating the data sets`);
  const sets = cfg.ingest.map((o, i) => buildDataset(`ingest-${i + 1}`, o));
  const { stack, mongo } = await startStandIn('genealogy');
  const client = await new mongoose.mongo.MongoClient(mongo).connect();
  // The route publishes nothing: the Kafka client is never connected.
  const env = { ...process.env, KAFKA_BROKERS: '127.0.0.1:9', MONGO_URL: mongo, MONGO_WRITE_CONCERN: '1' };
  try {
    const db = client.db(`bench_genealogy_${startedAt.getTime()}`);
    log(`loading ${sets.reduce((n, d) => n + d.messages.length, 0)} events with the bulk loader`);
    await loadGraph(db, sets.flatMap((d) => d.messages));
    const serials = serialsNear(sets[1]!, 5_000, cfg.large.serials).map((t) => t.serial);
    const api = await startApiOn({ ...env, MONGO_DB: db.databaseName });
    let large: GenealogyFigures;
    try {
      log('genealogy of serials near 5,000 nodes');
      large = await benchGenealogy(db, api, serials, cfg.large.rounds);
    } finally {
      await api.close();
    }
    const delayMs = Number(process.env.BENCH_PROXY_DELAY_MS ?? 0.5);
    log(`the same behind a proxy adding ${delayMs} ms each way`);
    const proxied = await benchBehindProxy(mongo, db.databaseName, env, serials, delayMs, cfg.proxied);
    const timeline = await timelineOf(mongo, db.databaseName, env, serials[0]!, delayMs);
    await db.dropDatabase();

    const metrics: Metric[] = [];
    const m = (id: string, label: string, value: number, unit: string, better: Metric['better'], goal?: string): number => {
      metrics.push({ id, label, value, unit, better, ...(goal ? { goal } : {}) });
      return value;
    };
    const rows: (string[] | string)[] = [];
    for (const [key, g, title] of [
      ['g5k', large, `Backward genealogy: ${large.nodes.toLocaleString('en-US')} nodes, ${large.levels} levels, ${(large.answerBytes / 1e6).toFixed(1)} MB answer`],
      ['g5k_proxy', proxied.figures, `Behind the delaying proxy (${delayMs} ms each way, ${fmtMs(proxied.addedRoundTripMs)} ms a round trip measured)`],
    ] as const) {
      const rFloor = m(`${key}.api_over_floor`, `${key}: API p50 / floor p50`, g.api.p50 / g.floor.p50, 'x', 'lower', '<= 1.3');
      const rFetch = m(`${key}.fetch_over_floor`, `${key}: graph reads p50 / floor p50`, g.fetch.p50 / g.floor.p50, 'x', 'lower');
      const rJudgedFloor = m(`${key}.judged_floor_over_floor`, `${key}: judged floor p50 / floor p50`, g.judgedFloor.p50 / g.floor.p50, 'x', 'lower');
      const rApiJudged = m(`${key}.api_over_judged_floor`, `${key}: API p50 / judged floor p50`, g.api.p50 / g.judgedFloor.p50, 'x', 'lower');
      const rNaive = m(`${key}.naive_over_api`, `${key}: naive p50 / API p50`, g.naive.p50 / g.api.p50, 'x', 'higher', key === 'g5k_proxy' ? '>= 20' : undefined);
      for (const k of ['api', 'fetch', 'floor', 'judged', 'judgedFloor', 'assemble', 'serialize', 'naive'] as const) m(`${key}.${k}.p50`, `${key}: ${k} p50`, g[k].p50, 'ms', k === 'floor' || k === 'judgedFloor' || k === 'naive' ? 'none' : 'lower');
      m(`${key}.answer_bytes`, `${key}: answer bytes (median)`, g.answerBytes, 'bytes', 'lower');
      rows.push(`${title} (median of ${g.serials} serials)`);
      rows.push([`API GET genealogy, p50 / p99 ms (n=${g.api.n})`, `${fmtMs(g.api.p50)} / ${fmtMs(g.api.p99)}`, `floor ${fmtMs(g.floor.p50)} / ${fmtMs(g.floor.p99)}`, fmtRatio(rFloor), '<= 1.3', rFloor <= 1.3 ? 'met' : 'NOT met']);
      rows.push(['graph reads only (tracer.fetch), p50 / p99 ms', `${fmtMs(g.fetch.p50)} / ${fmtMs(g.fetch.p99)}`, 'fetch / floor', fmtRatio(rFetch), '', '']);
      rows.push(["floor with the judgement's reads, p50 ms", fmtMs(g.judgedFloor.p50), 'judged floor / floor', fmtRatio(rJudgedFloor), '', '']);
      rows.push(['judged trace in process, p50 ms', fmtMs(g.judged.p50), 'API / judged floor', fmtRatio(rApiJudged), '', '']);
      rows.push(['(info) assemble + JSON.stringify p50 ms; answer', `${fmtMs(g.assemble.p50)} + ${fmtMs(g.serialize.p50)}`, `${(g.answerBytes / 1e6).toFixed(2)} MB`, '', '', '']);
      const split = apiSplit(g);
      m(`${key}.judgement.p50`, `${key}: judged trace p50 - graph reads p50 - assemble p50`, split.judgement, 'ms', 'lower');
      m(`${key}.rest.p50`, `${key}: API p50 - judged trace p50 - JSON.stringify p50 (HTTP, guard, access log, transfer)`, split.rest, 'ms', 'lower');
      rows.push(split.row);
      rows.push([`naive, one query per node, p50 ms (n=${g.naive.n})`, fmtMs(g.naive.p50), `naive / API (${g.naiveQueries} queries)`, fmtRatio(rNaive), key === 'g5k_proxy' ? '>= 20' : '', key === 'g5k_proxy' ? (rNaive >= 20 ? 'met' : 'NOT met') : '']);
    }
    m('g5k_proxy.commands', 'g5k_proxy: database commands for one answer', timeline.spans.length, 'commands', 'lower');
    m('g5k_proxy.waves', 'g5k_proxy: database waits one after another for one answer', timeline.waves, 'round trips', 'lower');
    m('g5k_proxy.added_rtt', 'g5k_proxy: round trip added by the proxy (ping p50)', proxied.addedRoundTripMs, 'ms', 'none');
    m('g5k_proxy.proxy_cpu_share', "g5k_proxy: the proxy's CPU time / the section's wall time", proxied.proxyCpuShare, 'x', 'lower');
    m('g5k_proxy.answer_proxy_cpu', "g5k_proxy: the proxy's CPU time during one answer", timeline.proxyCpuMs, 'ms', 'lower');
    rows.push(['(info) one answer behind the proxy: commands, waits in series', `${timeline.spans.length}, ${timeline.waves}`, `${fmtMs(timeline.totalMs)} ms`, '', '', '']);
    rows.push(["(info) the proxy's CPU: share of a core over the section; during one answer", fmtRatio(proxied.proxyCpuShare), `${fmtMs(timeline.proxyCpuMs)} ms`, '', '', '']);
    const table = renderTable(['measure', 'value', 'against', 'ratio', 'goal', 'verdict'], rows);
    const lines = timeline.spans.map((s) => `  ${s.startMs.toFixed(1).padStart(7)} -> ${s.endMs.toFixed(1).padStart(7)} ms  ${s.name} ${s.collection}${s.ids ? ` (${s.ids})` : ''}`);
    const result: BenchResult = {
      format: 1,
      mode,
      startedAt: startedAt.toISOString(),
      seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
      commit,
      machine: { ...machineInfo(), loadAverage1m: { start: loadAtStart, end: os.loadavg()[0]! } },
      backends: { kind: 'local', kafka: 'none', mongo },
      datasets: { genealogy: { sets: cfg.ingest, largeSerials: serials.length, proxyDelayMs: delayMs, timeline: lines } },
      metrics,
      notMeasured: [{ what: 'everything but the ~5,000-node genealogy', why: 'bench:genealogy runs that section alone; npm run bench runs them all' }],
      table,
    };
    const file = writeResultFile(result.startedAt, `${commit.short}-genealogy`, result);
    process.stdout.write(`\n${table}\n\nthe API's database commands for one answer behind the proxy:\n${lines.join('\n')}\n\n`);
    process.stdout.write(`commit ${commit.short}${commit.dirty.length ? ` (+${commit.dirty.length} uncommitted files)` : ''}; load ${loadAtStart.toFixed(1)} -> ${os.loadavg()[0]!.toFixed(1)}\nresults: ${path.relative(process.cwd(), file)}\n`);
  } finally {
    await client.close();
    await stack.stop();
  }
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
