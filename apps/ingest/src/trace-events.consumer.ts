import { Controller } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { TOPICS } from '@trace/contracts';
import { IncomingBatch, RecordResult } from './incoming-batch';
import { RecordEventsUseCase } from './record-events.use-case';

/** The ingest's Kafka handlers: one per contract topic, each a batch of one partition. */
@Controller()
export class TraceEventsConsumer {
  constructor(private readonly recordEvents: RecordEventsUseCase) {}

  @EventPattern(TOPICS.vendor)
  vendors(@Payload() batch: IncomingBatch): Promise<RecordResult> {
    return this.recordEvents.execute(batch);
  }

  @EventPattern(TOPICS.receipt)
  receipts(@Payload() batch: IncomingBatch): Promise<RecordResult> {
    return this.recordEvents.execute(batch);
  }

  @EventPattern(TOPICS.lot)
  lots(@Payload() batch: IncomingBatch): Promise<RecordResult> {
    return this.recordEvents.execute(batch);
  }

  @EventPattern(TOPICS.production)
  production(@Payload() batch: IncomingBatch): Promise<RecordResult> {
    return this.recordEvents.execute(batch);
  }

  @EventPattern(TOPICS.brand)
  brands(@Payload() batch: IncomingBatch): Promise<RecordResult> {
    return this.recordEvents.execute(batch);
  }
}
