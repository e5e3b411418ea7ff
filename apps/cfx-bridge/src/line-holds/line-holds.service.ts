import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import { CFX_EVENT_HEADERS, CFX_LINE_TOPIC, TOPICS, cfxLineKey, parseEvent } from '@trace/contracts';
import { KafkaClients, produceByTopic } from '@trace/platform';
import type { Consumer } from 'kafkajs';
import { Connection, EventContext, Sender, create_container, message as amqpMessage } from 'rhea';
import { amqpBodyBytes, connectionOptionsOf } from '../cfx-amqp.consumer';
import { deadLetterOf } from '../cfx-dead-letter';
import { LineRecord, lineRequestOf, lineResponseOf } from './line-requests';

/** What the holds need of the configuration; `requestAddress` absent: holds are not sent to the line. */
export interface LineHoldsOptions {
  url: string;
  requestAddress?: string;
  responseAddress: string;
  handle: string;
  target?: string;
  groupId: string;
}

export const LINE_HOLDS_OPTIONS = Symbol('LINE_HOLDS_OPTIONS');

/**
 * Holds to the line: reads trace.lot.v1 (its own consumer group), sends each status change made through our API as a
 * CFX Block/UnblockMaterialsRequest, waits for the broker to accept it, records it on trace.cfx-line.v1, and only
 * then lets the offset be committed; a crash resends the same request (same UniqueID). Responses arrive on the
 * request's reply-to address and are recorded there too, then accepted.
 */
@Injectable()
export class LineHolds implements OnApplicationShutdown {
  private readonly logger = new Logger(LineHolds.name);
  private connection?: Connection;
  private sender?: Sender;
  private consumer?: Consumer;
  private stopping = false;
  readonly counts = { requests: 0, responses: 0 };

  constructor(
    @Inject(LINE_HOLDS_OPTIONS) private readonly options: LineHoldsOptions,
    private readonly kafka: KafkaClients,
  ) {}

  /** Starts sending holds to the line, when CFX_REQUEST_ADDRESS is set (called by startCfxBridge, after the consumer). */
  async start(): Promise<void> {
    const { requestAddress } = this.options;
    if (requestAddress === undefined) return;
    const connection = create_container({ id: `cfx-bridge-holds-${process.pid}` }).connect(connectionOptionsOf(this.options.url));
    this.connection = connection;
    const ready = Promise.all([
      new Promise<Sender>((resolve) => {
        const sender = connection.open_sender({ target: { address: requestAddress } });
        sender.once('sendable', () => resolve(sender));
      }),
      new Promise<void>((resolve) => {
        const receiver = connection.open_receiver({ source: { address: this.options.responseAddress }, autoaccept: false, credit_window: 10 });
        receiver.once('receiver_open', () => resolve());
        receiver.on('message', (context: EventContext) => void this.record(context));
      }),
    ]);
    const timeout = new Promise<never>((_, reject) => setTimeout(() => reject(new Error(`no AMQP link to ${this.options.url}/${requestAddress} after 30 s`)), 30_000).unref());
    [this.sender] = await Promise.race([ready, timeout]);
    const consumer = this.kafka.kafka.consumer({ groupId: this.options.groupId });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, () => this.logger.log(`sending holds made through the API to ${this.options.url} address ${requestAddress}`));
    await consumer.connect();
    // Holds from now on: a new deployment does not replay the site's history of holds to the line.
    await consumer.subscribe({ topic: this.kafka.topic(TOPICS.lot), fromBeginning: false });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        const parsed = parseEvent(message.value, topic);
        if (!parsed.ok || parsed.event.type !== 'LotStatusChanged') return; // the ingest dead-letters what does not parse
        const request = lineRequestOf(parsed.event, { topic, partition, offset: message.offset }, this.options.handle, this.options.target, new Date());
        if (!request) return;
        await this.send(request.uniqueId, request.messageName, request.envelope);
        await this.produce(request.record);
        this.counts.requests++;
      },
    });
  }

  /** Sends one request and resolves once the broker accepted it; a refusal throws (the offset is not committed). */
  private send(uniqueId: string, messageName: string, envelope: Record<string, unknown>): Promise<void> {
    const sender = this.sender!;
    return new Promise<void>((resolve, reject) => {
      const delivery = sender.send({
        body: amqpMessage.data_section(Buffer.from(JSON.stringify(envelope))),
        durable: true,
        message_id: uniqueId,
        reply_to: this.options.responseAddress,
        content_type: 'application/json',
        application_properties: { 'cfx-topic': 'CFX.Materials.Management', 'cfx-message': messageName, 'cfx-handle': this.options.handle, ...(this.options.target ? { 'cfx-target': this.options.target } : {}) },
      });
      const outcomes = ['accepted', 'rejected', 'released', 'modified'] as const;
      const settled = (outcome: (typeof outcomes)[number]) => (context: EventContext): void => {
        if (context.delivery !== delivery) return;
        listeners.forEach((l, i) => sender.removeListener(outcomes[i]!, l));
        if (outcome === 'accepted') resolve();
        else reject(new Error(`the broker ${outcome} ${messageName} ${uniqueId}`));
      };
      const listeners = outcomes.map((o) => settled(o));
      listeners.forEach((l, i) => sender.on(outcomes[i]!, l));
    });
  }

  /** Records a line's response (or dead-letters one that is none), then accepts it. */
  private async record(context: EventContext): Promise<void> {
    const message = context.message;
    const delivery = context.delivery;
    if (!message || !delivery) return;
    const body = amqpBodyBytes(message.body) ?? Buffer.alloc(0);
    const correlationId = message.correlation_id === undefined ? undefined : String(message.correlation_id);
    const read = lineResponseOf(body, message.content_encoding, correlationId, new Date());
    try {
      if (read.ok) await this.produce(read.record);
      else {
        this.logger.warn(`dead-lettered a response from the line: ${read.reason} ${read.errors.join('; ')}`);
        await produceByTopic(await this.kafka.producer(), [deadLetterOf({ reason: read.reason, errors: read.errors }, body, { ...(message.message_id !== undefined ? { messageId: String(message.message_id) } : {}) }, new Date())], this.kafka.topicPrefix);
      }
      delivery.accept();
      this.counts.responses++;
    } catch (error) {
      // Unsettled: the broker redelivers it to the next bridge.
      if (!this.stopping) this.logger.error(`a response from the line was not recorded: ${(error as Error).message}`);
    }
  }

  private async produce(record: LineRecord): Promise<void> {
    await produceByTopic(await this.kafka.producer(), [{ topic: CFX_LINE_TOPIC, key: cfxLineKey(record), value: JSON.stringify(record), headers: { [CFX_EVENT_HEADERS.messageName]: record.messageName } }], this.kafka.topicPrefix);
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    await this.consumer?.disconnect().catch(() => undefined);
    this.connection?.close();
    this.connection?.removeAllListeners();
  }
}
