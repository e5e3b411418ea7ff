import { Injectable, NotFoundException } from '@nestjs/common';
import { VendorLotKey, vendorLotId } from '@trace/contracts';
import { BrandScope, ForwardTracer, ReachedLot, WhereUsed, WhereUsedFilter, WhereUsedRow } from '@trace/genealogy';
import { decodeCursor, encodeCursor, pageOf } from '../common/paging';

/** The material a where-used question starts from: a package lot, or a vendor lot by its natural key. */
export type Material = { kind: 'lot'; lotId: string } | ({ kind: 'vendorLot' } & VendorLotKey);

export interface WhereUsedCommand {
  material: Material;
  filter: WhereUsedFilter;
  scope: BrandScope;
  /** Also what was removed since (rework). */
  history: boolean;
}

export interface WhereUsedPageCommand extends WhereUsedCommand {
  /** The caller's key id: a cursor is good only for the caller it was made for. */
  caller: string;
  limit: number;
  cursor?: string;
}

/** One page of a where-used answer. */
export interface WhereUsedPage {
  /** The vendor lot's id when the material is a vendor lot. */
  vendorLotId?: string;
  /** Every package lot reached from the material (itself, its descendants through splits and merges). */
  lots: ReachedLot[];
  /** Rows of the whole answer, all pages together. */
  total: number;
  items: WhereUsedRow[];
  /** Absent on the last page. */
  nextCursor?: string;
  /** Site-wide callers only: the count includes climbing through units of every brand. */
  roundTrips?: number;
}

/** "This lot is bad: which serials contain it, which shipped, to whom?" — where-used of a package lot or a vendor lot. */
@Injectable()
export class WhereUsedUseCase {
  constructor(private readonly tracer: ForwardTracer) {}

  async page({ material, filter, scope, history, limit, cursor, caller }: WhereUsedPageCommand): Promise<WhereUsedPage> {
    const query = { material, filter, history, caller };
    const offset = decodeCursor(cursor, query);
    const answer = await this.open(material, scope);
    const { total, items } = await pageOf(answer.rows(filter, scope, { history }), offset, limit);
    return {
      ...(material.kind === 'vendorLot' ? { vendorLotId: vendorLotId(material) } : {}),
      lots: answer.lots,
      total,
      items,
      ...(offset + items.length < total ? { nextCursor: encodeCursor(query, offset + items.length) } : {}),
      // The traversal climbs through every brand's units; its cost would tell a scoped caller about them.
      ...(scope.kind === 'site' ? { roundTrips: answer.stats.roundTrips } : {}),
    };
  }

  /** Every row, read lazily (for streaming). Throws the 404 before the first row. */
  async rows({ material, filter, scope, history }: WhereUsedCommand): Promise<AsyncGenerator<WhereUsedRow>> {
    return (await this.open(material, scope)).rows(filter, scope, { history });
  }

  /** The where-used answer of the material, not read yet; a 404 when the material is unknown (to the scope). */
  async open(material: Material, scope: BrandScope): Promise<WhereUsed> {
    if (material.kind === 'lot') {
      const answer = await this.tracer.fromLot(material.lotId, scope);
      if (!answer) throw new NotFoundException(`lot ${JSON.stringify(material.lotId)} is not known`);
      return answer;
    }
    const answer = await this.tracer.fromVendorLot(vendorLotId(material), scope);
    if (!answer) {
      const { vendorId, mpn, vendorLotCode } = material;
      throw new NotFoundException(`vendor lot ${JSON.stringify(vendorLotCode)} of MPN ${JSON.stringify(mpn)} from vendor ${JSON.stringify(vendorId)} was never received`);
    }
    return answer;
  }
}
