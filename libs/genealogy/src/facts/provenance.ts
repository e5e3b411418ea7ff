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

/**
 * A fact's provenance as stored: its seven values in one string (joined by SEP), or, where one of them holds SEP or the
 * partition is not a non-negative integer, the object as before (and every document written before this form). One
 * string instead of an object of seven fields is what a reader decodes per fact: the genealogy's largest CPU cost.
 */
export type StoredProvenance = Provenance | string;

const SEP = '\u001f';

/** The stored form of `p` (storedProvenance(p) read by provenanceFrom gives p back, key order included). */
export function storedProvenance(p: Provenance): StoredProvenance {
  const values = [p.eventId, p.type, p.source, p.occurredAt, p.topic, p.offset];
  if (!Number.isSafeInteger(p.partition) || p.partition < 0 || values.some((v) => typeof v !== 'string' || v.includes(SEP))) return p;
  return `${p.eventId}${SEP}${p.type}${SEP}${p.source}${SEP}${p.occurredAt}${SEP}${p.topic}${SEP}${p.partition}${SEP}${p.offset}`;
}

/** A stored provenance as the object answers give. */
export function provenanceFrom(stored: StoredProvenance): Provenance {
  if (typeof stored !== 'string') return stored;
  const [eventId, type, source, occurredAt, topic, partition, offset] = stored.split(SEP) as [string, EventType, string, string, string, string, string];
  return { eventId, type, source, occurredAt, topic, partition: Number(partition), offset };
}

/** The event id of a stored provenance, without reading the rest. */
export function eventIdOf(stored: StoredProvenance): string {
  if (typeof stored !== 'string') return stored.eventId;
  return stored.slice(0, stored.indexOf(SEP));
}
