import { earliest } from '../facts/facts';
import type { Timed } from '../storage/graph.documents';
import { ApprovalTerms, BrandApprovalDoc, BrandDeviationDoc, DeviationTerms, brandApprovalId, brandDeviationId, brandPartId, partReceiptsId } from './authority.documents';
import type { BrandListReader } from './authority.repository';
import { allocateDeviations, partAuthorityOf } from './authority-rules';
import type { DeviationState } from './deviation-report';
import { UsageReader, usesOfParts } from './deviation-usage';
import { FactView, RetractionReader, visibleReader } from '../facts/visibility';

export type ApprovalState = 'IN_FORCE' | 'WITHDRAWN';

/** One approval of a brand as it stands now. */
export interface ApprovedPart extends ApprovalTerms {
  state: ApprovalState;
  approvedAt: string;
  withdrawn?: { at: string; reason: string };
}

/** One deviation of a brand as it stands now, with the pieces counted against it (the detail adds its serials). */
export interface DeviationSummary extends DeviationTerms {
  state: DeviationState;
  approvedAt: string;
  revoked?: { at: string; reason: string };
  piecesUsed: number;
  /** Absent when the deviation has no quantity limit. */
  piecesLeft?: number;
}

const time = (t: Date | string | number): number => new Date(t).getTime();
const iso = (t: number): string => new Date(t).toISOString();
const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The stored terms without the fact's time and provenance. */
function termsOf<T extends object>(t: T & Timed): T {
  const { at: _at, prov: _prov, ...terms } = t;
  return terms as T;
}

/**
 * Every approval `brand` published, by approval id, as of `now` (the caller has checked the brand is in its scope): the
 * brand's index, then the approvals by `_id`, each read followed by the retractions of its events (facts/visibility.ts).
 */
export async function brandApprovals(stored: BrandListReader & RetractionReader, brand: string, now: number): Promise<ApprovedPart[]> {
  const reader = visibleReader(stored, new FactView(stored)); // a retracted approval or withdrawal is not listed
  const [index] = await reader.findBrandIndexes([brand]);
  const ids = Object.values(index?.approvals ?? {}).sort(compare);
  if (ids.length === 0) return [];
  const docs = await reader.findBrandApprovals(ids.map((id) => brandApprovalId(brand, id)));
  return docs
    .flatMap((doc): ApprovedPart[] => {
      const terms = earliest(doc.approvals);
      if (!terms) return []; // only a withdrawal of it arrived so far
      const withdrawal = earliest(doc.withdrawals);
      const withdrawn = withdrawal && time(withdrawal.at) <= now ? withdrawal : undefined;
      return [{
        ...termsOf(terms),
        state: withdrawn ? 'WITHDRAWN' : 'IN_FORCE',
        approvedAt: iso(time(terms.at)),
        ...(withdrawn ? { withdrawn: { at: iso(time(withdrawn.at)), reason: withdrawn.reason } } : {}),
      }];
    })
    .sort((a, b) => compare(a.approvalId, b.approvalId));
}

/**
 * Every deviation `brand` published, by deviation id, as of `now`, with the pieces used and left, counted over all the
 * brand's units as the judgement counts them: the brand's index, the deviations, the parts they name, the approvals
 * and deviations of those parts, then one forward count for all of them (deviation-usage.ts).
 */
export async function brandDeviations(stored: BrandListReader & UsageReader & RetractionReader, brand: string, now: number): Promise<DeviationSummary[]> {
  // A retracted deviation or revocation is not listed, a retracted installation not counted (as in the judgement).
  const reader = visibleReader(stored, new FactView(stored));
  const [index] = await reader.findBrandIndexes([brand]);
  const ids = Object.values(index?.deviations ?? {}).sort(compare);
  if (ids.length === 0) return [];
  const docs = (await reader.findBrandDeviations(ids.map((id) => brandDeviationId(brand, id)))).flatMap((doc) => {
    const terms = earliest(doc.approvals);
    return terms ? [{ doc, terms }] : [];
  });
  const ipns = [...new Set(docs.map((d) => d.terms.internalPartNumber))].sort(compare);
  const parts = await reader.findBrandParts(ipns.map((ipn) => brandPartId(brand, ipn)));
  const approvalIds = new Set<string>();
  const deviationIds = new Set<string>(docs.map((d) => d.doc._id));
  for (const p of parts) {
    Object.values(p.approvals ?? {}).forEach((a) => approvalIds.add(brandApprovalId(brand, a.approvalId)));
    Object.values(p.deviations ?? {}).forEach((d) => deviationIds.add(brandDeviationId(brand, d.deviationId)));
  }
  const [approvals, deviations] = await Promise.all([reader.findBrandApprovals([...approvalIds].sort(compare)), reader.findBrandDeviations([...deviationIds].sort(compare))]);
  const approvalById = new Map<string, BrandApprovalDoc>(approvals.map((a) => [a._id, a]));
  const deviationById = new Map<string, BrandDeviationDoc>(deviations.map((d) => [d._id, d]));
  const partById = new Map(parts.map((p) => [p._id, p]));
  const authorities = ipns.map((ipn) => partAuthorityOf(brand, ipn, partById.get(brandPartId(brand, ipn)), approvalById, deviationById));
  const receiptIds = [...new Set(authorities.flatMap((a) => a.deviations.map((d) => partReceiptsId(d.internalPartNumber, d.manufacturer, d.mpn))))].sort(compare);
  const uses = await usesOfParts(reader, receiptIds, new Set([brand]), { roundTrips: 0 });
  const used = new Map<string, number>();
  authorities.forEach((authority, i) => {
    const ipn = ipns[i]!;
    // Each allocation's count is the running total of its deviation: the highest is what was used.
    for (const a of allocateDeviations(authority, uses.filter((u) => u.part.internalPartNumber === ipn)).values()) used.set(a.deviationId, Math.max(used.get(a.deviationId) ?? 0, a.count));
  });

  return docs
    .map(({ doc, terms }): DeviationSummary => {
      const revocation = earliest(doc.revocations);
      const revoked = revocation && time(revocation.at) <= now ? revocation : undefined;
      const state: DeviationState = revoked ? 'REVOKED' : now < time(terms.validFrom) ? 'NOT_YET_IN_FORCE' : now > time(terms.validUntil) ? 'EXPIRED' : 'IN_FORCE';
      const piecesUsed = used.get(terms.deviationId) ?? 0;
      return {
        ...termsOf(terms),
        validFrom: iso(time(terms.validFrom)),
        validUntil: iso(time(terms.validUntil)),
        state,
        approvedAt: iso(time(terms.at)),
        ...(revoked ? { revoked: { at: iso(time(revoked.at)), reason: revoked.reason } } : {}),
        piecesUsed,
        ...(terms.maxQuantity !== undefined ? { piecesLeft: Math.max(0, terms.maxQuantity - piecesUsed) } : {}),
      };
    })
    .sort((a, b) => compare(a.deviationId, b.deviationId));
}
