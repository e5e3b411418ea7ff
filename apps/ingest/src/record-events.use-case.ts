import { Injectable, Logger } from '@nestjs/common';
import { parseEvent } from '@trace/contracts';
import { GraphWriteRepository, PositionedEvent, graphWritesFor, mergeGraphWrites } from '@trace/genealogy';
import { isTransientDatabaseError } from './database-errors';
import { DeadLetter, IncomingBatch, IncomingMessage, RecordResult, TransientFailure } from './incoming-batch';

/**
 * Records a batch of shop-floor events in the genealogy graph: validates each message, writes the
 * valid ones in one bulk, and returns the ones that can never be recorded. Throws TransientFailure
 * when the database cannot take the batch now: nothing is lost, the caller retries the whole batch.
 */
@Injectable()
export class RecordEventsUseCase {
  private readonly logger = new Logger(RecordEventsUseCase.name);

  constructor(private readonly graph: GraphWriteRepository) {}

  async execute(batch: IncomingBatch): Promise<RecordResult> {
    const valid: { event: PositionedEvent; message: IncomingMessage }[] = [];
    const deadLetters: DeadLetter[] = [];
    for (const message of batch.messages) {
      const parsed = parseEvent(message.value, batch.topic);
      if (parsed.ok) {
        const position = { topic: batch.topic, partition: batch.partition, offset: message.offset };
        valid.push({ event: { event: parsed.event, position }, message });
      } else deadLetters.push({ message, reason: parsed.reason, errors: parsed.errors });
    }
    try {
      await this.graph.apply(mergeGraphWrites(valid.flatMap((v) => graphWritesFor(v.event))));
      return { recorded: valid.length, deadLetters };
    } catch (error) {
      if (isTransientDatabaseError(error)) throw new TransientFailure(error);
      this.logger.warn(`the database refused a batch of ${batch.topic}[${batch.partition}]: ${String(error)}; isolating the event at fault`);
    }
    // The bulk was refused for good: apply one event at a time so only the event at fault is set aside.
    let recorded = 0;
    for (const v of valid) {
      try {
        await this.graph.apply(graphWritesFor(v.event));
        recorded++;
      } catch (error) {
        if (isTransientDatabaseError(error)) throw new TransientFailure(error);
        deadLetters.push({ message: v.message, reason: 'REJECTED_BY_DATABASE', errors: [String(error)] });
      }
    }
    return { recorded, deadLetters };
  }
}
