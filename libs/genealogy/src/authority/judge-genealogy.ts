import { BrandScope, Flag, Genealogy, Installation, UnitNode, VendorLotNode, inScope } from '../genealogy.types';
import { BrandBomDoc, brandBomId, brandPartId, partReceiptsId } from './authority.documents';
import {
  Allocation,
  BuiltItem,
  NO_AUTHORITY,
  Part,
  PartAuthority,
  PartUse,
  allocateDeviations,
  bomDifferences,
  bomRevisionAt,
  judgePart,
  needsUsage,
  partKeyOf,
} from './authority-rules';
import { MaterialJudgement, PartJudgement, VERDICTS, Verdict } from './authority.types';

// The judgement of a genealogy answer against its brands' authority, pure: from the answer (units in the caller's
// scope, their installations, the vendor lots behind them) and the brand documents read for exactly those units.

/** One installed material of a unit in scope, with the parts behind it. */
interface JudgedMaterial {
  unit: UnitNode & { brand: string };
  material: Installation;
  /** The parts behind the lot, each with its vendor lots and its brandPartId; empty when no receipt says what the lot is. */
  parts: { use: PartUse; vendorLotIds: string[]; id: string }[];
}

/** What a genealogy asks of brand authority: its units in scope, their materials, and which brand documents to read. */
export interface AuthoritySubject {
  units: (UnitNode & { brand: string })[];
  materials: JudgedMaterial[];
  /** brandPartId of every (brand, IPN) installed. */
  brandPartIds: string[];
  /** brandBomId of every (brand, product) started. */
  brandBomIds: string[];
  /** Units of the answer whose brand or product is in conflict: no brand's authority applies until one side is retracted. */
  inConflict: UnitNode[];
}

/** What was read for a subject. */
export interface AuthorityFacts {
  /** By brandPartId. */
  parts: ReadonlyMap<string, PartAuthority>;
  /** By brandBomId. */
  boms: ReadonlyMap<string, BrandBomDoc>;
  /** The brands' installations of parts under limited deviations (all their units), for the counts. */
  uses: readonly PartUse[];
}

const time = (iso: string): number => new Date(iso).getTime();

/** An installation of `part` in `unit` as the deviation counts see it (never part of an answer: its field order is free). */
function useOf(unit: UnitNode & { brand: string }, material: Installation, part: Part): PartUse {
  const use: PartUse = { eventId: material.provenance.eventId, at: time(material.provenance.occurredAt), quantity: material.quantity, brand: unit.brand, part };
  if (unit.productPartNumber !== undefined) use.productPartNumber = unit.productPartNumber;
  if (unit.workOrder !== undefined) use.workOrder = unit.workOrder;
  return use;
}

/** The units of the answer whose brand the caller may see (each once), and what to read for them. */
export function subjectOf(g: Genealogy, scope: BrandScope): AuthoritySubject {
  const vendorLots = new Map<string, VendorLotNode>(g.vendorLots.map((v) => [v.vendorLotId, v]));
  const units: (UnitNode & { brand: string })[] = [];
  const inConflict: UnitNode[] = [];
  const seen = new Set<string>();
  const visit = (u: UnitNode): void => {
    if (seen.has(u.serial)) return;
    seen.add(u.serial);
    const conflicting = (u.conflictingFields ?? []).some((f) => f === 'brand' || f === 'productPartNumber');
    if (conflicting && !u.withheld && !u.shownElsewhere) inConflict.push(u);
    else if (u.started && u.brand !== undefined && inScope(scope, u.brand)) units.push(u as UnitNode & { brand: string });
    u.subAssemblies.forEach((s) => visit(s.unit));
  };
  visit(g.unit);
  const materials: JudgedMaterial[] = [];
  // A vendor lot's part (and its key), and a (brand, IPN)'s brandPartId, made once an answer, not once per installation
  // of it (a lot in a thousand placements). Never changed once made, so shared by every use.
  const partsOf = new Map<VendorLotNode, Map<string, { part: Part; key: string }>>();
  const partOf = (vl: VendorLotNode, manufacturer: string, internalPartNumber: string): { part: Part; key: string } => {
    let byIpn = partsOf.get(vl);
    if (!byIpn) partsOf.set(vl, (byIpn = new Map()));
    let made = byIpn.get(internalPartNumber);
    if (!made) {
      const part: Part = { vendorId: vl.vendorId, internalPartNumber, manufacturer, mpn: vl.mpn };
      byIpn.set(internalPartNumber, (made = { part, key: partKeyOf(part) }));
    }
    return made;
  };
  const partIds = new Map<string, Map<string, string>>();
  const brandPartIdOf = (brand: string, internalPartNumber: string): string => {
    let byIpn = partIds.get(brand);
    if (!byIpn) partIds.set(brand, (byIpn = new Map()));
    let id = byIpn.get(internalPartNumber);
    if (id === undefined) byIpn.set(internalPartNumber, (id = brandPartId(brand, internalPartNumber)));
    return id;
  };
  const brandPartIds = new Set<string>();
  const brandBomIds = new Set<string>();
  for (const unit of units) {
    if (unit.productPartNumber !== undefined) brandBomIds.add(brandBomId(unit.brand, unit.productPartNumber));
    for (const material of unit.materials) {
      if (material.retracted) continue; // listed in a history answer; never happened, so never judged nor counted
      // Nearly every material comes from one vendor lot, so one part: no map of parts for it (thousands an answer).
      const single = material.vendorLotIds.length === 1;
      const byPart = single ? undefined : new Map<string, { use: PartUse; vendorLotIds: string[]; id: string }>();
      let one: { use: PartUse; vendorLotIds: string[]; id: string } | undefined;
      for (const id of material.vendorLotIds) {
        const vl = vendorLots.get(id);
        if (!vl || vl.internalPartNumber === undefined || vl.manufacturer === undefined) continue;
        // An alternate installed in place of a BOM part is judged against that BOM line's part number: approved only
        // if the brand approved it (or a deviation admits it) for the part it replaced.
        const internalPartNumber = material.bomPartNumber ?? vl.internalPartNumber;
        const { part, key } = partOf(vl, vl.manufacturer, internalPartNumber);
        const entry = byPart?.get(key) ?? { use: useOf(unit, material, part), vendorLotIds: [], id: brandPartIdOf(unit.brand, internalPartNumber) };
        entry.vendorLotIds.push(id);
        if (byPart) byPart.set(key, entry);
        else one = entry;
        brandPartIds.add(entry.id);
      }
      materials.push({ unit, material, parts: byPart ? [...byPart.values()] : one ? [one] : [] });
    }
  }
  return { units, materials, brandPartIds: [...brandPartIds].sort(), brandBomIds: [...brandBomIds].sort(), inConflict };
}

