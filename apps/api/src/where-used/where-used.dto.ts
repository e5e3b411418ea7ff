import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { LOT_STATUSES, LotStatus } from '@trace/contracts';
import type { PathStep, PathStepKind, PathVia, ReachedLot, WhereUsedRow } from '@trace/genealogy';
import type { WhereUsedPage } from './where-used.use-case';

// OpenAPI descriptions of the where-used answers; each implements the type the code returns.

export class PathStepDto implements PathStep {
  @ApiProperty({ enum: ['vendor', 'vendorLot', 'lot', 'serial'] }) kind: PathStepKind;
  @ApiProperty() id: string;
  @ApiProperty({
    enum: ['root', 'supplied', 'received', 'split', 'merge', 'installed', 'assembled'],
    description: 'The edge that led here from the previous step (root for the first)',
  })
  via: PathVia;
}

export class ReachedLotDto implements ReachedLot {
  @ApiProperty() lotId: string;
  @ApiProperty({ description: 'False when no event established this lot' }) known: boolean;
  @ApiProperty({ enum: [...LOT_STATUSES, 'unknown'], description: 'Latest status by occurredAt (hold, quarantined...)' }) status: LotStatus | 'unknown';
  @ApiProperty({ type: [PathStepDto], description: 'How the lot descends from the material' }) path: PathStepDto[];
}

export class WhereUsedShipmentDto {
  @ApiProperty() shipmentId: string;
  @ApiProperty() customer: string;
}

export class WhereUsedRowDto implements WhereUsedRow {
  @ApiProperty({ description: 'The package lot installed: the material or one of its descendants' }) lotId: string;
  @ApiProperty({ description: 'The serial the lot is installed in directly' }) serial: string;
  @ApiProperty({ description: 'The top-level unit that finally contains it' }) topSerial: string;
  @ApiPropertyOptional({ description: 'Brand of the top-level unit' }) brand?: string;
  @ApiPropertyOptional({ description: 'Product part number of the top-level unit' }) productPartNumber?: string;
  @ApiProperty({ description: 'Whether the top-level unit shipped' }) shipped: boolean;
  @ApiProperty({ type: [WhereUsedShipmentDto] }) shipments: WhereUsedShipmentDto[];
  @ApiProperty({ type: [PathStepDto], description: 'From the material to the top-level unit' }) path: PathStepDto[];
  @ApiProperty({ description: 'Only with history=true: the lot was removed, or a unit on the path was taken out of its parent (rework)' })
  removed: boolean;
}

export class WhereUsedPageDto implements WhereUsedPage {
  @ApiPropertyOptional({ description: 'For a vendor lot: its id, JSON [vendorId, mpn, vendorLotCode]' }) vendorLotId?: string;
  @ApiProperty({ type: [ReachedLotDto], description: 'Every package lot reached from the material' }) lots: ReachedLotDto[];
  @ApiProperty({ description: 'Rows of the whole answer, all pages together' }) total: number;
  @ApiProperty({ type: [WhereUsedRowDto] }) items: WhereUsedRowDto[];
  @ApiPropertyOptional({ description: 'Pass as ?cursor= for the next page; absent on the last page' }) nextCursor?: string;
  @ApiPropertyOptional({ description: 'Database round trips this page took; site-wide keys only (it depends on other brands\' units)' }) roundTrips?: number;
}
