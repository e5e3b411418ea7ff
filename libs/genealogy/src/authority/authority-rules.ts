import { byTimeThenEventId, earliest } from '../facts/facts';
import { eventIdOf } from '../facts/provenance';
import type { FactMap, Timed } from '../storage/graph.documents';
import {
  ApprovalTerms,
  BomLineDoc,
  BrandApprovalDoc,
  BrandBomDoc,
  BrandDeviationDoc,
  BrandPartDoc,
  DeviationTerms,
  brandApprovalId,
  brandDeviationId,
} from './authority.documents';
import type { BomDifference, PartJudgement } from './authority.types';

// The rules of brand authority, pure: the same documents and installations give the same judgement, whatever order
// the events arrived in. Every "in force at t" is decided by the times the events carry (occurredAt, validFrom,
// validUntil, effectiveFrom), never by arrival; ties are broken by event id.

/** A manufacturer part as bought: who sold it, under which internal part number, made by whom, which MPN. */
export interface Part {
  vendorId: string;
  internalPartNumber: string;
  manufacturer: string;
  mpn: string;
}
export const partKeyOf = (p: Part): string => JSON.stringify([p.vendorId, p.internalPartNumber, p.manufacturer, p.mpn]);

/** An approval of a brand as it stands: in force from `from` until `withdrawnAt` (if ever withdrawn). */
export interface Approval extends Omit<ApprovalTerms, 'reason'> {
  from: number;
  withdrawnAt?: number;
}

/** A deviation of a brand as it stands: in force within validFrom..validUntil, until `revokedAt` (if ever revoked). */
export interface Deviation extends Omit<DeviationTerms, 'validFrom' | 'validUntil' | 'approvedBy' | 'reason'> {
  validFrom: number;
  validUntil: number;
  revokedAt?: number;
}

/** Everything a brand said about one of its internal part numbers. */
export interface PartAuthority {
  approvals: Approval[];
  deviations: Deviation[];
}
export const NO_AUTHORITY: PartAuthority = { approvals: [], deviations: [] };

/** One installation of one part in a unit: what the deviation quantities are counted over. */
export interface PartUse {
  eventId: string;
  /** The unit and the lot installed (set by the forward count; the judgement of one answer does without them). */
  serial?: string;
  lotId?: string;
  at: number;
  quantity: number;
  brand: string;
  productPartNumber?: string;
  workOrder?: string;
  part: Part;
}
export const useKeyOf = (u: { eventId: string; part: Part }): string => `${u.eventId}\u0000${partKeyOf(u.part)}`;

