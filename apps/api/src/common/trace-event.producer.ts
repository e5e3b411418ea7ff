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

  /**
   * Resolves once every event is acknowledged by all in-sync replicas; rejects with PublishTimeoutError (a 503) when
   * that takes longer than PUBLISH_DEADLINE_MS. kafkajs retries an idempotent send without limit, so the caller
   * bounds the wait; the send itself goes on and may still be written (once), as a send whose retries ran out could.
   */
  async publish(events: TraceEventOf<EventType>[], correlationId: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PublishTimeoutError(PUBLISH_DEADLINE_MS)), PUBLISH_DEADLINE_MS);
    });
    try {
      await Promise.race([this.send(events, correlationId), deadline]);
    } finally {
      clearTimeout(timer);
    }
  }

  private async send(events: TraceEventOf<EventType>[], correlationId: string): Promise<void> {
    for (const e of events) {
      const parsed = parseEvent(JSON.stringify(e));
      if (!parsed.ok) throw new Error(`refusing to publish an invalid ${e.type}: ${parsed.errors.join('; ')}`);
    }
    const messages = events.map((e) => ({ ...toMessage(e), headers: { [CORRELATION_ID_HEADER]: correlationId } }));
    for (let attempt = 1, delay = 250; ; attempt++, delay = Math.min(delay * 2, 2_000)) {
      try {
        await produceByTopic(await this.kafka.producer(), messages, this.kafka.topicPrefix);
        return;
      } catch (error) {
        // kafkajs does not retry a broker that refuses the connection (the leader just died, its partitions not yet
        // moved; or the producer's first connect found it dead): nothing was sent, so sending again after the election is safe and writes the events once.
        if (attempt >= REFUSED_ATTEMPTS || !isRefusedConnection(error)) throw error;
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }
}

/** How long a request waits for the broker to acknowledge its events before it answers 503. */
export const PUBLISH_DEADLINE_MS = 30_000;

/** The broker did not acknowledge the events in time (UnavailableFilter answers it 503, check "broker"). */
export class PublishTimeoutError extends Error {
  override readonly name = 'PublishTimeoutError';
  constructor(ms: number) {
    super(`the broker did not acknowledge the events within ${ms} ms`);
  }
}

/** Attempts for a send the broker refused to connect for: about 15 s, longer than a KRaft leader election takes. */
const REFUSED_ATTEMPTS = 10;

/** A send that failed connecting (ECONNREFUSED), before any byte of it reached a broker. */
function isRefusedConnection(error: unknown): boolean {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = (e as { cause?: unknown; originalError?: unknown }).originalError ?? e.cause, depth++) {
    if (e.name === 'KafkaJSConnectionError' && /ECONNREFUSED/.test(e.message)) return true;
  }
  return false;
}
