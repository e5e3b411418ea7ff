import { Logger } from '@nestjs/common';
import { CustomTransportStrategy, Server } from '@nestjs/microservices';
import { CORRELATION_ID_HEADER } from '@trace/contracts';
import { contractTopic, createKafka, ensureTopics, perishableTopics, prefixedTopics, topicSettingsOf } from '@trace/platform';
import { Admin, ConfigResourceTypes, Consumer, EachBatchPayload, IHeaders, Kafka, Message, Producer, ProducerRecord } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { chunkBySize, deadLetterMessage, requestBudget } from './dead-letters';
import { DeadLetter, IncomingBatch, IncomingMessage, RecordResult } from './incoming-batch';
import { TransientFailure } from '@trace/genealogy';
import type { IngestMetrics } from './ingest.metrics';

export interface KafkaBatchTransportOptions {
  brokers: string;
  clientId: string;
  groupId: string;
  topicPrefix: string;
  /** Partitions of each topic, when the transport has to create it. */
  topicPartitions: number;
  partitionsConsumedConcurrently: number;
  /** Bytes a fetch may bring, in all and of one partition (DEFAULT_FETCH when absent). */
  fetch?: FetchBytes;
  maxBackoffMs: number;
  /** A bound on one produce request of dead letters; the dead-letter topic's `max.message.bytes` is asked too, the smaller wins. */
  deadLetterMaxBytes?: number;
  /** On close (SIGTERM), how long the batches in flight may take to end before the consumer is left as it is. */
  shutdownTimeoutMs?: number;
  /** Called once when a failure no retry can fix stopped the consuming; the ingest's bootstrap exits the process. */
  onFatal: (error: unknown) => void;
}

/** The bounds of one fetch: kafkajs `maxBytes` (all partitions of a broker) and `maxBytesPerPartition`. */
export interface FetchBytes {
  maxBytes: number;
  maxBytesPerPartition: number;
}

/**
 * 48 MiB a fetch, 16 MiB a partition (kafkajs' own are 10 MiB and 1 MiB; the broker's `fetch.max.bytes` is 55 MiB).
 * kafkajs fetches from a broker again only once every batch of its last fetch is handled, so each fetch ends with
 * the recordings in flight draining to none, and the database idles until the next fetch is decoded and its first
 * slices validated: a backlog read in fewer, larger fetches drains less often (bench/README.md, ingest: a full run's
 * 117,040 events came in 22 batches with 10 and 4 MiB, 14 with these). The cost is memory, for each broker (kafkajs
 * fetches from every broker at once): up to a fetch's bytes, and the events parsed from them (about 1.8 times their
 * bytes), held while its batches are recorded.
 */
export const DEFAULT_FETCH: FetchBytes = { maxBytes: 48 * 1024 * 1024, maxBytesPerPartition: 16 * 1024 * 1024 };

/** The consumer settings of the ingest but its group (the bench's raw consumer reads with the same). */
export const consumerSettings = (fetch: FetchBytes = DEFAULT_FETCH) =>
  ({ sessionTimeout: 30_000, heartbeatInterval: 3_000, maxBytes: fetch.maxBytes, maxBytesPerPartition: fetch.maxBytesPerPartition, maxWaitTimeInMs: 200 }) as const;

/** What the transport needs of a batch (kafkajs' EachBatchPayload, or a fake in tests). */
export type BatchPayload = Pick<EachBatchPayload, 'resolveOffset' | 'heartbeat' | 'commitOffsetsIfNecessary' | 'isRunning' | 'isStale'> & {
  batch: Pick<EachBatchPayload['batch'], 'topic' | 'partition' | 'messages' | 'firstOffset' | 'lastOffset'> & Partial<Pick<EachBatchPayload['batch'], 'highWatermark'>>;
};

/** What the transport counts (the ingest's IngestMetrics). */
export type TransportMetrics = Pick<IngestMetrics, 'events' | 'batchSeconds' | 'deadLetters' | 'retries' | 'lag'>;

/** What the transport needs of a producer. */
export type DeadLetterProducer = Pick<Producer, 'send'>;

