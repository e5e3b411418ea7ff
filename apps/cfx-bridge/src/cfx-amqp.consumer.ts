import { Inject, Injectable, Logger, OnApplicationShutdown, Optional } from '@nestjs/common';
import { toMessage } from '@trace/contracts';
import { KafkaClients, OutgoingMessage, produceByTopic } from '@trace/platform';
import { Connection, ConnectionOptions, EventContext, create_container } from 'rhea';
import { CfxBridgeMetrics } from './cfx-bridge.metrics';
import { deadLetterOf } from './cfx-dead-letter';
import { CFX_STATE_TOPIC, stateKeyOf } from './line-state/line-state';
import { LineStateStore } from './line-state/line-state.store';
import { MapCfxMessage } from './map-cfx-message/map-cfx-message.use-case';

/** What the consumer needs of the configuration. */
export interface CfxAmqpOptions {
  url: string;
  address: string;
  prefetch: number;
  maxBackoffMs: number;
}

export const CFX_AMQP_OPTIONS = Symbol('CFX_AMQP_OPTIONS');

/** Counts of what the bridge did, for logs and tests. */
export interface CfxBridgeCounts {
  messages: number;
  events: number;
  deadLetters: number;
  /** Records written to the bridge's state topic (work orders, panels). */
  stateRecords: number;
  /** Messages of CFX the bridge does not map, by MessageName: counted, not dead-lettered. */
  unused: Record<string, number>;
}

/** The bytes of an AMQP body: a data section (or several), a binary value, or a string value as UTF-8. */
export function amqpBodyBytes(body: unknown): Buffer | undefined {
  if (Buffer.isBuffer(body)) return body;
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body !== null && typeof body === 'object' && (body as { typecode?: unknown }).typecode === 0x75) {
    const content = (body as { content: unknown }).content;
    if (Buffer.isBuffer(content)) return content;
    if (Array.isArray(content) && content.every((c) => Buffer.isBuffer(c))) return Buffer.concat(content);
  }
  return undefined;
}

/** rhea's connection options of an amqp[s]:// URL. */
export function connectionOptionsOf(url: string): ConnectionOptions {
  const u = new URL(url);
  const tls = u.protocol === 'amqps:';
  const options: ConnectionOptions = {
    host: u.hostname,
    port: u.port ? Number(u.port) : tls ? 5671 : 5672,
    reconnect: true,
    initial_reconnect_delay: 200,
    max_reconnect_delay: 5_000,
  };
  if (u.username) Object.assign(options, { username: decodeURIComponent(u.username), password: decodeURIComponent(u.password) });
  if (tls) Object.assign(options, { transport: 'tls' });
  return options;
}

/**
 * Thin plumbing: takes AMQP messages one at a time in arrival order, lets the mapper make events, produces them with
 * acks=all and accepts the AMQP message only then. Kafka down is transient: the message stays unsettled and the
 * produce is retried with backoff (a crash meanwhile leaves it to the broker to redeliver). CFX that can never map is
 * dead-lettered, then accepted.
 */
@Injectable()
export class CfxAmqpConsumer implements OnApplicationShutdown {
  private readonly logger = new Logger(CfxAmqpConsumer.name);
  private connection?: Connection;
  private chain: Promise<void> = Promise.resolve();
  private readonly pending: EventContext[] = [];
  /** When each delivery in hand reached the bridge (for the handling-time histogram). */
  private readonly arrivedAt = new WeakMap<object, number>();
  private draining = false;
  private stopping = false;
  readonly counts: CfxBridgeCounts = { messages: 0, events: 0, deadLetters: 0, stateRecords: 0, unused: {} };

  constructor(
    @Inject(CFX_AMQP_OPTIONS) private readonly options: CfxAmqpOptions,
    private readonly kafka: KafkaClients,
    private readonly mapCfxMessage: MapCfxMessage,
    @Optional() @Inject(LineStateStore) private readonly stateStore?: Pick<LineStateStore, 'load'>,
    @Optional() private readonly metrics?: CfxBridgeMetrics,
  ) {}

