import { Injectable } from '@nestjs/common';
import type { BrandScope } from '@trace/genealogy';
import { GenealogyReport, ReportFormat, ReportKeysRepository, buildGenealogyReport, renderCsv, renderPdf, signJson, signWithTrailer } from '@trace/reports';
import { TraceSerialUseCase } from '../genealogy/trace-serial.use-case';
import { IngestLagService } from '../common/ingest-freshness.service';

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
    private readonly traceSerial: TraceSerialUseCase,
    private readonly lag: IngestLagService,
    private readonly keys: ReportKeysRepository,
  ) {}

  /** The report (unsigned) of a serial in the caller's scope; 404 outside it, as the genealogy. */
  async report(serial: string, scope: BrandScope): Promise<GenealogyReport> {
    // Committed offsets are read before the graph: everything they count was written before the read, so the
    // report never claims more freshness than its data had.
    const { lag, error } = await this.lag.lag();
    const genealogy = await this.traceSerial.execute({ serial, scope });
    const generatedAt = new Date().toISOString();
    return buildGenealogyReport(genealogy, { generatedAt, consumerGroup: this.lag.groupId, consumerLag: lag, ...(error ? { lagError: error } : {}) });
  }

  async execute({ serial, scope, format }: GenerateReportCommand): Promise<SignedReport> {
    const report = await this.report(serial, scope);
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
