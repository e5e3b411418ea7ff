import { Injectable } from '@nestjs/common';
import { GenealogyRepository } from '../storage/genealogy.repository';
import { BrandScope, Genealogy } from '../genealogy.types';
import { BrandApprovalDoc, BrandBomDoc, BrandDeviationDoc, brandApprovalId, brandDeviationId } from './authority.documents';
import { AuthorityReader, AuthorityRepository } from './authority.repository';
import { PartAuthority, partAuthorityOf } from './authority-rules';
import { DeviationReport, deviationReport } from './deviation-report';
import { UsageReader, usesOfParts } from './deviation-usage';
import { judgeGenealogy, subjectOf, usageNeeded } from './judge-genealogy';

/**
 * Judges a genealogy answer against its brands' authority, reading only for the brands of units in the caller's answer:
 * one round trip for the (brand, IPN) and (brand, product) documents, one for the approvals and deviations they name,
 * and, only when an installation falls under a deviation with a quantity limit, a forward count of the brand's
 * installations of that part (receipts, lot levels, uses, units). Those last round trips climb through every brand's
 * material, so like where-used they are counted in `roundTrips` for site-wide callers only.
 */
export async function judgeWithReads(reader: AuthorityReader & UsageReader, g: Genealogy, scope: BrandScope): Promise<Genealogy> {
  const subject = subjectOf(g, scope);
  // Nothing to read for: only the units in conflict, if any, are marked not judged (and why).
  if (subject.units.length === 0) return judgeGenealogy(g, subject, { parts: new Map(), boms: new Map(), uses: [] });
  const [partDocs, bomDocs] = await Promise.all([reader.findBrandParts(subject.brandPartIds), reader.findBrandBoms(subject.brandBomIds)]);
  g.roundTrips++;
  const approvalIds = new Set<string>();
  const deviationIds = new Set<string>();
  for (const p of partDocs) {
    for (const a of Object.values(p.approvals ?? {})) approvalIds.add(brandApprovalId(p.brand, a.approvalId));
    for (const d of Object.values(p.deviations ?? {})) deviationIds.add(brandDeviationId(p.brand, d.deviationId));
  }
  let approvals: BrandApprovalDoc[] = [];
  let deviations: BrandDeviationDoc[] = [];
  if (approvalIds.size + deviationIds.size > 0) {
    [approvals, deviations] = await Promise.all([reader.findBrandApprovals([...approvalIds].sort()), reader.findBrandDeviations([...deviationIds].sort())]);
    g.roundTrips++;
  }
  const approvalById = new Map(approvals.map((a) => [a._id, a]));
  const deviationById = new Map(deviations.map((d) => [d._id, d]));
  const parts = new Map<string, PartAuthority>(
    partDocs.map((p) => [p._id, partAuthorityOf(p.brand, p.internalPartNumber, p, approvalById, deviationById)]),
  );
  const boms = new Map<string, BrandBomDoc>(bomDocs.map((b) => [b._id, b]));

  const needed = usageNeeded(subject, parts);
  const stats = { roundTrips: 0 };
  const uses = await usesOfParts(reader, needed.partReceiptIds, needed.brands, stats);
  if (scope.kind === 'site') g.roundTrips += stats.roundTrips;
  return judgeGenealogy(g, subject, { parts, boms, uses });
}

/** Brand authority over the graph in MongoDB: judgeWithReads on the repositories. */
@Injectable()
export class AuthorityJudge {
  private readonly reader: AuthorityReader & UsageReader;

  constructor(private readonly authority: AuthorityRepository, graph: GenealogyRepository) {
    this.reader = {
      findBrandParts: (ids) => authority.findBrandParts(ids),
      findBrandApprovals: (ids) => authority.findBrandApprovals(ids),
      findBrandDeviations: (ids) => authority.findBrandDeviations(ids),
      findBrandBoms: (ids) => authority.findBrandBoms(ids),
      findPartReceipts: (ids) => authority.findPartReceipts(ids),
      findLots: (ids) => graph.findLots(ids),
      findLotUseIndexes: (ids) => graph.findLotUseIndexes(ids),
      findLotUses: (ids) => graph.findLotUses(ids),
      findUnits: (ids) => graph.findUnits(ids),
    };
  }

  /** Adds each material's judgement and the authority flags to the answer of a caller with `scope`. */
  judge(g: Genealogy, scope: BrandScope): Promise<Genealogy> {
    return judgeWithReads(this.reader, g, scope);
  }

  /** The serials shipped under a shipment id, sorted, with the customer of each (one read by `_id`); [] when unknown. */
  async shipmentUnits(shipmentId: string): Promise<{ serial: string; customer: string }[]> {
    const [doc] = await this.authority.findShipmentUnits([shipmentId]);
    const bySerial = new Map(Object.values(doc?.units ?? {}).map((u) => [u.serial, u.customer]));
    return [...bySerial].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([serial, customer]) => ({ serial, customer }));
  }

  /** A deviation of `brand` as it stands at `now`, with its recall scope; undefined when never published. */
  deviation(brand: string, deviationId: string, scope: BrandScope, now = Date.now()): Promise<DeviationReport | undefined> {
    return deviationReport(this.reader, brand, deviationId, scope, now);
  }
}
