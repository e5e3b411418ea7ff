import { compare } from '@trace/genealogy';
import type { Flag, Gap, Genealogy, Installation, LotNode, MaterialJudgement, Provenance, UnitNode, VendorLotNode, VendorNode } from '@trace/genealogy';

export const REPORT_SCHEMA_ID = 'https://ems-trace.example/schemas/genealogy-report-v1.json';

/** How fresh the data behind a report was when it was made. */
export interface ReportFreshness {
  /** The newest occurredAt of any event behind this genealogy. */
  newestEventAt: string | null;
  /** The ingest consumer group whose lag is given. */
  consumerGroup: string;
  /** Messages on the source topics the ingest had not yet committed; null when the broker did not say. */
  consumerLag: number | null;
  lagError?: string;
}

export interface ReportHeader {
  serial: string;
  brand: string | null;
  productPartNumber: string | null;
  workOrder: string | null;
  /** First and last occurredAt of the production events in the assembly tree (starts, installations, assemblies). */
  buildPeriod: { first: string | null; last: string | null };
  shipments: { shipmentId: string; customer: string; shippedAt: string }[];
  generatedAt: string;
  /** Only on a report asked for as of a moment: the genealogy as built then (facts that happened at or before it). */
  asOf?: string;
  freshness: ReportFreshness;
}

/** One unit of the assembly tree. */
export interface ReportTreeNode {
  serial: string;
  /** Where it sits in its parent; absent for the top unit. */
  refDes: string | null;
  /** The serials from the top down to this one, e.g. `GW-1 / J2:PWR-1`. */
  path: string;
  started: boolean;
  productPartNumber: string | null;
  workOrder: string | null;
  materials: { refDes: string[]; lotId: string; quantity: number }[];
  subAssemblies: ReportTreeNode[];
  /** `full`; `elsewhere`: a sub-assembly built into two parents, told under the first; `withheld`: another brand's. */
  shown: 'full' | 'elsewhere' | 'withheld';
}

/** A vendor lot behind an installed package lot, with its vendor. */
export interface BomSource {
  vendorLotId: string;
  internalPartNumber: string | null;
  mpn: string;
  manufacturer: string | null;
  vendorId: string;
  vendorName: string | null;
  vendorStatus: string;
  vendorLotCode: string;
  dateCode: string | null;
  countryOfOrigin: string | null;
}

/** One installed material of the as-built bill of materials. */
export interface BomRow {
  path: string;
  serial: string;
  refDes: string[];
  packageLot: string;
  quantity: number;
  lotStatus: string;
  /** How the package lot came to be, back to the received packages: `REEL-A <- split from REEL-1 <- received GR-7`. */
  lotLineage: string;
  sources: BomSource[];
  /**
   * How the material stands against what the unit's brand approved when it was installed, as one text the JSON, CSV,
   * PDF and EPCIS share: the verdict, then the approval or the deviation with its count (`UNDER_DEVIATION D1 2/4`).
   * Null when the answer carries no judgement (a unit outside the authority's reach).
   */
  judgement: string | null;
  /** The MaterialInstalled event. */
  provenance: Provenance;
}

/** The judgement of one installed material as the report and EPCIS write it (see BomRow.judgement). */
export function judgementText(j: MaterialJudgement | undefined): string | null {
  if (!j) return null;
  const ids = [...new Set(j.parts.flatMap((p) => (p.deviationId !== undefined ? [`${p.deviationId}${p.count !== undefined ? ` ${p.count}${p.maxQuantity !== undefined ? `/${p.maxQuantity}` : ''}` : ''}`] : p.approvalId !== undefined ? [p.approvalId] : [])))];
  return [j.verdict, ...ids, ...(j.reason ? [`(${j.reason})`] : [])].join(' ');
}

export interface ReportFinding {
  code: string;
  /** What it means and what to do, in words. */
  explanation: string;
  subject: string;
  serials: string[];
}