/**
 * The parts whose limited deviations need the brand's other installations counted, as partReceiptsIds, with the brands.
 * Only what a candidate deviation of an unapproved installation limits: a genealogy under no limited deviation reads nothing more.
 */
export function usageNeeded(subject: AuthoritySubject, parts: ReadonlyMap<string, PartAuthority>): { partReceiptIds: string[]; brands: Set<string> } {
  const ids = new Set<string>();
  const brands = new Set<string>();
  for (const m of subject.materials) {
    for (const { use, id } of m.parts) {
      const authority = parts.get(id) ?? NO_AUTHORITY;
      if (!needsUsage(authority, use)) continue;
      brands.add(use.brand);
      // Every part any deviation of this (brand, IPN) names: the counts of deviations that share installations depend on each other.
      for (const d of authority.deviations) ids.add(partReceiptsId(d.internalPartNumber, d.manufacturer, d.mpn));
    }
  }
  return { partReceiptIds: [...ids].sort(), brands };
}

const worst = (verdicts: Verdict[]): Verdict => verdicts.reduce((a, b) => (VERDICTS.indexOf(b) > VERDICTS.indexOf(a) ? b : a), 'APPROVED' as Verdict);

/** Adds to the answer each material's `judgement` and the authority flags (after today's). Returns the same answer. */
export function judgeGenealogy(g: Genealogy, subject: AuthoritySubject, facts: AuthorityFacts): Genealogy {
  // The deviation counts, per (brand, IPN): over the brand's other installations and this answer's own.
  const usesByPart = new Map<string, PartUse[]>();
  const add = (u: PartUse, id = brandPartId(u.brand, u.part.internalPartNumber)): void => {
    const list = usesByPart.get(id);
    if (list) list.push(u);
    else usesByPart.set(id, [u]);
  };
  facts.uses.forEach((u) => add(u));
  subject.materials.forEach((m) => m.parts.forEach((p) => add(p.use, p.id)));
  const allocations = new Map<string, Map<string, Allocation>>();
  const allocationsOf = (id: string): Map<string, Allocation> => {
    let a = allocations.get(id);
    if (!a) allocations.set(id, (a = allocateDeviations(facts.parts.get(id) ?? NO_AUTHORITY, usesByPart.get(id) ?? [])));
    return a;
  };

  const flags: Flag[] = [];
  for (const { unit, material, parts } of subject.materials) {
    if (parts.length === 0) {
      material.judgement = { verdict: 'NOT_JUDGED', parts: [], reason: `no receipt says what lot ${material.lotId} is` };
      continue;
    }
    const judged: PartJudgement[] = parts.map(({ use, vendorLotIds, id }) =>
      judgePart(facts.parts.get(id) ?? NO_AUTHORITY, use, allocationsOf(id), [...vendorLotIds].sort()),
    );
    const judgement: MaterialJudgement = { verdict: worst(judged.map((j) => j.verdict)), parts: judged };
    material.judgement = judgement;
    for (const j of judged) if (j.verdict !== 'APPROVED') flags.push(avlFlag(unit, material, j));
  }

  for (const unit of subject.inConflict) {
    const fields = (unit.conflictingFields ?? []).filter((f) => f === 'brand' || f === 'productPartNumber').join(' and ');
    for (const material of unit.materials) {
      material.judgement = { verdict: 'NOT_JUDGED', parts: [], reason: `the unit's ${fields} is in conflict (CONFLICTING_FACTS): no side is picked to judge against` };
    }
  }

  const materialsOf = new Map<UnitNode, JudgedMaterial[]>();
  for (const m of subject.materials) {
    const list = materialsOf.get(m.unit);
    if (list) list.push(m);
    else materialsOf.set(m.unit, [m]);
  }
  for (const unit of subject.units) {
    if (unit.productPartNumber === undefined || !unit.provenance) continue;
    const revision = bomRevisionAt(facts.boms.get(brandBomId(unit.brand, unit.productPartNumber)), time(unit.provenance.occurredAt));
    if (!revision) continue;
    const mine = (materialsOf.get(unit) ?? []).filter((m) => !m.material.removed);
    const items: BuiltItem[] = [
      ...mine.map((m) => ({
        // One part behind nearly every material: its IPN, without a set to make it distinct.
        internalPartNumbers: m.parts.length === 1 ? [m.parts[0]!.use.part.internalPartNumber] : [...new Set(m.parts.map((p) => p.use.part.internalPartNumber))],
        quantity: m.material.quantity,
        refDes: m.material.refDes,
        lotId: m.material.lotId,
      })),
      ...unit.subAssemblies
        .filter((s) => !s.removed && s.unit.productPartNumber !== undefined)
        .map((s) => ({ internalPartNumbers: [s.unit.productPartNumber!], quantity: 1, refDes: refDesList(s.refDes), subAssembly: true })),
    ];
    for (const difference of bomDifferences(revision, items)) {
      flags.push({
        code: 'BOM_MISMATCH',
        rule: 'BOM',
        serial: unit.serial,
        serials: [unit.serial],
        brand: unit.brand,
        productPartNumber: unit.productPartNumber,
        revision: revision.revision,
        internalPartNumber: difference.internalPartNumber,
        difference,
        message: `${unit.serial} against ${unit.brand}'s BOM of ${unit.productPartNumber} revision ${revision.revision}: ${describeDifference(difference)}`,
      });
    }
  }
  g.summary.flags.push(...flags);
  return g;
}

