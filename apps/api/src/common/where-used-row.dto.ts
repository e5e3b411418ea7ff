import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import type { PathStep, PathStepKind, PathVia, WhereUsedRow } from '@trace/genealogy';
import { RetractionDto } from '../genealogy/genealogy.dto';

// OpenAPI descriptions of a where-used row, shared by every answer made of them (where-used, exposure).

export class PathStepDto implements PathStep {
  @ApiProperty({ enum: ['vendor', 'vendorLot', 'lot', 'serial'] }) kind: PathStepKind;
  @ApiProperty() id: string;
  @ApiProperty({
    enum: ['root', 'supplied', 'received', 'split', 'merge', 'installed', 'assembled'],
    description: 'The edge that led here from the previous step (root for the first)',
  })
  via: PathVia;
}

export class WhereUsedShipmentDto {
  @ApiProperty() shipmentId: string;
  @ApiProperty() customer: string;
}

export class WhereUsedRowDto implements WhereUsedRow {
  @ApiProperty({ description: 'The package lot installed: the material or one of its descendants' }) lotId: string;
  @ApiProperty({ description: 'The serial the lot is installed in directly' }) serial: string;
  @ApiProperty({ description: 'The top-level unit that finally contains it' }) topSerial: string;
  @ApiPropertyOptional({ description: 'Brand of the top-level unit (absent when in conflict: only site-wide keys see such a unit)' }) brand?: string;
  @ApiPropertyOptional({ description: 'Product part number of the top-level unit' }) productPartNumber?: string;
  @ApiPropertyOptional({ type: [String], description: "The top-level unit's start fields whose UnitStarted events disagree (CONFLICTING_FACTS): absent above, no side picked" })
  conflictingFields?: string[];
  @ApiProperty({ description: 'Whether the top-level unit shipped' }) shipped: boolean;
  @ApiProperty({ type: [WhereUsedShipmentDto] }) shipments: WhereUsedShipmentDto[];
  @ApiProperty({ type: [PathStepDto], description: 'From the material to the top-level unit' }) path: PathStepDto[];
  @ApiProperty({ description: 'Only with history=true: the lot was removed, or a unit on the path was taken out of its parent (rework)' })
  removed: boolean;

  @ApiPropertyOptional({ description: 'Only with history=true: the lot is in the serial only by an installation since retracted (EventRetracted); removed too' })
  retracted?: boolean;

  @ApiPropertyOptional({ type: RetractionDto, description: 'The retraction: its reason and provenance' })
  retraction?: RetractionDto;

  @ApiPropertyOptional({ enum: [true], description: 'The serial may hold this lot or another package (a placement in a splice grey zone, not settled): a candidate row' })
  candidate?: true;
  @ApiPropertyOptional({ type: [String], description: 'With candidate: every package the placement may have come from, this lot among them' })
  candidateLotIds?: string[];
}

