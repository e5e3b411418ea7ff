import { inScope, type BrandScope } from '../genealogy.types';
import { claimsOf } from '../facts/claims';
import { values } from '../facts/facts';
import type { FactView } from '../facts/visibility';
import type { UnitDoc, VendorLotDoc } from '../storage/graph.documents';
import { brandBomId, brandPartId, type BrandApprovalDoc, type BrandDeviationDoc, type BrandPartDoc } from './authority.documents';
import type { AuthorityReader } from './authority.repository';
import { ownDocumentsToRead, partAuthorityOf, type PartAuthority } from './authority-rules';

type Finder<T> = (ids: string[]) => Promise<T[]>;

/** A part's authority already worked out from the documents the reader answered (AuthorityReadAhead), if it is. */
export interface PartAuthorities {
  partAuthority?(part: BrandPartDoc): PartAuthority | undefined;
}

/**
 * Documents by `_id`, each read once: `ahead` starts reading ids nobody asked for yet and returns at once, `read` answers
 * exactly the ids asked (those read ahead or on their way, the rest in one read now). What was read ahead but never
 * asked is never answered.
 */
class ReadOnce<T extends { _id: string }> {
  // Each id with the read that answers it: one promise per read (of up to thousands of ids), not one per id.
  private readonly byId = new Map<string, Promise<Map<string, T>>>();
  constructor(private readonly find: Finder<T>) {}

  /** Starts reading the ids not read before; resolves with the documents of those it started. */
  ahead(ids: Iterable<string>): Promise<T[]> {
    const fresh = [...new Set(ids)].filter((id) => !this.byId.has(id)).sort();
    if (fresh.length === 0) return Promise.resolve([]);
    const docs = this.find(fresh);
    // One map per read, not a search of the whole answer per id (1,920 brand parts made 1.8M comparisons an answer).
    const byId = docs.then((ds) => new Map(ds.map((d) => [d._id, d])));
    // Forgotten when it fails, so a later read asks again; whoever waits for it gets the error, never "no document".
    byId.catch(() => fresh.forEach((id) => this.byId.get(id) === byId && this.byId.delete(id))); // a read ahead nobody waits for fails quietly
    for (const id of fresh) this.byId.set(id, byId);
    return docs;
  }

  async read(ids: string[]): Promise<T[]> {
    this.ahead(ids).catch(() => undefined); // its failure reaches the caller below, through the read that holds each id
    const asked = [...new Set(ids)];
    const reads = new Map(asked.map((id) => [id, this.byId.get(id)!]));
    const answered = new Map<Promise<Map<string, T>>, Map<string, T>>();
    await Promise.all([...new Set(reads.values())].map(async (r) => answered.set(r, await r)));
    return asked.flatMap((id) => {
      const doc = answered.get(reads.get(id)!)!.get(id);
      return doc === undefined ? [] : [doc];
    });
  }
}

/**
 * The judgement's first reads, started while the walk is still reading the graph: the (brand, IPN) and (brand, product)
 * documents a genealogy can need, as soon as a level names them, then the approvals and deviations those name (only
 * those never copied to the part's document, ownDocumentsToRead) and the retractions of all of them, each as soon as
 * what names it has come back. The judgement then reads through `reader`,
 * which answers what it asks exactly as the repositories would (what was read ahead and not asked is never seen), and
 * finds most of it there already: its round trips overlap the walk's instead of following it.
 *
 * What is read ahead is a superset of what the judgement asks: every brand a unit claims (in the caller's scope) with
 * every internal part number a level names (vendor lots', BOM lines' of installations). A unit's brand as finally seen
 * (retractions, asOf) is decided later; a read ahead never decides anything.
 */
export class AuthorityReadAhead {
  readonly reader: AuthorityReader & PartAuthorities;
  private readonly parts: ReadOnce<BrandPartDoc>;
  private readonly boms: ReadOnce<{ _id: string }>;
  private readonly approvals: ReadOnce<{ _id: string }>;
  private readonly deviations: ReadOnce<{ _id: string }>;
  private readonly brands = new Set<string>();
  private readonly partNumbers = new Set<string>();
  /** Each part's authority, worked out as soon as its document, its approvals and deviations and their retractions are in. */
  private readonly authorities = new Map<string, PartAuthority>();

