import { Injectable } from '@nestjs/common';
import { EventRecorder, PositionedEvent, RecordedEvents } from '@trace/genealogy';

/** Events to record, each with the position it was read from (its provenance). */
export interface RecordEventsCommand {
  events: PositionedEvent[];
}

/** What recording did: how many events are in the graph now, and the ones refused. */
export type RecordEventsResult = RecordedEvents;

/**
 * Records validated shop-floor events in the genealogy graph through the genealogy's EventRecorder, the code path the
 * rebuild from the topics shares (see EventRecorder for what it refuses and what it throws).
 */
@Injectable()
export class RecordEventsUseCase {
  constructor(private readonly recorder: EventRecorder) {}

  execute({ events }: RecordEventsCommand): Promise<RecordEventsResult> {
    return this.recorder.record(events);
  }
}
