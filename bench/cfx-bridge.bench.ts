/**
 * The CFX bridge's rate against its ceiling, in one run: the raw AMQP consume rate (the same broker, queue depth,
 * credit, one-by-one acceptance, gunzip and JSON.parse, nothing else) and the bridge's (map, produce to Kafka with
 * acks=all, then accept), both over the same recorded messages preloaded into a queue of their own. Runs inside
 * `npm run bench`, or alone: `npx ts-node --transpile-only -r tsconfig-paths/register bench/cfx-bridge.bench.ts [messages]`.
 */
import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { Connection, EventContext, create_container, message as amqpMessage } from 'rhea';
import { startCfxBridge } from '../apps/cfx-bridge/src/bootstrap';
import { CfxAmqpConsumer } from '../apps/cfx-bridge/src/cfx-amqp.consumer';
import { ensureJars, startLocalAmqp, startLocalStack } from '../test/stack/local-stack';

export interface CfxBridgeFigures {
  messages: number;
  eventsPerMessage: number;
  prefetch: number;
  /** CFX messages/s the raw consumer accepted. */
  rawRate: number;
  /** CFX messages/s the bridge accepted, each after Kafka acknowledged its events. */
  bridgeRate: number;
  /** Contract events/s the bridge produced. */
  bridgeEventRate: number;
}

const MATERIALS_PER_MESSAGE = 4;
const PREFETCH = 100;

/** A recorded placement message as a placer sends it: 4 installed materials (one a sub-assembly), gzip, offsets. */
function recorded(n: number): Buffer {
  const at = new Date(Date.UTC(2026, 10, 2, 6, 0, 0, n * 10)).toISOString().slice(0, 23);
  const envelope = {
    MessageName: 'CFX.Production.Assembly.MaterialsInstalled', Version: '2.1', TimeStamp: `${at}0000-04:00`, UniqueID: randomUUID(),
    Source: 'SMTPlus.Line1.Placer1', Target: null, RequestID: null,
    MessageBody: {
      $type: 'CFX.Production.Assembly.MaterialsInstalled, CFX',
      TransactionId: randomUUID(),
      InstalledMaterials: Array.from({ length: MATERIALS_PER_MESSAGE }, (_, i) => ({
        UnitIdentifier: `BENCH-${Math.floor(n / 4)}-${n % 4}`, UnitPositionNumber: n % 4, QuantityInstalled: 2, QuantityNonInstalled: 0,
        Material: { UniqueIdentifier: `REEL-${i}`, InternalPartNumber: `IPN-${i}`, Quantity: 4000 - n, ...(i === 3 ? { GreyZone: 2, LeadingMaterialPackage: { UniqueIdentifier: 'REEL-9' } } : {}) },
        CarrierLocation: { LocationIdentifier: `FDR-${i}`, LocationName: `1/${i}` },
        InstalledComponents: [
          { $type: 'CFX.Structures.SMTPlacement.SMTInstalledComponent, CFX', ReferenceDesignator: `C${i * 2 + 1}`, InstallationTime: `${at}0000-04:00` },
          { $type: 'CFX.Structures.SMTPlacement.SMTInstalledComponent, CFX', ReferenceDesignator: `C${i * 2 + 2}`, InstallationTime: `${at}0000-04:00` },
        ],
        NonInstalledComponents: [],
        ...(i === 2 ? { ReferencePartNumber: 'IPN-BOM-2' } : {}),
      })),
    },
  };
  return gzipSync(Buffer.from(JSON.stringify(envelope)));
}

const connect = (url: string): Connection => {
  const u = new URL(url);
  return create_container().connect({ host: u.hostname, port: Number(u.port), reconnect: false });
};

/** Puts the messages into `address` and resolves once the broker accepted each (durable, as the SDK sends). */
async function preload(url: string, address: string, bodies: Buffer[]): Promise<void> {
  const connection = connect(url);
  const sender = connection.open_sender({ target: { address } });
  await new Promise<void>((resolve, reject) => {
    let sent = 0;
    let accepted = 0;
    const pump = (): void => {
      while (sent < bodies.length && sender.sendable()) {
        sender.send({ body: amqpMessage.data_section(bodies[sent++]!), durable: true, message_id: randomUUID(), content_encoding: 'gzip' });
      }
    };
    sender.on('sendable', pump);
    sender.on('accepted', () => {
      if (++accepted === bodies.length) resolve();
    });
    sender.on('rejected', () => reject(new Error('the broker rejected a message')));
  });
  connection.close();
}

