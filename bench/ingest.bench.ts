import { DEAD_LETTER_TOPIC, SOURCE_TOPICS, parseEvent } from '@trace/contracts';
import { graphWritesFor, mergeGraphWrites } from '@trace/genealogy';
import { consumerLag, createKafka, ensureTopics, loadEnv, produceByTopic, topicSettingsOf } from '@trace/platform';
import { Kafka } from 'kafkajs';
import mongoose from 'mongoose';
import * as fs from 'node:fs';
import * as os from 'node:os';
import { startIngest } from '../apps/ingest/src/bootstrap';
import { IngestEnv } from '../apps/ingest/src/ingest.config';
import { consumerSettings } from '../apps/ingest/src/kafka-batch.transport';
import { RecordEventsCommand, RecordEventsUseCase } from '../apps/ingest/src/record-events.use-case';
import { SimMessage } from '../apps/simulator/src/faults';
import { RecordedBatch, Span, bulkOpsFor, documentCounts, graphDigest, occupancy, writeBulks } from './graph-bulk';
import { median, now, sleep } from './stats';

export interface IngestContext {
  brokers: string;
  mongoUrl: string;
  runId: string;
  client: mongoose.mongo.MongoClient;
  log: (line: string) => void;
}

/** One ingest run and, right after it on the same machine, the bulk-write ceiling of its own batches. */
export interface IngestPair {
  /** Events/s of the real ingest, Kafka to graph: start of its first batch to end of its last. */
  ingestRate: number;
  /** Ceiling 2: the ingest's batches as prepared bulk writes (merged per document, same write concern). */
  bulkRate: number;
  batches: number;
  /** The most recordings the ingest had in flight at once; the bulk writes ran at least as many at a time. */
  inFlight: number;
  /** CPU milliseconds per side during each span (this process, the stand-in's JVM, Kafka's JVM; absent when not ours), and its wall time. */
  cpu?: { ingest: SideCpu; bulk: SideCpu };
}

/** The CPU each process spent during one span, in ms, and the span's wall time. */
export interface SideCpu {
  wallMs: number;
  node: number;
  standIn?: number;
  kafka?: number;
}

export interface IngestFigures {
  events: number;
  produceRate: number;
  /** Ceiling 1: the same consumer settings reading the same messages, doing nothing with them. */
  consumeRate: number;
  consumeBatches: number;
  /** Each ingest run with its bulk-write ceiling; the figures are their medians. */
  pairs: IngestPair[];
  ingestRate: number;
  bulkRate: number;
  /** Median of each pair's ingest / min(consume, bulk write). */
  ratio: number;
  /** Not a ceiling: parse + validate + graph writes + merge, no I/O (last run's batches), per CPU-second of one thread. */
  cpuRate: number;
  meanBatch: number;
  documents: Record<string, number>;
  /** The last bulk-written graph is the last ingest's, byte for byte (canonical JSON of every document). */
  graphMatches: boolean;
  /** The last bulk-written graph, kept for the queries; the caller drops it. */
  graphDb: mongoose.mongo.Db;
}

// The consumer settings of KafkaBatchTransport (apps/ingest), its fetch bounds as this environment sets them for the
// ingest (INGEST_FETCH_MAX_BYTES, INGEST_PARTITION_FETCH_MAX_BYTES), so the ceiling reads the way the ingest reads.
const fetchOfEnv = (): ReturnType<typeof consumerSettings> => {
  const env = loadEnv(IngestEnv, process.env);
  return consumerSettings({ maxBytes: env.INGEST_FETCH_MAX_BYTES, maxBytesPerPartition: env.INGEST_PARTITION_FETCH_MAX_BYTES });
};
const PARTITIONS_CONCURRENTLY = 3;

/**
 * Produces the messages, reads them raw (ceiling 1), then `repeats` times: the real ingest into a fresh database
 * and group, and right after it the bulk writes of its own batches (ceiling 2), so that each ratio compares two
 * figures measured seconds apart. One copy of the graph at a time lives on the stand-in's heap.
 */
