import * as os from 'node:os';
import * as path from 'node:path';
import mongoose from 'mongoose';
import { TraceEvent, makeEvent } from '@trace/contracts';
import { createServer } from 'node:net';
import { LocalStack, ensureJars, startLocalStack } from '../test/stack/local-stack';
import { loadGraph } from './graph-bulk';
import { BenchResult, Metric, commitInfo, machineInfo, renderTable, writeResultFile } from './results';

/** What a standalone section's body fills: its figures and the rows of its table. */
export interface SectionRun {
  /** The stand-in's URL without a database: each size opens a database of its own. */
  mongo: string;
  /** A figure where lower is better. */
  metric(id: string, label: string, value: number, unit: string): void;
  rows: string[][];
}

/**
 * A bench's own mongo-java-server without Kafka (BENCH_MONGO_PORT; the stack named after the bench), and its URL without
 * a database. `mongoHeap` is the stand-in's -Xmx (the local stack's default when not given).
 */
export async function startStandIn(name: string, mongoHeap?: string): Promise<{ stack: LocalStack; mongo: string }> {
  await ensureJars();
  const stack = await startLocalStack({
    name: `${process.env.BENCH_STACK_NAME ?? 'bench'}-${name}`,
    kafkaPort: Number(process.env.BENCH_KAFKA_PORT ?? 29092),
    controllerPort: Number(process.env.BENCH_KAFKA_CONTROLLER_PORT ?? 29093),
    mongoPort: Number(process.env.BENCH_MONGO_PORT ?? 27019),
    ...(mongoHeap ? { mongoHeap } : {}),
    portEnv: { mongo: 'BENCH_MONGO_PORT' },
    kafka: false,
  });
  return { stack, mongo: stack.mongoUrl.replace(/^(mongodb:\/\/[^/?]+)\/?[^?]*/, '$1/') };
}

/** A TCP port free on the loopback now (the OS picks it), for a process the bench starts. */
export const freePort = (): Promise<number> =>
  new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });

/**
 * A bench section that runs alone (not through bench/run.ts): a mongo-java-server of its own (BENCH_MONGO_PORT, heap
 * BENCH_MONGO_HEAP, default 2g, no Kafka), the body, then bench/results/<time>-<sha>-<name>.json with its figures and
 * table, printed too. Exits 1 on an error.
 */
export function runStandaloneSection(
  name: string,
  about: { header: string[]; datasets: Record<string, unknown>; notMeasured: string },
  body: (run: SectionRun) => Promise<void>,
): void {
  const main = async (): Promise<void> => {
    const startedAt = new Date();
    const loadAtStart = os.loadavg()[0]!;
    const commit = commitInfo();
    const { stack, mongo } = await startStandIn(name, process.env.BENCH_MONGO_HEAP ?? '2g');
    const metrics: Metric[] = [];
    const rows: string[][] = [];
    try {
      await body({ mongo, rows, metric: (id, label, value, unit) => void metrics.push({ id, label, value, unit, better: 'lower' }) });
      const table = renderTable(about.header, rows);
      const result: BenchResult = {
        format: 1,
        mode: 'quick',
        startedAt: startedAt.toISOString(),
        seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
        commit,
        machine: { ...machineInfo(), loadAverage1m: { start: loadAtStart, end: os.loadavg()[0]! } },
        backends: { kind: 'local', kafka: 'none', mongo, mongoHeap: process.env.BENCH_MONGO_HEAP ?? '2g' },
        datasets: about.datasets,
        metrics,
        notMeasured: [{ what: about.notMeasured, why: `bench/${name}.bench.ts runs this section alone` }],
        table,
      };
      const file = writeResultFile(result.startedAt, `${commit.short}-${name}`, result);
      process.stdout.write(`\n${table}\n\ncommit ${commit.short}${commit.dirty.length ? ` (+${commit.dirty.length} uncommitted files)` : ''}; load ${loadAtStart.toFixed(1)} -> ${os.loadavg()[0]!.toFixed(1)}\nresults: ${path.relative(process.cwd(), file)}\n`);
    } finally {
      await stack.stop();
    }
  };
  main().catch((e) => {
    process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
    process.exit(1);
  });
}

/** Bytes as KiB for a table. */
export const kib = (b: number): string => (b / 1024).toLocaleString('en-US', { maximumFractionDigits: 1 });

/**
 * For each size, a database of its own on `mongo` loaded with `eventsOf(size)` by the bench's bulk loader (the ingest's
 * own writes, without Kafka), `body` run on it in each layout (`toOld` called before the second), then dropped.
 */
export async function eachLoadedSize(
  mongo: string,
  name: string,
  sizes: number[],
  eventsOf: (n: number) => { topic: string; value: string }[],
  toOld: (db: mongoose.mongo.Db) => Promise<void>,
  body: (conn: mongoose.Connection, n: number, layout: 'buckets' | 'old map') => Promise<void>,
): Promise<void> {
  for (const n of sizes) {
    const conn = await mongoose.createConnection(mongo, { dbName: `bench_${name.replace(/-/g, '_')}_${n}_${Date.now()}` }).asPromise();
    try {
      process.stderr.write(`[${name} ${new Date().toISOString().slice(11, 19)}] ${n.toLocaleString('en-US')}: loading with the bulk loader\n`);
      await loadGraph(conn.db!, eventsOf(n));
      for (const layout of ['buckets', 'old map'] as const) {
        if (layout === 'old map') await toOld(conn.db!);
        await body(conn, n, layout);
      }
      await conn.db!.dropDatabase();
    } finally {
      await conn.close();
    }
  }
}

/** The moment every loaderEvents event happened at. */
export const LOADER_AT = new Date(Date.UTC(2026, 10, 1, 8)).toISOString();

/** Events as the bulk loader takes them, all at LOADER_AT, with event ids `<prefix>-1`, `<prefix>-2`, ... */
export function loaderEvents(prefix: string): (type: TraceEvent['type'], data: object) => { topic: string; value: string } {
  const at = LOADER_AT;
  let id = 0;
  return (type, data) => ({ topic: 'bench', value: JSON.stringify(makeEvent(type, data as never, { occurredAt: at, eventId: `${prefix}-${++id}` })) });
}