/** The genealogy report of one serial: views of the genealogy answer, and the answer itself. */
export interface GenealogyReport {
  $schema: string;
  reportType: 'genealogy';
  header: ReportHeader;
  tree: ReportTreeNode;
  bom: BomRow[];
  flags: ReportFinding[];
  gaps: ReportFinding[];
  /** Every event behind the report, oldest first: the provenance appendix. */
  provenance: Provenance[];
  /** The genealogy answer (GET /v1/serials/{serial}/genealogy) the report was made from, unchanged. */
  genealogy: Genealogy;
}

/** Builds the report of a genealogy answer: nothing in it that the answer does not say. */
export function buildGenealogyReport(genealogy: Genealogy, context: { generatedAt: string; asOf?: string; consumerGroup: string; consumerLag: number | null; lagError?: string }): GenealogyReport {
  const lots = new Map(genealogy.lots.map((l) => [l.lotId, l]));
  const vendorLots = new Map(genealogy.vendorLots.map((v) => [v.vendorLotId, v]));
  const vendors = new Map(genealogy.vendors.map((v) => [v.vendorId, v]));
  const production: string[] = [];
  const bom: BomRow[] = [];
  const lineages = new Map<string, string>();

  const walk = (unit: UnitNode, refDes: string | null, parentPath: string | null): ReportTreeNode => {
    const path = parentPath === null ? unit.serial : `${parentPath} / ${refDes ? `${refDes}:` : ''}${unit.serial}`;
    if (unit.provenance) production.push(unit.provenance.occurredAt);
    for (const m of unit.materials) {
      production.push(m.provenance.occurredAt);
      bom.push(bomRow(unit.serial, path, m, lots, vendorLots, vendors, lineages));
    }
    const subAssemblies = unit.subAssemblies.map((s) => {
      production.push(s.provenance.occurredAt);
      return walk(s.unit, s.refDes ?? null, path);
    });
    return {
      serial: unit.serial,
      refDes,
      path,
      started: unit.started,
      productPartNumber: unit.productPartNumber ?? null,
      workOrder: unit.workOrder ?? null,
      materials: unit.materials.map((m) => ({ refDes: m.refDes, lotId: m.lotId, quantity: m.quantity })),
      subAssemblies,
      shown: unit.shownElsewhere ? 'elsewhere' : unit.withheld ? 'withheld' : 'full',
    };
  };
  const tree = walk(genealogy.unit, null, null);
  production.sort();
  const provenance = provenanceOf(genealogy);

  return {
    $schema: REPORT_SCHEMA_ID,
    reportType: 'genealogy',
    header: {
      serial: genealogy.serial,
      brand: genealogy.unit.brand ?? null,
      productPartNumber: genealogy.unit.productPartNumber ?? null,
      workOrder: genealogy.unit.workOrder ?? null,
      buildPeriod: { first: production[0] ?? null, last: production[production.length - 1] ?? null },
      shipments: genealogy.unit.shipments.map((s) => ({ shipmentId: s.shipmentId, customer: s.customer, shippedAt: s.provenance.occurredAt })),
      generatedAt: context.generatedAt,
      ...(context.asOf !== undefined ? { asOf: context.asOf } : {}),
      freshness: {
        newestEventAt: provenance.length ? provenance[provenance.length - 1]!.occurredAt : null,
        consumerGroup: context.consumerGroup,
        consumerLag: context.consumerLag,
        ...(context.lagError ? { lagError: context.lagError } : {}),
      },
    },
    tree,
    bom,
    flags: genealogy.summary.flags.map((f) => explainFlag(f, vendors)),
    gaps: genealogy.gaps.map(explainGap),
    provenance,
    genealogy,
  };
}

