import { compare } from '../facts/facts';
import { BrandScope, inScope } from '../genealogy.types';
import { productUnitsId } from '../storage/lot-uses';
import type { ProductUnitsReader } from './forward-reader';
import type { TraversalStats } from './where-used.types';

/**
 * How many units of each product were started, counting only brands in scope (the denominator of "share of a
 * product's units"). Two round trips; the cost grows with the products' units (every bucket is read and its
 * serials counted), not with the database: mongo-java-server cannot count them server-side, since an aggregation's
 * `$match` on `_id $in` scans the collection (27.6 s over 600,000 buckets, measured).
 */
export async function unitsOfProducts(reader: ProductUnitsReader, products: string[], scope: BrandScope): Promise<Map<string, number>> {
  const counts = new Map(products.map((p) => [p, 0]));
  const ids = (await reader.findProductUnitIndexes(products)).flatMap((index) =>
    Object.values(index.buckets ?? {})
      .filter((b) => inScope(scope, b.brand))
      .map((b) => productUnitsId(index._id, b.brand, b.bucket)),
  );
  // A unit whose brand or product is in conflict is counted by no brand; site-wide, one in conflict on its brand only
  // is counted once (it sits in each claimed brand's bucket), one whose product is in conflict in no product.
  const conflicted = new Map<string, Set<string>>();
  for (const bucket of await reader.findProductUnits(ids)) {
    const product = bucket.productPartNumber;
    const counted = Object.keys(bucket.serials ?? {}).filter((key) => {
      const mark = bucket.conflicted?.[key] ?? false;
      if (mark === false) return true;
      if (scope.kind === 'site' && mark === 'brand') (conflicted.get(product) ?? conflicted.set(product, new Set()).get(product)!).add(key);
      return false;
    });
    counts.set(product, (counts.get(product) ?? 0) + counted.length);
  }
  for (const [product, keys] of conflicted) counts.set(product, (counts.get(product) ?? 0) + keys.size);
  return counts;
}

/**
 * Up to `size` units of the products (brands in scope), not in `exclude`: a comparison set "of the same product" for
 * commonality. Deterministic, and spread over the product like a random sample: units are taken bucket by bucket,
 * and a unit's bucket is a hash of its serial. Reads grow with the sample, not with the product.
 */
export async function sampleUnitsOfProducts(
  reader: ProductUnitsReader,
  products: string[],
  scope: BrandScope,
  size: number,
  exclude: ReadonlySet<string>,
  stats: TraversalStats = { roundTrips: 0 },
): Promise<string[]> {
  if (products.length === 0 || size <= 0) return [];
  stats.roundTrips++;
  const refs = (await reader.findProductUnitIndexes(products))
    .flatMap((index) =>
      Object.values(index.buckets ?? {})
        .filter((b) => inScope(scope, b.brand))
        .map((b) => ({ bucket: b.bucket, id: productUnitsId(index._id, b.brand, b.bucket) })),
    )
    .sort((a, b) => a.bucket - b.bucket || compare(a.id, b.id));
  const sample: string[] = [];
  const taken = new Set<string>();
  for (let i = 0; i < refs.length && sample.length < size; i += 64) {
    const batch = refs.slice(i, i + 64);
    const docs = new Map((await reader.findProductUnits(batch.map((r) => r.id))).map((d) => [d._id, d]));
    stats.roundTrips++;
    for (const r of batch) {
      const doc = docs.get(r.id);
      // A unit in conflict is sampled by no brand; site-wide, once, unless its product is in conflict.
      const serials = Object.entries(doc?.serials ?? {}).filter(([key]) => {
        const mark = doc?.conflicted?.[key] ?? false;
        return mark === false || (scope.kind === 'site' && mark === 'brand');
      });
      for (const [, serial] of serials.sort(([, a], [, b]) => compare(a, b))) {
        if (sample.length < size && !exclude.has(serial) && !taken.has(serial)) {
          sample.push(serial);
          taken.add(serial);
        }
      }
    }
  }
  return sample;
}
