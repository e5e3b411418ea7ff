import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LOT_STATUSES, LotStatus } from '@trace/contracts';
import type { ReachedLot } from '@trace/genealogy';
import { PathStepDto, WhereUsedRowDto } from '../common/where-used-row.dto';
import type { WhereUsedPage } from './where-used.use-case';

// OpenAPI descriptions of the where-used answers; each implements the type the code returns.

export class ReachedLotDto implements ReachedLot {
  @ApiProperty() lotId: string;
  @ApiProperty({ description: 'False when no event established this lot' }) known: boolean;
  @ApiProperty({ enum: [...LOT_STATUSES, 'unknown'], description: 'Latest status by occurredAt (hold, quarantined...)' }) status: LotStatus | 'unknown';
  @ApiProperty({ type: [PathStepDto], description: 'How the lot descends from the material' }) path: PathStepDto[];
}

export class WhereUsedPageDto implements WhereUsedPage {
  @ApiPropertyOptional({ description: 'For a vendor lot: its id, JSON [vendorId, mpn, vendorLotCode]' }) vendorLotId?: string;
  @ApiProperty({ type: [ReachedLotDto], description: 'Every package lot reached from the material' }) lots: ReachedLotDto[];
  @ApiPropertyOptional({ description: 'Rows of the whole answer, all pages together: with ?total=true, and on the last page' }) total?: number;
  @ApiProperty({ type: [WhereUsedRowDto] }) items: WhereUsedRowDto[];
  @ApiPropertyOptional({ description: 'Pass as ?cursor= for the next page; absent on the last page' }) nextCursor?: string;
  @ApiPropertyOptional({ description: 'Database round trips this page took; site-wide keys only (it depends on other brands\' units)' }) roundTrips?: number;
}
