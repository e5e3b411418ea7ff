import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, parseEvent } from '@trace/contracts';
import type { PositionedEvent } from '@trace/genealogy';
import { DeadLetter, IncomingBatch, RecordResult } from './incoming-batch';
import { RecordEventsResult, RecordEventsUseCase } from './record-events.use-case';
import { Slots } from './slots';

/** The ingest's Kafka handlers: one per contract topic, each a batch of one partition. */
@Controller()
export class TraceEventsConsumer {
  private readonly slots = new Slots(RECORDINGS_IN_FLIGHT);

  constructor(private readonly recordEvents: RecordEventsUseCase) {}

  @EventPattern(TOPICS.vendor)
  vendors(@Payload() batch: IncomingBatch): Promise<RecordResult> {
    return this.record(batch);
  }

  @EventPattern(TOPICS.receipt)
  receipts(@Payload() batch: IncomingBatch): Promise<RecordResult> {
    return this.record(batch);
  }

  @EventPattern(TOPICS.lot)
  lots(@Payload() batch: IncomingBatch): Promise<RecordResult> {
    return this.record(batch);
  }

  @EventPattern(TOPICS.production)
  production(@Payload() batch: IncomingBatch): Promise<RecordResult> {
    return this.record(batch);
  }

  @EventPattern(TOPICS.brand)
  brands(@Payload() batch: IncomingBatch): Promise<RecordResult> {
    return this.record(batch);
  }

  // Validate, record, return: the messages that are no event and the events the graph refused go back to the
  // transport as dead letters, in the order they would have had recorded one by one (message order, then what the
  // database refused). A large batch goes in slices (recordInSlices); the transport commits its offset only after this
  // resolves, so after every slice's writes are durable.
  private async record(batch: IncomingBatch): Promise<RecordResult> {
    const slices = await recordInSlices(batch, this.slots, (events) => this.recordEvents.execute({ events }));
    const events = slices.flatMap((s) => s.events);
    const refused = slices.flatMap((s) => s.refused);
    const recorded = slices.reduce((n, s) => n + s.recorded, 0);
    const invalid = slices.flatMap((s) => s.deadLetters);
    if (refused.length === 0) {
      // The common case, kept off the per-message bookkeeping below: the slices' letters are already in message order.
      const recordedByType: Record<string, number> = {};
      for (const e of events) recordedByType[e.event.type] = (recordedByType[e.event.type] ?? 0) + 1;
      return { recorded, recordedByType, deadLetters: invalid };
    }
    const byOffset = new Map(batch.messages.map((m, i) => [m.offset, { message: m, index: i }]));
    const letters = [...invalid, ...refused.map((r): DeadLetter => ({ message: byOffset.get(r.position.offset)!.message, reason: r.reason, errors: r.errors }))];
    const rank = (l: DeadLetter): number => (l.reason === 'REJECTED_BY_DATABASE' ? batch.messages.length : 0) + byOffset.get(l.message.offset)!.index;
    const refusedOffsets = new Set(refused.map((r) => r.position.offset));
    const recordedByType: Record<string, number> = {};
    for (const e of events) if (!refusedOffsets.has(e.position.offset)) recordedByType[e.event.type] = (recordedByType[e.event.type] ?? 0) + 1;
    return { recorded, recordedByType, deadLetters: letters.sort((a, b) => rank(a) - rank(b)) };
  }
}

/** Messages of a batch validated and recorded together (one bulk of graph writes). */
export const SLICE_MESSAGES = 1_000;
/**
 * Slices being recorded at once in the whole process, whatever their partitions: enough to keep the database busy
 * while slices are validated (a partition's batch of a few events holds one slot, a large one takes the slots left).
 */
export const RECORDINGS_IN_FLIGHT = 6;

type SliceOutcome = RecordEventsResult & { events: PositionedEvent[]; deadLetters: DeadLetter[] };

/**
 * Validates and records a batch in slices of SLICE_MESSAGES, each recorded once it has one of `slots` (shared by the
 * batches of every partition in flight), so that the validation of a slice (CPU) overlaps the database's work on the
 * others instead of waiting for it (and the next slice is validated while one waits for its slot): a whole partition's batch (up to 16 MiB, tens of thousands of events) would otherwise validate
 * everything, then write everything, and a few large batches leave the database idle between them. Safe in any
 * order: every graph write is idempotent and order-free, and a unit's derived writes are read back after its own
 * writes are durable (applyGraphWrites). All but one thing: an event sent twice (a retried send) sits at two offsets,
 * and its facts name the offset of the copy written last; so a slice holding an event that an earlier slice of the
 * batch holds is recorded only after that one, and the later copy wins as it does within a slice (mergeGraphWrites),
 * across batches and in the rebuild: two ingests of the same topics write the same graph. Resolves once every slice
 * is recorded; if one fails, no further slice starts, the ones in flight end, and the first failure is thrown (the
 * transport retries the whole batch, committing nothing).
 */
