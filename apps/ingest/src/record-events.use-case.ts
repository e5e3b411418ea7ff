import { Injectable, Logger } from '@nestjs/common';
import { parseEvent } from '@trace/contracts';
import { GraphWrite, GraphWriteRepository, graphWritesFor, mergeGraphWrites } from '@trace/genealogy';
import { classifyDatabaseError } from './database-errors';
import { DeadLetter, IncomingBatch, IncomingMessage, RecordResult, TransientFailure } from './incoming-batch';

/**
 * Records a batch of shop-floor events in the genealogy graph: validates each message, writes the
 * valid ones in one bulk, and returns the ones that can never be recorded. Nothing one message holds
 * can make it throw: every exception while parsing or mapping a message makes that message a dead
 * letter. Throws TransientFailure when the database cannot take the batch now (the caller retries the
 * whole batch, nothing is lost); throws the error itself when a write failed in a way it does not know,
 * which the caller treats as a bug.
 */
@Injectable()
export class RecordEventsUseCase {
  private readonly logger = new Logger(RecordEventsUseCase.name);

  constructor(private readonly graph: GraphWriteRepository) {}

  async execute(batch: IncomingBatch): Promise<RecordResult> {
    const valid: { writes: GraphWrite[]; message: IncomingMessage }[] = [];
    const deadLetters: DeadLetter[] = [];
    for (const message of batch.messages) {
      const prepared = this.prepare(batch, message);
      if ('writes' in prepared) valid.push({ writes: prepared.writes, message });
      else deadLetters.push(prepared);
    }
    try {
      await this.graph.apply(mergeGraphWrites(valid.flatMap((v) => v.writes)));
      return { recorded: valid.length, deadLetters };
    } catch (error) {
      if (classifyDatabaseError(error) === 'transient') throw new TransientFailure(error);
      this.logger.warn(`the database refused a batch of ${batch.topic}[${batch.partition}]: ${String(error)}; isolating the event at fault`);
    }
    // The bulk was refused: apply one event at a time so only the event at fault is set aside.
    let recorded = 0;
    for (const v of valid) {
      try {
        await this.graph.apply(v.writes);
        recorded++;
      } catch (error) {
        const kind = classifyDatabaseError(error);
        if (kind === 'transient') throw new TransientFailure(error);
        if (kind === 'unexpected') throw error;
        deadLetters.push({ message: v.message, reason: 'REJECTED_BY_DATABASE', errors: [String(error)] });
      }
    }
    return { recorded, deadLetters };
  }

  // A message's graph writes, or why it has none. Catches everything: one message must never stop the ingest.
  private prepare(batch: IncomingBatch, message: IncomingMessage): { writes: GraphWrite[] } | DeadLetter {
    try {
      const parsed = parseEvent(message.value, batch.topic);
      if (!parsed.ok) return { message, reason: parsed.reason, errors: parsed.errors };
      const position = { topic: batch.topic, partition: batch.partition, offset: message.offset };
      return { writes: graphWritesFor({ event: parsed.event, position }) };
    } catch (error) {
      return { message, reason: 'UNPROCESSABLE', errors: [`the event could not be mapped to graph writes: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`] };
    }
  }
}
