import { Injectable } from '@nestjs/common';
import { BackwardTracer, BrandScope } from '@trace/genealogy';
import { epcisDocument } from '@trace/reports';
import { genealogyOf } from '../common/serial-genealogy';

export interface ExportEpcisCommand {
  serial: string;
  scope: BrandScope;
  asOf?: Date;
}

/** "Give me serial X's genealogy as EPCIS 2.0": the genealogy answer as a JSON-LD EPCISDocument. */
@Injectable()
export class ExportEpcisUseCase {
  constructor(private readonly tracer: BackwardTracer) {}

  async execute({ serial, scope, asOf }: ExportEpcisCommand): Promise<Record<string, unknown>> {
    // Told with history, so retracted facts come with their retraction: the export declares them erroneous.
    return epcisDocument(await genealogyOf(this.tracer, serial, scope, { history: true, ...(asOf ? { asOf } : {}) }), new Date().toISOString());
  }
}
