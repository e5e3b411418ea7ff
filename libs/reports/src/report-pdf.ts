import PDFDocument from 'pdfkit';
import type { GenealogyReport, ReportTreeNode } from './genealogy-report';

// A4 landscape: the BOM and the provenance appendix are wide tables.
const PAGE = { width: 842, height: 595, margin: 36 };
const INK = '#1a1a1a';
const MUTED = '#666666';
const RULE = '#bbbbbb';
const FLAG = '#b00020';

type Doc = PDFKit.PDFDocument;

/** Rows laid out between two yields to the event loop: a few milliseconds of pdfkit's synchronous work. */
const ROWS_PER_TURN = 20;
/** Lets timers and I/O (e.g. /health) run between slices of the layout, which pdfkit does synchronously. */
const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/**
 * The report as a PDF: header, flags and gaps, the assembly tree as a picture, the BOM, a provenance appendix. Unsigned.
 * Laid out in slices of ROWS_PER_TURN table rows with a yield to the event loop between them, so that a report of
 * thousands of materials never blocks the API for more than a slice (see the README's "Reports for auditors").
 */
export async function renderPdf(report: GenealogyReport): Promise<Buffer> {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margin: PAGE.margin,
    bufferPages: true,
    info: {
      Title: `Genealogy report ${report.header.serial}`,
      Author: 'ems-trace',
      Subject: `Genealogy of serial ${report.header.serial}`,
      CreationDate: new Date(report.header.generatedAt),
    },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });

  const eventNo = new Map(report.provenance.map((p, i) => [p.eventId, `E${i + 1}`]));
  headerPage(doc, report);
  treePage(doc, report.tree);
  await yieldToLoop();
  await bomPages(doc, report, eventNo);
  await provenancePages(doc, report, eventNo);
  await footers(doc, report);
  doc.end();
  return done;
}

function title(doc: Doc, text: string): void {
  doc.font('Helvetica-Bold').fontSize(16).fillColor(INK).text(text, PAGE.margin, PAGE.margin);
  doc.moveDown(0.5);
}

function headerPage(doc: Doc, r: GenealogyReport): void {
  const h = r.header;
  title(doc, `Genealogy report: serial ${h.serial}`);
  const f = h.freshness;
  const rows: [string, string][] = [
    ['Brand', h.brand ?? '(unknown)'],
    ['Product part number', h.productPartNumber ?? '(unknown)'],
    ['Serial', h.serial],
    ['Work order', h.workOrder ?? '(unknown)'],
    ['Build period', h.buildPeriod.first ? `${h.buildPeriod.first} .. ${h.buildPeriod.last}` : '(no production events)'],
    ['Shipments', h.shipments.length ? h.shipments.map((s) => `${s.shipmentId} to ${s.customer} (${s.shippedAt})`).join('; ') : 'not shipped'],
    ['Generated', h.generatedAt],
    ...(h.asOf !== undefined ? [['As of', `${h.asOf}: the unit as built then (facts that happened at or before it, as corrected since)`] as [string, string]] : []),
    ['Newest event', f.newestEventAt ?? '(none)'],
    ['Ingest lag', f.consumerLag === null ? `unknown (${f.lagError ?? 'broker did not answer'})` : `${f.consumerLag} message(s) not yet ingested (group ${f.consumerGroup})`],
    ['Contents', `${r.genealogy.summary.units} unit(s), ${r.genealogy.summary.installations} installed material(s), ${r.genealogy.summary.vendorLots.length} vendor lot(s), ${r.genealogy.summary.vendors.length} vendor(s)`],
  ];
  doc.fontSize(10);
  for (const [k, v] of rows) {
    const y = doc.y;
    doc.font('Helvetica-Bold').fillColor(MUTED).text(k, PAGE.margin, y, { width: 140 });
    doc.font('Helvetica').fillColor(INK).text(v, PAGE.margin + 150, y, { width: PAGE.width - 2 * PAGE.margin - 150 });
    doc.moveDown(0.2);
  }
  doc.moveDown(1);
  findings(doc, 'Flags', r.flags, 'No flags: every vendor is approved and every lot released.');
  findings(doc, 'Gaps', r.gaps, 'No gaps: every referenced unit, lot, vendor lot and vendor was established by an event.');
}

function findings(doc: Doc, heading: string, items: GenealogyReport['flags'], none: string): void {
  doc.font('Helvetica-Bold').fontSize(12).fillColor(INK).text(heading, PAGE.margin);
  doc.moveDown(0.3);
  doc.fontSize(9.5);
  if (items.length === 0) doc.font('Helvetica').fillColor(MUTED).text(none);
  for (const item of items) {
    doc.font('Helvetica-Bold').fillColor(FLAG).text(`${item.code}  ${item.subject}`, { continued: false });
    doc.font('Helvetica').fillColor(INK).text(item.explanation, { indent: 12 });
    doc.moveDown(0.3);
  }
  doc.moveDown(0.7);
}

