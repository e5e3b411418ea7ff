/**
 * `npm run bench:scale-out [-- --quick]`: the scale-out section of `npm run bench` alone (one ingest process, then two
 * in one consumer group, on topics of 6 partitions), on the same ingest data sets the quick or full run uses and a
 * local stack of its own (the stand-in with the same heap). When the two graphs differ it prints their first differing
 * documents and exits 1. Writes bench/results/<timestamp>-<shortsha>-scale-out.json.
 */
import 'reflect-metadata';
import * as path from 'node:path';
import mongoose from 'mongoose';
import { ensureJars, startLocalStack } from '../test/stack/local-stack';
import { buildDataset } from './datasets';
import { benchScaleOut } from './scale-out.bench';
import { commitInfo, machineInfo, writeResultFile } from './results';

// The ingest data sets and the stand-in heap of bench/run.ts MODES.
const MODES = {
  quick: { mongoHeap: '1g', ingest: [{ seed: 1, units: 30, partsPerBoard: 700, brands: 3 }, { seed: 5, units: 3, partsPerBoard: 2600, brands: 1 }] },
  full: { mongoHeap: '4g', ingest: [{ seed: 1, units: 180, partsPerBoard: 700, brands: 3 }, { seed: 5, units: 8, partsPerBoard: 2600, brands: 1 }] },
} as const;

const log = (line: string): void => void process.stderr.write(`[bench:scale-out ${new Date().toISOString().slice(11, 19)}] ${line}\n`);

async function main(): Promise<void> {
  const mode = process.argv.includes('--quick') ? 'quick' : 'full';
  const cfg = MODES[mode];
  const startedAt = new Date();
  const commit = commitInfo();
  const runId = startedAt.toISOString().replace(/\D/g, '').slice(2, 14);
  const messages = cfg.ingest.flatMap((o, i) => buildDataset(`ingest-${i + 1}`, o, false).messages);
  log(`mode ${mode}, run ${runId}: ${messages.length} events`);
  await ensureJars();
  const stack = await startLocalStack({
    name: process.env.BENCH_STACK_NAME ?? 'bench',
    kafkaPort: Number(process.env.BENCH_KAFKA_PORT ?? 29092),
    controllerPort: Number(process.env.BENCH_KAFKA_CONTROLLER_PORT ?? 29093),
    mongoPort: Number(process.env.BENCH_MONGO_PORT ?? 27019),
    portEnv: { kafka: 'BENCH_KAFKA_PORT', controller: 'BENCH_KAFKA_CONTROLLER_PORT', mongo: 'BENCH_MONGO_PORT' },
    mongoHeap: process.env.BENCH_MONGO_HEAP ?? cfg.mongoHeap,
  });
  const client = await new mongoose.mongo.MongoClient(stack.mongoUrl).connect();
  try {
    const figures = await benchScaleOut({ brokers: stack.kafkaBrokers, mongoUrl: `${stack.mongoUrl}/`, runId, client, log }, messages, 6);
    const [one, two] = figures.setups;
    log(`one process ${Math.round(one!.rate)} events/s, two ${Math.round(two!.rate)} events/s (x${(two!.rate / one!.rate).toFixed(2)}); ${one!.documents} and ${two!.documents} documents; same graph, byte for byte: ${figures.sameGraph ? 'yes' : 'NO'}`);
    const file = writeResultFile(startedAt, `${commit.short}-scale-out`, { format: 1, mode, startedAt: startedAt.toISOString(), seconds: (Date.now() - startedAt.getTime()) / 1000, commit, machine: machineInfo(), events: messages.length, scaleOut: figures });
    log(`wrote ${path.relative(process.cwd(), file)}`);
    if (!figures.sameGraph) process.exitCode = 1;
  } finally {
    await client.close();
    await stack.stop();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
