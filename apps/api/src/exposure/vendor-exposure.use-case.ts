import { Injectable, NotFoundException } from '@nestjs/common';
import { BrandScope, ForwardTracer, RowPosition, SuppliedVendorLot, VendorWhereUsed, WhereUsedFilter, WhereUsedRow } from '@trace/genealogy';
import { PagedAnswer } from '../common/ndjson';
import { CursorSigner, isPagePosition, pageByPosition } from '../common/paging';
import { asOfDate } from '../common/as-of.query';

export interface VendorExposureCommand {
  vendorId: string;
  filter: WhereUsedFilter;
  scope: BrandScope;
  /** The caller's key id: a cursor is good only for the caller it was made for. */
  caller: string;
  history: boolean;
  /** One page with the counts (JSON), or every row read lazily (NDJSON: limit and cursor do not apply). */
  format: 'json' | 'ndjson';
  limit: number;
  cursor?: string;
  /** As built at this moment (validated ISO 8601; absent: now). */
  asOf?: string;
  /** Count the whole answer (reads it all): the counts and the total; without it, `total` comes only on the last page. */
  total: boolean;
}

/** Top-level units that contain the vendor's material, counted once each however many of its parts they hold. */
export interface ExposureCounts {
  units: number;
  shipped: number;
  notShipped: number;
  byBrand: { brand: string; units: number }[];
  /** With each product's units started (brands in scope) and the share that holds the vendor's material: single-source risk. */
  byProduct: { productPartNumber: string; units: number; productUnits?: number; share?: number }[];
}

export interface VendorExposurePage {
  vendorId: string;
  vendorLots: SuppliedVendorLot[];
  /** Over the whole answer: only when asked for (total), as they need every row. */
  counts?: ExposureCounts;
  /** Rows (installations) of the whole answer, all pages together: when asked for, and on the last page. */
  total?: number;
  items: WhereUsedRow[];
  nextCursor?: string;
  /** Site-wide callers only: the count includes climbing through units of every brand. */
  roundTrips?: number;
}

const UNKNOWN = '(unknown)';
/** A top-level unit whose brand or product is in conflict (site-wide keys only see one): counted, no side picked. */
const CONFLICTING = '(conflicting)';
const valueOf = (row: WhereUsedRow, field: 'brand' | 'productPartNumber'): string => row[field] ?? (row.conflictingFields?.includes(field) ? CONFLICTING : UNKNOWN);

/** "This vendor is disqualified: what of ours holds its parts?" — every serial containing any of its vendor lots. */
@Injectable()
export class VendorExposureUseCase {
  constructor(
    private readonly tracer: ForwardTracer,
    private readonly cursors: CursorSigner,
  ) {}

  /** The page, or every row; the 404 of an unknown vendor comes before the first row either way. */
  async execute({ vendorId, filter, scope, history, format, limit, cursor, caller, asOf, total: countAll }: VendorExposureCommand): Promise<PagedAnswer<VendorExposurePage, WhereUsedRow>> {
    const at = asOfDate(asOf);
    if (format === 'ndjson') return { lines: (await this.open(vendorId, scope, at)).lines(filter, scope, { history }) };
    const query = { vendorId, filter, history, caller, ...(asOf !== undefined ? { asOf } : {}) };
    const start = this.cursors.decode(cursor, query, isPagePosition);
    const answer = await this.open(vendorId, scope, at);
    // Counting distinct top-level units keeps one id per unit in memory: the price of counting them once.
    const tops = new Map<string, { brand: string; product: string; shipped: boolean }>();
    const visit = (row: WhereUsedRow): void => {
      if (!tops.has(row.topSerial)) tops.set(row.topSerial, { brand: valueOf(row, 'brand'), product: valueOf(row, 'productPartNumber'), shipped: row.shipped });
    };
    const rowsFrom = (from?: RowPosition, wanted?: number) => answer.rowsFrom(filter, scope, { history, ...(from ? { from } : {}), ...(wanted !== undefined ? { wanted } : {}) });
    const { items, next, total } = await pageByPosition(rowsFrom, start, limit, { total: countAll, visit });
    return {
      page: {
        vendorId,
        vendorLots: answer.vendorLots,
        ...(countAll ? { counts: await this.withShares(countsOf([...tops.values()]), scope) } : {}),
        ...(total !== undefined ? { total } : {}),
        items,
        ...(next ? { nextCursor: this.cursors.encode(query, next) } : {}),
        // The traversal climbs through every brand's units; its cost would tell a scoped caller about them.
        ...(scope.kind === 'site' ? { roundTrips: answer.stats.roundTrips } : {}),
      },
    };
  }

  private async withShares(counts: ExposureCounts, scope: BrandScope): Promise<ExposureCounts> {
    const products = counts.byProduct.map((p) => p.productPartNumber).filter((p) => p !== UNKNOWN && p !== CONFLICTING);
    const totals = await this.tracer.unitsOfProducts(products, scope);
    return {
      ...counts,
      byProduct: counts.byProduct.map((p) => {
        const productUnits = totals.get(p.productPartNumber);
        return productUnits ? { ...p, productUnits, share: p.units / productUnits } : p;
      }),
    };
  }

  private async open(vendorId: string, scope: BrandScope, asOf: Date | undefined): Promise<VendorWhereUsed> {
    const answer = await this.tracer.fromVendor(vendorId, scope, asOf);
    if (!answer) throw new NotFoundException(`vendor ${JSON.stringify(vendorId)} is not known`);
    return answer;
  }
}

function countsOf(tops: { brand: string; product: string; shipped: boolean }[]): ExposureCounts {
  const tally = (key: (t: (typeof tops)[number]) => string) => {
    const m = new Map<string, number>();
    for (const t of tops) m.set(key(t), (m.get(key(t)) ?? 0) + 1);
    return [...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  };
  const shipped = tops.filter((t) => t.shipped).length;
  return {
    units: tops.length,
    shipped,
    notShipped: tops.length - shipped,
    byBrand: tally((t) => t.brand).map(([brand, units]) => ({ brand, units })),
    byProduct: tally((t) => t.product).map(([productPartNumber, units]) => ({ productPartNumber, units })),
  };
}