  /** Starts consuming (startCfxBridge calls it once the topics exist and pino logs: not a lifecycle hook, which runs before both). */
  async start(): Promise<void> {
    await this.kafka.producer(); // fail fast at start if Kafka is unreachable: nothing could be accepted anyway
    await this.stateStore?.load(); // the work orders and panels of earlier messages, before the first new one maps
    const connection = create_container({ id: `cfx-bridge-${process.pid}` }).connect(connectionOptionsOf(this.options.url));
    this.connection = connection;
    connection.on('disconnected', (context: EventContext) => {
      if (!this.stopping) this.logger.warn(`AMQP connection to ${this.options.url} lost (${context.error?.message ?? 'closed'}); reconnecting`);
    });
    // A broker stopped with the bridge (Ctrl-C reaches both) closes the connection by force: no error then.
    connection.on('connection_error', (context: EventContext) => {
      if (!this.stopping) this.logger.error(`AMQP connection error: ${JSON.stringify(context.connection.error ?? null)}`);
    });
    let opened = (): void => undefined;
    const open = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no AMQP receiver on ${this.options.url}/${this.options.address} after 30 s`)), 30_000);
      opened = () => {
        clearTimeout(timer);
        resolve();
      };
    });
    // Credit is given back one by one as messages are accepted, so unsettled messages never exceed the prefetch.
    const receiver = connection.open_receiver({ source: { address: this.options.address }, autoaccept: false, credit_window: 0 });
    // rhea sets a link's credit to 0 when it reconnects: top it up at every open, the first and after a reconnect.
    receiver.on('receiver_open', (context: EventContext) => {
      const held = (context.receiver as unknown as { credit?: number } | undefined)?.credit ?? 0;
      if (held < this.options.prefetch) context.receiver?.add_credit(this.options.prefetch - held);
      opened(); // here, not on the connection: rhea passes a link's event up only when the link has no listener for it
    });
    // Messages that arrive while a batch is produced wait for the next one: under load a batch holds every message in
    // hand (at most the prefetch), so one Kafka round trip serves many; alone, a message goes at once.
    receiver.on('message', (context: EventContext) => {
      if (context.delivery) this.arrivedAt.set(context.delivery, performance.now());
      this.pending.push(context);
      this.drain();
    });
    await open;
    this.logger.log(`consuming CFX from ${this.options.url} address ${this.options.address}`);
  }

  /**
   * Relays what is pending, batch after batch, unless a drain is already under way: messages that arrive while a batch
   * is produced wait for the next one, so under load one Kafka round trip serves every message in hand (at most the
   * prefetch), and a message alone goes at once.
   */
  private drain(): void {
    if (this.draining) return;
    this.draining = true;
    this.chain = this.chain
      .then(async () => {
        while (this.pending.length > 0) await this.relayAll(this.pending.splice(0, this.pending.length));
      })
      .catch((error: unknown) => {
        // Left unsettled: the broker redelivers them after a restart. Later messages go on.
        if (!this.stopping) this.logger.error(`CFX messages not handled: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
      })
      .finally(() => {
        this.draining = false;
        if (this.pending.length > 0 && !this.stopping) this.drain(); // one that came as the loop ended
      });
  }

  /** Maps one delivery, produces what it makes, and only then accepts it (public for the small tests). */
  relay(context: Pick<EventContext, 'message' | 'delivery' | 'receiver'>): Promise<void> {
    return this.relayAll([context]);
  }

  /**
   * Maps deliveries in arrival order, produces everything they make in one batch (acks=all), and only then accepts
   * each, in the same order, giving its credit back.
   */
  async relayAll(contexts: Pick<EventContext, 'message' | 'delivery' | 'receiver'>[]): Promise<void> {
    if (this.stopping) return; // unsettled: the broker redelivers them
    const started = performance.now();
    const out: OutgoingMessage[] = [];
    const produced: string[] = []; // event types, counted once Kafka has them
    const refused: string[] = []; // reasons, likewise
    const unused: string[] = [];
    const remembered: string[] = []; // kinds of state records, likewise
    const now = new Date();
    const taken: Pick<EventContext, 'delivery' | 'receiver'>[] = [];
    const ids: string[] = [];
    for (const context of contexts) {
      const message = context.message;
      if (!message || !context.delivery) continue;
      taken.push(context);
      const messageId = message.message_id === undefined ? undefined : String(message.message_id);
      if (messageId !== undefined) ids.push(messageId);
      const contentEncoding = message.content_encoding;
      const body = amqpBodyBytes(message.body);
      if (body === undefined) {
        out.push(deadLetterOf({ reason: 'INVALID_JSON', errors: ['the AMQP body is no data section, binary or string'] }, Buffer.alloc(0), { messageId, contentEncoding }, now));
        this.logger.warn({ amqpMessageId: messageId, reason: 'INVALID_JSON', msg: `dead-lettered CFX (AMQP message ${messageId ?? '?'}): INVALID_JSON the AMQP body is no data section, binary or string` });
        this.counts.deadLetters++;
        refused.push('INVALID_JSON');
        continue;
      }
      const mapped = this.mapCfxMessage.execute({ body, contentEncoding });
      // The state records go in the same batch as the events: acknowledged before the message is accepted, like them.
      for (const record of mapped.state) {
        out.push({ topic: CFX_STATE_TOPIC, key: stateKeyOf(record), value: JSON.stringify(record), headers: { 'cfx-unique-id': record.uniqueId } });
        remembered.push(record.kind);
      }
      for (const { event, headers } of mapped.events) {
        out.push({ ...toMessage(event), headers });
        produced.push(event.type);
      }
      for (const refusal of mapped.refusals) {
        out.push(deadLetterOf(refusal, body, { messageId, contentEncoding }, now));
        refused.push(refusal.reason);
        this.logger.warn({
          amqpMessageId: messageId,
          ...(refusal.uniqueId !== undefined ? { uniqueId: refusal.uniqueId } : {}),
          ...(refusal.messageName !== undefined ? { messageName: refusal.messageName } : {}),
          reason: refusal.reason,
          msg: `dead-lettered CFX (AMQP message ${messageId ?? '?'}${refusal.uniqueId ? `, UniqueID ${refusal.uniqueId}` : ''}): ${refusal.reason} ${refusal.errors.join('; ')}`,
        });
      }
      for (const name of mapped.unused) this.counts.unused[name] = (this.counts.unused[name] ?? 0) + 1;
      unused.push(...mapped.unused);
      this.counts.events += mapped.events.length;
      this.counts.deadLetters += mapped.refusals.length;
      this.counts.stateRecords += mapped.state.length;
    }
    if (taken.length === 0) return;
    await this.produce(out, ids.length === 1 ? ids[0] : `${ids[0] ?? '?'} and ${taken.length - 1} more`);
    if (this.stopping && !this.connection?.is_open()) return; // the broker redelivers what was not accepted
    const accepted = performance.now();
    for (const context of taken) {
      context.delivery!.accept();
      this.counts.messages++;
      context.receiver?.add_credit(1);
      this.metrics?.handlingSeconds.observe((accepted - (this.arrivedAt.get(context.delivery!) ?? started)) / 1000);
    }
    if (this.metrics) {
      this.metrics.accepted.inc(taken.length);
      for (const type of produced) this.metrics.events.inc({ type });
      for (const reason of refused) this.metrics.deadLetters.inc({ reason });
      for (const name of unused) this.metrics.unused(name);
      for (const kind of remembered) this.metrics.stateRecords.inc({ kind });
    }
  }

  /** Produces until Kafka acknowledged every message (acks=all), backing off while it refuses. */
  private async produce(messages: OutgoingMessage[], messageId: string | undefined): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      try {
        await produceByTopic(await this.kafka.producer(), messages, this.kafka.topicPrefix);
        return;
      } catch (error) {
        if (this.stopping) throw error;
        const wait = Math.min(this.options.maxBackoffMs, 200 * 2 ** Math.min(attempt, 10));
        this.logger.warn({ amqpMessageId: messageId, attempt: attempt + 1, msg: `Kafka refused the events of AMQP message ${messageId ?? '?'} (attempt ${attempt + 1}); retrying in ${wait} ms: ${(error as Error).message}` });
        await new Promise((resolve) => setTimeout(resolve, wait));
      }
    }
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.chain.catch(() => undefined); // what is in hand finishes: produced and accepted, or left to the broker
    const connection = this.connection;
    if (connection?.is_open()) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 2_000);
        connection.once('connection_close', () => {
          clearTimeout(timer);
          resolve();
        });
        connection.close();
      });
    }
    connection?.removeAllListeners();
    this.logger.log({ counts: this.counts, msg: `stopped: ${JSON.stringify(this.counts)}` });
  }
}
