import { Random } from './random';

/** One Kafka message as the simulator sends it: the contract topic (no prefix), the key and the value bytes. */
export interface SimMessage {
  topic: string;
  key: string;
  value: string;
}

/** Proportions of faults to inject, each a fraction of the events (0.01 = one in a hundred). */
export interface FaultOptions {
  seed: number;
  duplicates: number;
  reorder: number;
  invalid: number;
}

export const INVALID_KINDS = ['not-json', 'unknown-type', 'unsupported-version', 'missing-field', 'bad-quantity'] as const;
export type InvalidKind = (typeof INVALID_KINDS)[number];

/** What was injected, counted as it happened. */
export interface FaultSummary {
  /** Events of the clean stream. */
  events: number;
  /** Extra copies of an event, sent again later (as a redelivery would). */
  duplicates: number;
  /** Events held back and sent after later events, of any topic. */
  reordered: number;
  /** Extra messages the contract refuses, by what is wrong with them. */
  invalid: Record<InvalidKind, number>;
  /** Messages sent in all. */
  messages: number;
}

export const emptyFaultSummary = (): FaultSummary => ({
  events: 0,
  duplicates: 0,
  reordered: 0,
  invalid: Object.fromEntries(INVALID_KINDS.map((k) => [k, 0])) as Record<InvalidKind, number>,
  messages: 0,
});

/** How far (in events) a reordered event is held back, and a duplicate trails its original, at most. */
export const REORDER_WINDOW = 500;
export const DUPLICATE_WINDOW = 200;

/**
 * Injects faults into a clean stream: duplicates (the same bytes again, later), reordering (an event held
 * back behind later events of every topic) and invalid messages (a corrupted copy of an event, added next
 * to it: the clean event still arrives, so the graph is complete once the invalid ones are refused).
 * Seeded apart from the stream, so the same clean stream with the same options gives the same faults.
 */
export function* injectFaults(messages: Iterable<SimMessage>, options: FaultOptions, summary: FaultSummary): Generator<SimMessage, void, undefined> {
  const rnd = new Random(options.seed ^ 0x5eed_fa17);
  const held: { due: number; order: number; message: SimMessage }[] = [];
  let order = 0;
  let i = 0;
  const emit = (m: SimMessage): SimMessage => {
    summary.messages++;
    return m;
  };
  function* release(upTo: number): Generator<SimMessage, void, undefined> {
    if (held.length === 0) return;
    const due = held.filter((h) => h.due <= upTo).sort((a, b) => a.due - b.due || a.order - b.order);
    if (due.length === 0) return;
    for (const h of due) held.splice(held.indexOf(h), 1);
    for (const h of due) yield emit(h.message);
  }
  for (const message of messages) {
    summary.events++;
    yield* release(i);
    if (rnd.chance(options.reorder)) {
      summary.reordered++;
      held.push({ due: i + rnd.int(1, REORDER_WINDOW), order: order++, message });
    } else yield emit(message);
    if (rnd.chance(options.duplicates)) {
      summary.duplicates++;
      held.push({ due: i + rnd.int(0, DUPLICATE_WINDOW), order: order++, message });
    }
    if (rnd.chance(options.invalid)) {
      const bad = corrupt(message, rnd.pick(INVALID_KINDS));
      summary.invalid[bad.kind]++;
      yield emit(bad.message);
    }
    i++;
  }
  yield* release(Number.POSITIVE_INFINITY);
}

/** A copy of `message` that the contract refuses, and why (a type without a quantity gets a missing field instead). */
export function corrupt(message: SimMessage, kind: InvalidKind): { message: SimMessage; kind: InvalidKind } {
  if (kind === 'not-json') return { kind, message: { ...message, value: message.value.slice(0, Math.floor(message.value.length / 2)) } };
  const event = JSON.parse(message.value) as { eventId: string; type: string; schemaVersion: number; data: Record<string, any> };
  event.eventId = `${event.eventId}-invalid`;
  const d = event.data;
  const withQuantity: { quantity: number } | undefined =
    typeof d.quantity === 'number' ? d : (d.packages?.[0] ?? d.newLots?.[0]);
  let applied = kind;
  if (kind === 'unknown-type') event.type = `${event.type}Teleported`;
  else if (kind === 'unsupported-version') event.schemaVersion = 2;
  else if (kind === 'bad-quantity' && withQuantity) withQuantity.quantity = -withQuantity.quantity;
  else {
    applied = 'missing-field';
    delete d[Object.keys(d)[0]!];
  }
  return { kind: applied, message: { ...message, value: JSON.stringify(event) } };
}

/** One line of the summary per fault, with the proportion actually injected. */
export function describeFaults(s: FaultSummary): string[] {
  const pct = (n: number): string => `${((100 * n) / Math.max(1, s.events)).toFixed(2)}%`;
  const invalid = INVALID_KINDS.reduce((sum, k) => sum + s.invalid[k], 0);
  return [
    `events          ${s.events}`,
    `duplicates      ${s.duplicates} (${pct(s.duplicates)} of events)`,
    `reordered       ${s.reordered} (${pct(s.reordered)} of events, held back up to ${REORDER_WINDOW} events)`,
    `invalid         ${invalid} (${pct(invalid)} of events): ${INVALID_KINDS.map((k) => `${k} ${s.invalid[k]}`).join(', ')}`,
    `messages sent   ${s.messages}`,
  ];
}
