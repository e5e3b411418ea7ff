import type { BrandScope } from '../genealogy.types';
import type { WhereUsedFilter } from './where-used.types';

/** Whether two scopes name the same brands (in any order). */
export const sameScope = (a: BrandScope, b: BrandScope): boolean =>
  a.kind === 'site' ? b.kind === 'site' : b.kind === 'brands' && [...a.brands].sort().join('\u0000') === [...b.brands].sort().join('\u0000');

/** Whether a row whose top-level serial has these fields satisfies the filter (decided before the row is made). */
export function matchesTop(filter: WhereUsedFilter, brand: string | undefined, productPartNumber: string | undefined, shipped: boolean, candidate: boolean): boolean {
  return (
    (filter.brand === undefined || brand === filter.brand) &&
    (filter.productPartNumber === undefined || productPartNumber === filter.productPartNumber) &&
    (filter.shipped === undefined || shipped === filter.shipped) &&
    (filter.candidates === 'exclude' ? !candidate : filter.candidates === 'only' ? candidate : true)
  );
}