/** Used when the broker cannot be asked: Kafka's default `message.max.bytes` is 1,048,588. */
const FALLBACK_MAX_BYTES = 1_000_000;
/** How often a batch being recorded heartbeats (the consumer's heartbeatInterval; its session timeout is 30 s). */
const HEARTBEAT_WHILE_RECORDING_MS = 3_000;
/** Dead letters logged one by one per batch; the rest of a batch's are summed up in one line (all are on the topic). */
const LOGGED_PER_BATCH = 10;

/**
 * A NestJS transport over kafkajs `eachBatch`. Nest's own Kafka transport handles one message at a
 * time, has no dead-letter topic and retries a failing message forever; this one hands a whole batch of
 * a partition to the `@EventPattern(topic)` handler and then:
 * - sends what the handler refuses to the dead-letter topic, in produce requests under the topic's
 *   `max.message.bytes` (asked of the broker at start), each letter bounded (see deadLetterMessage);
 * - retries, with backoff and heartbeats, only failures known to be transient: a TransientFailure of
 *   the handler (the database cannot take the batch now) and kafkajs errors marked retriable (broker
 *   unavailable, leader elections, timeouts), also when kafkajs gave up retrying them itself;
 * - on any other failure commits nothing, stops consuming and calls `onFatal` (the process exits
 *   non-zero and the orchestrator restarts it): such a failure is a bug or a misconfiguration, and
 *   retrying it would loop forever in silence;
 * - commits a batch's offsets only after its effects (graph writes and dead letters) are durable, and
 *   abandons a batch uncommitted on rebalance or shutdown (its messages are delivered again).
 */