function bomRow(
  serial: string,
  path: string,
  m: Installation,
  lots: Map<string, LotNode>,
  vendorLots: Map<string, VendorLotNode>,
  vendors: Map<string, VendorNode>,
  lineages: Map<string, string>,
): BomRow {
  return {
    path,
    serial,
    refDes: m.refDes,
    // A grey-zone placement not settled names every package it may have come from, in words: "REEL-A or REEL-B".
    packageLot: unsettled(m) ? m.candidates!.inWords : m.lotId,
    quantity: m.quantity,
    lotStatus: m.lotStatus,
    lotLineage: unsettled(m) ? m.candidates!.lotIds.map((id) => lineage(id, lots, new Set(), lineages)).join('; or ') : lineage(m.lotId, lots, new Set(), lineages),
    judgement: judgementText(m.judgement),
    sources: m.vendorLotIds.map((id) => {
      const vl = vendorLots.get(id);
      const vendorId = vl?.vendorId ?? vendorIdOf(id);
      const vendor = vendors.get(vendorId);
      return {
        vendorLotId: id,
        internalPartNumber: vl?.internalPartNumber ?? null,
        mpn: vl?.mpn ?? partOf(id, 1),
        manufacturer: vl?.manufacturer ?? null,
        vendorId,
        vendorName: vendor?.name ?? null,
        vendorStatus: vendor?.status ?? 'unknown',
        vendorLotCode: vl?.vendorLotCode ?? partOf(id, 2),
        dateCode: vl?.dateCode ?? null,
        countryOfOrigin: vl?.countryOfOrigin ?? null,
      };
    }),
    provenance: m.provenance,
  };
}

const unsettled = (m: Installation): boolean => m.candidates !== undefined && m.candidates.settledTo === undefined;

// A vendor lot id is the JSON array [vendorId, mpn, vendorLotCode]; the parts stand in when no receipt named them.
const partOf = (vendorLotId: string, i: number): string => {
  try {
    return String((JSON.parse(vendorLotId) as unknown[])[i] ?? '');
  } catch {
    return '';
  }
};
const vendorIdOf = (vendorLotId: string): string => partOf(vendorLotId, 0);

/**
 * A package lot's lineage back to received packages, in words. A lot reached again (merges of merges share
 * ancestors) is told once, the second time as `(see above)`: the text grows with the distinct lots, not the paths.
 */
export function lineage(lotId: string, lots: Map<string, LotNode>, seen: Set<string>, told: Map<string, string> = new Map()): string {
  const known = told.get(lotId);
  if (known !== undefined) return known;
  const text = lineageOf(lotId, lots, seen, told, new Set());
  told.set(lotId, text);
  return text;
}

function lineageOf(lotId: string, lots: Map<string, LotNode>, seen: Set<string>, told: Map<string, string>, inThisText: Set<string>): string {
  const lot = lots.get(lotId);
  if (!lot || !lot.known) return `${lotId} <- never received (gap)`;
  if (seen.has(lotId)) return `${lotId} <- (cycle)`;
  if (inThisText.has(lotId)) return `${lotId} (see above)`;
  inThisText.add(lotId);
  const next = new Set(seen).add(lotId);
  if (lot.origin === 'received' && lot.receipt) return `${lotId} <- received ${lot.receipt.receiptId}`;
  const sources = lot.sources.flatMap((s) => s.lotIds.map((id) => ({ kind: s.kind, id })));
  if (sources.length === 0) return `${lotId} <- ${lot.origin}`;
  const say = (id: string): string => lineageOf(id, lots, next, told, inThisText);
  if (sources.length === 1) return `${lotId} <- ${sources[0]!.kind === 'split' ? 'split from' : 'merged from'} ${say(sources[0]!.id)}`;
  return `${lotId} <- merged from [${sources.map((s) => say(s.id)).join('; ')}]`;
}

