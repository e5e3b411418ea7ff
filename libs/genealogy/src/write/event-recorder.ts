import { Injectable, Logger } from '@nestjs/common';
import type { KafkaPosition, RejectReason } from '@trace/contracts';
import { classifyDatabaseError } from './database-errors';
import { GraphWriteRepository } from './graph-write.repository';
import { GraphWrite, PositionedEvent, graphWritesFor, mergeGraphWrites } from './graph-writes';
import { TransientFailure } from './transient-failure';

/** An event the graph can never take, and why. */
export interface RefusedEvent {
  position: KafkaPosition;
  reason: Extract<RejectReason, 'UNPROCESSABLE'> | 'REJECTED_BY_DATABASE';
  errors: string[];
}

/** What recording did: how many events are in the graph now, and the ones refused. */
export interface RecordedEvents {
  recorded: number;
  refused: RefusedEvent[];
}

/**
 * Records validated events in the genealogy graph: writes them in one bulk and returns the ones that can never be
 * recorded. The one way events enter the graph, for the ingest and for the rebuild from the topics alike, so both end
 * in the same documents. Nothing one event holds can make it throw: an exception while mapping an event to graph
 * writes refuses that event. Throws TransientFailure when the database cannot take the events now (the caller
 * retries them all, nothing is lost); throws the error itself when a write failed in a way it does not know, which
 * the caller treats as a bug.
 */
@Injectable()
export class EventRecorder {
  private readonly logger = new Logger(EventRecorder.name);

  constructor(private readonly graph: GraphWriteRepository) {}

  async record(events: PositionedEvent[]): Promise<RecordedEvents> {
    const valid: { writes: GraphWrite[]; position: KafkaPosition }[] = [];
    const refused: RefusedEvent[] = [];
    for (const e of events) {
      const prepared = this.prepare(e);
      if ('writes' in prepared) valid.push({ writes: prepared.writes, position: e.position });
      else refused.push(prepared);
    }
    try {
      await this.graph.apply(mergeGraphWrites(valid.flatMap((v) => v.writes)));
      return { recorded: valid.length, refused };
    } catch (error) {
      const kind = classifyDatabaseError(error);
      if (kind === 'transient') throw new TransientFailure(error);
      // Only a refusal (an invalid document) is worth isolating; an unknown failure is thrown, as the class says.
      if (kind === 'unexpected') throw error;
      const at = events[0]?.position;
      this.logger.warn(`the database refused a batch of ${at ? `${at.topic}[${at.partition}]` : 'events'}: ${String(error)}; isolating the event at fault`);
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
        refused.push({ position: v.position, reason: 'REJECTED_BY_DATABASE', errors: [String(error)] });
      }
    }
    return { recorded, refused };
  }

  // An event's graph writes, or why it has none. Catches everything: one event must never stop the ingest.
  private prepare(e: PositionedEvent): { writes: GraphWrite[] } | RefusedEvent {
    try {
      return { writes: graphWritesFor(e) };
    } catch (error) {
      return {
        position: e.position,
        reason: 'UNPROCESSABLE',
        errors: [`the event could not be mapped to graph writes: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`],
      };
    }
  }
}
