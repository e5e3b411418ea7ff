import { earliest } from '../facts/facts';
import { brandOf } from '../facts/claims';
import { parentSerials } from '../facts/as-built';
import type { BrandScope } from '../genealogy.types';
import { inScope } from '../genealogy.types';
import type { UnitDoc } from '../storage/graph.documents';
import { BrandApprovalDoc, BrandDeviationDoc, DeviationTerms, brandDeviationId, brandPartId, partReceiptsId } from './authority.documents';
import type { AuthorityReader } from './authority.repository';
import { allocateDeviations, ownDocumentsToRead, partAuthorityOf, useKeyOf } from './authority-rules';
import { UsageReader, usesOfParts } from './deviation-usage';

export type DeviationState = 'NOT_YET_IN_FORCE' | 'IN_FORCE' | 'EXPIRED' | 'REVOKED';

/** A serial with pieces installed under the deviation, with the top-level unit it is in and that unit's shipments. */
export interface DeviationSerial {
  serial: string;
  productPartNumber?: string;
  workOrder?: string;
  /** Pieces of this serial counted against the deviation (beyond its quantity included). */
  pieces: number;
  /** The highest unit above it the caller may see (itself when it is not built into one). */
  topSerial: string;
  shipments: { shipmentId: string; customer: string; at: string }[];
}

/** One installation counted against the deviation, in the order they were counted. */
export interface DeviationInstallation {
  serial: string;
  lotId: string;
  quantity: number;
  at: string;
  eventId: string;
  /** Pieces under the deviation over all of the brand's units up to and including this installation. */
  count: number;
}

/** A deviation as it stands now: its terms, its state, the pieces used and left, and its recall scope. */
export interface DeviationReport extends Omit<DeviationTerms, 'maxQuantity'> {
  brand: string;
  maxQuantity?: number;
  state: DeviationState;
  approvedAt: string;
  revoked?: { at: string; reason: string };
  piecesUsed: number;
  /** Absent when the deviation has no quantity limit. */
  piecesLeft?: number;
  serials: DeviationSerial[];
  installations: DeviationInstallation[];
  /** The installations (or the part of them) beyond maxQuantity: DEVIATION_EXCEEDED. */
  exceeded: DeviationInstallation[];
}

const time = (t: Date | string | number): number => new Date(t).getTime();
const iso = (t: number): string => new Date(t).toISOString();

/**
 * The deviation `deviationId` of `brand` as of `now`, or undefined when the brand never published it (the caller has
 * checked the brand is in its scope). Reads by `_id` only: the deviation, its part's document (which holds what the
 * approvals and deviations it names say: they decide which installations count; of documents written before the
 * copies, those approvals' and deviations' own documents too), the forward count of the part's installations in the
 * brand's units (as the judgement makes it), then one round trip per level up to the top-level units.
 */
