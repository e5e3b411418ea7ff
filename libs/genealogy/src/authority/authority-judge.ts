import { Injectable } from '@nestjs/common';
import { GenealogyRepository } from '../storage/genealogy.repository';
import { BrandScope, Genealogy } from '../genealogy.types';
import { BrandApprovalDoc, BrandBomDoc, BrandDeviationDoc, partReceiptsId } from './authority.documents';
import { AuthorityReader, AuthorityRepository, BrandListReader } from './authority.repository';
import { ApprovedPart, DeviationSummary, brandApprovals, brandDeviations } from './brand-lists';
import { PartAuthority, ownDocumentsToRead, partAuthorityOf } from './authority-rules';
import { DeviationReport, deviationReport } from './deviation-report';
import { UsageReader, usesOfParts } from './deviation-usage';
import { AuthoritySubject, judgeGenealogy, subjectOf, usageNeeded } from './judge-genealogy';
import { FactView, RetractionReader, visibleReader } from '../facts/visibility';
import { AuthorityReadAhead, type PartAuthorities } from './read-ahead';
import { shipmentUnitsOf } from './shipment-units';

/**
 * Judges a genealogy answer against its brands' authority, reading only for the brands of units in the caller's answer:
 * one round trip for the (brand, IPN) and (brand, product) documents (which hold copies of their approvals' withdrawals
 * and deviations' revocations), one for the approvals and deviations they name only in documents written before those
 * copies, and, only when an installation falls under a deviation with a quantity limit, a forward count of the brand's
 * installations of that part (receipts, lot levels, the brand's own uses, its units). The lot levels of that count
 * climb through material every brand shares, so like where-used they are counted in `roundTrips` for site-wide
 * callers only.
 */
export async function judgeWithReads(reader: AuthorityReader & UsageReader & RetractionReader & PartAuthorities, g: Genealogy, scope: BrandScope, view = new FactView(reader)): Promise<Genealogy> {
  const [judged] = await judgeManyWithReads(reader, [g], scope, view);
  return judged!;
}

/**
 * Judges many answers with one set of reads for all of them (the union of what each needs, each kind read once), so a
 * batch of serials costs what one costs in round trips. Each answer is judged exactly as judgeWithReads judges it
 * alone: its deviation counts are made over the installations its own judgement would have read, and its own. `view`
 * is the walk's (its retractions and asOf), shared by the answers of one walk.
 */
export async function judgeManyWithReads(
  reader: AuthorityReader & UsageReader & RetractionReader & PartAuthorities,
  gs: readonly Genealogy[],
  scope: BrandScope,
  view = new FactView(reader),
): Promise<Genealogy[]> {
  const subjects = gs.map((g) => subjectOf(g, scope));
  const judgedOnes = subjects.flatMap((subject, i) => (subject.units.length > 0 ? [{ g: gs[i]!, subject }] : []));
  // Nothing to read for those: only their units in conflict, if any, are marked not judged (and why).
  subjects.forEach((subject, i) => {
    if (subject.units.length === 0) judgeGenealogy(gs[i]!, subject, { parts: new Map(), boms: new Map(), uses: [] });
  });
  if (judgedOnes.length === 0) return [...gs];
  const union = (ids: (s: AuthoritySubject) => string[]): string[] => [...new Set(judgedOnes.flatMap((j) => ids(j.subject)))].sort();
  const [rawParts, rawBoms] = await Promise.all([reader.findBrandParts(union((s) => s.brandPartIds)), reader.findBrandBoms(union((s) => s.brandBomIds))]);
  let trips = 1;
  const approvalIds = new Set<string>();
  const deviationIds = new Set<string>();
  for (const p of rawParts) {
    // Only for ids never copied to the part's document (written before the copies): of a part written since, none.
    const own = ownDocumentsToRead(p);
    own.approvalIds.forEach((id) => approvalIds.add(id));
    own.deviationIds.forEach((id) => deviationIds.add(id));
  }
  // The retractions of the brand's events are read beside the approvals and deviations (if any), then theirs: one more round trip.
  const [storedApprovals, storedDeviations, learnt] = await Promise.all([
    approvalIds.size > 0 ? reader.findBrandApprovals([...approvalIds].sort()) : ([] as BrandApprovalDoc[]),
    deviationIds.size > 0 ? reader.findBrandDeviations([...deviationIds].sort()) : ([] as BrandDeviationDoc[]),
    view.learn([...rawParts, ...rawBoms]),
  ]);
  // The retractions of the documents read: one round trip after them, made now or by a read ahead during the walk
  // (which then learnt them: `learnt` is false), beside the approvals' and deviations' own documents when any is read.
  if (learnt || rawParts.length + rawBoms.length > 0) trips++;
  if (await view.learn([...storedApprovals, ...storedDeviations])) trips++; // their withdrawals and revocations
  // A retracted (or, as of a moment, a later) approval, deviation, withdrawal, revocation or BOM does not apply.
  const partDocs = rawParts.map((d) => view.see(d));
  const bomDocs = rawBoms.map((d) => view.see(d));
  const approvals = storedApprovals.map((d) => view.see(d));
  const deviations = storedDeviations.map((d) => view.see(d));
  const approvalById = new Map(approvals.map((a) => [a._id, a]));
  const deviationById = new Map(deviations.map((d) => [d._id, d]));
  const parts = new Map<string, PartAuthority>(
    // Worked out during the walk when the reads were made ahead (the same documents, the same view), else now.
    partDocs.map((p) => [p._id, reader.partAuthority?.(p) ?? partAuthorityOf(p.brand, p.internalPartNumber, p, approvalById, deviationById)]),
  );
  const boms = new Map<string, BrandBomDoc>(bomDocs.map((b) => [b._id, b]));

  const needs = judgedOnes.map((j) => usageNeeded(j.subject, parts));
  const stats = { roundTrips: 0 };
  // A retracted installation does not count toward a deviation's quantity; as of a moment, neither does a later one.
  const uses = await usesOfParts(
    visibleReader(reader, view),
    [...new Set(needs.flatMap((n) => n.partReceiptIds))].sort(),
    new Set(needs.flatMap((n) => [...n.brands])),
    stats,
  );
  if (scope.kind === 'site') trips += stats.roundTrips;
  judgedOnes.forEach(({ g, subject }, i) => {
    const need = needs[i]!;
    const receiptIds = new Set(need.partReceiptIds);
    // What this answer's own count would have read: its brands' installations of its parts, nothing another answer asked for.
    const own = uses.filter((u) => need.brands.has(u.brand) && receiptIds.has(partReceiptsId(u.part.internalPartNumber, u.part.manufacturer, u.part.mpn)));
    g.roundTrips += trips;
    judgeGenealogy(g, subject, { parts, boms, uses: own });
  });
  return [...gs];
}

