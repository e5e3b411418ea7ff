import { Injectable, NotFoundException } from '@nestjs/common';
import { BackwardTracer, BrandScope, Genealogy } from '@trace/genealogy';

export interface TraceSerialCommand {
  serial: string;
  scope: BrandScope;
  /** Also what rework took out since, marked removed. */
  history?: boolean;
}

/** "Serial X failed: which vendors and lots are in it?" — the backward genealogy of one serial. */
@Injectable()
export class TraceSerialUseCase {
  constructor(private readonly tracer: BackwardTracer) {}

  async execute({ serial, scope, history = false }: TraceSerialCommand): Promise<Genealogy> {
    const genealogy = await this.tracer.trace(serial, scope, { history });
    // Same answer for "never existed" and "outside your scope": a scoped caller learns nothing of other brands.
    if (!genealogy) throw new NotFoundException(`serial ${JSON.stringify(serial)} is not known`);
    return genealogy;
  }
}
