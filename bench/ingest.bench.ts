import { DEAD_LETTER_TOPIC, SOURCE_TOPICS, parseEvent } from '@trace/contracts';
import { graphWritesFor, mergeGraphWrites } from '@trace/genealogy';
import { createKafka } from '@trace/platform';
import { Kafka } from 'kafkajs';
import mongoose from 'mongoose';
import { startIngest } from '../apps/ingest/src/bootstrap';
import { IncomingBatch } from '../apps/ingest/src/incoming-batch';
import { RecordEventsUseCase } from '../apps/ingest/src/record-events.use-case';
import { SimMessage } from '../apps/simulator/src/faults';
import { RecordedBatch, bulkOpsFor, documentCounts, graphDigest, loadGraph, writeBulks } from './graph-bulk';
import { now, sleep } from './stats';

export interface IngestFigures {
  events: number;
  produceRate: number;
  /** Sustained events/s of the real ingest, Kafka to graph, first commit to last. */
  ingestRate: number;
  /** Ceiling 1: the same consumer settings reading the same messages, doing nothing with them. */
  consumeRate: number;
  /** Not a ceiling: single-threaded CPU rate of parse + validate + graph writes + merge, no I/O. */
  cpuRate: number;
  /** The ingest's batches (count, mean size), and how many batches the raw consumer got. */
  batches: { count: number; meanMessages: number; rawConsume: number };
  documents: Record<string, number>;
  seconds: { ingest: number; consume: number };
  /** The ingest's batches as it got them, for the bulk-write ceiling. */
  recorded: RecordedBatch[];
}

export interface BulkCeiling {
  /** Ceiling 2: the database taking the same bulk writes (the ingest's batches, merged per document, same write concern). */
  rate: number;
  seconds: number;
  /** The bulk-written graph is the ingest's, byte for byte (canonical JSON of every document). */
  graphMatches: boolean;
}

/**
 * Replays the ingest's own batches as prepared bulk writes into a fresh database, right after the ingest so both
 * see the same machine. The ingest's database is digested and dropped first (one copy of the graph at a time on the
 * stand-in's heap); the bulk-written one must digest the same, and stays for the queries (the caller drops it).
 */
export async function benchBulkCeiling(ctx: IngestContext, ingest: IngestFigures, ingestDb: mongoose.mongo.Db): Promise<BulkCeiling & { db: mongoose.mongo.Db }> {
  const before = await graphDigest(ingestDb);
  await ingestDb.dropDatabase();
  ctx.log("ceiling 2: raw bulk writes of the ingest's own batches");
  const bulks = ingest.recorded.map(bulkOpsFor);
  const db = ctx.client.db(`bench_${ctx.runId}_bulk`);
  const t0 = now();
  await writeBulks(db, bulks, PARTITIONS_CONCURRENTLY);
  const seconds = (now() - t0) / 1000;
  const rate = ingest.events / seconds;
  ctx.log(`bulk writes: ${Math.round(rate)} events/s`);
  const after = await graphDigest(db);
  return { rate, seconds, graphMatches: before.digest === after.digest, db };
}

export interface IngestContext {
  brokers: string;
  mongoUrl: string;
  runId: string;
  client: mongoose.mongo.MongoClient;
  log: (line: string) => void;
}

// The consumer settings of KafkaBatchTransport (apps/ingest), so the ceiling reads the way the ingest reads.
const CONSUMER = { sessionTimeout: 30_000, heartbeatInterval: 3_000, maxBytesPerPartition: 4 * 1024 * 1024, maxWaitTimeInMs: 200 };
const PARTITIONS_CONCURRENTLY = 3;

