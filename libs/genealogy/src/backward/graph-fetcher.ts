import { Injectable } from '@nestjs/common';
import { brandOf, claimedBrands, receiptClaimsOf } from '../facts/claims';
import { values } from '../facts/facts';
import { BrandScope, inScope } from '../genealogy.types';
import { GenealogyRepository } from '../storage/genealogy.repository';
import { LotDoc, UnitDoc, VendorDoc, VendorLotDoc } from '../storage/graph.documents';
import { FactView, Seen } from '../facts/visibility';

/** The documents a traversal fetched, by id. */
export interface FetchedGraph {
  /** As the view sees them: retracted facts (and, with an asOf, later ones) left out; retracted ones aside for history. */
  units: Map<string, Seen<UnitDoc>>;
  lots: Map<string, LotDoc>;
  vendorLots: Map<string, VendorLotDoc>;
  vendors: Map<string, VendorDoc>;
  roundTrips: number;
  /** What the walk saw: the retractions of every event it read, and its asOf (absent from fakes: everything, now). */
  view?: FactView;
  /** The scope it was fetched for (absent: site-wide): units outside it were read but not followed. */
  scope?: BrandScope;
}

/** Told each level of a walk as it arrives (see fetchMany). */
export type LevelListener = (level: { units: readonly UnitDoc[]; vendorLots: readonly VendorLotDoc[] }, view: FactView) => void;

/**
 * Reads every document reachable backward from serials, level by level: one round trip per level, units, lots and
 * vendors side by side. The stored documents it returns stay inside this lib (the assembly, commonality).
 */
@Injectable()
export class GraphFetcher {
  constructor(private readonly repo: GenealogyRepository) {}

  /** Fetches every document reachable backward from `serial`, level by level. */
  fetch(serial: string, asOf?: Date): Promise<FetchedGraph> {
    return this.fetchMany([serial], undefined, asOf);
  }