export async function recordInSlices(batch: IncomingBatch, slots: Slots, record: (events: PositionedEvent[]) => Promise<RecordEventsResult>): Promise<SliceOutcome[]> {
  const slices: Promise<SliceOutcome>[] = [];
  // The slice of this batch that holds each event id, so that a second copy waits for the first.
  const sliceOf = new Map<string, Promise<SliceOutcome>>();
  let failed = false;
  const validate = (from: number): Promise<Validated> | undefined => {
    if (from >= batch.messages.length) return undefined;
    const validated = validatedInTurns({ ...batch, messages: batch.messages.slice(from, from + SLICE_MESSAGES) });
    validated.catch(() => undefined); // awaited below unless a failure ends the loop first: never an unhandled rejection
    return validated;
  };
  let next = validate(0);
  for (let i = 0; next && !failed; i += SLICE_MESSAGES) {
    const { events, deadLetters } = await next;
    // The next slice is validated while this one waits for a slot (and its earlier copies), so that a slot that frees
    // finds a slice ready more often than one still in validation: with a few large partitions, each had only the one
    // waiting. Validation never throws (eventsOf catches everything), and one left behind by a failure is only dropped.
    next = validate(i + SLICE_MESSAGES);
    const earlier = new Set<Promise<SliceOutcome>>();
    for (const e of events) {
      const s = sliceOf.get(e.event.eventId);
      if (s) earlier.add(s);
    }
    if (earlier.size > 0) await Promise.allSettled(earlier); // one that failed sets `failed`, below
    if (failed) break;
    const release = await slots.take();
    if (failed) {
      release();
      break;
    }
    const slice = (async () => record(events))() // a synchronous throw too ends in the slice, and releases its slot
      .then((r) => ({ ...r, events, deadLetters }))
      .finally(release);
    slice.catch(() => (failed = true));
    slices.push(slice);
    for (const e of events) sliceOf.set(e.event.eventId, slice);
    // Lets the driver send this slice's writes before the next slice's validation takes the thread.
    if (next) await new Promise((resolve) => setImmediate(resolve));
  }
  const outcomes = await Promise.allSettled(slices);
  const rejected = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
  if (rejected) throw rejected.reason;
  return outcomes.map((o) => (o as PromiseFulfilledResult<SliceOutcome>).value);
}

/** Messages validated in one turn of the event loop: between turns, the writes in flight are answered and continued. */
const VALIDATED_PER_TURN = 100;

type Validated = ReturnType<typeof eventsOf>;

// eventsOf, yielding to the event loop every VALIDATED_PER_TURN messages: validating a slice is tens of milliseconds of
// CPU (more on a busy machine), during which the other slices' answered writes would wait to send their next round
// trip (the read-back, the derived writes) and the database would idle.
async function validatedInTurns(batch: IncomingBatch): Promise<Validated> {
  const out: Validated = { events: [], deadLetters: [] };
  for (let i = 0; i < batch.messages.length; i += VALIDATED_PER_TURN) {
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    const part = eventsOf({ ...batch, messages: batch.messages.slice(i, i + VALIDATED_PER_TURN) });
    out.events.push(...part.events);
    out.deadLetters.push(...part.deadLetters);
  }
  return out;
}

/**
 * The events of a batch, each with its position, and the messages that are none (with why). Catches everything:
 * nothing one message holds may stop the ingest.
 */
export function eventsOf(batch: IncomingBatch): { events: PositionedEvent[]; deadLetters: DeadLetter[] } {
  const events: PositionedEvent[] = [];
  const deadLetters: DeadLetter[] = [];
  for (const message of batch.messages) {
    const parsed = parseEvent(message.value, batch.topic); // never throws: an exception inside is UNPROCESSABLE
    if (parsed.ok) events.push({ event: parsed.event, position: { topic: batch.topic, partition: batch.partition, offset: message.offset } });
    else deadLetters.push({ message, reason: parsed.reason, errors: parsed.errors });
  }
  return { events, deadLetters };
}