const time = (t: Date | string | number): number => new Date(t).getTime();
/** The first fact by occurredAt, event id breaking ties: a re-published approval keeps its first terms. */
const firstTime = (m: FactMap<Timed> | undefined): number | undefined => {
  const e = earliest(m);
  return e && time(e.at);
};
const sortedIds = (ids: Iterable<string>): string[] => [...new Set(ids)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** The ids a part's copies judge: marked copied ('' is no id) and not marked not copied. */
function copiedIds(copied: FactMap<string> | undefined, notCopied: FactMap<string> | undefined): Set<string> {
  const ids = new Set(Object.values(copied ?? {}));
  for (const id of Object.values(notCopied ?? {})) ids.delete(id);
  ids.delete('');
  return ids;
}

/**
 * The approvals' and deviations' own documents (brandApprovalId, brandDeviationId) the judgement of a part still reads:
 * those of the ids its document names that were never copied to it (partCopyWrites), as in documents written before the
 * copies. Of a part written since, none.
 */
export function ownDocumentsToRead(part: BrandPartDoc): { approvalIds: string[]; deviationIds: string[] } {
  const copiedApprovals = copiedIds(part.copiedApprovals, part.notCopiedApprovals);
  const copiedDeviations = copiedIds(part.copiedDeviations, part.notCopiedDeviations);
  const approvalIds = new Set<string>();
  const deviationIds = new Set<string>();
  for (const a of Object.values(part.approvals ?? {})) if (!copiedApprovals.has(a.approvalId)) approvalIds.add(brandApprovalId(part.brand, a.approvalId));
  for (const d of Object.values(part.deviations ?? {})) if (!copiedDeviations.has(d.deviationId)) deviationIds.add(brandDeviationId(part.brand, d.deviationId));
  return { approvalIds: [...approvalIds], deviationIds: [...deviationIds] };
}

/**
 * What brand `brand` said about `internalPartNumber`: its approvals and deviations with their withdrawals and
 * revocations. The part's document lists them; the approval's and deviation's own documents hold their terms and
 * ends (a withdrawal names only the approval id), and are the truth when both have terms. What the judgement needs of
 * those is copied to the part's document (partCopyWrites): an id copied there is judged from the part's document
 * alone, the same facts; an id never copied (a document written before the copies) from its own document, read.
 */
export function partAuthorityOf(
  brand: string,
  internalPartNumber: string,
  part: BrandPartDoc | undefined,
  approvals: ReadonlyMap<string, BrandApprovalDoc>,
  deviations: ReadonlyMap<string, BrandDeviationDoc>,
): PartAuthority {
  const approvalIds = sortedIds(Object.values(part?.approvals ?? {}).map((a) => a.approvalId));
  const deviationIds = sortedIds(Object.values(part?.deviations ?? {}).map((d) => d.deviationId));
  const copiedApprovals = copiedIds(part?.copiedApprovals, part?.notCopiedApprovals);
  const copiedDeviations = copiedIds(part?.copiedDeviations, part?.notCopiedDeviations);
  return {
    approvals: approvalIds.flatMap((id): Approval[] => {
      // The approval's own document as the part's copies give it: its terms under the id (here and naming another IPN),
      // its withdrawals. A copy naming another IPN holds only that IPN and its time: if it is the first, nothing is approved here.
      const doc: { approvals?: FactMap<ApprovalTerms & Timed>; withdrawals?: FactMap<Timed> } | undefined = copiedApprovals.has(id)
        ? {
            approvals: { ...pick(part?.approvals, (a) => a.approvalId === id), ...(pick(part?.approvalsElsewhere, (a) => a.approvalId === id) as FactMap<ApprovalTerms & Timed>) },
            withdrawals: pick(part?.withdrawals, (w) => w.approvalId === id),
          }
        : approvals.get(brandApprovalId(brand, id));
      const terms = earliest(doc?.approvals) ?? earliest(pick(part?.approvals, (a) => a.approvalId === id));
      if (!terms || terms.internalPartNumber !== internalPartNumber) return [];
      const withdrawnAt = firstTime(doc?.withdrawals);
      return [{
        approvalId: id,
        internalPartNumber,
        manufacturer: terms.manufacturer,
        mpn: terms.mpn,
        ...(terms.vendorIds ? { vendorIds: terms.vendorIds } : {}),
        from: time(terms.at),
        ...(withdrawnAt !== undefined ? { withdrawnAt } : {}),
      }];
    }),
    deviations: deviationIds.flatMap((id): Deviation[] => {
      const doc: { approvals?: FactMap<DeviationTerms & Timed>; revocations?: FactMap<Timed> } | undefined = copiedDeviations.has(id)
        ? {
            approvals: { ...pick(part?.deviations, (d) => d.deviationId === id), ...(pick(part?.deviationsElsewhere, (d) => d.deviationId === id) as FactMap<DeviationTerms & Timed>) },
            revocations: pick(part?.revocations, (r) => r.deviationId === id),
          }
        : deviations.get(brandDeviationId(brand, id));
      const terms = earliest(doc?.approvals) ?? earliest(pick(part?.deviations, (d) => d.deviationId === id));
      if (!terms || terms.internalPartNumber !== internalPartNumber) return [];
      const revokedAt = firstTime(doc?.revocations);
      return [{
        deviationId: id,
        internalPartNumber,
        manufacturer: terms.manufacturer,
        mpn: terms.mpn,
        ...(terms.vendorIds ? { vendorIds: terms.vendorIds } : {}),
        ...(terms.productPartNumbers ? { productPartNumbers: terms.productPartNumbers } : {}),
        ...(terms.workOrders ? { workOrders: terms.workOrders } : {}),
        ...(terms.maxQuantity !== undefined ? { maxQuantity: terms.maxQuantity } : {}),
        validFrom: time(terms.validFrom),
        validUntil: time(terms.validUntil),
        ...(revokedAt !== undefined ? { revokedAt } : {}),
      }];
    }),
  };
}

const pick = <T>(m: FactMap<T> | undefined, keep: (v: T) => boolean): FactMap<T> =>
  Object.fromEntries(Object.entries(m ?? {}).filter(([, v]) => keep(v)));

const samePart = (terms: { internalPartNumber: string; manufacturer: string; mpn: string; vendorIds?: string[] }, part: Part): boolean =>
  terms.internalPartNumber === part.internalPartNumber &&
  terms.manufacturer === part.manufacturer &&
  terms.mpn === part.mpn &&
  (terms.vendorIds === undefined || terms.vendorIds.includes(part.vendorId));

/** Rule 1: the approval (first by id) of the part in force at the installation; withdrawn from its time on. */
export function approvalFor(authority: PartAuthority, use: PartUse): Approval | undefined {
  return authority.approvals.find((a) => samePart(a, use.part) && a.from <= use.at && !(a.withdrawnAt !== undefined && a.withdrawnAt <= use.at));
}

/** Whether the brand had approved anything at all for the internal part number by `at` (else: it has not spoken). */
export const hasSpoken = (authority: PartAuthority, at: number): boolean => authority.approvals.some((a) => a.from <= at);

/** Rule 2's candidates: deviations (by id) matching the part and the unit, in force at the installation. */
export function deviationsFor(authority: PartAuthority, use: PartUse): Deviation[] {
  return authority.deviations.filter(
    (d) =>
      samePart(d, use.part) &&
      (d.productPartNumbers === undefined || (use.productPartNumber !== undefined && d.productPartNumbers.includes(use.productPartNumber))) &&
      (d.workOrders === undefined || (use.workOrder !== undefined && d.workOrders.includes(use.workOrder))) &&
      d.validFrom <= use.at &&
      use.at <= d.validUntil &&
      !(d.revokedAt !== undefined && d.revokedAt <= use.at),
  );
}

/** Pieces counted against a deviation, as of one installation. */
export interface Allocation {
  deviationId: string;
  /** Pieces under the deviation over all of the brand's units, up to and including this installation. */
  count: number;
  maxQuantity?: number;
  exceeded: boolean;
}

/**
 * Rule 2's count: walks every installation of the part that is not approved, in occurredAt order (event id breaking
 * ties), and counts each against the first candidate deviation with quantity left (else the first candidate, which
 * it exceeds). `uses` must hold every such installation of the brand (all its units), duplicates allowed.
 */
export function allocateDeviations(authority: PartAuthority, uses: readonly PartUse[]): Map<string, Allocation> {
  if (authority.deviations.length === 0) return new Map(); // nothing to count against: most parts of most answers
  const unique = new Map(uses.map((u) => [useKeyOf(u), u]));
  const ordered = [...unique.entries()].sort(([ka, a], [kb, b]) => a.at - b.at || (ka < kb ? -1 : ka > kb ? 1 : 0));
  const used = new Map<string, number>();
  const result = new Map<string, Allocation>();
  for (const [key, use] of ordered) {
    if (approvalFor(authority, use)) continue;
    const candidates = deviationsFor(authority, use);
    if (candidates.length === 0) continue;
    const chosen = candidates.find((d) => d.maxQuantity === undefined || (used.get(d.deviationId) ?? 0) < d.maxQuantity) ?? candidates[0]!;
    const count = (used.get(chosen.deviationId) ?? 0) + use.quantity;
    used.set(chosen.deviationId, count);
    result.set(key, {
      deviationId: chosen.deviationId,
      count,
      ...(chosen.maxQuantity !== undefined ? { maxQuantity: chosen.maxQuantity } : {}),
      exceeded: chosen.maxQuantity !== undefined && count > chosen.maxQuantity,
    });
  }
  return result;
}

/** Whether judging `use` needs the brand's other installations: a candidate deviation limits its quantity. */
export const needsUsage = (authority: PartAuthority, use: PartUse): boolean =>
  authority.deviations.length > 0 &&
  !approvalFor(authority, use) && deviationsFor(authority, use).some((d) => d.maxQuantity !== undefined);

/**
 * Rules 1-3 for one part of one installation, given the deviation counts over the brand's installations; the part's
 * vendor lots (`vendorLotIds`, taken as they are: the caller sorts them) come last in every verdict's fields.
 */
export function judgePart(authority: PartAuthority, use: PartUse, allocations: ReadonlyMap<string, Allocation>, vendorLotIds: string[]): PartJudgement {
  const { vendorId, internalPartNumber, manufacturer, mpn } = use.part;
  const approval = approvalFor(authority, use);
  // Nearly every part of every answer: one literal, its fields in the order of the others (no spread of the part).
  if (approval) return { verdict: 'APPROVED', vendorId, internalPartNumber, manufacturer, mpn, approvalId: approval.approvalId, vendorLotIds };
  const part = { vendorId, internalPartNumber, manufacturer, mpn };
  const allocation = allocations.size > 0 ? allocations.get(useKeyOf(use)) : undefined;
  if (allocation) {
    return {
      verdict: allocation.exceeded ? 'DEVIATION_EXCEEDED' : 'UNDER_DEVIATION',
      ...part,
      deviationId: allocation.deviationId,
      count: allocation.count,
      ...(allocation.maxQuantity !== undefined ? { maxQuantity: allocation.maxQuantity } : {}),
      vendorLotIds,
    };
  }
  return { verdict: hasSpoken(authority, use.at) ? 'NOT_ON_AVL' : 'AVL_MISSING', ...part, vendorLotIds };
}

/** A BOM revision as released. */
export interface BomRevision {
  revision: string;
  effectiveFrom: number;
  lines: BomLineDoc[];
  eventId: string;
}

/** The revision in force at `at`: the latest effectiveFrom not after it (then the later release, then event id). */
export function bomRevisionAt(doc: BrandBomDoc | undefined, at: number): BomRevision | undefined {
  const inForce = Object.values(doc?.revisions ?? {})
    .filter((r) => time(r.effectiveFrom) <= at)
    .sort((a, b) => time(b.effectiveFrom) - time(a.effectiveFrom) || -byTimeThenEventId(a, b));
  const r = inForce[0];
  return r && { revision: r.revision, effectiveFrom: time(r.effectiveFrom), lines: r.lines, eventId: eventIdOf(r.prov) };
}

/** What a unit holds directly, as the BOM check sees it. */
export interface BuiltItem {
  /** Internal part numbers of the item (a merged lot can carry several; a sub-assembly: its product). */
  internalPartNumbers: string[];
  quantity: number;
  refDes: readonly string[];
  lotId?: string;
  /** A sub-assembly counts against a line naming its product, but is never "not on the BOM" (BOMs may leave them out). */
  subAssembly?: boolean;
}

/** The unit's direct installations against a BOM revision: lines short of quantity, parts not listed, misplaced refDes. */
export function bomDifferences(revision: BomRevision, items: readonly BuiltItem[]): BomDifference[] {
  const lines = new Map(revision.lines.map((l) => [l.internalPartNumber, l]));
  const differences: BomDifference[] = [];
  const notOnBom = new Map<string, Set<string>>();
  const misplaced = new Map<string, { refDes: Set<string>; lotIds: Set<string> }>();
  const installed = new Map<string, number>();
  for (const item of items) {
    for (const ipn of item.internalPartNumbers) {
      const line = lines.get(ipn);
      if (!line) {
        if (!item.subAssembly) notOnBom.set(ipn, (notOnBom.get(ipn) ?? new Set()).add(item.lotId ?? ''));
        continue;
      }
      installed.set(ipn, (installed.get(ipn) ?? 0) + item.quantity);
      const outside = line.refDes ? item.refDes.filter((r) => !line.refDes!.includes(r)) : [];
      if (outside.length > 0) {
        const m = misplaced.get(ipn) ?? { refDes: new Set<string>(), lotIds: new Set<string>() };
        outside.forEach((r) => m.refDes.add(r));
        if (item.lotId !== undefined) m.lotIds.add(item.lotId);
        misplaced.set(ipn, m);
      }
    }
  }
  for (const line of revision.lines) {
    const have = installed.get(line.internalPartNumber) ?? 0;
    if (have < line.quantity) differences.push({ kind: 'LINE_SHORT', internalPartNumber: line.internalPartNumber, required: line.quantity, installed: have });
    const m = misplaced.get(line.internalPartNumber);
    if (m) differences.push({ kind: 'REFDES_NOT_ON_LINE', internalPartNumber: line.internalPartNumber, refDes: sortedIds(m.refDes), lotIds: sortedIds(m.lotIds) });
  }
  for (const ipn of sortedIds(notOnBom.keys())) {
    differences.push({ kind: 'NOT_ON_BOM', internalPartNumber: ipn, lotIds: sortedIds(notOnBom.get(ipn)!).filter((l) => l !== '') });
  }
  return differences;
}
