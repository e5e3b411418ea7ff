import { Injectable } from '@nestjs/common';
import { assembleGenealogy } from './backward/assemble-genealogy';
import { FetchedGraph, GraphFetcher } from './backward/graph-fetcher';
import { brandOf, unitStartOf } from './facts/claims';
import { compare } from './facts/facts';
import { GenealogyRepository } from './storage/genealogy.repository';
import { BrandScope, UnitNode, inScope } from './genealogy.types';
import { sampleUnitsOfProducts } from './forward/product-units';

/** What serials can have in common: a vendor lot, a vendor, a package lot (or an ancestor of one), a sub-assembly product. */
export type CommonFactorKind = 'vendorLot' | 'vendor' | 'lot' | 'subAssemblyProduct';

/** One thing shared by some of the analysed serials, with how common it is on each side. */
export interface CommonFactor {
  kind: CommonFactorKind;
  id: string;
  /** How many of the analysed serials contain it, and which. */
  count: number;
  share: number;
  serials: string[];
  /** The same among the comparison serials, when a comparison set was given. */
  comparison?: { count: number; share: number };
}

/** The things the analysed serials share, most telling first. */
export interface Commonality {
  /** The analysed serials that exist (and are in scope). */
  serials: string[];
  /** Given serials that do not exist or are out of scope: left out, never guessed. */
  unknownSerials: string[];
  comparison?: { serials: string[]; unknownSerials: string[]; sampledFromProducts?: string[] };
  factors: CommonFactor[];
  roundTrips: number;
}

const KIND_ORDER: readonly CommonFactorKind[] = ['vendorLot', 'vendor', 'lot', 'subAssemblyProduct'];

/** Everything a serial contains, as factor keys (`kind\0id`), from the fetched graph: the genealogy's own answer. */
export function factorsOf(serial: string, graph: FetchedGraph): Set<string> {
  const g = assembleGenealogy(serial, graph);
  const keys = new Set<string>();
  const add = (kind: CommonFactorKind, id: string): void => void keys.add(`${kind}\u0000${id}`);
  g.summary.vendorLots.forEach((v) => add('vendorLot', v.vendorLotId));
  g.summary.vendors.forEach((v) => add('vendor', v.vendorId));
  g.lots.forEach((l) => add('lot', l.lotId));
  const walk = (u: UnitNode): void =>
    u.subAssemblies.forEach((s) => {
      if (s.unit.productPartNumber !== undefined) add('subAssemblyProduct', s.unit.productPartNumber);
      walk(s.unit);
    });
  walk(g.unit);
  return keys;
}

/**
 * Ranks what the serials share. Without a comparison set, by how many of them contain it; with one, by how much
 * more common it is among them than among the comparison serials ("shared by the failed units, rare among the
 * good ones"), then by count. Pure: the same graph gives the same answer.
 */
export function commonalityOf(graph: FetchedGraph, serials: readonly string[], comparison: readonly string[] | undefined, scope: BrandScope, top: number, asOf?: Date): Commonality {
  const split = (list: readonly string[]) => {
    const distinct = [...new Set(list)];
    // As of a moment, a unit not started by then is not known yet; its document was read through the view of that
    // moment (GraphFetcher), so a later start is no claim of it.
    const existed = (s: string): boolean => asOf === undefined || unitStartOf(graph.units.get(s)).started;
    const isKnown = (s: string): boolean => graph.units.has(s) && inScope(scope, brandOf(graph.units.get(s))) && existed(s);
    return { known: distinct.filter(isKnown), unknown: distinct.filter((s) => !isKnown(s)) };
  };
  const analysed = split(serials);
  const compared = comparison ? split(comparison) : undefined;

  const holders = new Map<string, string[]>();
  for (const s of analysed.known) {
    for (const key of factorsOf(s, graph)) {
      const list = holders.get(key);
      if (list) list.push(s);
      else holders.set(key, [s]);
    }
  }
  const comparisonCounts = new Map<string, number>();
  for (const s of compared?.known ?? []) {
    for (const key of factorsOf(s, graph)) if (holders.has(key)) comparisonCounts.set(key, (comparisonCounts.get(key) ?? 0) + 1);
  }

  const n = analysed.known.length;
  const m = compared?.known.length ?? 0;
  const factors: CommonFactor[] = [...holders].map(([key, holding]) => {
    const [kind, id] = key.split('\u0000') as [CommonFactorKind, string];
    const c = comparisonCounts.get(key) ?? 0;
    return {
      kind,
      id,
      count: holding.length,
      share: holding.length / n,
      serials: holding.sort(compare),
      ...(compared ? { comparison: { count: c, share: m === 0 ? 0 : c / m } } : {}),
    };
  });
  const lift = (f: CommonFactor): number => f.share - (f.comparison?.share ?? 0);
  factors.sort((a, b) => lift(b) - lift(a) || b.count - a.count || KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind) || compare(a.id, b.id));
  return {
    serials: analysed.known,
    unknownSerials: analysed.unknown,
    ...(compared ? { comparison: { serials: compared.known, unknownSerials: compared.unknown } } : {}),
    factors: factors.slice(0, top),
    roundTrips: graph.roundTrips,
  };
}

/** A comparison set: given serials, or a sample of this many units of the analysed serials' products. */
export type ComparisonSet = readonly string[] | { sample: number };

/**
 * Commonality over the graph in MongoDB: one backward traversal for all serials of both sets, level by level. With
 * `asOf`, both sets as built then (the same view as the genealogy's); a sampled comparison unit not started by then
 * is listed among the comparison's unknown serials.
 */
@Injectable()
export class CommonalityAnalyzer {
  constructor(
    private readonly graph: GraphFetcher,
    private readonly repo: GenealogyRepository,
  ) {}

  async analyse(serials: readonly string[], comparison: ComparisonSet | undefined, scope: BrandScope, top: number, asOf?: Date): Promise<Commonality> {
    if (comparison === undefined || Array.isArray(comparison)) {
      const given = comparison as readonly string[] | undefined;
      const graph = await this.graph.fetchMany([...new Set([...serials, ...(given ?? [])])], scope, asOf);
      return commonalityOf(graph, serials, given, scope, top, asOf);
    }
    // A sample of the same products: known only once the analysed serials are read, so two traversals.
    const analysed = await this.graph.fetchMany(serials, scope, asOf);
    const products = [...new Set(serials.flatMap((s) => unitStartOf(analysed.units.get(s)).agreed.productPartNumber ?? []))].sort();
    const sampling = { roundTrips: 0 };
    const sample = await sampleUnitsOfProducts(this.repo, products, scope, (comparison as { sample: number }).sample, new Set(serials), sampling);
    const compared = await this.graph.fetchMany(sample, scope, asOf);
    const graph: FetchedGraph = {
      units: new Map([...compared.units, ...analysed.units]),
      lots: new Map([...compared.lots, ...analysed.lots]),
      vendorLots: new Map([...compared.vendorLots, ...analysed.vendorLots]),
      vendors: new Map([...compared.vendors, ...analysed.vendors]),
      roundTrips: analysed.roundTrips + sampling.roundTrips + compared.roundTrips,
      scope,
    };
    const answer = commonalityOf(graph, serials, sample, scope, top, asOf);
    return { ...answer, comparison: { ...answer.comparison!, sampledFromProducts: products } };
  }
}
