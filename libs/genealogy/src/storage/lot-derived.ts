import type { FactMap, LotDerivation, LotDerivedBucketDoc, LotDoc } from './graph.documents';
import { inOrderOfTime } from '../facts/facts';
import { bucketedMaps, firstBucketsFor } from './lot-uses';

// A lot's children (the forward edge of splits and merges) follow MongoDB's outlier pattern: a lot keeps them inline,
// where a where-used reads them with the lot at no extra cost, up to DERIVED_INLINE_CAP entries; every derivation is also
// written to one of the lot's buckets in lot_derived_buckets (bucketId(lot, bucketOf(fact key))), and only a lot
// whose inline list is full (the outlier: a reel split more than 1,000 times) has its buckets read.
//
// Determinism: the inline list is `$push`ed with `$each`, `$sort: {k: 1}` and `$slice: DERIVED_INLINE_CAP`, only to a lot
// whose list does not hold that fact key yet (operationOf), one atomic update of the lot per write, so it always holds
// the DERIVED_INLINE_CAP smallest fact keys of the derivations written, each once: the same list in whatever order, with
// whatever replays and by however many concurrent writers they arrive. The invariant a reader relies on: a list shorter
// than the cap was never sliced, so it holds every derivation written to the lot; a list at the cap may not, and the
// buckets hold them all (each by its fact key, so a replay writes the same field again).

/**
 * Inline derivations per lot: 1,000. An entry is about 180 B of BSON with one child (its fact key, kind, date and
 * provenance as one string; bounded in lot-derived.spec.ts; 310 B with the provenance as an object, as written before)
 * and 21 B more a child lot, so a full list is about 0.2 MB (0.3 MB as written before) for one-child
 * splits (2% of MongoDB's 16 MB document limit, which the old map reached at about 55,000 such splits) and 2.4 MB at 100
 * children a split; the lot's bucket index adds at most 1,024 small fields (about 20 KB).
 */
export const DERIVED_INLINE_CAP = 1_000;

/** Derivations a reader of an outlier's buckets reads in one round trip, about: 4,000 (about 1.3 MB). */
export const DERIVATIONS_PER_READ = 4_000;

/** Whether a lot's buckets must be read: its inline list is at the cap (a list can never be longer). */
export const derivedOverflows = (doc: Pick<LotDoc, 'derivedInline'> | undefined): boolean => (doc?.derivedInline?.length ?? 0) >= DERIVED_INLINE_CAP;

/** A lot's derivations as one fact map, from its own document only: the old `derived` map and the inline list. */
function ownDerived(doc: LotDoc): FactMap<LotDerivation> | undefined {
  if (!doc.derivedInline) return doc.derived;
  const map: FactMap<LotDerivation> = { ...doc.derived };
  for (const { k, ...fact } of doc.derivedInline) map[k] = fact;
  return map;
}

/**
 * A fact map in time order (then by event id): the order the old layout's map had for derivations delivered in time
 * order, whatever order the inline list and the buckets hold them in, so a reader that iterates the map (a deviation's
 * count) gives the same answer.
 */
function inTimeOrder(map: FactMap<LotDerivation>): FactMap<LotDerivation> {
  const entries = Object.entries(map).map(([k, fact]) => ({ k, fact, at: fact.at, prov: fact.prov }));
  return Object.fromEntries(inOrderOfTime(entries).map((e) => [e.k, e.fact]));
}

/** How a traversal reads lots: `stats.roundTrips`, its own count, counts the reads of an outlier's buckets too. */
export interface LotReads {
  stats?: { roundTrips: number };
  /**
   * Only each lot's `_id` and children (CHILDREN_PROJECTION), as `derived`: what a deviation's count reads of a lot.
   * Its receipts, sources, statuses and splices stay in the database.
   */
  childrenOnly?: boolean;
  /**
   * Only what a forward traversal tells of a lot it reaches (REACHED_PROJECTION): its children, its receipts, sources
   * and statuses (its status, and whether a site fact names it), its splice points. Its splices stay in the database.
   */
  reachedOnly?: boolean;
}

/**
 * The fields of a lot its children are read from (lotsWithDerived), `_id` besides: the projection of a childrenOnly read,
 * in GenealogyRepository.findLots and in the fake stores alike (testing/fake-graph.ts), so a reader that needs another
 * field of such a read fails its spec.
 */
export const CHILDREN_PROJECTION = { derived: 1, derivedInline: 1, derivedBuckets: 1 } as const;

/**
 * The fields of a lot a forward traversal reads of the lots it reaches (reachLots), `_id` besides: the children (as
 * CHILDREN_PROJECTION), what lotStatusOf decides a status from (receipt, receipts, sources, statuses) and the splice
 * points; in GenealogyRepository.findLots and the fake stores alike.
 */
export const REACHED_PROJECTION = { ...CHILDREN_PROJECTION, receipt: 1, receipts: 1, sources: 1, statuses: 1, splicePoints: 1 } as const;

/** The projection a read of lots asks for (undefined: whole documents). */
export const lotProjectionOf = (read?: LotReads): Record<string, 1> | undefined => (read?.childrenOnly ? CHILDREN_PROJECTION : read?.reachedOnly ? REACHED_PROJECTION : undefined);

/**
 * Lots as readers use them: `derived` holds every derivation of the lot, as the one map of the old layout did (an old
 * document's map, the inline list, and for an outlier its buckets), and the storage fields (derivedInline, derivedBuckets)
 * are gone. No read for a lot under the cap; the outliers among `docs` are read together (bucketedMaps: 4 buckets first,
 * firstBucketsFor, then about DERIVATIONS_PER_READ derivations a round trip). `stats.roundTrips` counts those reads.
 */
export async function lotsWithDerived(
  docs: LotDoc[],
  findBuckets: (ids: string[]) => Promise<LotDerivedBucketDoc[]>,
  stats?: { roundTrips: number },
): Promise<LotDoc[]> {
  const outliers = docs.filter(derivedOverflows);
  const read =
    outliers.length === 0
      ? new Map<string, FactMap<LotDerivation>>()
      : await bucketedMaps(
          outliers.map((d) => ({ _id: d._id, buckets: d.derivedBuckets, doc: d })),
          (o) => ownDerived(o.doc),
          (b: LotDerivedBucketDoc) => b.derived,
          findBuckets,
          DERIVATIONS_PER_READ,
          firstBucketsFor(DERIVATIONS_PER_READ),
          stats,
        );
  return docs.map((doc) => {
    if (!doc.derivedInline && !doc.derivedBuckets) return doc;
    const { derivedInline: _inline, derivedBuckets: _buckets, ...rest } = doc;
    const fromBuckets = read.get(doc._id);
    // An event sent twice (two offsets): the bucket names the copy written last, the inline list the first; the list wins,
    // so a lot names the same copy under the cap and past it.
    const derived = fromBuckets ? { ...fromBuckets, ...ownDerived(doc) } : ownDerived(doc);
    return derived ? { ...rest, derived: inTimeOrder(derived) } : rest;
  });
}
