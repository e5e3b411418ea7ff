import { Injectable } from '@nestjs/common';
import { BackwardTracer, BrandScope } from '@trace/genealogy';
import { epcisDocument } from '@trace/reports';
import { genealogyOf } from '../common/serial-genealogy';

export interface ExportEpcisCommand {
  serial: string;
  scope: BrandScope;
}

/** "Give me serial X's genealogy as EPCIS 2.0": the genealogy answer as a JSON-LD EPCISDocument. */
@Injectable()
export class ExportEpcisUseCase {
  constructor(private readonly tracer: BackwardTracer) {}

  async execute({ serial, scope }: ExportEpcisCommand): Promise<Record<string, unknown>> {
    return epcisDocument(await genealogyOf(this.tracer, serial, scope), new Date().toISOString());
  }
}
