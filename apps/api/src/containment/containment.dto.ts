import { ApiProperty } from '@nestjs/swagger';
import { IsId, IsText } from '@trace/contracts';
import type { ContainmentStatus, ContainmentStatusChange } from './change-containment-status.use-case';

export class ContainmentRequestDto {
  @ApiProperty({ maxLength: 1024, example: 'suspect counterfeit: X-ray anomalies on 3 field returns' })
  @IsText(1024)
  reason: string;
}

export class VendorLotContainmentRequestDto extends ContainmentRequestDto {
  @ApiProperty({ example: 'V-MURATA' }) @IsId() vendorId: string;
  @ApiProperty({ description: 'Manufacturer part number' }) @IsId() mpn: string;
  @ApiProperty() @IsId() vendorLotCode: string;
}

export class PublishedStatusEventDto {
  @ApiProperty() lotId: string;
  @ApiProperty({ description: 'The LotStatusChanged event published for this lot' }) eventId: string;
}

export class RecallScopeDto {
  @ApiProperty({ description: 'Where-used rows (installations) holding the material now' }) rows: number;
  @ApiProperty({ description: 'Distinct top-level units' }) units: number;
  @ApiProperty({ description: 'Of which shipped' }) shippedUnits: number;
}

export class ContainmentStatusChangeDto implements ContainmentStatusChange {
  @ApiProperty({ enum: ['hold', 'released'] }) status: ContainmentStatus;
  @ApiProperty() reason: string;
  @ApiProperty({ description: 'In every event envelope and Kafka header' }) correlationId: string;
  @ApiProperty({ type: [PublishedStatusEventDto], description: 'One per package lot: the material and every lot made out of it' }) events: PublishedStatusEventDto[];
  @ApiProperty({ type: RecallScopeDto }) recallScope: RecallScopeDto;
}
