import { hash } from 'node:crypto';
import type { EventType, KafkaPosition } from '@trace/contracts';
import { boundedMemo } from './bounded-memo';

/** Where a fact came from: the event that established it and the exact Kafka message that carried it. */
export interface Provenance {
  eventId: string;
  type: EventType;
  source: string;
  occurredAt: string;
  topic: string;
  partition: number;
  offset: string;
}

/**
 * The field name under which an event's fact is stored in a document's map of facts. Derived from the
 * event id alone, so a replayed or re-sent event overwrites its own fact instead of adding a copy,
 * and safe as a MongoDB field name whatever characters the event id holds.
 */
// crypto.hash, the one-shot form: the same digest as createHash, at a fraction of its cost per call on the ingest's hot path.
export const factKey = (eventId: string): string => 'e' + hash('sha1', eventId, 'hex').slice(0, 32);

/** factKey of an entity id a batch names many times (a serial, a vendor lot), memoized. */
export const entityKey = boundedMemo(factKey);

/** Provenance of an event read at a Kafka position. */
export const provenanceOf = (
  event: { eventId: string; type: EventType; source: string; occurredAt: string },
  at: KafkaPosition,
): Provenance => ({
  eventId: event.eventId,
  type: event.type,
  source: event.source,
  occurredAt: event.occurredAt,
  topic: at.topic,
  partition: at.partition,
  offset: at.offset,
});