export async function benchIngest(ctx: IngestContext, messages: SimMessage[], repeats: number): Promise<IngestFigures> {
  const prefix = `bench-${ctx.runId}.`;
  const kafka = createKafka(`bench-${ctx.runId}`, ctx.brokers);
  const admin = kafka.admin();
  await admin.connect();
  const topics = SOURCE_TOPICS.map((t) => prefix + t);
  try {
    await ensureTopics(admin, [...topics, prefix + DEAD_LETTER_TOPIC], 3, 60_000, topicSettingsOf(prefix));
  } finally {
    await admin.disconnect();
  }
  ctx.log(`producing ${messages.length} events to ${prefix}*`);
  const produceRate = await produceAll(kafka, prefix, messages);
  ctx.log(`produced at ${Math.round(produceRate)} events/s`);

  ctx.log('ceiling 1: raw consume with the ingest consumer settings');
  const raw = await rawConsume(kafka, `bench-${ctx.runId}-raw`, topics, messages.length);
  ctx.log(`raw consume: ${Math.round(raw.rate)} events/s in ${raw.batches} batches`);


  const produced = new Set(messages.map((m) => (JSON.parse(m.value) as { eventId: string }).eventId));
  if (produced.size !== messages.length) throw new Error(`the data sets hold ${messages.length - produced.size} events twice: the counts below assume one message an event`);
  // Warm the database server (its JIT, its connections) and this process's ingest code with one whole untimed ingest
  // of the same events, so the first pair does not pay for it while its ceiling, always second, would not: a tenth of
  // the events through the bulk loader was not enough (quick, three runs: 0.56, then 0.83 and 0.86).
  const warm = await ingestOnce(ctx, kafka, prefix, topics, produced, 0);
  await ctx.client.db(warm.dbName).dropDatabase();
  ctx.log(`warm-up: an untimed ingest at ${Math.round(warm.rate)} events/s`);
  const pairs: IngestPair[] = [];
  let lastRun: { seen: RecordedBatch[]; documents: Record<string, number>; graphMatches: boolean; graphDb: mongoose.mongo.Db } | undefined;
  for (let rep = 1; rep <= repeats; rep++) {
    const last = rep === repeats;
    const run = await ingestOnce(ctx, kafka, prefix, topics, produced, rep);
    const ingestDb = ctx.client.db(run.dbName);
    const documents = await documentCounts(ingestDb);
    const before = last ? await graphDigest(ingestDb) : undefined;
    await ingestDb.dropDatabase();
    const bulkDb = ctx.client.db(`bench_${ctx.runId}_bulk${rep}`);
    const bulks = run.seen.map(bulkOpsFor);
    // Never fewer batches at a time than the ingest had recordings in flight (partitions side by side, slices of a batch).
    const concurrency = Math.max(PARTITIONS_CONCURRENTLY, run.maxInFlight);
    const t0 = now();
    const cpu0 = cpuMs();
    const sides0 = sidesCpu();
    const bulkSpans: Span[] = [];
    await writeBulks(bulkDb, bulks, concurrency, bulkSpans);
    const bulkRate = messages.length / ((now() - t0) / 1000);
    const bulkCpu = cpuBetween(sides0, sidesCpu(), now() - t0);
    const [oi, ob] = [occupancy(run.spans), occupancy(bulkSpans)];
    const occ = (o: typeof oi): string => `${o.seconds.toFixed(2)} s, busy ${(o.busy * 100).toFixed(0)}%, ${o.meanInFlight.toFixed(1)} in flight on average, ${Math.round(o.meanMs)} ms a recording`;
    ctx.log(`run ${rep}: ingest ${occ(oi)}; bulk writes ${occ(ob)}; load ${os.loadavg()[0]!.toFixed(1)}`);
    ctx.log(`run ${rep}: this process's CPU: ${Math.round(run.cpuMs)} ms in the ingest's span, ${Math.round(cpuMs() - cpu0)} ms in the bulk writes`);
    ctx.log(`run ${rep}: share of the span with 0, 1, ... recordings in flight: ingest ${inFlightShares(run.spans)}; bulk writes ${inFlightShares(bulkSpans)}`);
    ctx.log(`run ${rep}: CPU per side, ingest: ${fmtCpu(run.sides)}; bulk writes: ${fmtCpu(bulkCpu)}`);
    ctx.log(`run ${rep}: ingest ${Math.round(run.rate)} events/s in ${run.seen.length} recordings, at most ${run.maxInFlight} at a time; bulk writes of them ${concurrency} at a time ${Math.round(bulkRate)} events/s`);
    pairs.push({ ingestRate: run.rate, bulkRate, batches: run.seen.length, inFlight: run.maxInFlight, cpu: { ingest: run.sides, bulk: bulkCpu } });
    if (last) lastRun = { seen: run.seen, documents, graphMatches: (await graphDigest(bulkDb)).digest === before!.digest, graphDb: bulkDb };
    else await bulkDb.dropDatabase();
  }
  const cpuRate = cpuOnly(lastRun!.seen);
  ctx.log(`CPU only (parse, validate, map, merge): ${Math.round(cpuRate)} events/s`);
  return {
    events: messages.length,
    produceRate,
    consumeRate: raw.rate,
    consumeBatches: raw.batches,
    pairs,
    ingestRate: median(pairs.map((p) => p.ingestRate)),
    bulkRate: median(pairs.map((p) => p.bulkRate)),
    ratio: median(pairs.map((p) => p.ingestRate / Math.min(raw.rate, p.bulkRate))),
    cpuRate,
    meanBatch: messages.length / lastRun!.seen.length,
    documents: lastRun!.documents,
    graphMatches: lastRun!.graphMatches,
    graphDb: lastRun!.graphDb,
  };
}

