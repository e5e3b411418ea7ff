import { Inject, Injectable, OnModuleDestroy } from '@nestjs/common';
import { EventType, TraceEventOf, parseEvent, toMessage } from '@trace/contracts';
import { Producer } from 'kafkajs';

export const KAFKA_PRODUCER = Symbol('KAFKA_PRODUCER');
export const TOPIC_PREFIX = Symbol('TOPIC_PREFIX');

/**
 * Publishes contract events to Kafka, for actions of the API whose effect is an event (a hold): the API never
 * writes the graph, the ingest records these like any shop-floor event. Each event is validated against the
 * contract before it leaves, as any consumer would.
 */
@Injectable()
export class TraceEventProducer implements OnModuleDestroy {
  private connected?: Promise<void>;

  constructor(
    @Inject(KAFKA_PRODUCER) private readonly producer: Producer,
    @Inject(TOPIC_PREFIX) private readonly prefix: string,
  ) {}

  /** Resolves once every event is acknowledged by all in-sync replicas. */
  async publish(events: TraceEventOf<EventType>[], correlationId: string): Promise<void> {
    for (const e of events) {
      const parsed = parseEvent(JSON.stringify(e));
      if (!parsed.ok) throw new Error(`refusing to publish an invalid ${e.type}: ${parsed.errors.join('; ')}`);
    }
    this.connected ??= this.producer.connect();
    await this.connected.catch((e: unknown) => {
      this.connected = undefined;
      throw e;
    });
    const byTopic = new Map<string, { key: string; value: string; headers: Record<string, string> }[]>();
    for (const e of events) {
      const m = toMessage(e);
      const topic = this.prefix + m.topic;
      byTopic.set(topic, [...(byTopic.get(topic) ?? []), { key: m.key, value: m.value, headers: { 'correlation-id': correlationId } }]);
    }
    await this.producer.sendBatch({ acks: -1, topicMessages: [...byTopic].map(([topic, messages]) => ({ topic, messages })) });
  }

  async onModuleDestroy(): Promise<void> {
    await this.producer.disconnect();
  }
}
