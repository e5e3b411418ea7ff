import { randomUUID } from 'node:crypto';
import { EventType, SCHEMA_VERSION, TraceEventOf, keyOf, topicOf } from './events';
import type { TopicName } from './topics';

/** Builds a v1 event envelope around `data` (for producers, simulators and tests). */
export function makeEvent<T extends EventType>(
  type: T,
  data: TraceEventOf<T>['data'],
  opts: { eventId?: string; occurredAt?: string | Date; source?: string; correlationId?: string } = {},
): TraceEventOf<T> {
  const at = opts.occurredAt ?? new Date();
  return {
    eventId: opts.eventId ?? randomUUID(),
    type,
    schemaVersion: SCHEMA_VERSION,
    occurredAt: typeof at === 'string' ? at : at.toISOString(),
    source: opts.source ?? 'site1/mes',
    ...(opts.correlationId !== undefined ? { correlationId: opts.correlationId } : {}),
    data,
  } as TraceEventOf<T>;
}

/** A Kafka message of the contract. */
export interface TraceMessage {
  topic: TopicName;
  key: string;
  value: string;
}

/** The Kafka message (topic, key, value) that carries an event; a retraction needs retractionMessage. */
export function toMessage(event: TraceEventOf<EventType>): TraceMessage {
  if (event.type === 'EventRetracted') throw new Error('a retraction goes on the topic and key of the event it retracts: use retractionMessage');
  return { topic: topicOf(event.type), key: keyOf(event as never), value: JSON.stringify(event) };
}

/**
 * The retraction of `retracted` as a Kafka message: on the retracted event's topic, under its key, so it stays in
 * order with the entity's other events. Retracting a retraction is refused here; the ingest records one and it has no
 * effect (docs/event-contract.md).
 */
export function retractionMessage(
  retracted: TraceEventOf<EventType>,
  reason: string,
  opts: { eventId?: string; occurredAt?: string | Date; source?: string; correlationId?: string } = {},
): TraceMessage & { event: TraceEventOf<'EventRetracted'> } {
  const event = makeEvent('EventRetracted', { retractedEventId: retracted.eventId, reason }, opts);
  return { ...retractionMessageOf(event, retracted), event };
}

/** The Kafka message of a retraction already made, on the topic and under the key of the event it retracts. */
export function retractionMessageOf(retraction: TraceEventOf<'EventRetracted'>, retracted: TraceEventOf<EventType>): TraceMessage {
  if (retracted.type === 'EventRetracted') throw new Error('a retraction cannot be retracted: send the corrected event anew');
  if (retraction.data.retractedEventId !== retracted.eventId) throw new Error(`retraction ${retraction.eventId} names ${retraction.data.retractedEventId}, not ${retracted.eventId}`);
  const { topic, key } = toMessage(retracted);
  return { topic, key, value: JSON.stringify(retraction) };
}