/** An ingest's environment in the bench: its own database, topics and group on the bench's backends, quiet logs. */
export function ingestEnv(ctx: IngestContext, o: { dbName: string; prefix: string; groupId: string; clientId: string }): NodeJS.ProcessEnv {
  return {
    ...process.env,
    KAFKA_BROKERS: ctx.brokers,
    MONGO_URL: ctx.mongoUrl,
    MONGO_DB: o.dbName,
    MONGO_WRITE_CONCERN: '1',
    TOPIC_PREFIX: o.prefix,
    KAFKA_GROUP_ID: o.groupId,
    KAFKA_CLIENT_ID: o.clientId,
    LOG_LEVEL: 'warn',
  };
}

/** The real ingest (startIngest) in process, with its own group and database; its use-case observed, not changed. */
async function ingestOnce(ctx: IngestContext, kafka: Kafka, prefix: string, topics: string[], produced: Set<string>, rep: number): Promise<{ rate: number; seen: RecordedBatch[]; dbName: string; maxInFlight: number; cpuMs: number; spans: Span[]; sides: SideCpu }> {
  const total = produced.size;
  const groupId = `bench-${ctx.runId}-ingest${rep}`;
  const dbName = `bench_${ctx.runId}_ingest${rep}`;
  const app = await startIngest(ingestEnv(ctx, { dbName, prefix, groupId, clientId: groupId }));
  // When each batch's recording starts and ends (after the consumer validated its messages), and what it held.
  const useCase = app.get(RecordEventsUseCase);
  const execute = useCase.execute.bind(useCase);
  // The events themselves, turned into messages after the run (not inside the timed span).
  type Delivered = { topic: string; partition: number; events: RecordEventsCommand['events'] };
  const delivered: Delivered[] = [];
  // A batch delivered again (a retry after a transient failure, a rebalance on a loaded machine) or an event produced
  // twice (kafkajs retries a send whose first try landed: 'not the leader' on a loaded broker) counts in the time, but
  // each event is kept once, by its id, at its last delivery (whose provenance the graph holds: the same field is
  // written again): the ceiling writes it once, as the graph holds it once.
  const latest = new Map<string, { offset: string; batch: Delivered }>();
  let first = Number.POSITIVE_INFINITY;
  let last = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  let cpuAtFirst: number | undefined;
  let cpuAtLast = 0;
  let sidesAtFirst: ReturnType<typeof sidesCpu> | undefined;
  let sidesAtLast: ReturnType<typeof sidesCpu> | undefined;
  const spans: Span[] = [];
  useCase.execute = async (command: RecordEventsCommand) => {
    const t0 = now();
    maxInFlight = Math.max(maxInFlight, ++inFlight);
    if (cpuAtFirst === undefined) {
      cpuAtFirst = cpuMs();
      sidesAtFirst = sidesCpu();
    }
    const result = await execute(command).finally(() => inFlight--);
    first = Math.min(first, t0);
    last = Math.max(last, now());
    spans.push([t0, now()]);
    cpuAtLast = cpuMs();
    sidesAtLast = sidesCpu();
    const at = command.events[0]?.position;
    if (!at) return result;
    const batch: Delivered = { topic: at.topic, partition: at.partition, events: command.events };
    delivered.push(batch);
    for (const e of command.events) latest.set(e.event.eventId, { offset: e.position.offset, batch });
    return result;
  };
  let onTopics: number;
  try {
    // Polling the group's offsets (metadata, list offsets, offset fetch: broker and client work) only once every event
    // was recorded: polled every 100 ms from the start, it charged the ingest's span with the bench's own requests.
    // An ingest that never records some event (it would be a bug here: every message is a valid event) stops this wait
    // after 5 s without a recording, and the checks below say what is missing.
    const deadline = Date.now() + 30 * 60_000;
    const idle = (): boolean => inFlight === 0 && last > 0 && now() - last > 5_000;
    while (latest.size < total && !idle() && Date.now() < deadline) await sleep(20);
    onTopics = await waitForCommits(kafka, groupId, topics, total);
  } finally {
    await app.close();
  }
  const seen: RecordedBatch[] = delivered
    .map((b) => ({
      topic: b.topic,
      partition: b.partition,
      messages: b.events
        .filter((e) => { const l = latest.get(e.event.eventId)!; return l.batch === b && l.offset === e.position.offset; })
        .map((e) => ({ offset: e.position.offset, value: JSON.stringify(e.event) })),
    }))
    .filter((b) => b.messages.length > 0);
  const observed = seen.reduce((n, b) => n + b.messages.length, 0);
  // Every event is kept once by its id and every id must be one produced, so a double count cannot hide here. (The
  // "more distinct events than produced" of earlier runs came from keying by Kafka position: an event produced twice by
  // a retried send sits at two offsets. Keyed by event id since 1a36b56; the topics' extra messages are logged below.)
  const foreign = [...latest.keys()].filter((id) => !produced.has(id));
  if (foreign.length > 0) throw new Error(`the ingest's batches held ${foreign.length} events never produced by this run (${foreign.slice(0, 3).join(', ')}…)`);
  if (observed !== total) throw new Error(`observed ${observed} of ${total} events in the ingest's batches: the timing would be wrong`);
  if (onTopics > total) ctx.log(`run ${rep}: the topics hold ${onTopics} messages for ${total} events produced (${onTopics - total} sent twice by a retried send); the ingest recorded each event once`);
  const sides = cpuBetween(sidesAtFirst!, sidesAtLast!, last - first);
  return { rate: total / ((last - first) / 1000), seen, dbName, maxInFlight, cpuMs: cpuAtLast - (cpuAtFirst ?? cpuAtLast), spans, sides };
}

