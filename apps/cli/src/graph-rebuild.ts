import { parseEvent } from '@trace/contracts';
import { EventRecorder, PositionedEvent, RecordedEvents, TransientFailure } from '@trace/genealogy';
import { contractTopic, createKafka, prefixedTopics } from '@trace/platform';
import type { Admin, Consumer, EachBatchPayload, Kafka } from 'kafkajs';
import { randomBytes } from 'node:crypto';

/** Exit statuses of `graph ...` (the usage is 2, as for every command of the CLI). */
export const GRAPH_EXIT = { ok: 0, failed: 1, usage: 2, targetNotEmpty: 3, brokerUnreachable: 4, databaseUnreachable: 5 } as const;

/** A failure of a graph command with its exit status and a sentence for the operator. */
export class GraphCommandError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** What the replay tells as it goes (a progress bar on a terminal, lines otherwise). */
export interface ReplayProgress {
  start(total: number): void;
  /** `n` more messages read; `lag`: messages still to read up to the end offsets taken at the start. */
  advance(n: number, lag: number): void;
  stop(): void;
}

export interface ReplayOptions {
  brokers: string;
  topicPrefix: string;
  recorder: Pick<EventRecorder, 'record'>;
  progress: ReplayProgress;
  /** A line for the operator (stderr). */
  log: (line: string) => void;
  /** Partitions recorded at once, as the ingest's INGEST_PARTITIONS_CONCURRENTLY. */
  partitionsConcurrently?: number;
  /** How long the database may refuse for now (down, failing over) before the rebuild gives up. */
  transientPatienceMs?: number;
}

export interface ReplayResult {
  groupId: string;
  /** Messages read: every message of every trace topic up to the end offsets taken at the start. */
  messages: number;
  recorded: number;
  /** Messages the contract refuses, and events the graph refuses: the live ingest dead-lettered them when it read them. */
  invalid: number;
  seconds: number;
  /** The end offsets the replay stopped at, per `topic[partition]`. */
  ends: Record<string, number>;
}

/**
 * Replays every trace topic of the contract (not the dead-letter topics) from its earliest offset through the
 * recorder, under a consumer group of its own, and stops at the end offsets the topics had when it started: on a busy
 * cluster it ends all the same, and the messages produced since are left to the ingest of the new graph (run it with
 * the group this returns: its offsets are committed). Parses with the contract's parseEvent and records with the
 * genealogy's EventRecorder, as the ingest does, so the graph has the same documents (the provenance holds the same
 * partitions and offsets). Invalid messages are counted, never published again: the live ingest dead-lettered them.
 */
export async function replayTopics(options: ReplayOptions): Promise<ReplayResult> {
  const started = Date.now();
  const kafka = createKafka('trace-rebuild', options.brokers, { initialRetryTime: 300, retries: 4 });
  const admin = kafka.admin();
  await admin.connect().catch((error: unknown) => {
    throw new GraphCommandError(`cannot reach the Kafka brokers at ${options.brokers}: ${messageOf(error)}`, GRAPH_EXIT.brokerUnreachable);
  });
  try {
    const ends = await endOffsets(admin, options);
    const groupId = `trace-rebuild-${new Date().toISOString().replace(/[-:.]/g, '')}-${randomBytes(3).toString('hex')}`;
    const pending = new Map([...ends].filter(([, p]) => p.end > p.low));
    const total = [...pending.values()].reduce((n, p) => n + p.end - p.low, 0);
    const counts = { messages: 0, recorded: 0, invalid: 0 };
    options.progress.start(total);
    try {
      if (pending.size > 0) await consumeToEnds(kafka, groupId, pending, total, counts, options);
    } finally {
      options.progress.stop();
    }
    return { groupId, ...counts, seconds: (Date.now() - started) / 1000, ends: Object.fromEntries([...ends].map(([k, p]) => [k, p.end])) };
  } finally {
    await admin.disconnect();
  }
}

interface PartitionRange {
  topic: string;
  partition: number;
  low: number;
  end: number;
}

// The trace topics' partitions and their offsets now: where the replay starts (low) and stops (end).
async function endOffsets(admin: Admin, options: ReplayOptions): Promise<Map<string, PartitionRange>> {
  const wanted = prefixedTopics(options.topicPrefix).sources;
  let existing: Set<string>;
  const ends = new Map<string, PartitionRange>();
  try {
    existing = new Set(await admin.listTopics());
    const present = wanted.filter((t) => existing.has(t));
    if (present.length === 0) {
      throw new GraphCommandError(`no trace topic on the brokers at ${options.brokers} (looked for ${wanted.join(', ')}): check KAFKA_BROKERS and TOPIC_PREFIX`, GRAPH_EXIT.failed);
    }
    for (const missing of wanted.filter((t) => !existing.has(t))) options.log(`topic ${missing} does not exist: nothing to replay from it`);
    for (const topic of present) {
      for (const p of await admin.fetchTopicOffsets(topic)) {
        const range = { topic, partition: p.partition, low: Number(p.low), end: Number(p.high) };
        // The first messages of the partition are gone (a finite retention once): the rebuilt graph lacks their facts.
        if (range.low > 0) options.log(`${topic}[${p.partition}] starts at offset ${range.low}: its first ${range.low} messages are no longer on the broker, and their facts will be missing from the rebuilt graph`);
        ends.set(`${topic}[${p.partition}]`, range);
      }
    }
    return ends;
  } catch (error) {
    if (error instanceof GraphCommandError) throw error;
    throw new GraphCommandError(`cannot read the trace topics' offsets from ${options.brokers}: ${messageOf(error)}`, GRAPH_EXIT.brokerUnreachable);
  }
}

