import { Injectable } from '@nestjs/common';
import { TraceEventOf, makeEvent } from '@trace/contracts';
import { BrandScope, ForwardTracer } from '@trace/genealogy';
import { Material, whereUsedOf } from '../common/material';
import { TraceEventProducer } from '../common/trace-event.producer';

/** The statuses an engineer sets from here: a hold on suspect material, and its release. */
export type ContainmentStatus = 'hold' | 'released';

export interface ChangeContainmentStatusCommand {
  material: Material;
  status: ContainmentStatus;
  reason: string;
  scope: BrandScope;
  /** The key that asks: named in every event, so the hold can be traced to who placed it. */
  keyId: string;
  /** Ties the events to the request (and its access-log entry). */
  correlationId: string;
}

/** What a hold or release did: the events published, and the recall scope at that moment. */
export interface ContainmentStatusChange {
  status: ContainmentStatus;
  reason: string;
  /** Carried in every event's envelope and Kafka headers: find them all by it. */
  correlationId: string;
  /** One LotStatusChanged per package lot: the material and every lot made out of it. */
  events: { lotId: string; eventId: string }[];
  /** The serials holding the material now, as where-used counts them. */
  recallScope: { rows: number; units: number; shippedUnits: number };
}

/**
 * Holds (or releases) a lot and every package made out of it, by publishing LotStatusChanged events to Kafka so
 * the shop floor sees the hold too; the graph follows when the ingest records them, like any other event.
 */
@Injectable()
export class ChangeContainmentStatusUseCase {
  constructor(
    private readonly tracer: ForwardTracer,
    private readonly producer: TraceEventProducer,
  ) {}

  async execute({ material, status, reason, scope, keyId, correlationId }: ChangeContainmentStatusCommand): Promise<ContainmentStatusChange> {
    const answer = await whereUsedOf(this.tracer, material, scope); // 404 for unknown material, before anything is published
    const occurredAt = new Date().toISOString();
    const events: TraceEventOf<'LotStatusChanged'>[] = answer.lots
      .filter((l) => l.known)
      .map((l) => makeEvent('LotStatusChanged', { lotId: l.lotId, status, reason, keyId }, { occurredAt, source: 'api/containment', correlationId }));
    await this.producer.publish(events, correlationId);

    let rows = 0;
    const tops = new Map<string, boolean>();
    for await (const row of answer.rows({}, scope)) {
      rows++;
      tops.set(row.topSerial, row.shipped);
    }
    return {
      status,
      reason,
      correlationId,
      events: events.map((e) => ({ lotId: e.data.lotId, eventId: e.eventId })),
      recallScope: { rows, units: tops.size, shippedUnits: [...tops.values()].filter(Boolean).length },
    };
  }
}