/** The assembly tree drawn as boxes and lines: depth left to right, units top to bottom. */
function treePage(doc: Doc, tree: ReportTreeNode): void {
  doc.addPage();
  title(doc, 'Assembly tree');
  const box = { w: 190, h: 46, dx: 250, dy: 58 };
  const placed: { node: ReportTreeNode; depth: number; row: number }[] = [];
  let rows = 0;
  const place = (n: ReportTreeNode, depth: number): number => {
    const childRows = n.subAssemblies.map((c) => place(c, depth + 1));
    const row = childRows.length ? (childRows[0]! + childRows[childRows.length - 1]!) / 2 : rows++;
    placed.push({ node: n, depth, row });
    return row;
  };
  place(tree, 0);
  const depth = Math.max(...placed.map((p) => p.depth)) + 1;
  const top = doc.y + 10;
  const available = { w: PAGE.width - 2 * PAGE.margin, h: PAGE.height - PAGE.margin - 30 - top };
  const scale = Math.min(1, available.w / ((depth - 1) * box.dx + box.w), available.h / Math.max(1, (rows - 1) * box.dy + box.h));
  const at = (p: { depth: number; row: number }) => ({ x: PAGE.margin + p.depth * box.dx * scale, y: top + p.row * box.dy * scale });
  const pos = new Map(placed.map((p) => [p.node, p]));

  doc.save();
  for (const p of placed) {
    const from = at(p);
    for (const c of p.node.subAssemblies) {
      const to = at(pos.get(c)!);
      const x1 = from.x + box.w * scale;
      const y1 = from.y + (box.h * scale) / 2;
      const y2 = to.y + (box.h * scale) / 2;
      const xm = (x1 + to.x) / 2;
      doc.strokeColor(RULE).lineWidth(1).moveTo(x1, y1).lineTo(xm, y1).lineTo(xm, y2).lineTo(to.x, y2).stroke();
      if (c.refDes) doc.font('Helvetica').fontSize(7 * Math.max(scale, 0.8)).fillColor(MUTED).text(c.refDes, xm + 3, y2 - 9 * scale, { lineBreak: false });
    }
  }
  for (const p of placed) {
    const { x, y } = at(p);
    const n = p.node;
    doc.roundedRect(x, y, box.w * scale, box.h * scale, 4).lineWidth(1).fillAndStroke(n.started ? '#eef3fb' : '#fdecea', n.started ? '#3b6db3' : FLAG);
    const fs = Math.max(5, 9 * scale);
    const fit = (text: string): string => {
      const room = (box.w - 10) * scale;
      if (doc.widthOfString(text) <= room) return text;
      let t = text;
      while (t.length > 1 && doc.widthOfString(`${t}...`) > room) t = t.slice(0, -1);
      return `${t}...`;
    };
    doc.font('Helvetica-Bold').fontSize(fs).fillColor(INK);
    doc.text(fit(n.serial), x + 5 * scale, y + 5 * scale, { lineBreak: false });
    doc.font('Helvetica').fontSize(fs * 0.85).fillColor(MUTED);
    doc.text(fit(`${n.productPartNumber ?? 'never started'}${n.workOrder ? `  ${n.workOrder}` : ''}`), x + 5 * scale, y + 18 * scale, { lineBreak: false });
    const contents =
      n.shown === 'elsewhere' ? 'in two parents: shown under the first'
        : n.shown === 'withheld' ? "another brand's: contents withheld"
          : `${n.materials.length} material(s), ${n.subAssemblies.length} sub-assembl${n.subAssemblies.length === 1 ? 'y' : 'ies'}`;
    doc.text(fit(contents), x + 5 * scale, y + 30 * scale, { lineBreak: false });
  }
  doc.restore();
}

interface Column<T> {
  head: string;
  width: number;
  value: (row: T) => string;
}

