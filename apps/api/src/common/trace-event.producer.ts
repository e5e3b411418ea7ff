import { Injectable } from '@nestjs/common';
import { CORRELATION_ID_HEADER, EventType, TraceEventOf, parseEvent, toMessage } from '@trace/contracts';
import { KafkaClients, produceByTopic } from '@trace/platform';

/**
 * Publishes contract events to Kafka, for actions of the API whose effect is an event (a hold): the API never
 * writes the graph, the ingest records these like any shop-floor event. Each event is validated against the
 * contract before it leaves, as any consumer would.
 */
@Injectable()
export class TraceEventProducer {
  constructor(private readonly kafka: KafkaClients) {}

  /** Resolves once every event is acknowledged by all in-sync replicas. */
  async publish(events: TraceEventOf<EventType>[], correlationId: string): Promise<void> {
    for (const e of events) {
      const parsed = parseEvent(JSON.stringify(e));
      if (!parsed.ok) throw new Error(`refusing to publish an invalid ${e.type}: ${parsed.errors.join('; ')}`);
    }
    const producer = await this.kafka.producer();
    const messages = events.map((e) => ({ ...toMessage(e), headers: { [CORRELATION_ID_HEADER]: correlationId } }));
    await produceByTopic(producer, messages, this.kafka.topicPrefix);
  }
}
