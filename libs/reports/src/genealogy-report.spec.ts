import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { assembleGenealogy, fetchedOf, storeOf } from '@trace/genealogy/testing';
import { gatewayScenario, testEvents } from '@trace/contracts/testing';
import { buildGenealogyReport } from './genealogy-report';
import { CSV_COLUMNS, renderCsv } from './report-csv';
import { renderPdf } from './report-pdf';

const scenario = gatewayScenario();
const genealogy = assembleGenealogy(scenario.ids.top, fetchedOf(storeOf(scenario.events)));
const report = buildGenealogyReport(genealogy, { generatedAt: '2026-11-03T08:00:00.000Z', consumerGroup: 'trace-ingest', consumerLag: 7 });

describe('genealogy report', () => {
  it('has one BOM row per installed material of the tree, each with its installing event', () => {
    const installs: { serial: string; lotId: string; eventId: string }[] = [];
    const walk = (u: typeof genealogy.unit): void => {
      for (const m of u.materials) installs.push({ serial: u.serial, lotId: m.lotId, eventId: m.provenance.eventId });
      u.subAssemblies.forEach((s) => walk(s.unit));
    };
    walk(genealogy.unit);
    expect(report.bom.map((r) => ({ serial: r.serial, lotId: r.packageLot, eventId: r.provenance.eventId }))).toEqual(installs);
    expect(report.bom).toHaveLength(genealogy.summary.installations);
  });

  it('traces a split lot back to its received package in words', () => {
    expect(report.bom.find((r) => r.packageLot === 'REEL-C1A')?.lotLineage).toBe('REEL-C1A <- split from REEL-C1 <- received GR-1001');
  });

  it('dates the build by the production events of the tree and its freshness by the newest event of all', () => {
    const production = scenario.events.filter((e) => ['UnitStarted', 'MaterialInstalled', 'UnitAssembled'].includes(e.type) && !('serial' in e.data && e.data.serial === scenario.ids.other));
    expect(report.header.buildPeriod).toEqual({ first: production[0]!.occurredAt, last: production[production.length - 1]!.occurredAt });
    expect(report.header.freshness).toEqual({ newestEventAt: scenario.events.find((e) => e.type === 'UnitShipped')!.occurredAt, consumerGroup: 'trace-ingest', consumerLag: 7 });
  });

  it('lists every event behind the genealogy once, oldest first, in the provenance appendix', () => {
    const ids = report.provenance.map((p) => p.eventId);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).not.toContain(scenario.events.find((e) => e.type === 'UnitStarted' && e.data.serial === scenario.ids.other)!.eventId);
    expect([...report.provenance].sort((a, b) => a.occurredAt.localeCompare(b.occurredAt))).toEqual(report.provenance);
  });

  it('writes the BOM as CSV with a header and one line per row', () => {
    const lines = renderCsv(report).toString('utf8').split('\r\n');
    expect(lines[0]).toBe(CSV_COLUMNS.join(','));
    expect(lines).toHaveLength(report.bom.length + 2); // header, rows, and the empty string after the last CRLF
  });

  it('opens the CSV of a report as of a moment with a comment line that says so, the columns next', () => {
    const asOf = buildGenealogyReport(genealogy, { generatedAt: '2026-11-03T08:00:00.000Z', asOf: '2026-11-02T12:00:00+01:00', consumerGroup: 'trace-ingest', consumerLag: 7 });
    const lines = renderCsv(asOf).toString('utf8').split('\r\n');
    expect(lines[0]).toBe('# as of 2026-11-02T12:00:00+01:00: the units as built then (facts that happened at or before it, as corrected since)');
    expect(lines.slice(1)).toEqual(renderCsv(report).toString('utf8').split('\r\n'));
  });

  it('renders a PDF', async () => {
    const pdf = await renderPdf(report);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.subarray(-6).toString('latin1')).toMatch(/%%EOF\s*$/);
  });
});

describe('genealogy report of a placement in a splice grey zone', () => {
  const ev = testEvents('gz');
  const receipt = (lotId: string) =>
    ev('MaterialReceived', { receiptId: `GR-${lotId}`, vendorId: 'V', manufacturer: 'Murata', mpn: 'GRM', internalPartNumber: 'CAP', vendorLotCode: lotId, receivedAt: '2026-11-01T06:00:00Z', uom: 'pcs', packages: [{ lotId, quantity: 10 }] });
  const events = [
    receipt('REEL-A'), receipt('REEL-B'),
    ev('UnitStarted', { serial: 'GZ-1', brand: 'Acme', productPartNumber: 'GW', workOrder: 'WO' }),
    ev('MaterialInstalled', { serial: 'GZ-1', lotId: 'REEL-B', quantity: 1, refDes: ['C1'], candidates: { lotIds: ['REEL-A', 'REEL-B'], reason: 'grey zone' } }),
  ];
  const gz = buildGenealogyReport(assembleGenealogy('GZ-1', fetchedOf(storeOf(events))), { generatedAt: '2026-11-03T08:00:00.000Z', consumerGroup: 'trace-ingest', consumerLag: 0 });

  it('says "REEL-A or REEL-B" in words in the JSON, the CSV and the PDF, with the lineage of both', async () => {
    expect(gz.bom[0]).toMatchObject({ packageLot: 'REEL-A or REEL-B', lotLineage: 'REEL-A <- received GR-REEL-A; or REEL-B <- received GR-REEL-B' });
    expect(renderCsv(gz).toString('utf8').split('\r\n')[1]).toContain(',REEL-A or REEL-B,');
    const file = join(mkdtempSync(join(tmpdir(), 'gz-')), 'r.pdf');
    writeFileSync(file, await renderPdf(gz));
    // The narrow column wraps the words (at spaces and after hyphens): compared without the line breaks.
    expect(execFileSync('pdftotext', ['-raw', file, '-']).toString('utf8').replace(/\s+/g, '')).toContain('REEL-AorREEL-Bx1');
  });
});