export async function produceAll(kafka: Kafka, prefix: string, messages: SimMessage[]): Promise<number> {
  const producer = kafka.producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const t0 = now();
  try {
    for (let i = 0; i < messages.length; i += 2_000) {
      await produceByTopic(producer, messages.slice(i, i + 2_000).map((m) => ({ topic: m.topic, key: m.key, value: m.value })), prefix);
    }
  } finally {
    await producer.disconnect();
  }
  return messages.length / ((now() - t0) / 1000);
}

/** Reads every message with the ingest's consumer settings and does nothing else; the rate spans first batch start to last batch end. */
async function rawConsume(kafka: Kafka, groupId: string, topics: string[], total: number): Promise<{ rate: number; seconds: number; batches: number }> {
  const consumer = kafka.consumer({ groupId, ...fetchOfEnv() });
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

// Events per CPU-second of this process (user + system, GC threads included): a rate per core that the other
// sessions on a shared machine move far less than a wall-clock rate.
const cpuMs = (): number => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** The share of a run's span spent with 0, 1, 2, ... recordings in flight, in percent: where an ingest idles the database. */
function inFlightShares(spans: Span[]): string {
  const edges = spans.flatMap(([a, b]): [number, number][] => [[a, 1], [b, -1]]).sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  const time: number[] = [];
  let level = 0;
  for (let i = 0; i < edges.length - 1; i++) {
    level += edges[i]![1];
    time[level] = (time[level] ?? 0) + (edges[i + 1]![0] - edges[i]![0]);
  }
  const total = time.reduce((n, t) => n + (t ?? 0), 0);
  return Array.from(time, (t) => `${Math.round(((t ?? 0) / total) * 100)}`).join('/') + '%';
}

// The stack's JVMs are this process's children (test/stack/local-stack.ts), told apart by their main class; with
// KAFKA_BROKERS / MONGO_URL given they are someone else's and not counted.
let jvms: { standIn?: number; kafka?: number } | undefined;
function stackJvms(): { standIn?: number; kafka?: number } {
  if (jvms) return jvms;
  jvms = {};
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      if (Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]) !== process.pid) continue;
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (cmdline.includes('kafka.Kafka')) jvms.kafka = Number(entry);
      else if (cmdline.includes('MongoLauncher')) jvms.standIn = Number(entry);
    } catch {
      // gone meanwhile
    }
  }
  return jvms;
}