/** The raw consume rate: credit `prefetch` given back one by one, each message inflated and parsed, then accepted. */
async function rawConsume(url: string, address: string, count: number): Promise<number> {
  const connection = connect(url);
  let first = 0;
  let n = 0;
  const seconds = await new Promise<number>((resolve) => {
    const receiver = connection.open_receiver({ source: { address }, autoaccept: false, credit_window: 0 });
    receiver.once('receiver_open', () => receiver.add_credit(PREFETCH));
    receiver.on('message', (c: EventContext) => {
      JSON.parse(gunzipSync((c.message!.body as { content: Buffer }).content).toString('utf8'));
      c.delivery!.accept();
      receiver.add_credit(1);
      if (++n === 1) first = performance.now();
      if (n === count) resolve((performance.now() - first) / 1000);
    });
  });
  connection.close();
  return (count - 1) / seconds;
}

/** The bridge's rate over the same messages: from its first accepted message to its last. */
async function bridgeConsume(env: NodeJS.ProcessEnv, count: number): Promise<{ rate: number; events: number }> {
  const app = await startCfxBridge(env);
  try {
    const counts = app.get(CfxAmqpConsumer).counts;
    let first = 0;
    for (;;) {
      if (first === 0 && counts.messages >= 1) first = performance.now();
      if (counts.messages >= count) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const seconds = (performance.now() - first) / 1000;
    return { rate: (count - 1) / seconds, events: (counts.events * (count - 1)) / count / seconds };
  } finally {
    await app.close();
  }
}

/** Both rates in one run, on a broker of its own (`amqpUrl`) and the given Kafka. */
export async function benchCfxBridge(ctx: { brokers: string; amqpUrl: string; runId: string; log: (line: string) => void }, messages: number): Promise<CfxBridgeFigures> {
  const bodies = Array.from({ length: messages }, (_, n) => recorded(n));
  const raw = `bench.raw.${ctx.runId}`;
  const bridged = `bench.bridge.${ctx.runId}`;
  ctx.log(`CFX: preloading ${messages} MaterialsInstalled messages into two queues`);
  await preload(ctx.amqpUrl, raw, bodies);
  await preload(ctx.amqpUrl, bridged, bodies);
  ctx.log('CFX: raw AMQP consume');
  const rawRate = await rawConsume(ctx.amqpUrl, raw, messages);
  ctx.log('CFX: the bridge');
  const bridge = await bridgeConsume({
    ...process.env,
    KAFKA_BROKERS: ctx.brokers,
    TOPIC_PREFIX: `bench-${ctx.runId}-cfx.`,
    CFX_AMQP_URL: ctx.amqpUrl,
    CFX_ADDRESS: bridged,
    CFX_PREFETCH: String(PREFETCH),
    KAFKA_CLIENT_ID: `bench-cfx-${ctx.runId}`,
    LOG_LEVEL: 'warn',
    METRICS_PORT: '', // the bridge now serves /metrics when set: not on a port the shell's environment may give another app
  }, messages);
  return { messages, eventsPerMessage: MATERIALS_PER_MESSAGE, prefetch: PREFETCH, rawRate, bridgeRate: bridge.rate, bridgeEventRate: bridge.events };
}

/** The broker the bench starts (Artemis, as the tests do), on BENCH_AMQP_PORT. */
export async function benchAmqp(): Promise<{ url: string; stop(): Promise<void> }> {
  if (process.env.CFX_AMQP_URL) return { url: process.env.CFX_AMQP_URL, stop: async () => undefined };
  await ensureJars();
  return startLocalAmqp({ name: 'bench', port: Number(process.env.BENCH_AMQP_PORT ?? 29672), portEnv: 'BENCH_AMQP_PORT' });
}

if (require.main === module) {
  const log = (line: string): void => void process.stderr.write(`[bench] ${line}\n`);
  void (async () => {
    await ensureJars();
    const stack = process.env.KAFKA_BROKERS
      ? undefined
      : await startLocalStack({
          name: 'bench', kafkaPort: Number(process.env.BENCH_KAFKA_PORT ?? 29092), controllerPort: Number(process.env.BENCH_KAFKA_CONTROLLER_PORT ?? 29093),
          mongoPort: Number(process.env.BENCH_MONGO_PORT ?? 27019), portEnv: { kafka: 'BENCH_KAFKA_PORT', controller: 'BENCH_KAFKA_CONTROLLER_PORT', mongo: 'BENCH_MONGO_PORT' },
        });
    const amqp = await benchAmqp();
    try {
      const f = await benchCfxBridge({ brokers: process.env.KAFKA_BROKERS ?? stack!.kafkaBrokers, amqpUrl: amqp.url, runId: Date.now().toString(36), log }, Number(process.argv[2] ?? 3000));
      process.stdout.write(`${JSON.stringify(f, null, 2)}\nbridge / raw consume: ${(f.bridgeRate / f.rawRate).toFixed(2)}\n`);
    } finally {
      await amqp.stop();
      await stack?.stop();
    }
  })().then(() => process.exit(0), (e: unknown) => {
    log(`failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    process.exit(1);
  });
}
