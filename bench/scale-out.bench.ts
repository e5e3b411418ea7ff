import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { DEAD_LETTER_TOPIC, SOURCE_TOPICS } from '@trace/contracts';
import { consumerLag, createKafka, ensureTopics, topicSettingsOf } from '@trace/platform';
import { Kafka } from 'kafkajs';
import { SimMessage } from '../apps/simulator/src/faults';
import { GraphDifference, graphDiff, graphDigest } from './graph-bulk';
import { IngestContext, ingestEnv, produceAll } from './ingest.bench';
import { now, sleep } from './stats';

const ROOT = path.join(__dirname, '..');

export interface ScaleOutSetup {
  instances: number;
  /** Events/s from the first committed progress to the last commit (polled every 100 ms; the same method for every setup). */
  rate: number;
  seconds: number;
  documents: number;
  digest: string;
}

export interface ScaleOutFigures {
  partitions: number;
  setups: ScaleOutSetup[];
  /** Every setup ended with the same documents, byte for byte (canonical JSON of every collection). */
  sameGraph: boolean;
  /** When they did not: the first documents of the two-process graph that differ from the one-process graph. */
  differences: GraphDifference[];
}

/**
 * One ingest process, then two in one consumer group, each as its own OS process (as deployed), on topics of
 * `partitions` partitions holding the same messages; each setup writes its own database.
 */
export async function benchScaleOut(ctx: IngestContext, messages: SimMessage[], partitions: number): Promise<ScaleOutFigures> {
  const prefix = `bench-${ctx.runId}-so.`;
  const kafka = createKafka(`bench-${ctx.runId}-so`, ctx.brokers);
  const admin = kafka.admin();
  await admin.connect();
  const topics = SOURCE_TOPICS.map((t) => prefix + t);
  try {
    await ensureTopics(admin, [...topics, prefix + DEAD_LETTER_TOPIC], partitions, 60_000, topicSettingsOf(prefix));
  } finally {
    await admin.disconnect();
  }
  await produceAll(kafka, prefix, messages);
  const setups: ScaleOutSetup[] = [];
  const dbNames: string[] = [];
  try {
    for (const instances of [1, 2]) {
      const group = `bench-${ctx.runId}-so${instances}`;
      const dbName = `bench_${ctx.runId}_so${instances}`;
      dbNames.push(dbName);
      ctx.log(`scale-out: ${instances} ingest process(es) in group ${group}, ${partitions} partitions a topic`);
      const children = Array.from({ length: instances }, (_, i) =>
        spawnIngest({ ...ingestEnv(ctx, { dbName, prefix, groupId: group, clientId: `${group}-${i + 1}` }), KAFKA_TOPIC_PARTITIONS: String(partitions) }),
      );
      let timing: { rate: number; seconds: number; messages: number };
      try {
        timing = await pollCommits(kafka, group, topics, children);
      } finally {
        await Promise.all(children.map(stop));
      }
      if (timing.messages > messages.length) ctx.log(`scale-out: the topics hold ${timing.messages} messages for ${messages.length} events produced (${timing.messages - messages.length} sent twice by a retried send); every one was committed`);
      const { documents, digest } = await graphDigest(ctx.client.db(dbName));
      ctx.log(`scale-out: ${instances} process(es): ${Math.round(timing.rate)} events/s, ${documents} documents`);
      setups.push({ instances, rate: timing.rate, seconds: timing.seconds, documents, digest });
    }
    // Both graphs are kept until compared, so that a difference names its documents rather than only a digest.
    const sameGraph = setups.every((s) => s.digest === setups[0]!.digest);
    const differences = sameGraph ? [] : await graphDiff(ctx.client.db(dbNames[0]!), ctx.client.db(dbNames[1]!));
    for (const d of differences) {
      ctx.log(`scale-out: GRAPHS DIFFER: ${d.collection} ${d.id}: ${d.fields.map((f) => `${f.field}: one process ${f.a}, two ${f.b}`).join('; ')}`);
    }
    return { partitions, setups, sameGraph, differences };
  } finally {
    for (const name of dbNames) await ctx.client.db(name).dropDatabase();
  }
}

function spawnIngest(env: NodeJS.ProcessEnv): ChildProcess {
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/ingest/src/main.ts'], {
    cwd: ROOT,
    env: { ...env, TS_NODE_PROJECT: path.join(ROOT, 'tsconfig.json') },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let tail = '';
  child.stderr!.on('data', (d: Buffer) => void (tail = (tail + d.toString()).slice(-2_000)));
  child.once('exit', (code, signal) => {
    if (code !== 0 && signal !== 'SIGTERM' && code !== null) process.stderr.write(`[bench] an ingest process exited with ${code}: ${tail}\n`);
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

/**
 * Resolves once the group has committed every message of the topics (their end offsets: an event sent twice by a
 * retried send is one more message), with the rate from the first committed progress to then. Waiting for as many
 * commits as events produced stopped the children before the topics' last messages, at a place that differs from one
 * setup to the next (the first full run: same document count, different graphs).
 */
async function pollCommits(kafka: Kafka, groupId: string, topics: string[], children: ChildProcess[]): Promise<{ rate: number; seconds: number; messages: number }> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    let first: { t: number; committed: number } | undefined;
    const deadline = Date.now() + 30 * 60_000;
    for (;;) {
      if (children.some((c) => c.exitCode !== null)) throw new Error('an ingest process exited before the end');
      const lag = await consumerLag(admin, groupId, topics);
      const t = now();
      const committed = lag.partitions.reduce((s, p) => s + p.committed, 0);
      const messages = lag.partitions.reduce((s, p) => s + p.end, 0);
      if (committed > 0) first ??= { t, committed };
      if (messages > 0 && lag.total === 0) {
        const seconds = (t - first!.t) / 1000;
        return { rate: (messages - first!.committed) / seconds, seconds, messages };
      }
      if (Date.now() > deadline) throw new Error(`committed ${committed} of ${messages} messages in 30 minutes`);
      await sleep(100);
    }
  } finally {
    await admin.disconnect();
  }
}