async function consumeToEnds(
  kafka: Kafka,
  groupId: string,
  pending: Map<string, PartitionRange>,
  total: number,
  counts: { messages: number; recorded: number; invalid: number },
  options: ReplayOptions,
): Promise<void> {
  const ranges = [...pending.values()];
  const consumer: Consumer = kafka.consumer({ groupId, sessionTimeout: 30_000, heartbeatInterval: 3_000, maxBytesPerPartition: 4 * 1024 * 1024, maxWaitTimeInMs: 200 });
  let finish!: () => void;
  let fail!: (error: unknown) => void;
  const finished = new Promise<void>((resolve, reject) => ((finish = resolve), (fail = reject)));
  let failed = false;
  const stopWith = (error: unknown) => {
    failed = true;
    fail(error);
  };
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (!payload.restart) stopWith(new GraphCommandError(`the Kafka consumer stopped: ${messageOf(payload.error)}`, GRAPH_EXIT.brokerUnreachable));
  });
  const handleBatch = async ({ batch, resolveOffset, heartbeat, commitOffsetsIfNecessary }: EachBatchPayload): Promise<void> => {
    const key = `${batch.topic}[${batch.partition}]`;
    const range = pending.get(key);
    if (failed || !range) return;
    const messages = batch.messages.filter((m) => Number(m.offset) < range.end);
    if (messages.length > 0) {
      const topic = contractTopic(options.topicPrefix, batch.topic);
      const events: PositionedEvent[] = [];
      for (const m of messages) {
        const parsed = parseEvent(m.value, topic);
        if (parsed.ok) events.push({ event: parsed.event, position: { topic, partition: batch.partition, offset: m.offset } });
        else counts.invalid++;
      }
      const result = await recordPatiently(options, events, heartbeat);
      counts.recorded += result.recorded;
      counts.invalid += result.refused.length;
      counts.messages += messages.length;
      resolveOffset(messages.at(-1)!.offset);
      await commitOffsetsIfNecessary();
      await heartbeat();
      options.progress.advance(messages.length, total - counts.messages);
    }
    // The messages of a partition have consecutive offsets (no transactional producer writes the trace topics), so the
    // partition is done once a message at end - 1 or past it was fetched; it is paused, nothing past the end is read.
    if (batch.messages.some((m) => Number(m.offset) >= range.end - 1)) {
      pending.delete(key);
      consumer.pause([{ topic: batch.topic, partitions: [batch.partition] }]);
      if (pending.size === 0) finish();
    }
  };
  await consumer.connect().catch((error: unknown) => {
    throw new GraphCommandError(`cannot reach the Kafka brokers at ${options.brokers}: ${messageOf(error)}`, GRAPH_EXIT.brokerUnreachable);
  });
  try {
    await consumer.subscribe({ topics: [...new Set([...pending.values()].map((p) => p.topic))], fromBeginning: true });
    await consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConcurrently ?? 3,
      eachBatch: (payload) => handleBatch(payload).catch(stopWith),
    });
    await finished;
    // The group's offsets at the end offsets, whatever the runner committed last: an ingest of the new graph started
    // with this group goes on from exactly there.
    await consumer.commitOffsets(ranges.map((r) => ({ topic: r.topic, partition: r.partition, offset: String(r.end) })));
  } finally {
    await consumer.disconnect();
  }
}

// The recorder, retried with backoff while the database refuses for now; past the patience, the rebuild gives up.
async function recordPatiently(options: ReplayOptions, events: PositionedEvent[], heartbeat: () => Promise<void>): Promise<RecordedEvents> {
  const deadline = Date.now() + (options.transientPatienceMs ?? 60_000);
  for (let attempt = 1; ; attempt++) {
    try {
      return await options.recorder.record(events);
    } catch (error) {
      if (!(error instanceof TransientFailure)) throw error;
      if (Date.now() > deadline) throw new GraphCommandError(`the target database does not take writes: ${messageOf(error.cause)}`, GRAPH_EXIT.databaseUnreachable);
      options.log(`the target database refused for now (attempt ${attempt}), retrying: ${messageOf(error.cause)}`);
      await new Promise((r) => setTimeout(r, Math.min(5_000, 250 * 2 ** attempt)));
      await heartbeat();
    }
  }
}

export const messageOf = (error: unknown): string => (error instanceof Error ? error.message : String(error));
