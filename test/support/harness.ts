import { INestApplication, INestMicroservice } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { EventType, SOURCE_TOPICS, TraceEventOf, DEAD_LETTER_TOPIC, retractionMessageOf, toMessage } from '@trace/contracts';
import { ConsumerLag, MetricsServer, consumerLag, createKafka, ensureTopics, IDEMPOTENT_PRODUCER_RETRY, produceByTopic, readTopicToEnd, topicSettingsOf } from '@trace/platform';
import { Admin, Kafka, Producer, KafkaMessage } from 'kafkajs';
import mongoose from 'mongoose';
import { ApiKeysRepository, Role } from '@trace/access';
import { createApi } from '../../apps/api/src/bootstrap';
import { startIngest } from '../../apps/ingest/src/bootstrap';

/**
 * One isolated world per test file: its own topic prefix, consumer group and database on the shared
 * Kafka and MongoDB, so files run in parallel and in any order.
 */
export class TestWorld {
  readonly id = `t${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
  readonly env: NodeJS.ProcessEnv;
  readonly kafka: Kafka;
  private producer?: Producer;
  private admin?: Admin;
  private ingest?: INestMicroservice;
  private api?: INestApplication;
  apiUrl = '';
  /** A site-wide quality key, made when the API starts; sent by get/post unless told otherwise. */
  key = '';

  constructor(name: string) {
    const brokers = process.env.KAFKA_BROKERS;
    const mongoUrl = process.env.MONGO_URL;
    if (!brokers || !mongoUrl) throw new Error('KAFKA_BROKERS and MONGO_URL are not set: run the e2e tests through jest (npm run test), whose global setup provides them');
    // A shell's METRICS_PORT would have every app of every world bind the same port: a test that wants metrics sets it.
    const { METRICS_PORT: _shellMetricsPort, ...inherited } = process.env;
    this.env = {
      ...inherited,
      KAFKA_BROKERS: brokers,
      MONGO_URL: mongoUrl,
      MONGO_DB: `${name}_${this.id}`,
      MONGO_WRITE_CONCERN: process.env.MONGO_WRITE_CONCERN ?? '1',
      TOPIC_PREFIX: `${this.id}.`,
      KAFKA_GROUP_ID: `ingest-${this.id}`,
      INGEST_GROUP_ID: `ingest-${this.id}`, // the API reports this group's lag as freshness
      KAFKA_CLIENT_ID: `ingest-${this.id}`,
      API_PORT: '0',
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
      INGEST_MAX_BACKOFF_MS: '2000',
      // Report keys encrypted at rest, as in production: without it every world's API warns that they are not.
      REPORT_KEY_SECRET: process.env.REPORT_KEY_SECRET ?? `test-world-report-keys-${this.id}`,
    };
    this.kafka = createKafka(`test-${this.id}`, brokers);
  }

  topic(contractTopic: string): string {
    return `${this.env.TOPIC_PREFIX}${contractTopic}`;
  }

  private topicsReady?: Promise<void>;

  /** Creates the topics (as the ingest would) and waits for their leaders, so producing never races topic creation. */
  createTopics(): Promise<void> {
    this.topicsReady ??= (async () => {
      const wanted = [...SOURCE_TOPICS, DEAD_LETTER_TOPIC].map((t) => this.topic(t));
      await ensureTopics(await this.getAdmin(), wanted, 3, 30_000, topicSettingsOf(this.env.TOPIC_PREFIX!));
    })();
    return this.topicsReady;
  }

  async startIngest(): Promise<void> {
    this.ingest = await startIngest(this.env);
  }

  async stopIngest(): Promise<void> {
    await this.ingest?.close();
    this.ingest = undefined;
  }

  /** Runs the ingest as a separate OS process (to kill it for real); `preload`: modules it requires first (-r). */
  spawnIngest(env: NodeJS.ProcessEnv = {}, preload: string[] = []): ChildProcess {
    const root = join(__dirname, '..', '..');
    return spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', ...preload.flatMap((p) => ['-r', p]), 'apps/ingest/src/main.ts'], {
      cwd: root,
      env: { ...this.env, ...env, TS_NODE_PROJECT: join(root, 'tsconfig.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  }

  /**
   * Runs the API as a separate OS process (to signal it for real) on a free port of its own; `url` resolves once it
   * listens, `log()` is everything it wrote so far; `preload`: modules it requires first (-r).
   */
  spawnApi(env: NodeJS.ProcessEnv = {}, preload: string[] = []): { child: ChildProcess; url: Promise<string>; log: () => string } {
    const root = join(__dirname, '..', '..');
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', ...preload.flatMap((p) => ['-r', p]), 'apps/api/src/main.ts'], {
      cwd: root,
      env: { ...this.env, API_PORT: '0', LOG_LEVEL: 'log', ...env, TS_NODE_PROJECT: join(root, 'tsconfig.json') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let log = '';
    const url = new Promise<string>((resolve, reject) => {
      const seen = (d: Buffer): void => {
        log += d.toString();
        const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(log);
        if (m) resolve(m[1]!);
      };
      child.stdout?.on('data', seen);
      child.stderr?.on('data', seen);
      child.once('exit', (code, signal) => reject(new Error(`the API exited (${code ?? signal}) before it listened:\n${log.slice(-3000)}`)));
    });
    url.catch(() => undefined); // the caller awaits it; an exit after listening is no rejection to report
    return { child, url, log: () => log };
  }

  async startApi(): Promise<void> {
    const { app } = await createApi(this.env);
    await app.listen(0, '127.0.0.1');
    this.api = app;
    this.key = (await this.createKey('quality', '*', 'test harness')).key;
    this.apiUrl = `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}`;
  }

  /** The URLs of the apps' Prometheus endpoints (set METRICS_PORT in `env`, e.g. '0', before starting them). */
  metricsUrls(): { ingest: string; api: string } {
    return { ingest: this.ingest?.get(MetricsServer).url ?? '', api: this.api?.get(MetricsServer).url ?? '' };
  }

  /**
   * Produces events to their contract topics, keyed as the contract says. A retraction goes on the topic and key of
   * the event it retracts: that event is looked up among `events`, those produced before, and `retracted` (for a
   * retraction sent before the event it retracts).
   */
  async produce(events: TraceEventOf<EventType>[], retracted: TraceEventOf<EventType>[] = []): Promise<void> {
    for (const e of [...retracted, ...events]) this.produced.set(e.eventId, e);
    await this.produceRaw(
      events.map((e) => {
        if (e.type !== 'EventRetracted') return toMessage(e);
        const original = this.produced.get((e as TraceEventOf<'EventRetracted'>).data.retractedEventId);
        if (!original) throw new Error(`retraction ${e.eventId}: the event it retracts is unknown to the harness; pass it as \`retracted\``);
        return retractionMessageOf(e as TraceEventOf<'EventRetracted'>, original);
      }),
    );
  }
  private readonly produced = new Map<string, TraceEventOf<EventType>>();

  /** Produces raw messages (any bytes) to contract topics. */
  async produceRaw(messages: { topic: string; key?: string | null; value: string | Buffer | null; headers?: Record<string, string> }[]): Promise<void> {
    await this.createTopics();
    const producer = await this.getProducer();
    await produceByTopic(producer, messages.map((m) => ({ topic: m.topic, key: m.key ?? null, value: m.value, ...(m.headers ? { headers: m.headers } : {}) })), this.env.TOPIC_PREFIX);
  }

  /** Resolves once the ingest's group has committed every message produced so far on the source topics. */
  async waitForIngest(timeoutMs = 60_000): Promise<void> {
    const admin = await this.getAdmin();
    const topics = SOURCE_TOPICS.map((t) => this.topic(t));
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      let lag: ConsumerLag;
      try {
        lag = await consumerLag(admin, this.env.KAFKA_GROUP_ID!, topics);
      } catch (error) {
        // A broker busy electing leaders answers NOT_LEADER for a moment: ask again until the deadline.
        if (Date.now() > deadline) throw error;
        await sleep(200);
        continue;
      }
      const behind = lag.partitions.filter((p) => p.lag > 0);
      if (behind.length === 0) return;
      if (Date.now() > deadline) throw new Error(`ingest did not catch up within ${timeoutMs} ms: ${behind.length} partitions behind`);
      await sleep(200);
    }
  }

  /** Sum over partitions of the ingest group's committed offsets on a contract topic. */
  async committedOffset(contractTopic: string): Promise<number> {
    const admin = await this.getAdmin();
    const [entry] = await admin.fetchOffsets({ groupId: this.env.KAFKA_GROUP_ID!, topics: [this.topic(contractTopic)] });
    return (entry?.partitions ?? []).reduce((sum, p) => sum + Math.max(0, Number(p.offset)), 0);
  }

  /** Sum over partitions of the end offsets of a contract topic. */
  async endOffset(contractTopic: string): Promise<number> {
    const admin = await this.getAdmin();
    return (await admin.fetchTopicOffsets(this.topic(contractTopic))).reduce((sum, p) => sum + Number(p.high), 0);
  }

  /**
   * Reads the dead-letter topic from its start to the end offsets it has now, so it returns exactly the
   * letters produced so far (after waitForIngest: every letter of every committed message, since the ingest
   * commits only after its letters are acknowledged). Throws if the end is not reached in time.
   */
  async readDeadLetters({ timeoutMs = 60_000 }: { timeoutMs?: number } = {}): Promise<KafkaMessage[]> {
    await this.createTopics();
    const topic = this.topic(DEAD_LETTER_TOPIC);
    return readTopicToEnd(this.kafka, await this.getAdmin(), topic, `dlq-reader-${this.id}-${randomBytes(3).toString('hex')}`, timeoutMs);
  }

  /** Creates an API key directly in the world's database (as `npm run cli -- keys create` does). */
  async createKey(role: Role, brands: string[] | '*', label?: string): Promise<{ key: string; id: string }> {
    const { key, info } = await this.api!.get(ApiKeysRepository).create(role, brands, label);
    return { key, id: info.id };
  }

  /** Request headers with a key (the harness key unless another, or none with null). */
  headers(key: string | null = this.key, extra: Record<string, string> = {}): Record<string, string> {
    return { ...(key ? { authorization: `Bearer ${key}` } : {}), ...extra };
  }

  async get<T = any>(path: string, key: string | null = this.key): Promise<{ status: number; body: T; text: string }> {
    const res = await fetch(`${this.apiUrl}${path}`, { headers: this.headers(key) });
    const text = await res.text();
    return { status: res.status, body: parseBody(text) as T, text };
  }

  async post<T = any>(path: string, body: unknown, key: string | null = this.key): Promise<{ status: number; body: T; text: string }> {
    const res = await fetch(`${this.apiUrl}${path}`, {
      method: 'POST',
      headers: this.headers(key, { 'content-type': 'application/json' }),
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: parseBody(text) as T, text };
  }

  /** A direct connection to this world's database, for assertions on stored documents. */
  async db(): Promise<mongoose.mongo.Db> {
    const conn = await mongoose.createConnection(this.env.MONGO_URL!, { dbName: this.env.MONGO_DB }).asPromise();
    this.connections.push(conn);
    return conn.db!;
  }
  private connections: mongoose.Connection[] = [];

  async close(): Promise<void> {
    await Promise.allSettled([this.ingest?.close(), this.api?.close(), this.producer?.disconnect(), this.admin?.disconnect(), ...this.connections.map((c) => c.close())]);
  }

  private async getProducer(): Promise<Producer> {
    if (!this.producer) {
      this.producer = this.kafka.producer({ allowAutoTopicCreation: false, idempotent: true, maxInFlightRequests: 1, retry: IDEMPOTENT_PRODUCER_RETRY });
      await this.producer.connect();
    }
    return this.producer;
  }

  private async getAdmin(): Promise<Admin> {
    if (!this.admin) {
      this.admin = this.kafka.admin();
      await this.admin.connect();
    }
    return this.admin;
  }
}

const parseBody = (text: string): unknown => {
  if (!text) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text; // NDJSON or plain text
  }
};

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