/** utime + stime of a process in ms (clock ticks of 10 ms on Linux). */
function procCpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) * 10;
  } catch {
    return undefined;
  }
}

const sidesCpu = (): { node: number; standIn?: number; kafka?: number } => {
  const j = stackJvms();
  return { node: cpuMs(), standIn: procCpuMs(j.standIn), kafka: procCpuMs(j.kafka) };
};

function cpuBetween(a: ReturnType<typeof sidesCpu>, b: ReturnType<typeof sidesCpu>, wallMs: number): SideCpu {
  const d = (x?: number, y?: number): number | undefined => (x === undefined || y === undefined ? undefined : Math.round(y - x));
  return { wallMs: Math.round(wallMs), node: Math.round(b.node - a.node), standIn: d(a.standIn, b.standIn), kafka: d(a.kafka, b.kafka) };
}

const fmtCpu = (c: SideCpu): string =>
  `wall ${(c.wallMs / 1000).toFixed(2)} s, CPU node ${(c.node / 1000).toFixed(2)} s, stand-in ${c.standIn === undefined ? '?' : (c.standIn / 1000).toFixed(2)} s, kafka ${c.kafka === undefined ? '?' : (c.kafka / 1000).toFixed(2)} s`;

function cpuOnly(batches: RecordedBatch[]): number {
  let n = 0;
  const t0 = cpuMs();
  for (const b of batches) {
    const positioned = b.messages.flatMap((m) => {
      const r = parseEvent(m.value, b.topic);
      return r.ok ? [{ event: r.event, position: { topic: b.topic, partition: b.partition, offset: m.offset } }] : [];
    });
    if (mergeGraphWrites(positioned.flatMap(graphWritesFor)).length > 0) n += b.messages.length;
  }
  return n / ((cpuMs() - t0) / 1000);
}

/** Resolves once the group has committed every message (the ingest commits only after the graph writes are acknowledged), with their number. */
async function waitForCommits(kafka: Kafka, groupId: string, topics: string[], total: number): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const deadline = Date.now() + 30 * 60_000;
    for (;;) {
      // Every message of the topics, duplicates produced by a retried send included.
      const lag = await consumerLag(admin, groupId, topics);
      const committed = lag.partitions.reduce((s, p) => s + p.committed, 0);
      if (committed >= total && lag.total === 0) return committed;
      if (Date.now() > deadline) throw new Error(`the ingest committed ${committed} of ${total} messages in 30 minutes`);
      await sleep(100);
    }
  } finally {
    await admin.disconnect();
  }
}
