import { Injectable } from '@nestjs/common';
import { BackwardTracer, BrandScope } from '@trace/genealogy';
import { ReportFormat, ReportKeysRepository, buildGenealogyReport, renderCsv, renderPdf, signJson, signWithTrailer } from '@trace/reports';
import { IngestFreshness } from '../common/ingest-freshness.service';
import { genealogyOf } from '../common/serial-genealogy';

export interface GenerateReportCommand {
  serial: string;
  scope: BrandScope;
  format: ReportFormat;
}

export interface SignedReport {
  bytes: Buffer;
  contentType: string;
  filename: string;
  keyId: string;
}

const CONTENT_TYPES: Record<ReportFormat, string> = { json: 'application/json', csv: 'text/csv; charset=utf-8', pdf: 'application/pdf' };

/** "Give me the signed genealogy report of serial X": the genealogy answer, rendered, signed with the current report key. */
@Injectable()
export class GenerateReportUseCase {
  constructor(
    private readonly tracer: BackwardTracer,
    private readonly freshness: IngestFreshness,
    private readonly keys: ReportKeysRepository,
  ) {}

  async execute({ serial, scope, format }: GenerateReportCommand): Promise<SignedReport> {
    // Committed offsets are read before the graph: everything they count was written before the read, so the
    // report never claims more freshness than its data had. 404 outside the caller's scope, as the genealogy.
    const freshness = await this.freshness.ofReport();
    const genealogy = await genealogyOf(this.tracer, serial, scope);
    const report = buildGenealogyReport(genealogy, { generatedAt: new Date().toISOString(), ...freshness });
    const key = await this.keys.signingKey();
    const bytes =
      format === 'json'
        ? signJson(report as unknown as Record<string, unknown>, key)
        : signWithTrailer(format, format === 'csv' ? renderCsv(report) : await renderPdf(report), key);
    const stamp = report.header.generatedAt.replace(/[-:]/g, '').replace(/\..*$/, 'Z');
    return { bytes, contentType: CONTENT_TYPES[format], filename: `genealogy-${safeName(serial)}-${stamp}.${format}`, keyId: key.keyId };
  }
}

const safeName = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_');
