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

/** The Kafka message (topic, key, value) that carries an event. */
export function toMessage(event: TraceEventOf<EventType>): { topic: TopicName; key: string; value: string } {
  return { topic: topicOf(event.type), key: keyOf(event as never), value: JSON.stringify(event) };
}