/** The judgement's reads over the repositories in MongoDB (AuthorityJudge's own; the bench records them). */
export function authorityReaderFrom(authority: AuthorityRepository, graph: GenealogyRepository): BrandListReader & UsageReader & RetractionReader {
  return {
    findBrandIndexes: (brands) => authority.findBrandIndexes(brands),
    findBrandParts: (ids) => authority.findBrandParts(ids),
    findBrandApprovals: (ids) => authority.findBrandApprovals(ids),
    findBrandDeviations: (ids) => authority.findBrandDeviations(ids),
    findBrandBoms: (ids) => authority.findBrandBoms(ids),
    findPartReceipts: (ids) => authority.findPartReceipts(ids),
    findPartReceiptBuckets: (ids) => authority.findPartReceiptBuckets(ids),
    findLots: (ids, read) => graph.findLots(ids, read),
    findLotBrandUseIndexes: (ids) => graph.findLotBrandUseIndexes(ids),
    findLotBrandUses: (ids) => graph.findLotBrandUses(ids),
    findUnits: (ids) => graph.findUnits(ids),
    findRetractions: (ids) => graph.findRetractions(ids),
    anyRetraction: () => graph.anyRetraction(),
  };
}

/** Brand authority over the graph in MongoDB: judgeWithReads on the repositories. */
@Injectable()
export class AuthorityJudge {
  private readonly reader: BrandListReader & UsageReader & RetractionReader;

  constructor(private readonly authority: AuthorityRepository, graph: GenealogyRepository) {
    this.reader = authorityReaderFrom(authority, graph);
  }

  /**
   * Adds each material's judgement and the authority flags to the answer of a caller with `scope`, seen as the genealogy
   * was (`view`: its retractions and asOf; absent, now).
   */
  judge(g: Genealogy, scope: BrandScope, view?: FactView, ahead?: AuthorityReadAhead): Promise<Genealogy> {
    return judgeWithReads(this.readerWith(ahead), g, scope, view ?? new FactView(this.reader));
  }

  /** Judges many answers of one caller as `judge` judges each, with one set of reads for all of them (judgeManyWithReads). */
  judgeMany(gs: readonly Genealogy[], scope: BrandScope, view?: FactView, ahead?: AuthorityReadAhead): Promise<Genealogy[]> {
    return judgeManyWithReads(this.readerWith(ahead), gs, scope, view ?? new FactView(this.reader));
  }

  /**
   * The judgement's first reads for a caller with `scope`, to start while a walk seen through `view` goes on; pass it to
   * judge or judgeMany, which then read through it (what they read is the same, sooner).
   */
  readAhead(scope: BrandScope, view: FactView): AuthorityReadAhead {
    return new AuthorityReadAhead(this.reader, scope, view);
  }

  private readerWith(ahead?: AuthorityReadAhead): BrandListReader & UsageReader & RetractionReader & PartAuthorities {
    return ahead ? { ...this.reader, ...ahead.reader } : this.reader;
  }

  /** The serials shipped under a shipment id, sorted, with the customer of each (its document, then its buckets a few at a time); [] when unknown. */
  async shipmentUnits(shipmentId: string): Promise<{ serial: string; customer: string }[]> {
    // A retracted UnitShipped ships nothing: every read seen through one view.
    const doc = await shipmentUnitsOf(visibleReader(this.authority, new FactView(this.reader)), shipmentId);
    const bySerial = new Map(Object.values(doc?.units ?? {}).map((u) => [u.serial, u.customer]));
    return [...bySerial].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([serial, customer]) => ({ serial, customer }));
  }

  /** Every approval of `brand` as it stands at `now` (the caller has checked the brand is in its scope). */
  approvals(brand: string, now = Date.now()): Promise<ApprovedPart[]> {
    return brandApprovals(this.reader, brand, now);
  }

  /** Every deviation of `brand` as it stands at `now`, with the pieces used and left (the brand in the caller's scope). */
  deviations(brand: string, now = Date.now()): Promise<DeviationSummary[]> {
    return brandDeviations(this.reader, brand, now);
  }

  /** A deviation of `brand` as it stands at `now`, with its recall scope; undefined when never published. */
  deviation(brand: string, deviationId: string, scope: BrandScope, now = Date.now()): Promise<DeviationReport | undefined> {
    return deviationReport(visibleReader(this.reader, new FactView(this.reader)), brand, deviationId, scope, now);
  }
}
