import { Injectable } from '@nestjs/common';
import { TraceEventOf, makeEvent } from '@trace/contracts';
import { TraceEventProducer } from '../common/trace-event.producer';

/** The events a brand publishes through the API: its authority, stated on trace.brand.v1. */
export type BrandEventType = 'PartApproved' | 'PartApprovalWithdrawn' | 'DeviationApproved' | 'DeviationRevoked' | 'BomReleased';

export interface PublishBrandEventCommand<T extends BrandEventType = BrandEventType> {
  type: T;
  data: TraceEventOf<T>['data'];
  /** Ties the event to the request (and its access-log entry). */
  correlationId: string;
}

/**
 * Publishes one brand event to Kafka (acks from all in-sync replicas) and answers with it. The API never writes the
 * graph: the ingest records the event like one the brand's PLM produced directly, and the judgements follow from it.
 * It takes effect at its `occurredAt`: now.
 */
@Injectable()
export class PublishBrandEventUseCase {
  constructor(private readonly producer: TraceEventProducer) {}

  async execute<T extends BrandEventType>({ type, data, correlationId }: PublishBrandEventCommand<T>): Promise<TraceEventOf<T>> {
    const event = makeEvent(type, data, { source: 'api/brands', correlationId });
    await this.producer.publish([event], correlationId);
    return event;
  }
}
