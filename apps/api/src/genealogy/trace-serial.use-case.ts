import { Injectable } from '@nestjs/common';
import { BackwardTracer, BrandScope, Genealogy } from '@trace/genealogy';
import { genealogyOf } from '../common/serial-genealogy';

export interface TraceSerialCommand {
  serial: string;
  scope: BrandScope;
  /** Also what rework took out since, marked removed. */
  history?: boolean;
  /** As built at this moment (absent: now). */
  asOf?: Date;
}

/** "Serial X failed: which vendors and lots are in it?" — the backward genealogy of one serial. */
@Injectable()
export class TraceSerialUseCase {
  constructor(private readonly tracer: BackwardTracer) {}

  execute({ serial, scope, history = false, asOf }: TraceSerialCommand): Promise<Genealogy> {
    return genealogyOf(this.tracer, serial, scope, { history, ...(asOf ? { asOf } : {}) });
  }
}
