/**
 * The rebuild from the topics against the live ingest, on the same messages in one run:
 *
 *   KAFKA_BROKERS=127.0.0.1:9092 MONGO_URL=mongodb://127.0.0.1:27017 TS_NODE_PROJECT=bench/tsconfig.json \
 *     node -r ts-node/register/transpile-only -r tsconfig-paths/register bench/rebuild.bench.ts [--units 60] [--parts-per-board 300] [--rebuild-first]
 *
 * Produces a simulated run to topics of its own, times the real ingest (startIngest, in process) from its start to the
 * commit of the last message, then `graph rebuild`'s replay (replayTopics, the CLI's code) from its start to its end
 * into a fresh database, and checks that both graphs have the same digest. Each rate includes joining a consumer
 * group. Prints one JSON line; leaves the topics and drops the databases.
 */
import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { SOURCE_TOPICS } from '@trace/contracts';
import { EventRecorder, GraphDigester } from '@trace/genealogy';
import { PlatformEnv, consumerLag, createKafka, ensureTopics, loadEnv, topicSettingsOf } from '@trace/platform';
import mongoose from 'mongoose';
import { parseArgs } from 'node:util';
import { replayTopics } from '../apps/cli/src/graph-rebuild';
import { GraphCliModule } from '../apps/cli/src/graph.module';
import { startIngest } from '../apps/ingest/src/bootstrap';
import { simulatedMessages } from '../apps/simulator/src/simulation';
import { produceAll } from './ingest.bench';
import { now, sleep } from './stats';

const log = (line: string): void => void process.stderr.write(`[rebuild bench] ${line}\n`);

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { units: { type: 'string', default: '60' }, 'parts-per-board': { type: 'string', default: '300' }, 'rebuild-first': { type: 'boolean', default: false } } });
  const brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
  const server = (process.env.MONGO_URL ?? 'mongodb://127.0.0.1:27017').replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+).*$/, '$1');
  const run = `rb${Date.now().toString(36)}`;
  const prefix = `${run}.`;
  const messages = [...simulatedMessages({ seed: 3, units: Number(values.units), partsPerBoard: Number(values['parts-per-board']), brands: 3 }, { duplicates: 0.01, reorder: 0.05, invalid: 0.001 })];
  const kafka = createKafka(run, brokers);
  const admin = kafka.admin();
  await admin.connect();
  const topics = SOURCE_TOPICS.map((t) => prefix + t);
  await ensureTopics(admin, [...topics, `${prefix}trace.deadletter.v1`], 3, 60_000, topicSettingsOf(prefix));
  log(`producing ${messages.length} messages to ${prefix}*`);
  await produceAll(kafka, prefix, messages);

  const env = { ...process.env, KAFKA_BROKERS: brokers, MONGO_URL: `${server}/${run}_live`, MONGO_WRITE_CONCERN: '1', TOPIC_PREFIX: prefix, KAFKA_GROUP_ID: `${run}-ingest`, KAFKA_CLIENT_ID: `${run}-ingest`, LOG_LEVEL: 'error' as const };
  const platform = loadEnv(PlatformEnv, env);
  const target = await NestFactory.createApplicationContext(GraphCliModule.forRoot(`${server}/${run}_rebuilt`, platform), { logger: ['error'] });
  const timeIngest = async (): Promise<number> => {
    const t0 = now();
    const ingest = await startIngest(env);
    for (;;) {
      const committed = (await consumerLag(admin, env.KAFKA_GROUP_ID, topics)).partitions.reduce((s, p) => s + p.committed, 0);
      if (committed >= messages.length) break;
      await sleep(100);
    }
    const seconds = (now() - t0) / 1000;
    await ingest.close();
    log(`ingest: ${Math.round(messages.length / seconds)} messages/s (${seconds.toFixed(1)} s)`);
    return seconds;
  };
  const timeRebuild = async (): Promise<{ seconds: number; invalid: number }> => {
    const t0 = now();
    const replay = await replayTopics({ brokers, topicPrefix: prefix, recorder: target.get(EventRecorder), progress: { start: () => undefined, advance: () => undefined, stop: () => undefined }, log });
    const seconds = (now() - t0) / 1000;
    log(`rebuild: ${Math.round(messages.length / seconds)} messages/s (${seconds.toFixed(1)} s)`);
    return { seconds, invalid: replay.invalid };
  };
  // Whichever runs second finds the database server's and this process's code warmed up: --rebuild-first swaps them.
  let ingestSeconds: number;
  let replay: { seconds: number; invalid: number };
  if (values['rebuild-first']) {
    replay = await timeRebuild();
    ingestSeconds = await timeIngest();
  } else {
    ingestSeconds = await timeIngest();
    replay = await timeRebuild();
  }
  const rebuildSeconds = replay.seconds;
  const rebuilt = await target.get(GraphDigester).digest();
  const live = await NestFactory.createApplicationContext(GraphCliModule.forRoot(env.MONGO_URL, platform), { logger: ['error'] });
  const liveDigest = await live.get(GraphDigester).digest();
  await Promise.all([target.close(), live.close(), admin.disconnect()]);
  const client = await mongoose.mongo.MongoClient.connect(server);
  await Promise.all([client.db(`${run}_live`).dropDatabase(), client.db(`${run}_rebuilt`).dropDatabase()]);
  await client.close();
  process.stdout.write(
    JSON.stringify({
      messages: messages.length,
      documents: liveDigest.documents,
      ingestRate: Math.round(messages.length / ingestSeconds),
      rebuildRate: Math.round(messages.length / rebuildSeconds),
      ratio: Number((ingestSeconds / rebuildSeconds).toFixed(2)),
      order: values['rebuild-first'] ? 'rebuild, ingest' : 'ingest, rebuild',
      invalid: replay.invalid,
      digestsMatch: liveDigest.sha256 === rebuilt.sha256,
    }) + '\n',
  );
}

main().catch((error: unknown) => {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(1);
});