export async function deviationReport(reader: AuthorityReader & UsageReader, brand: string, deviationId: string, scope: BrandScope, now: number): Promise<DeviationReport | undefined> {
  const [doc] = await reader.findBrandDeviations([brandDeviationId(brand, deviationId)]);
  const terms = earliest(doc?.approvals);
  if (!doc || !terms) return undefined;
  const [part] = await reader.findBrandParts([brandPartId(brand, terms.internalPartNumber)]);
  // Only the own documents of ids never copied to the part's document (written before the copies, ownDocumentsToRead):
  // of a part written since, none, and the report costs one round trip less. The deviation's own is in hand already.
  const own = part ? ownDocumentsToRead(part) : { approvalIds: [], deviationIds: [] };
  const deviationIds = own.deviationIds.filter((id) => id !== doc._id).sort();
  const [approvals, others] = await Promise.all([
    own.approvalIds.length > 0 ? reader.findBrandApprovals(own.approvalIds.sort()) : ([] as BrandApprovalDoc[]),
    deviationIds.length > 0 ? reader.findBrandDeviations(deviationIds) : ([] as BrandDeviationDoc[]),
  ]);
  const deviations = [doc, ...others];
  const authority = partAuthorityOf(
    brand,
    terms.internalPartNumber,
    part ?? { _id: brandPartId(brand, terms.internalPartNumber), brand, internalPartNumber: terms.internalPartNumber, deviations: doc.approvals },
    new Map<string, BrandApprovalDoc>(approvals.map((a) => [a._id, a])),
    new Map<string, BrandDeviationDoc>(deviations.map((d) => [d._id, d])),
  );
  const receiptIds = [...new Set(authority.deviations.map((d) => partReceiptsId(d.internalPartNumber, d.manufacturer, d.mpn)))].sort();
  const uses = await usesOfParts(reader, receiptIds, new Set([brand]), { roundTrips: 0 });
  const allocations = allocateDeviations(authority, uses);
  const byKey = new Map(uses.map((u) => [useKeyOf(u), u]));

  const installations: DeviationInstallation[] = [];
  const exceeded: DeviationInstallation[] = [];
  const perSerial = new Map<string, { pieces: number; productPartNumber?: string; workOrder?: string }>();
  for (const [key, allocation] of allocations) {
    if (allocation.deviationId !== deviationId) continue;
    const use = byKey.get(key)!;
    const row: DeviationInstallation = { serial: use.serial!, lotId: use.lotId!, quantity: use.quantity, at: iso(use.at), eventId: use.eventId, count: allocation.count };
    installations.push(row);
    if (allocation.exceeded) exceeded.push(row);
    const s = perSerial.get(row.serial) ?? { pieces: 0, productPartNumber: use.productPartNumber, workOrder: use.workOrder };
    s.pieces += use.quantity;
    perSerial.set(row.serial, s);
  }
  installations.sort((a, b) => a.count - b.count);
  exceeded.sort((a, b) => a.count - b.count);
  const piecesUsed = installations.at(-1)?.count ?? 0;

  const tops = await topsOf(reader, [...perSerial.keys()], scope);
  const revocation = earliest(doc.revocations);
  const validFrom = time(terms.validFrom);
  const validUntil = time(terms.validUntil);
  const state: DeviationState =
    revocation && time(revocation.at) <= now ? 'REVOKED' : now < validFrom ? 'NOT_YET_IN_FORCE' : now > validUntil ? 'EXPIRED' : 'IN_FORCE';
  const { internalPartNumber, manufacturer, mpn, vendorIds, productPartNumbers, workOrders, maxQuantity, approvedBy, reason } = terms;
  return {
    brand,
    deviationId,
    internalPartNumber,
    manufacturer,
    mpn,
    ...(vendorIds ? { vendorIds } : {}),
    ...(productPartNumbers ? { productPartNumbers } : {}),
    ...(workOrders ? { workOrders } : {}),
    ...(maxQuantity !== undefined ? { maxQuantity } : {}),
    validFrom: iso(validFrom),
    validUntil: iso(validUntil),
    approvedBy,
    reason,
    state,
    approvedAt: iso(time(terms.at)),
    ...(revocation ? { revoked: { at: iso(time(revocation.at)), reason: revocation.reason } } : {}),
    piecesUsed,
    ...(terms.maxQuantity !== undefined ? { piecesLeft: Math.max(0, terms.maxQuantity - piecesUsed) } : {}),
    serials: [...perSerial]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([serial, s]) => {
        const top = tops.get(serial)!;
        return {
          serial,
          ...(s.productPartNumber !== undefined ? { productPartNumber: s.productPartNumber } : {}),
          ...(s.workOrder !== undefined ? { workOrder: s.workOrder } : {}),
          pieces: s.pieces,
          topSerial: top._id,
          shipments: Object.values(top.shipments ?? {})
            .map((x) => ({ shipmentId: x.shipmentId, customer: x.customer, at: iso(time(x.at)) }))
            .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0)),
        };
      }),
    installations,
    exceeded,
  };
}

/**
 * For each serial, the highest unit above it (through its parents not since detached) that the caller may see: one
 * round trip per level. A parent of a brand outside the scope stops the climb, and nothing of it is told.
 */
async function topsOf(reader: UsageReader, serials: string[], scope: BrandScope): Promise<Map<string, UnitDoc>> {
  const units = new Map<string, UnitDoc>();
  let frontier = serials;
  // As built now, by the genealogy's own rule: a detachment counts only from its time on (a unit put back stays in).
  const parentOf = (u: UnitDoc): string | undefined => parentSerials(u)[0];
  for (let depth = 0; frontier.length > 0 && depth < 64; depth++) {
    const docs = await reader.findUnits(frontier);
    const next: string[] = [];
    for (const d of docs) {
      if (!inScope(scope, brandOf(d))) continue; // a brand in conflict is in no brand's scope
      units.set(d._id, d);
      const p = parentOf(d);
      if (p !== undefined && !units.has(p)) next.push(p);
    }
    frontier = [...new Set(next)];
  }
  const result = new Map<string, UnitDoc>();
  for (const serial of serials) {
    let unit = units.get(serial) ?? ({ _id: serial } as UnitDoc);
    for (let p = parentOf(unit), hops = 0; p !== undefined && units.has(p) && hops < 64; p = parentOf(unit), hops++) unit = units.get(p)!;
    result.set(serial, unit);
  }
  return result;
}