/** A table that flows over pages; a cell wraps within its column and the row grows to fit. */
async function table<T>(doc: Doc, heading: string, columns: Column<T>[], rows: T[], highlight: (row: T) => boolean = () => false): Promise<void> {
  doc.addPage();
  title(doc, heading);
  const fontSize = 6.5;
  const pad = 3;
  const scale = (PAGE.width - 2 * PAGE.margin) / columns.reduce((s, c) => s + c.width, 0);
  const widths = columns.map((c) => c.width * scale - pad);
  const bottom = PAGE.height - PAGE.margin - 20;
  const line = (cells: string[], font: string, color: string): void => {
    doc.font(font).fontSize(fontSize);
    // Most cells fit on one line: measuring their width is much cheaper than laying them out.
    const oneLine = doc.currentLineHeight(true);
    const height = Math.max(...cells.map((t, i) => (doc.widthOfString(t) <= widths[i]! ? oneLine : doc.heightOfString(t, { width: widths[i]! })))) + 2;
    if (doc.y + height > bottom) {
      doc.addPage();
      doc.y = PAGE.margin;
      if (font !== 'Helvetica-Bold') head();
      doc.font(font).fontSize(fontSize);
    }
    const y = doc.y;
    let x = PAGE.margin;
    doc.fillColor(color);
    cells.forEach((t, i) => {
      doc.text(t, x, y, { width: widths[i]! });
      x += widths[i]! + pad;
    });
    doc.moveTo(PAGE.margin, y + height - 1).lineTo(PAGE.width - PAGE.margin, y + height - 1).strokeColor(RULE).lineWidth(0.3).stroke();
    doc.y = y + height + 1;
  };
  const head = (): void => line(columns.map((c) => c.head), 'Helvetica-Bold', INK);
  head();
  for (const [i, row] of rows.entries()) {
    if (i > 0 && i % ROWS_PER_TURN === 0) await yieldToLoop();
    line(columns.map((c) => c.value(row)), 'Helvetica', highlight(row) ? FLAG : INK);
  }
}

function bomPages(doc: Doc, r: GenealogyReport, eventNo: Map<string, string>): Promise<void> {
  type Row = GenealogyReport['bom'][number];
  const all = (row: Row, pick: (s: Row['sources'][number]) => string | null): string => [...new Set(row.sources.map((s) => pick(s) ?? '-'))].join(' | ');
  return table<Row>(
    doc,
    `As-built bill of materials (${r.bom.length} installed material${r.bom.length === 1 ? '' : 's'})`,
    [
      { head: 'Unit path', width: 95, value: (x) => x.path },
      { head: 'RefDes', width: 45, value: (x) => x.refDes.join(' ') || '(bulk)' },
      { head: 'Package lot', width: 55, value: (x) => `${x.packageLot} x${x.quantity}` },
      { head: 'Internal PN', width: 55, value: (x) => all(x, (s) => s.internalPartNumber) },
      { head: 'MPN', width: 75, value: (x) => all(x, (s) => s.mpn) },
      { head: 'Manufacturer', width: 50, value: (x) => all(x, (s) => s.manufacturer) },
      { head: 'Vendor (status)', width: 80, value: (x) => all(x, (s) => `${s.vendorName ?? s.vendorId} (${s.vendorStatus})`) },
      { head: 'Vendor lot', width: 35, value: (x) => all(x, (s) => s.vendorLotCode) },
      { head: 'Date code', width: 28, value: (x) => all(x, (s) => s.dateCode) },
      { head: 'Origin', width: 22, value: (x) => all(x, (s) => s.countryOfOrigin) },
      { head: 'Lot lineage', width: 100, value: (x) => x.lotLineage },
      { head: 'Lot status', width: 35, value: (x) => x.lotStatus },
      { head: 'Judgement', width: 45, value: (x) => x.judgement ?? '-' },
      { head: 'Event', width: 20, value: (x) => eventNo.get(x.provenance.eventId) ?? '' },
    ],
    r.bom,
    (x) => x.lotStatus !== 'released' || x.sources.some((s) => s.vendorStatus !== 'approved') || (x.judgement !== null && !x.judgement.startsWith('APPROVED')),
  );
}

function provenancePages(doc: Doc, r: GenealogyReport, eventNo: Map<string, string>): Promise<void> {
  type Row = GenealogyReport['provenance'][number];
  return table<Row>(
    doc,
    `Appendix: provenance (${r.provenance.length} events behind this report)`,
    [
      { head: 'Ref', width: 20, value: (p) => eventNo.get(p.eventId) ?? '' },
      { head: 'Event id', width: 120, value: (p) => p.eventId },
      { head: 'Type', width: 70, value: (p) => p.type },
      { head: 'Source', width: 80, value: (p) => p.source },
      { head: 'Occurred at', width: 85, value: (p) => p.occurredAt },
      { head: 'Kafka topic', width: 80, value: (p) => p.topic },
      { head: 'Partition', width: 30, value: (p) => String(p.partition) },
      { head: 'Offset', width: 40, value: (p) => p.offset },
    ],
    r.provenance,
  );
}

async function footers(doc: Doc, r: GenealogyReport): Promise<void> {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    if (i % ROWS_PER_TURN === 0) await yieldToLoop();
    doc.switchToPage(i);
    doc.page.margins.bottom = 0; // the footer sits in the bottom margin; without this pdfkit would start a new page
    doc.font('Helvetica').fontSize(7).fillColor(MUTED)
      .text(`ems-trace genealogy report  serial ${r.header.serial}  generated ${r.header.generatedAt}  page ${i + 1} of ${range.count}`, PAGE.margin, PAGE.height - PAGE.margin + 12, { lineBreak: false });
  }
}
