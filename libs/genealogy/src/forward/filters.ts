import type { BrandScope } from '../genealogy.types';
import type { WhereUsedFilter, WhereUsedRow } from './where-used.types';

/** Whether two scopes name the same brands (in any order). */
export const sameScope = (a: BrandScope, b: BrandScope): boolean =>
  a.kind === 'site' ? b.kind === 'site' : b.kind === 'brands' && [...a.brands].sort().join('\u0000') === [...b.brands].sort().join('\u0000');

/** Whether a row's top-level serial satisfies the filter. */
export function matches(row: WhereUsedRow, filter: WhereUsedFilter): boolean {
  return (
    (filter.brand === undefined || row.brand === filter.brand) &&
    (filter.productPartNumber === undefined || row.productPartNumber === filter.productPartNumber) &&
    (filter.shipped === undefined || row.shipped === filter.shipped) &&
    (filter.candidates === 'exclude' ? !row.candidate : filter.candidates === 'only' ? row.candidate === true : true)
  );
}