function explainFlag(f: Flag, vendors: Map<string, VendorNode>): ReportFinding {
  const where = f.serials.length ? `installed in ${f.serials.join(', ')}` : 'in this genealogy';
  switch (f.code) {
    case 'VENDOR_NOT_APPROVED': {
      const v = vendors.get(f.vendorId ?? '');
      const latest = v?.statusHistory[v.statusHistory.length - 1];
      return {
        code: f.code,
        subject: f.vendorId ?? '',
        serials: f.serials,
        explanation:
          `Material from vendor ${f.vendorId}${v?.name ? ` (${v.name})` : ''} is ${where}; the vendor's latest approval status is ` +
          `${v?.status ?? 'unknown'}${latest?.reason ? ` ("${latest.reason}", ${latest.provenance.occurredAt})` : ''}. ` +
          'The vendor is not on the approved vendor list: check this material before release. ' + f.message,
      };
    }
    case 'VENDOR_STATUS_UNKNOWN':
      return { code: f.code, subject: f.vendorId ?? '', serials: f.serials, explanation: `Material from vendor ${f.vendorId} is ${where}, but no event has said whether that vendor is approved. ${f.message}` };
    case 'LOT_NOT_RELEASED':
      return {
        code: f.code,
        subject: f.lotId ?? '',
        serials: f.serials,
        explanation: `Package lot ${f.lotId} is ${where} and is not released (on hold, quarantined or scrapped): it should not be in a unit that ships. ${f.message}`,
      };
    case 'CONFLICTING_FACTS':
      return {
        code: f.code,
        subject: f.serial ?? f.lotId ?? '',
        serials: f.serials,
        explanation:
          `Two or more events claim different values for ${f.field ?? 'a fact'} of ${f.serial ? `serial ${f.serial}` : `lot ${f.lotId}`}, a fact that has one value. ` +
          'Every value is kept with its event; none is chosen. Retract the wrong event to resolve it. ' + f.message,
      };
    case 'NOT_ON_AVL':
    case 'UNDER_DEVIATION':
    case 'DEVIATION_EXCEEDED':
    case 'AVL_MISSING':
    case 'BOM_MISMATCH': // brand authority: the judgement per BOM line is a later phase; the flag's own words meanwhile
      return { code: f.code, subject: f.lotId ?? f.serial ?? '', serials: f.serials, explanation: f.message };
  }
}

const GAP_WORDS: Record<Gap['code'], string> = {
  SERIAL_NEVER_STARTED: 'No UnitStarted event was received for this serial: its brand, product and work order are unknown.',
  CHILD_SERIAL_NEVER_STARTED: 'A sub-assembly was built in, but no UnitStarted event was received for it: what it is and what it holds may be incomplete.',
  LOT_NEVER_RECEIVED: 'A package lot was installed or used as a source, but no receipt, split or merge established it: its vendor is unknown.',
  VENDOR_LOT_NEVER_RECEIVED: 'A vendor lot is referenced, but no receipt described it: its manufacturer, date code and origin are unknown.',
  VENDOR_NEVER_REGISTERED: 'A vendor is referenced, but was never registered: its name and approval status are unknown.',
  ASSEMBLY_CYCLE: 'The assembly events form a cycle (a unit inside itself): at least one of them is wrong.',
  LOT_LINEAGE_CYCLE: 'The split and merge events form a cycle: at least one of them is wrong.',
  UNIT_IN_TWO_PARENTS: 'A sub-assembly is built into two parents at once: at least one assembly event is wrong (or a disassembly is missing). It is listed in full under the first parent only.',
};

const explainGap = (g: Gap): ReportFinding => ({
  code: g.code,
  subject: g.id,
  serials: g.referencedBy,
  explanation: `${GAP_WORDS[g.code]} ${g.message}${g.referencedBy.length ? ` Referenced by ${g.referencedBy.join(', ')}.` : ''}`,
});

/** Every distinct event behind a genealogy (found wherever a provenance sits in the answer), oldest first. */
export function provenanceOf(genealogy: Genealogy): Provenance[] {
  const byId = new Map<string, Provenance>();
  const visit = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      for (const [k, x] of Object.entries(v)) {
        if (k === 'provenance' && x && typeof x === 'object' && typeof (x as Provenance).eventId === 'string') byId.set((x as Provenance).eventId, x as Provenance);
        else visit(x);
      }
    }
  };
  visit(genealogy);
  return [...byId.values()].sort((a, b) => compare(a.occurredAt, b.occurredAt) || compare(a.eventId, b.eventId));
}
