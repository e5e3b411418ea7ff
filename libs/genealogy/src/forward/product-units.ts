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
  for (const bucket of await reader.findProductUnits(ids)) {
    counts.set(bucket.productPartNumber, (counts.get(bucket.productPartNumber) ?? 0) + Object.keys(bucket.serials ?? {}).length);
  }
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
  for (let i = 0; i < refs.length && sample.length < size; i += 64) {
    const batch = refs.slice(i, i + 64);
    const docs = new Map((await reader.findProductUnits(batch.map((r) => r.id))).map((d) => [d._id, d]));
    stats.roundTrips++;
    for (const r of batch) {
      for (const serial of Object.values(docs.get(r.id)?.serials ?? {}).sort(compare)) {
        if (sample.length < size && !exclude.has(serial)) sample.push(serial);
      }
    }
  }
  return sample;
}
