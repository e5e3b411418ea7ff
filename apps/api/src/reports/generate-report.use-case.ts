import { Injectable } from '@nestjs/common';
import { BackwardTracer, BrandScope } from '@trace/genealogy';
import { ReportFormat, ReportKeysRepository, buildGenealogyReport, renderCsv, renderPdf, signJson, signWithTrailer } from '@trace/reports';
import { IngestFreshness } from '../common/ingest-freshness.service';
import { genealogyOf } from '../common/serial-genealogy';

export interface GenerateReportCommand {
  serial: string;
  scope: BrandScope;
  format: ReportFormat;
  /** As built at this moment (a validated ISO 8601 instant; absent: now). */
  asOf?: string;
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

  async execute({ serial, scope, format, asOf }: GenerateReportCommand): Promise<SignedReport> {
    // Committed offsets are read before the graph: everything they count was written before the read, so the
    // report never claims more freshness than its data had. 404 outside the caller's scope, as the genealogy.
    const freshness = await this.freshness.ofReport();
    const genealogy = await genealogyOf(this.tracer, serial, scope, asOf !== undefined ? { asOf: new Date(asOf) } : {});
    const report = buildGenealogyReport(genealogy, { generatedAt: new Date().toISOString(), ...(asOf !== undefined ? { asOf } : {}), ...freshness });
    const key = await this.keys.signingKey();
    const bytes =
      format === 'json'
        ? signJson(report as unknown as Record<string, unknown>, key)
        : signWithTrailer(format, format === 'csv' ? renderCsv(report) : await renderPdf(report), key);
    const stampOf = (iso: string): string => iso.replace(/[-:]/g, '').replace(/\..*$/, 'Z');
    const stamp = stampOf(report.header.generatedAt);
    const asOfPart = asOf !== undefined ? `-asof-${stampOf(new Date(asOf).toISOString())}` : '';
    return { bytes, contentType: CONTENT_TYPES[format], filename: `genealogy-${safeName(serial)}${asOfPart}-${stamp}.${format}`, keyId: key.keyId };
  }
}

const safeName = (s: string): string => s.replace(/[^A-Za-z0-9._-]/g, '_');
