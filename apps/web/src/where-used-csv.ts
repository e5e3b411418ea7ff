import type { WhereUsedRow } from './api-types';

const HEADER = ['topSerial', 'brand', 'product', 'shipped', 'shipments', 'installedIn', 'lotInstalled', 'path', 'removed'];

/** One CSV field (RFC 4180): quoted when it holds a comma, a quote or a line break; a leading =+-@ is defused for spreadsheets. */
export function csvField(value: string): string {
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** Where-used rows as a CSV file, as the table shows them (the filters applied), CRLF line ends. */
export function whereUsedCsv(rows: readonly WhereUsedRow[]): string {
  const lines = [HEADER.join(',')];
  for (const r of rows) {
    lines.push(
      [r.topSerial, r.brand ?? '', r.productPartNumber ?? '', String(r.shipped), r.shipments.map((s) => `${s.shipmentId} to ${s.customer}`).join('; '), r.serial, r.lotId, r.path.map((p) => p.id).join(' > '), String(r.removed === true)]
        .map(csvField)
        .join(','),
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}