  constructor(
    source: AuthorityReader,
    private readonly scope: BrandScope,
    private readonly view: FactView,
  ) {
    this.parts = new ReadOnce((ids) => source.findBrandParts(ids));
    this.boms = new ReadOnce((ids) => source.findBrandBoms(ids));
    this.approvals = new ReadOnce((ids) => source.findBrandApprovals(ids));
    this.deviations = new ReadOnce((ids) => source.findBrandDeviations(ids));
    this.reader = {
      findBrandParts: (ids) => this.parts.read(ids),
      findBrandBoms: (ids) => this.boms.read(ids) as ReturnType<AuthorityReader['findBrandBoms']>,
      findBrandApprovals: (ids) => this.approvals.read(ids) as ReturnType<AuthorityReader['findBrandApprovals']>,
      findBrandDeviations: (ids) => this.deviations.read(ids) as ReturnType<AuthorityReader['findBrandDeviations']>,
      findPartReceipts: (ids) => source.findPartReceipts(ids),
      partAuthority: (part) => this.authorities.get(part._id),
    };
  }

  /** What one level of the walk brought: starts the reads it makes possible, and returns at once. */
  level(units: readonly UnitDoc[], vendorLots: readonly VendorLotDoc[]): void {
    const newBrands: string[] = [];
    const newParts: string[] = [];
    const bomIds: string[] = [];
    const partNumber = (p: string | undefined): void => {
      if (p === undefined || this.partNumbers.has(p)) return;
      this.partNumbers.add(p);
      newParts.push(p);
    };
    for (const u of units) {
      for (const claim of claimsOf(u.starts, undefined, u.started)) {
        if (!inScope(this.scope, claim.brand)) continue;
        bomIds.push(brandBomId(claim.brand, claim.productPartNumber));
        if (this.brands.has(claim.brand)) continue;
        this.brands.add(claim.brand);
        newBrands.push(claim.brand);
      }
      for (const i of values(u.installs)) partNumber(i.bomPartNumber);
    }
    for (const vl of vendorLots) partNumber(vl.internalPartNumber);
    const partIds: string[] = [];
    for (const b of newBrands) for (const p of this.partNumbers) partIds.push(brandPartId(b, p));
    for (const p of newParts) for (const b of this.brands) if (!newBrands.includes(b)) partIds.push(brandPartId(b, p));
    // A read ahead that fails is read again by the judgement, which then fails loudly.
    const quiet = (p: Promise<unknown>): void => void p.catch(() => undefined);
    if (bomIds.length > 0) quiet(this.boms.ahead(bomIds).then((docs) => this.view.learn(docs)));
    if (partIds.length > 0) {
      quiet(
        this.parts.ahead(partIds).then(async (docs) => {
          const approvalIds = new Set<string>();
          const deviationIds = new Set<string>();
          for (const p of docs) {
            const own = ownDocumentsToRead(p);
            own.approvalIds.forEach((id) => approvalIds.add(id));
            own.deviationIds.forEach((id) => deviationIds.add(id));
          }
          // What the judgement would work out for these parts, while the walk still waits for its next level: the
          // approvals and deviations they name and never had copied (read now, or already on their way for other
          // parts) and every retraction of them known.
          const [named, namedDeviations] = await Promise.all([this.approvals.read([...approvalIds]), this.deviations.read([...deviationIds]), this.view.learn(docs)]);
          await this.view.learn([...named, ...namedDeviations]);
          const approvalById = new Map(named.map((a) => [a._id, this.view.see(a as BrandApprovalDoc)]));
          const deviationById = new Map(namedDeviations.map((d) => [d._id, this.view.see(d as BrandDeviationDoc)]));
          for (const p of docs) this.authorities.set(p._id, partAuthorityOf(p.brand, p.internalPartNumber, this.view.see(p), approvalById, deviationById));
        }),
      );
    }
  }
}
