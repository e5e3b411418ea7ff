/**
 * `npx ts-node --transpile-only -r tsconfig-paths/register bench/json-pieces.ts [rounds]`: is it worth building the
 * genealogy's JSON body from pieces serialised while fresh (lots, vendor lots, vendors right after the assembly; the
 * rest after the judgement) instead of one JSON.stringify of the judged answer at the end of the request? In process,
 * on the quick run's ~5,000-node serials (seed 5 data set, bulk loaded into a stand-in of its own), per round:
 * the route's trace then JSON.stringify of the whole (today), and the same trace split at the assembly with the pieces
 * stringified where they are final, checked byte-identical to the whole; the stringify of a JSON.parse copy (the most
 * any layout lever could reach); the HTTP GET beside them for scale.
 * Prints the p50s and writes bench/results/<timestamp>-<shortsha>-json-pieces.json.
 */
import 'reflect-metadata';
import mongoose from 'mongoose';
import { SITE_WIDE } from '@trace/genealogy';
import { assembleGenealogy } from '@trace/genealogy/testing';
import { buildDataset, serialsNear } from './datasets';
import { apiTrace, startApiOn } from './genealogy.bench';
import { loadGraph } from './graph-bulk';
import { commitInfo, machineInfo, writeResultFile } from './results';
import { startStandIn } from './standalone-section';
import { latencyOf, now } from './stats';
import * as os from 'node:os';

const log = (line: string): void => void process.stderr.write(`[json-pieces ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function main(): Promise<void> {
  const rounds = Number(process.argv[2] ?? 15);
  const startedAt = new Date();
  const loadAtStart = os.loadavg()[0]!;
  const set = buildDataset('ingest-2', { seed: 5, units: 3, partsPerBoard: 2600, brands: 1 });
  const { stack, mongo } = await startStandIn('json-pieces');
  const client = await new mongoose.mongo.MongoClient(mongo).connect();
  const env = { ...process.env, KAFKA_BROKERS: '127.0.0.1:9', MONGO_URL: mongo, MONGO_WRITE_CONCERN: '1' };
  const s = { http: [] as number[], traced: [] as number[], whole: [] as number[], split: [] as number[], fresh: [] as number[], late: [] as number[], copy: [] as number[] };
  let bytes = 0;
  try {
    const db = client.db(`bench_json_pieces_${startedAt.getTime()}`);
    log(`loading ${set.messages.length} events`);
    await loadGraph(db, set.messages);
    const serials = serialsNear(set, 5_000, 3).map((t) => t.serial);
    const api = await startApiOn({ ...env, MONGO_DB: db.databaseName });
    // The tracer's own collaborators, to split its trace at the assembly as the wiring would.
    const tracer = api.tracer as unknown as {
      graph: typeof api.graph;
      authority: { judge(g: unknown, scope: unknown, view: unknown, ahead: unknown): Promise<Record<string, unknown>> };
      readAhead(scope: unknown): { onLevel?: never; reads?: unknown };
      trace: typeof api.tracer.trace;
    };
    try {
      for (const serial of serials) await apiTrace(api, serial); // warm-up
      for (let r = 0; r < rounds; r++) {
        const serial = serials[r % serials.length]!;
        let t0 = now();
        bytes = await apiTrace(api, serial);
        s.http.push(now() - t0);

        t0 = now();
        const answer = await tracer.trace(serial, SITE_WIDE);
        s.traced.push(now() - t0);
        t0 = now();
        const whole = JSON.stringify(answer);
        s.whole.push(now() - t0);
        // The floor of any layout lever: the same answer freshly allocated by JSON.parse.
        const copy = JSON.parse(whole) as unknown;
        t0 = now();
        JSON.stringify(copy);
        s.copy.push(now() - t0);

        t0 = now();
        const ahead = tracer.readAhead(SITE_WIDE);
        const graph = await tracer.graph.fetchMany([serial], SITE_WIDE, undefined, ahead.onLevel);
        const g = assembleGenealogy(serial, graph, {});
        const t1 = now();
        const pieces = new Map<string, string>([['lots', JSON.stringify(g.lots)], ['vendorLots', JSON.stringify(g.vendorLots)], ['vendors', JSON.stringify(g.vendors)]]);
        const freshMs = now() - t1;
        const judged = await tracer.authority.judge(g, SITE_WIDE, graph.view, ahead.reads);
        const t2 = now();
        const parts: string[] = [];
        for (const [k, v] of Object.entries(judged)) if (v !== undefined) parts.push(`${JSON.stringify(k)}:${pieces.get(k) ?? JSON.stringify(v)}`);
        const body = `{${parts.join(',')}}`;
        const lateMs = now() - t2;
        s.split.push(now() - t0);
        s.fresh.push(freshMs);
        s.late.push(lateMs);
        if (body !== whole) throw new Error(`${serial}: the body from pieces differs from JSON.stringify of the whole`);
      }
    } finally {
      await api.close();
    }
    await db.dropDatabase();
  } finally {
    await client.close();
    await stack.stop();
  }
  const p = Object.fromEntries(Object.entries(s).map(([k, v]) => [k, latencyOf(v)]));
  const p50 = (k: keyof typeof s): number => p[k]!.p50;
  const summary = {
    httpP50: p50('http'), wholeStringifyP50: p50('whole'), piecesStringifyP50: p50('fresh') + p50('late'), freshP50: p50('fresh'), lateP50: p50('late'),
    savedMs: p50('whole') - p50('fresh') - p50('late'), savedOfHttp: (p50('whole') - p50('fresh') - p50('late')) / p50('http'),
    copyStringifyP50: p50('copy'), atMostOfHttp: (p50('whole') - p50('copy')) / p50('http'), bytes,
  };
  for (const [k, v] of Object.entries(summary)) log(`${k}: ${typeof v === 'number' ? v.toFixed(k.endsWith('OfHttp') ? 3 : 1) : v}`);
  const file = writeResultFile(startedAt, 'json-pieces', {
    format: 1, mode: 'json-pieces', startedAt: startedAt.toISOString(), seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    commit: commitInfo(), machine: { ...machineInfo(), loadAverage1m: { start: loadAtStart, end: os.loadavg()[0]! } }, rounds, latency: p, summary,
  });
  log(`wrote ${file}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
