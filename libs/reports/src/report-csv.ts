import type { BomRow, GenealogyReport } from './genealogy-report';

/** The CSV columns, in order: one row per installed material. */
export const CSV_COLUMNS = [
  'path', 'serial', 'refDes', 'packageLot', 'quantity', 'internalPartNumber', 'mpn', 'manufacturer', 'vendorId', 'vendorName',
  'vendorStatus', 'vendorLotCode', 'dateCode', 'countryOfOrigin', 'lotLineage', 'lotStatus', 'judgement',
  'eventId', 'eventSource', 'eventTime', 'kafkaTopic', 'kafkaPartition', 'kafkaOffset',
] as const;

/** A field as RFC 4180 writes it: quoted when it holds a comma, quote or line break, quotes doubled. */
export function csvField(value: string | number | null): string {
  const s = value === null ? '' : String(value);
  // A leading = + - @ would make a spreadsheet run it as a formula: quote it and keep the text as it is.
  return /[",\r\n]/.test(s) || /^[=+\-@\t]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

// A package lot merged from several vendor lots has several values per column: joined with " | ".
const each = (row: BomRow, pick: (s: BomRow['sources'][number]) => string | null): string => [...new Set(row.sources.map((s) => pick(s) ?? ''))].join(' | ');

/**
 * The CSV's opening lines, each with its line end: for a report as of a moment, first a comment line that says so
 * (`#` starts it, as it does the signature trailer), then the column names.
 */
export const csvHeader = (asOf?: string): string =>
  (asOf !== undefined ? `# as of ${asOf}: the units as built then (facts that happened at or before it, as corrected since)\r\n` : '') + CSV_COLUMNS.join(',') + '\r\n';

/** The BOM lines of one report, each with its line end. */
export function csvRows(report: GenealogyReport): string[] {
  return report.bom.map((row) => {
    const values: Record<(typeof CSV_COLUMNS)[number], string | number | null> = {
      path: row.path,
      serial: row.serial,
      refDes: row.refDes.join(' '),
      packageLot: row.packageLot,
      quantity: row.quantity,
      internalPartNumber: each(row, (s) => s.internalPartNumber),
      mpn: each(row, (s) => s.mpn),
      manufacturer: each(row, (s) => s.manufacturer),
      vendorId: each(row, (s) => s.vendorId),
      vendorName: each(row, (s) => s.vendorName),
      vendorStatus: each(row, (s) => s.vendorStatus),
      vendorLotCode: each(row, (s) => s.vendorLotCode),
      dateCode: each(row, (s) => s.dateCode),
      countryOfOrigin: each(row, (s) => s.countryOfOrigin),
      lotLineage: row.lotLineage,
      lotStatus: row.lotStatus,
      judgement: row.judgement,
      eventId: row.provenance.eventId,
      eventSource: row.provenance.source,
      eventTime: row.provenance.occurredAt,
      kafkaTopic: row.provenance.topic,
      kafkaPartition: row.provenance.partition,
      kafkaOffset: row.provenance.offset,
    };
    return CSV_COLUMNS.map((c) => csvField(values[c])).join(',') + '\r\n';
  });
}

/** The as-built BOM of a report as CSV (CRLF line ends, the header lines), unsigned. */
export function renderCsv(report: GenealogyReport): Buffer {
  return Buffer.from(csvHeader(report.header.asOf) + csvRows(report).join(''), 'utf8');
}