// UnitAssembled.refDes is one designator today; accept a list too.
const refDesList = (r: unknown): string[] => (Array.isArray(r) ? r.map(String) : typeof r === 'string' ? [r] : []);

function describeDifference(d: import('./authority.types').BomDifference): string {
  switch (d.kind) {
    case 'LINE_SHORT':
      return `line ${d.internalPartNumber} needs ${d.required}, ${d.installed} installed`;
    case 'NOT_ON_BOM':
      return `${d.internalPartNumber} is installed (${d.lotIds.join(', ') || 'unknown lot'}) but not on the BOM`;
    case 'REFDES_NOT_ON_LINE':
      return `${d.internalPartNumber} placed at ${d.refDes.join(', ')}, not on its line`;
  }
}

function avlFlag(unit: UnitNode & { brand: string }, material: Installation, j: PartJudgement): Flag {
  const what = `${j.mpn} (${j.manufacturer}) from vendor ${j.vendorId} as ${j.internalPartNumber}, lot ${material.lotId} in ${unit.serial} at ${material.provenance.occurredAt}`;
  const common = {
    rule: 'AVL' as const,
    serial: unit.serial,
    serials: [unit.serial],
    brand: unit.brand,
    lotId: material.lotId,
    vendorId: j.vendorId,
    installation: { lotId: material.lotId, quantity: material.quantity, refDes: material.refDes, provenance: material.provenance },
    internalPartNumber: j.internalPartNumber,
    manufacturer: j.manufacturer,
    mpn: j.mpn,
    vendorLotIds: j.vendorLotIds,
  };
  const limit = j.maxQuantity !== undefined ? `${j.maxQuantity}` : 'no limit';
  switch (j.verdict) {
    case 'UNDER_DEVIATION':
      return { code: 'UNDER_DEVIATION', ...common, deviationId: j.deviationId!, count: j.count!, ...(j.maxQuantity !== undefined ? { maxQuantity: j.maxQuantity } : {}),
        message: `${what}: under ${unit.brand}'s deviation ${j.deviationId} (${j.count} of ${limit} pieces)` };
    case 'DEVIATION_EXCEEDED':
      return { code: 'DEVIATION_EXCEEDED', ...common, deviationId: j.deviationId!, count: j.count!, maxQuantity: j.maxQuantity!,
        message: `${what}: exceeds ${unit.brand}'s deviation ${j.deviationId} (${j.count} pieces against ${limit})` };
    case 'AVL_MISSING':
      return { code: 'AVL_MISSING', ...common, message: `${what}: ${unit.brand} has approved no part for ${j.internalPartNumber}` };
    case 'NOT_ON_AVL':
    case 'APPROVED':
      return { code: 'NOT_ON_AVL', ...common, message: `${what}: not approved by ${unit.brand} for ${j.internalPartNumber} at that time` };
  }
}
