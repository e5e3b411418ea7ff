import { Logger } from '@nestjs/common';
import { BaseRpcContext, CustomTransportStrategy, Server } from '@nestjs/microservices';
import { DEAD_LETTER_HEADERS } from '@trace/contracts';
import { contractTopic, createKafka, ensureTopics, prefixedTopics } from '@trace/platform';
import { Admin, Consumer, EachBatchPayload, IHeaders, Kafka, Producer } from 'kafkajs';
import { lastValueFrom } from 'rxjs';
import { DeadLetter, IncomingBatch, IncomingMessage, RecordResult } from './incoming-batch';

export interface KafkaBatchTransportOptions {
  brokers: string;
  clientId: string;
  groupId: string;
  topicPrefix: string;
  /** Partitions of each topic, when the transport has to create it. */
  topicPartitions: number;
  partitionsConsumedConcurrently: number;
  maxBackoffMs: number;
}

/** The context a batch handler gets: which partition it is reading. */
export class KafkaBatchContext extends BaseRpcContext<[{ topic: string; partition: number; firstOffset: string; lastOffset: string }]> {}

/**
 * A NestJS transport over kafkajs `eachBatch`. Nest's own Kafka transport handles one message at a
 * time, has no dead-letter topic and retries a failing message forever; this one hands a whole batch
 * of a partition to the `@EventPattern(topic)` handler, dead-letters what the handler refuses, retries
 * transient failures with backoff while heartbeating, and commits a batch's offsets only after its
 * effects (graph writes and dead letters) are durable.
 */
export class KafkaBatchTransport extends Server implements CustomTransportStrategy {
  protected override readonly logger = new Logger(KafkaBatchTransport.name);
  private kafka?: Kafka;
  private consumer?: Consumer;
  private producer?: Producer;
  private readonly stats = { events: 0, deadLetters: 0, batches: 0, retries: 0, since: Date.now() };
  private statsTimer?: NodeJS.Timeout;

  constructor(private readonly options: KafkaBatchTransportOptions) {
    super();
  }

  async listen(callback: (error?: unknown) => void): Promise<void> {
    try {
      await this.start();
      callback();
    } catch (error) {
      callback(error);
    }
  }

  async close(): Promise<void> {
    if (this.statsTimer) clearInterval(this.statsTimer);
    // Stopping the consumer waits for the batch in flight; its offsets are committed only if it finished.
    await this.consumer?.disconnect();
    await this.producer?.disconnect();
    this.logStats();
  }

  on(): never {
    throw new Error('KafkaBatchTransport does not support event listeners');
  }

  unwrap<T>(): T {
    return { kafka: this.kafka, consumer: this.consumer, producer: this.producer } as T;
  }

  private async start(): Promise<void> {
    const { sources, deadLetter } = prefixedTopics(this.options.topicPrefix);
    this.kafka = createKafka(this.options.clientId, this.options.brokers);
    await this.ensureTopics(this.kafka.admin(), [...sources, deadLetter]);
    this.producer = this.kafka.producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: Number.MAX_SAFE_INTEGER, maxRetryTime: 30_000 } });
    await this.producer.connect();
    this.consumer = this.kafka.consumer({
      groupId: this.options.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      maxBytesPerPartition: 4 * 1024 * 1024,
      maxWaitTimeInMs: 200,
    });
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: sources, fromBeginning: true });
    await this.consumer.run({
      autoCommit: true,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: (payload) => this.onBatch(payload, deadLetter),
    });
    this.statsTimer = setInterval(() => this.logStats(), 10_000);
    this.statsTimer.unref();
    this.logger.log(`consuming ${sources.join(', ')} as group ${this.options.groupId}; dead letters to ${deadLetter}`);
  }

  private async ensureTopics(admin: Admin, topics: string[]): Promise<void> {
    await admin.connect();
    try {
      const created = await ensureTopics(admin, topics, this.options.topicPartitions);
      if (created.length > 0) this.logger.log(`created topics ${created.join(', ')} with ${this.options.topicPartitions} partitions`);
    } finally {
      await admin.disconnect();
    }
  }

  private async onBatch(payload: EachBatchPayload, deadLetterTopic: string): Promise<void> {
    const { batch, resolveOffset, heartbeat, commitOffsetsIfNecessary, isRunning, isStale } = payload;
    if (batch.messages.length === 0) return;
    const topic = contractTopic(this.options.topicPrefix, batch.topic);
    const incoming: IncomingBatch = {
      topic,
      brokerTopic: batch.topic,
      partition: batch.partition,
      messages: batch.messages.map((m) => ({ offset: m.offset, key: m.key, value: m.value, headers: stringHeaders(m.headers) })),
    };
    const where = `${batch.topic}[${batch.partition}] offsets ${batch.firstOffset()}..${batch.lastOffset()}`;
    const handler = this.getHandlerByPattern(topic);
    if (!handler) throw new Error(`no handler for topic ${topic}`); // subscribed topics all have one: a wiring bug

    for (let attempt = 1; ; attempt++) {
      // A batch abandoned here is not resolved: its messages are delivered again, to us or to another instance.
      if (!isRunning() || isStale()) return;
      try {
        const context = new KafkaBatchContext([{ topic, partition: batch.partition, firstOffset: batch.firstOffset() ?? '', lastOffset: batch.lastOffset() }]);
        const result = await lastValueFrom(this.transformToObservable<RecordResult>(await handler(incoming, context)));
        await this.deadLetter(deadLetterTopic, incoming, result.deadLetters);
        this.stats.events += result.recorded;
        this.stats.batches++;
        break;
      } catch (error) {
        this.stats.retries++;
        const wait = Math.min(this.options.maxBackoffMs, 250 * 2 ** Math.min(attempt, 10)) * (0.75 + Math.random() / 2);
        this.logger.error(`${where}: attempt ${attempt} failed, retrying in ${Math.round(wait)} ms, nothing committed: ${describe(error)}`);
        await this.sleepWithHeartbeat(wait, heartbeat, isRunning);
      }
    }
    resolveOffset(batch.lastOffset());
    await commitOffsetsIfNecessary();
    await heartbeat();
  }

  private async deadLetter(topic: string, batch: IncomingBatch, letters: DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const failedAt = new Date().toISOString();
    for (const l of letters) {
      this.logger.warn(
        `dead-lettered ${batch.brokerTopic}[${batch.partition}]@${l.message.offset} key=${l.message.key?.toString('utf8') ?? '(none)'}` +
          ` correlation=${l.message.headers['correlation-id'] ?? '(none)'}: ${l.reason}: ${l.errors.join('; ')}`,
      );
    }
    await this.producer!.send({
      topic,
      acks: -1,
      messages: letters.map((l) => ({
        key: l.message.key,
        value: l.message.value,
        headers: {
          ...l.message.headers,
          [DEAD_LETTER_HEADERS.reason]: l.reason,
          [DEAD_LETTER_HEADERS.errors]: JSON.stringify(l.errors),
          [DEAD_LETTER_HEADERS.topic]: batch.brokerTopic,
          [DEAD_LETTER_HEADERS.partition]: String(batch.partition),
          [DEAD_LETTER_HEADERS.offset]: l.message.offset,
          ...(l.message.key ? { [DEAD_LETTER_HEADERS.key]: l.message.key } : {}),
          [DEAD_LETTER_HEADERS.failedAt]: failedAt,
        },
      })),
    });
    this.stats.deadLetters += letters.length;
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