export async function benchIngest(ctx: IngestContext, messages: SimMessage[]): Promise<IngestFigures> {
  const prefix = `bench-${ctx.runId}.`;
  const kafka = createKafka(`bench-${ctx.runId}`, ctx.brokers);
  const admin = kafka.admin();
  await admin.connect();
  const topics = SOURCE_TOPICS.map((t) => prefix + t);
  try {
    await admin.createTopics({ waitForLeaders: true, topics: [...topics, prefix + DEAD_LETTER_TOPIC].map((topic) => ({ topic, numPartitions: 3 })) });

    ctx.log(`producing ${messages.length} events to ${prefix}*`);
    const produceRate = await produceAll(kafka, prefix, messages);
    ctx.log(`produced at ${Math.round(produceRate)} events/s`);

    ctx.log('ceiling 1: raw consume with the ingest consumer settings');
    const raw = await rawConsume(kafka, `bench-${ctx.runId}-raw`, topics, messages.length);
    ctx.log(`raw consume: ${Math.round(raw.rate)} events/s in ${raw.batches} batches`);

    // Warm the database server's JIT on a scratch database, so neither of the timed writers pays for it.
    const warmDb = ctx.client.db(`bench_${ctx.runId}_warmup`);
    await loadGraph(warmDb, messages.slice(0, Math.ceil(messages.length / 10)));
    await warmDb.dropDatabase();

    ctx.log('the real ingest (startIngest), in process');
    const groupId = `bench-${ctx.runId}-ingest`;
    const dbName = `bench_${ctx.runId}_ingest`;
    const app = await startIngest({
      ...process.env,
      KAFKA_BROKERS: ctx.brokers,
      MONGO_URL: ctx.mongoUrl,
      MONGO_DB: dbName,
      MONGO_WRITE_CONCERN: '1',
      TOPIC_PREFIX: prefix,
      KAFKA_GROUP_ID: groupId,
      KAFKA_CLIENT_ID: groupId,
      LOG_LEVEL: 'warn',
    });
    // Observe (not change) the use-case the Kafka handler calls: when each batch starts and ends, and what it held.
    const useCase = app.get(RecordEventsUseCase);
    const execute = useCase.execute.bind(useCase);
    const seen: RecordedBatch[] = [];
    let first = Number.POSITIVE_INFINITY;
    let last = 0;
    useCase.execute = async (batch: IncomingBatch) => {
      const t0 = now();
      const result = await execute(batch);
      first = Math.min(first, t0);
      last = Math.max(last, now());
      seen.push({ topic: batch.topic, partition: batch.partition, messages: batch.messages.map((m) => ({ offset: m.offset, value: m.value?.toString('utf8') ?? '' })) });
      return result;
    };
    try {
      await waitForCommits(kafka, groupId, topics, messages.length);
    } finally {
      await app.close();
    }
    const observed = seen.reduce((n, b) => n + b.messages.length, 0);
    if (observed !== messages.length) throw new Error(`observed ${observed} of ${messages.length} messages in the ingest's batches: the timing would be wrong`);
    const ingestSeconds = (last - first) / 1000;
    const ingestRate = messages.length / ingestSeconds;
    ctx.log(`ingest: ${Math.round(ingestRate)} events/s in ${seen.length} batches`);

    const cpuRate = cpuOnly(seen);
    ctx.log(`CPU only (parse, validate, map, merge): ${Math.round(cpuRate)} events/s`);
    const documents = await documentCounts(ctx.client.db(dbName));
    return {
      events: messages.length,
      produceRate,
      ingestRate,
      consumeRate: raw.rate,
      cpuRate,
      batches: { count: seen.length, meanMessages: messages.length / seen.length, rawConsume: raw.batches },
      documents,
      seconds: { ingest: ingestSeconds, consume: raw.seconds },
      recorded: seen,
    };
  } finally {
    await admin.disconnect();
  }
}

export async function produceAll(kafka: Kafka, prefix: string, messages: SimMessage[]): Promise<number> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const t0 = now();
  try {
    for (let i = 0; i < messages.length; i += 2_000) {
      const byTopic = new Map<string, { key: string; value: string }[]>();
      for (const m of messages.slice(i, i + 2_000)) (byTopic.get(m.topic) ?? byTopic.set(m.topic, []).get(m.topic)!).push({ key: m.key, value: m.value });
      await producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, ms]) => ({ topic: prefix + topic, messages: ms })) });
    }
  } finally {
    await producer.disconnect();
  }
  return messages.length / ((now() - t0) / 1000);
}

/** Reads every message with the ingest's consumer settings and does nothing else; the rate spans first batch start to last batch end. */
async function rawConsume(kafka: Kafka, groupId: string, topics: string[], total: number): Promise<{ rate: number; seconds: number; batches: number }> {
  const consumer = kafka.consumer({ groupId, ...CONSUMER });
  let seen = 0;
  let batches = 0;
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  await consumer.connect();
  try {
    await consumer.subscribe({ topics, fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      consumer
        .run({
          autoCommit: true,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: PARTITIONS_CONCURRENTLY,
          eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat }) => {
            if (batch.messages.length === 0) return;
            first = Math.min(first, now());
            resolveOffset(batch.lastOffset());
            await commitOffsetsIfNecessary();
            await heartbeat();
            seen += batch.messages.length;
            batches++;
            last = now();
            if (seen >= total) resolve();
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  const seconds = (last - first) / 1000;
  return { rate: total / seconds, seconds, batches };
}

function cpuOnly(batches: RecordedBatch[]): number {
  let n = 0;
  const t0 = now();
  for (const b of batches) {
    const positioned = b.messages.flatMap((m) => {
      const r = parseEvent(m.value, b.topic);
      return r.ok ? [{ event: r.event, position: { topic: b.topic, partition: b.partition, offset: m.offset } }] : [];
    });
    if (mergeGraphWrites(positioned.flatMap(graphWritesFor)).length > 0) n += b.messages.length;
  }
  return n / ((now() - t0) / 1000);
}

/** Resolves once the group has committed every message (the ingest commits only after the graph writes are acknowledged). */
async function waitForCommits(kafka: Kafka, groupId: string, topics: string[], total: number): Promise<void> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 30 * 60_000;
    for (;;) {
      const offsets = await admin.fetchOffsets({ groupId, topics });
      const committed = offsets.flatMap((o) => o.partitions).reduce((s, p) => s + Math.max(0, Number(p.offset)), 0);
      if (committed >= total) return;
      if (Date.now() > deadline) throw new Error(`the ingest committed ${committed} of ${total} messages in 30 minutes`);
      await sleep(100);
    }
  } finally {
    await admin.disconnect();
  }
}
