import { CANDIDATE_FILTERS, type CandidateFilter, type WhereUsedFilter } from '@trace/genealogy';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsId } from '@trace/contracts';
import { Type } from 'class-transformer';
import { BooleanQuery } from './query';
import { AsOfQuery } from './as-of.query';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const MAX_PAGE_SIZE = 1_000;

/** Filters, paging and format of a where-used answer (of a lot, a vendor lot, a vendor's exposure). */
export class WhereUsedQuery {
  @ApiPropertyOptional({ description: 'Only top-level units of this brand' })
  @IsOptional()
  @IsId()
  brand?: string;

  @ApiPropertyOptional({ description: 'Only top-level units of this product part number' })
  @IsOptional()
  @IsId()
  product?: string;

  @ApiPropertyOptional({ type: Boolean, description: 'Only top-level units that shipped (true) or did not (false)' })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean({ message: 'shipped must be true or false' })
  shipped?: boolean;

  @ApiPropertyOptional({ type: Boolean, default: false, description: 'Also serials the material was removed from since (rework), marked removed' })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean({ message: 'history must be true or false' })
  history: boolean = false;

  @AsOfQuery()
  asOf?: string;

  @ApiPropertyOptional({
    enum: CANDIDATE_FILTERS,
    default: 'include',
    description: 'Rows where the lot is only a candidate (a splice grey zone): include them, marked candidate (default), exclude them, or give only them',
  })
  @IsOptional()
  @IsIn(CANDIDATE_FILTERS)
  candidates?: CandidateFilter;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PAGE_SIZE, default: 100, description: 'Rows per page (JSON form only)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PAGE_SIZE)
  limit: number = 100;

  @ApiPropertyOptional({
    type: Boolean,
    default: false,
    description:
      'Count the whole answer (JSON form only): reads every row, so a page costs the whole answer. Without it a page reads only its own ' +
      'rows (the cursor resumes where the previous page stopped) and `total` is given on the last page only',
  })
  @IsOptional()
  @BooleanQuery()
  @IsBoolean({ message: 'total must be true or false' })
  total: boolean = false;

  @ApiPropertyOptional({ description: 'The nextCursor of the previous page, unchanged' })
  @IsOptional()
  @IsString()
  @MaxLength(1024)
  cursor?: string;

  @ApiPropertyOptional({
    enum: ['json', 'ndjson'],
    description: 'ndjson streams every row, one JSON object a line, without paging (same as Accept: application/x-ndjson)',
  })
  @IsOptional()
  @IsIn(['json', 'ndjson'])
  format?: 'json' | 'ndjson';
}

/** The traversal's filter from the query's. */
export const filterOf = (query: WhereUsedQuery): WhereUsedFilter => ({
  ...(query.brand !== undefined ? { brand: query.brand } : {}),
  ...(query.product !== undefined ? { productPartNumber: query.product } : {}),
  ...(query.shipped !== undefined ? { shipped: query.shipped } : {}),
  ...(query.candidates !== undefined ? { candidates: query.candidates } : {}),
});