  /**
   * Fetches every document reachable backward from any of `serials`: all their levels together, one round trip
   * each, each document once however many paths lead to it. With a scope, a unit of a brand outside it (or of no
   * known brand) is read but never followed: a given serial of another brand costs what an unknown one costs, and
   * another brand's sub-assembly inside a unit in scope costs one read, whatever it contains.
   *
   * Every document is then seen through a FactView (retractions, `asOf`): the retractions of each level's events are
   * read alongside the next level, and the walk follows every stored edge (an edge out of a retracted fact costs a read
   * and is pruned with it), so visibility costs one round trip in all, after the last level.
   *
   * `onLevel` is told each level's units that are followed and its vendor lots as they arrive, stored documents as read
   * (nothing pruned yet), so reads that depend on them (the judgement's) can start while the walk goes on.
   */
  async fetchMany(serials: readonly string[], scope?: BrandScope, asOf?: Date, onLevel?: LevelListener): Promise<FetchedGraph> {
    const view = new FactView(this.repo, asOf);
    const g: FetchedGraph = { units: new Map(), lots: new Map(), vendorLots: new Map(), vendors: new Map(), roundTrips: 0, view, ...(scope ? { scope } : {}) };
    let previous: object[] = [];
    const given = new Set(serials);
    const seen = { units: new Set(given), lots: new Set<string>(), vendorLots: new Set<string>(), vendors: new Set<string>() };
    let frontier = { units: [...seen.units], lots: [] as string[], vendorLots: [] as string[], vendors: [] as string[] };
    // One hash operation an id (add, then the size tells whether it was new), on the kind's own set and list: a level
    // enqueues thousands (bench/fetch-floor.ts --profile).
    const enqueue = (seenOfKind: Set<string>, id: string, nextOfKind: string[]): void => {
      const n = seenOfKind.size;
      if (seenOfKind.add(id).size > n) nextOfKind.push(id);
    };
    while (frontier.units.length + frontier.lots.length + frontier.vendorLots.length + frontier.vendors.length > 0) {
      const before = previous;
      const [units, lots, vendorLots, vendors] = await Promise.all([
        this.repo.findUnits(frontier.units),
        this.repo.findLots(frontier.lots, { withoutForwardEdges: true }),
        this.repo.findVendorLots(frontier.vendorLots),
        this.repo.findVendors(frontier.vendors, true),
        // The retractions of the level before, once this level's reads are on their way: learning them is a pass over
        // every fact of that level, CPU that overlaps the database's work here instead of holding the reads back.
        afterSend().then(() => view.learn(before)),
      ]);
      g.roundTrips++;
      const first = g.roundTrips === 1;
      if (first && units.length === 0) return g; // unknown serials: nothing more to read
      // A unit whose claims disagree on its brand, one of them in scope: whether it is in scope depends on which claims
      // are visible (a retraction, an asOf may resolve the conflict), so its retractions are read now, one round trip
      // more for such units only (not counted in roundTrips: the count would tell a brand's key that another brand
      // claims the unit). Units of no brand in scope are decided on what is stored, as before.
      const contested = scope ? new Set(units.filter((u) => !inScope(scope, brandOf(u)) && claimedBrands(u).some((b) => inScope(scope, b)))) : new Set<UnitDoc>();
      if (contested.size > 0) await view.learn([...contested]);
      // Only what is kept: a given serial of another brand costs what an unknown one costs, retractions included.
      previous = [...lots, ...vendorLots, ...vendors];
      const next = { units: [] as string[], lots: [] as string[], vendorLots: [] as string[], vendors: [] as string[] };
      const followed: UnitDoc[] = [];
      for (const u of units) {
        if (scope && !inScope(scope, brandOf(contested.has(u) ? view.see(u) : u))) {
          if (first && given.has(u._id)) seen.units.delete(u._id); // a given serial: dropped, unless a unit in scope contains it
          else {
            const withheld = withheldDoc(u); // a sub-assembly: kept for its serial and product; what it holds is not read
            g.units.set(u._id, withheld);
            previous.push(withheld);
          }
          continue;
        }
        g.units.set(u._id, u);
        previous.push(u);
        followed.push(u);
        for (const c of values(u.children)) enqueue(seen.units, c.childSerial, next.units);
        for (const i of values(u.installs)) {
          enqueue(seen.lots, i.lotId, next.lots); // then its candidates, if any: no list of both per installation
          if (i.candidates) for (const id of i.candidates.lotIds) enqueue(seen.lots, id, next.lots);
        }
      }
      for (const l of lots) {
        g.lots.set(l._id, l);
        for (const s of values(l.sources)) for (const id of s.lotIds) enqueue(seen.lots, id, next.lots);
        // Every claimed receipt: when two disagree, both sides' vendor lots are told (and the conflict flagged).
        for (const r of receiptClaimsOf(l)) { // the claims lotReceiptOf weighs, without weighing them
          enqueue(seen.vendorLots, r.vendorLotId, next.vendorLots);
          enqueue(seen.vendors, r.vendorId, next.vendors); // known from the lot: fetched in the same round as its vendor lot
        }
      }
      for (const vl of vendorLots) {
        g.vendorLots.set(vl._id, vl);
        enqueue(seen.vendors, vl.vendorId, next.vendors);
      }
      for (const v of vendors) g.vendors.set(v._id, v);
      onLevel?.({ units: followed, vendorLots }, view);
      frontier = next;
    }
    if (await view.learn(previous)) g.roundTrips++;
    for (const m of [g.units, g.lots, g.vendorLots, g.vendors] as Map<string, object>[]) for (const [id, doc] of m) m.set(id, view.see(doc));
    return g;
  }
}

/**
 * Resolves once the reads just started are written to the database's sockets: on pooled connections the driver sends
 * them from promise callbacks and ticks, which all run before an immediate does (checked with command monitoring: five
 * finds started, then the immediate); a read that must open a connection first waits for it either way.
 */
const afterSend = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

// What of another brand's unit a scoped traversal keeps: enough to say a sub-assembly of another brand is there.
const withheldDoc = (u: UnitDoc): UnitDoc => ({
  _id: u._id,
  ...(u.starts ? { starts: { ...u.starts } } : {}),
  ...(u.started ? { started: { ...u.started } } : {}),
});
