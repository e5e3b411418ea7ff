import type { Provenance } from '../api-types';

/** The provenance of one fact: the event that established it and the Kafka message that carried it. */
export function ProvenancePanel({ what, provenance, onClose }: { what: string; provenance: Provenance; onClose: () => void }) {
  return (
    <aside className="provenance" role="region" aria-label="Provenance">
      <h2>Provenance of {what}</h2>
      <dl>
        <dt>Event</dt>
        <dd>{provenance.type}</dd>
        <dt>Event id</dt>
        <dd>{provenance.eventId}</dd>
        <dt>Source</dt>
        <dd>{provenance.source}</dd>
        <dt>Occurred at</dt>
        <dd>{provenance.occurredAt}</dd>
        <dt>Kafka</dt>
        <dd>
          {provenance.topic} partition {provenance.partition} offset {provenance.offset}
        </dd>
      </dl>
      <button type="button" onClick={onClose}>
        Close provenance
      </button>
    </aside>
  );
}
