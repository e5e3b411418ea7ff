import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS, parseEvent } from '@trace/contracts';
import type { PositionedEvent } from '@trace/genealogy';
import { DeadLetter, IncomingBatch, RecordResult } from './incoming-batch';
import { RecordEventsUseCase } from './record-events.use-case';

/** The ingest's Kafka handlers: one per contract topic, each a batch of one partition. */
@Controller()
export class TraceEventsConsumer {
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
  // database refused).
  private async record(batch: IncomingBatch): Promise<RecordResult> {
    const { events, deadLetters } = eventsOf(batch);
    const { recorded, refused } = await this.recordEvents.execute({ events });
    const byOffset = new Map(batch.messages.map((m, i) => [m.offset, { message: m, index: i }]));
    const letters = [...deadLetters, ...refused.map((r): DeadLetter => ({ message: byOffset.get(r.position.offset)!.message, reason: r.reason, errors: r.errors }))];
    const rank = (l: DeadLetter): number => (l.reason === 'REJECTED_BY_DATABASE' ? batch.messages.length : 0) + byOffset.get(l.message.offset)!.index;
    const refusedOffsets = new Set(refused.map((r) => r.position.offset));
    const recordedByType: Record<string, number> = {};
    for (const e of events) if (!refusedOffsets.has(e.position.offset)) recordedByType[e.event.type] = (recordedByType[e.event.type] ?? 0) + 1;
    return { recorded, recordedByType, deadLetters: letters.sort((a, b) => rank(a) - rank(b)) };
  }
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
