import type { WhereUsedRow } from './api-types';

/** The where-used filters a person can set; each applies to the top-level unit, as the API's do. */
export interface WhereUsedFilters {
  brand?: string;
  product?: string;
  shipped?: boolean;
  /** Rows where the lot is only a candidate (a splice grey zone): the API's default is `include`, marked. */
  candidates?: 'exclude' | 'only';
}

/** The query string of a where-used request with these filters (empty filters are left out). */
export function whereUsedQuery(filters: WhereUsedFilters, extra: Record<string, string> = {}): string {
  const params = new URLSearchParams();
  if (filters.brand?.trim()) params.set('brand', filters.brand.trim());
  if (filters.product?.trim()) params.set('product', filters.product.trim());
  if (filters.shipped !== undefined) params.set('shipped', String(filters.shipped));
  if (filters.candidates !== undefined) params.set('candidates', filters.candidates);
  for (const [k, v] of Object.entries(extra)) params.set(k, v);
  const s = params.toString();
  return s ? `?${s}` : '';
}

/** Filters from a page's URL (?brand=&product=&shipped=), so a filtered table has a deep link. */
export function filtersFromSearch(search: string): WhereUsedFilters {
  const p = new URLSearchParams(search);
  const shipped = p.get('shipped');
  const candidates = p.get('candidates');
  return {
    ...(candidates === 'exclude' || candidates === 'only' ? { candidates } : {}),
    ...(p.get('brand') ? { brand: p.get('brand')! } : {}),
    ...(p.get('product') ? { product: p.get('product')! } : {}),
    ...(shipped === 'true' ? { shipped: true } : shipped === 'false' ? { shipped: false } : {}),
  };
}

/** Running totals of a streamed answer: rows, distinct top-level units, of which shipped (kept as rows come, not recounted). */
export class RunningCount {
  rows = 0;
  private shipped = 0;
  private readonly units = new Map<string, boolean>();

  add(rows: readonly WhereUsedRow[]): void {
    this.rows += rows.length;
    for (const r of rows) {
      const was = this.units.get(r.topSerial);
      if (was === true || (was === false && !r.shipped)) continue;
      if (r.shipped) this.shipped += 1;
      this.units.set(r.topSerial, r.shipped);
    }
  }

  get unitCount(): number {
    return this.units.size;
  }

  get shippedUnits(): number {
    return this.shipped;
  }
}

/** A count with its noun: `1 row`, `2 rows`. */
export const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;
