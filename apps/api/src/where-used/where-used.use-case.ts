import { Injectable } from '@nestjs/common';
import { vendorLotId } from '@trace/contracts';
import { BrandScope, ForwardTracer, ReachedLot, WhereUsedFilter, WhereUsedRow } from '@trace/genealogy';
import { Material, whereUsedOf } from '../common/material';
import { PagedAnswer } from '../common/ndjson';
import { CursorSigner, isPagePosition, pageByPosition } from '../common/paging';
import { asOfDate } from '../common/as-of.query';

export interface WhereUsedCommand {
  material: Material;
  filter: WhereUsedFilter;
  scope: BrandScope;
  /** The caller's key id: a cursor is good only for the caller it was made for. */
  caller: string;
  /** Also what was removed since (rework). */
  history: boolean;
  /** One page (JSON), or every row read lazily (NDJSON: limit and cursor do not apply). */
  format: 'json' | 'ndjson';
  limit: number;
  cursor?: string;
  /** As built at this moment (validated ISO 8601; absent: now); part of what a cursor is good for. */
  asOf?: string;
  /** Count the whole answer (reads it all); without it, `total` comes only on the last page. */
  total: boolean;
}

/** One page of a where-used answer. */
export interface WhereUsedPage {
  /** The vendor lot's id when the material is a vendor lot. */
  vendorLotId?: string;
  /** Every package lot reached from the material (itself, its descendants through splits and merges). */
  lots: ReachedLot[];
  /** Rows of the whole answer, all pages together: when asked for (`total=true`), and on the last page. */
  total?: number;
  items: WhereUsedRow[];
  /** Absent on the last page. */
  nextCursor?: string;
  /** Site-wide callers only: the count includes climbing through units of every brand. */
  roundTrips?: number;
}

/** "This lot is bad: which serials contain it, which shipped, to whom?" — where-used of a package lot or a vendor lot. */
@Injectable()
export class WhereUsedUseCase {
  constructor(
    private readonly tracer: ForwardTracer,
    private readonly cursors: CursorSigner,
  ) {}

  /** The page, or every row; the 404 of an unknown material comes before the first row either way. */
  async execute({ material, filter, scope, history, format, limit, cursor, caller, asOf, total: countAll }: WhereUsedCommand): Promise<PagedAnswer<WhereUsedPage, WhereUsedRow>> {
    const at = asOfDate(asOf);
    // The lines written straight from the traversal: the bytes of JSON.stringify of each row, without the rows.
    if (format === 'ndjson') return { lines: (await whereUsedOf(this.tracer, material, scope, at)).lines(filter, scope, { history }) };
    const query = { material, filter, history, caller, ...(asOf !== undefined ? { asOf } : {}) };
    const start = this.cursors.decode(cursor, query, isPagePosition);
    const answer = await whereUsedOf(this.tracer, material, scope, at);
    // The page resumes at its position: page k reads what page 1 reads, not the k-1 pages before it.
    const { items, next, total } = await pageByPosition((from, wanted) => answer.rowsFrom(filter, scope, { history, ...(from ? { from } : {}), ...(wanted !== undefined ? { wanted } : {}) }), start, limit, { total: countAll });
    return {
      page: {
        ...(material.kind === 'vendorLot' ? { vendorLotId: vendorLotId(material) } : {}),
        lots: answer.lots,
        ...(total !== undefined ? { total } : {}),
        items,
        ...(next ? { nextCursor: this.cursors.encode(query, next) } : {}),
        // The traversal climbs through every brand's units; its cost would tell a scoped caller about them.
        ...(scope.kind === 'site' ? { roundTrips: answer.stats.roundTrips } : {}),
      },
    };
  }
}