export class KafkaBatchTransport extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(KafkaBatchTransport.name);
  private kafka?: Kafka;
  private consumer?: Consumer;
  private producer?: DeadLetterProducer;
  private ownProducer?: Producer;
  private readonly topics: { sources: string[]; deadLetter: string };
  private maxRequestBytes: number;
  private fatal?: { error: unknown };
  private readonly stats = { events: 0, deadLetters: 0, batches: 0, retries: 0, since: Date.now() };
  private statsTimer?: NodeJS.Timeout;
  private metrics?: TransportMetrics;
  private inFlight = 0;

  /** `producer` replaces the Kafka producer of dead letters (tests, without a broker). */
  constructor(
    private readonly options: KafkaBatchTransportOptions,
    producer?: DeadLetterProducer,
  ) {
    super();
    this.topics = prefixedTopics(options.topicPrefix);
    this.producer = producer;
    this.maxRequestBytes = options.deadLetterMaxBytes ?? FALLBACK_MAX_BYTES;
  }

  /** Counts into these metrics from now on (the app's, known only once the app exists: the transport is made first). */
  useMetrics(metrics: TransportMetrics): void {
    this.metrics = metrics;
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  /**
   * Stops fetching and waits, at most `shutdownTimeoutMs`, for the batches in flight: one that finishes is committed
   * (its writes are durable), one cut short is abandoned uncommitted (handleBatch sees isRunning() false) and is
   * delivered again after the restart. Past the bound the consumer is left as it is: nothing more is committed, the
   * group's session times out, and the exit loses nothing either.
   */
  async close(): Promise<void> {
    if (this.statsTimer) clearInterval(this.statsTimer);
    const started = Date.now();
    const inFlight = this.inFlight;
    const bound = this.options.shutdownTimeoutMs ?? 10_000;
    let timer: NodeJS.Timeout | undefined;
    const stopped = await Promise.race([
      (this.consumer?.disconnect() ?? Promise.resolve()).then(() => true),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), bound))),
    ]);
    clearTimeout(timer);
    if (stopped) this.logger.log(`stopped consuming in ${Date.now() - started} ms (${inFlight} batches were in flight; the finished ones committed)`);
    else this.logger.warn(`batches still in flight after ${bound} ms (INGEST_SHUTDOWN_TIMEOUT_MS): stopping without them, their offsets uncommitted`);
    await this.ownProducer?.disconnect();
    this.logStats();
  }

  on(): never {
    throw new Error('KafkaBatchTransport does not support event listeners');
  }

  unwrap<T>(): T {
    return { kafka: this.kafka, consumer: this.consumer, producer: this.producer } as T;
  }

  private async start(): Promise<void> {
    const { sources, deadLetter } = this.topics;
    this.kafka = createKafka(this.options.clientId, this.options.brokers);
    await this.prepareTopics(this.kafka.admin(), [...sources, deadLetter]);
    const producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 30_000 } });
    await producer.connect();
    this.producer = this.ownProducer = producer;
    this.consumer = this.kafka.consumer({ groupId: this.options.groupId, ...consumerSettings(this.options.fetch) });
    // kafkajs restarts a crashed consumer for retriable errors; after any other it stops consuming, silently.
    this.consumer.on(this.consumer.events.CRASH, ({ payload }) => {
      if (!payload.restart) this.stop(payload.error, `consumer of group ${payload.groupId}`);
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: sources, fromBeginning: true });
    await this.consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.handleBatch(payload),
    });
    this.statsTimer = setInterval(() => this.logStats(), 10_000);
    this.statsTimer.unref();
    this.logger.log(
      `consuming ${sources.join(', ')} as group ${this.options.groupId}; dead letters to ${deadLetter} in requests of at most ${this.maxRequestBytes} bytes`,
    );
  }

  private async prepareTopics(admin: Admin, topics: string[]): Promise<void> {
    await admin.connect();
    try {
      const created = await ensureTopics(admin, topics, this.options.topicPartitions, 60_000, topicSettingsOf(this.options.topicPrefix));
      if (created.length > 0) this.logger.log(`created topics ${created.join(', ')} with ${this.options.topicPartitions} partitions`);
      await this.warnOfPerishableTopics(admin);
      this.maxRequestBytes = Math.min(this.options.deadLetterMaxBytes ?? Infinity, await this.askMaxMessageBytes(admin));
    } finally {
      await admin.disconnect();
    }
  }

  // A trace topic made elsewhere (by hand, by another tool, by a broker's defaults) may let the broker delete or compact
  // its records: the ingest goes on (the graph holds what it read), but the rebuild from the topics would lose them.
  private async warnOfPerishableTopics(admin: Admin): Promise<void> {
    try {
      for (const { topic, settings } of await perishableTopics(admin, this.topics.sources)) {
        this.logger.warn(
          `trace topic ${topic} lets the broker delete or compact its records (${settings.join(', ')}): traceability records must outlive the products, and the graph is rebuilt from these topics; set retention.ms=-1, retention.bytes=-1, cleanup.policy=delete on it`,
        );
      }
    } catch (error) {
      this.logger.warn(`could not read the retention of the trace topics (${describe(error)}); check that retention.ms=-1, retention.bytes=-1 and cleanup.policy=delete on ${this.topics.sources.join(', ')}`);
    }
  }

  // The dead-letter topic's effective max.message.bytes (its own setting, else the broker's message.max.bytes).
  private async askMaxMessageBytes(admin: Admin): Promise<number> {
    try {
      const { resources } = await admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: ConfigResourceTypes.TOPIC, name: this.topics.deadLetter, configNames: ['max.message.bytes'] }],
      });
      const value = Number(resources[0]?.configEntries.find((e) => e.configName === 'max.message.bytes')?.configValue);
      if (Number.isInteger(value) && value > 0) return value;
      throw new Error(`the broker answered ${JSON.stringify(resources[0]?.configEntries)}`);
    } catch (error) {
      const fallback = this.options.deadLetterMaxBytes ?? FALLBACK_MAX_BYTES;
      this.logger.warn(`could not read max.message.bytes of ${this.topics.deadLetter} (${describe(error)}); dead letters go out in requests of at most ${fallback} bytes`);
      return fallback;
    }
  }

  /** Records one batch of one partition (kafkajs' eachBatch); see the class comment for what happens on failure. */
  async handleBatch(payload: BatchPayload): Promise<void> {
    this.inFlight++;
    try {
      await this.recordBatch(payload);
    } finally {
      this.inFlight--;
    }
  }

  private async recordBatch(payload: BatchPayload): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    if (batch.messages.length === 0 || this.fatal) return;
    const topic = contractTopic(this.options.topicPrefix, batch.topic);
    const incoming: IncomingBatch = {
      topic,
      brokerTopic: batch.topic,
      partition: batch.partition,
      messages: batch.messages.map((m) => ({ offset: m.offset, key: m.key, value: m.value, headers: stringHeaders(m.headers) })),
    };
    const where = `${batch.topic}[${batch.partition}] offsets ${batch.firstOffset()}..${batch.lastOffset()}`;
    // Fields of the log lines about this batch, for a log collector to filter on.
    const at = { topic: batch.topic, partition: batch.partition, firstOffset: batch.firstOffset(), lastOffset: batch.lastOffset() };
    const handler = this.getHandlerByPattern(topic);
    if (!handler) return this.stop(new Error(`no handler for topic ${topic}`), where); // subscribed topics all have one: a wiring bug

    const timer = this.metrics?.batchSeconds.startTimer({ topic });
    for (let attempt = 1; ; attempt++) {
      // A batch abandoned here is not resolved: its messages are delivered again, to us or to another instance.
      if (this.fatal || !isRunning() || isStale()) return void timer?.({ outcome: 'abandoned' });
      try {
        const result = await this.whileHeartbeating(heartbeat, async () => lastValueFrom(this.transformToObservable<RecordResult>(await handler(incoming))));
        await this.deadLetter(incoming, result.deadLetters);
        this.stats.events += result.recorded;
        this.stats.batches++;
        for (const [type, n] of Object.entries(result.recordedByType ?? {})) this.metrics?.events.inc({ topic, type }, n);
        timer?.({ outcome: 'recorded' });
        break;
      } catch (error) {
        // Shutting down or rebalanced: whatever failed (a database client closing under the batch), the batch is
        // abandoned uncommitted, as above.
        if (!isRunning() || isStale()) return void timer?.({ outcome: 'abandoned' });
        if (!isTransient(error)) {
          timer?.({ outcome: 'failed' });
          return this.stop(error, where);
        }
        this.stats.retries++;
        this.metrics?.retries.inc({ topic });
        const wait = Math.min(this.options.maxBackoffMs, 250 * 2 ** Math.min(attempt, 10)) * (0.75 + Math.random() / 2);
        this.logger.warn({ ...at, attempt, msg: `${where}: attempt ${attempt} failed for now, retrying in ${Math.round(wait)} ms, nothing committed: ${describe(error)}` });
        await this.sleepWithHeartbeat(wait, heartbeat, isRunning);
      }
    }
    resolveOffset(batch.lastOffset());
    await commitOffsetsIfNecessary();
    if (batch.highWatermark !== undefined) {
      this.metrics?.lag.set({ topic, partition: String(batch.partition) }, Math.max(0, Number(batch.highWatermark) - Number(batch.lastOffset()) - 1));
    }
    await heartbeat();
  }

  // Stops consuming for good: no more batches are handled or committed, and the owner is told.
  private stop(error: unknown, where: string): void {
    if (this.fatal) return;
    this.fatal = { error };
    this.logger.error(`${where}: ${describe(error)}; a retry cannot fix this failure: nothing committed, consuming stops`);
    this.consumer?.pause(this.topics.sources.map((topic) => ({ topic })));
    this.options.onFatal(error);
  }

  private async deadLetter(batch: IncomingBatch, letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    this.logDeadLetters(batch, letters);
    const failedAt = new Date().toISOString();
    const budget = requestBudget(this.maxRequestBytes);
    const messages: Message[] = letters.map((l) => deadLetterMessage(l, batch, failedAt, budget));
    for (const chunk of chunkBySize(messages, budget)) {
      const record: ProducerRecord = { topic: this.topics.deadLetter, acks: -1, messages: chunk };
      await this.producer!.send(record);
    }
    this.stats.deadLetters += letters.length;
    for (const l of letters) this.metrics?.deadLetters.inc({ topic: batch.topic, reason: l.reason });
  }

  private logDeadLetters(batch: IncomingBatch, letters: DeadLetter[]): void {
    const cut = (s: string): string => (s.length > 300 ? `${s.slice(0, 300)}…` : s);
    for (const l of letters.slice(0, LOGGED_PER_BATCH)) {
      const correlationId = l.message.headers[CORRELATION_ID_HEADER];
      this.logger.warn({
        topic: batch.brokerTopic,
        partition: batch.partition,
        offset: l.message.offset,
        reason: l.reason,
        ...(correlationId !== undefined ? { correlationId: cut(correlationId) } : {}),
        msg:
          `dead-lettered ${batch.brokerTopic}[${batch.partition}]@${l.message.offset} key=${cut(l.message.key?.toString('utf8') ?? '(none)')}` +
          ` correlation=${cut(correlationId ?? '(none)')}: ${l.reason}: ${cut(l.errors.join('; '))}`,
      });
    }
    if (letters.length > LOGGED_PER_BATCH) {
      const rest = letters.slice(LOGGED_PER_BATCH);
      const reasons = new Map<string, number>();
      for (const l of rest) reasons.set(l.reason, (reasons.get(l.reason) ?? 0) + 1);
      this.logger.warn(
        `dead-lettered ${rest.length} more of ${batch.brokerTopic}[${batch.partition}] at offsets ${rest[0]!.message.offset}..${rest.at(-1)!.message.offset}: ` +
          [...reasons].map(([r, n]) => `${r} ×${n}`).join(', '),
      );
    }
  }

  // A large batch recorded slice after slice (waiting for slots shared with other partitions) may outlast the session
  // timeout; kafkajs heartbeats only when asked, so the transport asks every few seconds while the handler works.
  private async whileHeartbeating<T>(heartbeat: () => Promise<void>, work: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => void heartbeat().catch((e: unknown) => this.logger.warn(`heartbeat failed while recording a batch: ${describe(e)}`)), HEARTBEAT_WHILE_RECORDING_MS);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  private async sleepWithHeartbeat(ms: number, heartbeat: () => Promise<void>, isRunning: () => boolean): Promise<void> {
    const until = Date.now() + ms;
    while (Date.now() < until && isRunning()) {
      await new Promise((r) => setTimeout(r, Math.min(1_000, until - Date.now())));
      await heartbeat().catch((e: unknown) => this.logger.warn(`heartbeat failed while waiting to retry: ${describe(e)}`));
    }
  }

  private logStats(): void {
    const s = this.stats;
    if (s.batches === 0 && s.retries === 0) return;
    const seconds = (Date.now() - s.since) / 1000;
    this.logger.log(
      `recorded ${s.events} events in ${s.batches} batches (${Math.round(s.events / seconds)}/s), dead-lettered ${s.deadLetters}, retried ${s.retries} batches`,
    );
    Object.assign(s, { events: 0, deadLetters: 0, batches: 0, retries: 0, since: Date.now() });
  }
}

/**
 * Whether a retry can fix `error`: the handler's TransientFailure, or a kafkajs error marked retriable,
 * anywhere in its cause chain (kafkajs wraps a retriable error it gave up on in a non-retriable one).
 */
export function isTransient(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e instanceof Error && depth < 10; e = e.cause, depth++) {
    if (e instanceof TransientFailure) return true;
    if (e.name.startsWith('KafkaJS') && (e as { retriable?: unknown }).retriable === true) return true;
  }
  return false;
}

function stringHeaders(headers: IHeaders | undefined): IncomingMessage['headers'] {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers ?? {})) {
    if (v === undefined) continue;
    out[k] = Array.isArray(v) ? v.map(String).join(',') : v.toString();
  }
  return out;
}

const describe = (e: unknown): string =>
  e instanceof Error ? `${e.name}: ${e.message}${e.cause instanceof Error ? ` (cause: ${e.cause.message})` : ''}` : String(e);
