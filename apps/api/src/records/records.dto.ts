import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsId, LOT_STATUSES, LotStatus, VENDOR_STATUSES, VendorStatus } from '@trace/contracts';
import type { LineageEdge, LineageLot, LineageRelation, LineageVendorLot, LotLineage, RecordUnit, ShipmentRecord, VendorLotRecord, WorkOrderRecord } from '@trace/genealogy';
import { LotStatusChangeDto, ProvenanceDto } from '../genealogy/genealogy.dto';

const LOT_STATUS_OR_UNKNOWN = [...LOT_STATUSES, 'unknown'];

export class ShipmentParams {
  @ApiProperty({ maxLength: 128, example: 'SHP-9001' }) @IsId() shipmentId: string;
}
export class WorkOrderParams {
  @ApiProperty({ maxLength: 128, example: 'WO-1001' }) @IsId() workOrder: string;
}
/** A vendor lot by its natural key. */
export class VendorLotKeyQuery {
  @ApiProperty({ example: 'V-MURATA' }) @IsId() vendorId: string;
  @ApiProperty({ description: 'Manufacturer part number', example: 'GRM188R71C104KA01D' }) @IsId() mpn: string;
  @ApiProperty({ example: 'M2345' }) @IsId() vendorLotCode: string;
}

export class LineageLotReceiptDto {
  @ApiProperty() receiptId: string;
  @ApiProperty({ description: 'JSON [vendorId, mpn, vendorLotCode]' }) vendorLotId: string;
  @ApiProperty() quantity: number;
  @ApiProperty() uom: string;
  @ApiProperty() receivedAt: string;
}
export class LineageLotDto implements LineageLot {
  @ApiProperty() lotId: string;
  @ApiProperty({ enum: ['self', 'source', 'derived'], description: 'The lot asked about, a lot it was made from, or a lot made from it' }) relation: LineageRelation;
  @ApiProperty({ description: 'An event recorded it (received, split, merged, a status); false for a lot only referenced' }) known: boolean;
  @ApiProperty({ enum: LOT_STATUS_OR_UNKNOWN }) status: LotStatus | 'unknown';
  @ApiProperty({ enum: ['received', 'split', 'merge', 'unknown'] }) origin: LineageLot['origin'];
  @ApiPropertyOptional({ type: LineageLotReceiptDto }) receipt?: LineageLotReceiptDto;
}
export class LineageVendorLotDto implements LineageVendorLot {
  @ApiProperty({ description: 'JSON [vendorId, mpn, vendorLotCode]' }) vendorLotId: string;
  @ApiProperty() vendorId: string;
  @ApiProperty() mpn: string;
  @ApiProperty() vendorLotCode: string;
  @ApiProperty({ description: 'A MaterialReceived recorded it' }) known: boolean;
}
export class LineageNodeRefDto {
  @ApiProperty({ enum: ['vendorLot', 'lot'] }) kind: 'vendorLot' | 'lot';
  @ApiProperty() id: string;
}
export class LineageEdgeDto implements LineageEdge {
  @ApiProperty({ type: LineageNodeRefDto }) from: LineageNodeRefDto;
  @ApiProperty({ description: 'The lot the material went into' }) to: string;
  @ApiProperty({ enum: ['received', 'split', 'merge'] }) via: LineageEdge['via'];
  @ApiPropertyOptional({ description: 'Quantity received, or split off into the new lot' }) quantity?: number;
  @ApiProperty({ type: ProvenanceDto }) provenance: ProvenanceDto;
}
export class LotLineageDto implements LotLineage {
  @ApiProperty() lotId: string;
  @ApiProperty({ enum: LOT_STATUS_OR_UNKNOWN }) status: LotStatus | 'unknown';
  @ApiProperty({ type: [LotStatusChangeDto], description: 'Every status change of the lot, oldest first' }) statusHistory: LotStatusChangeDto[];
  @ApiProperty({ type: [LineageLotDto] }) lots: LineageLotDto[];
  @ApiProperty({ type: [LineageVendorLotDto] }) vendorLots: LineageVendorLotDto[];
  @ApiProperty({ type: [LineageEdgeDto] }) edges: LineageEdgeDto[];
  @ApiProperty({ description: 'Database round trips the walk took' }) roundTrips: number;
}

export class VendorLotPackageDto {
  @ApiProperty() lotId: string;
  @ApiPropertyOptional() quantity?: number;
  @ApiPropertyOptional() uom?: string;
  @ApiProperty({ enum: LOT_STATUS_OR_UNKNOWN }) status: LotStatus | 'unknown';
}
export class VendorLotRecordReceiptDto {
  @ApiProperty() receiptId: string;
  @ApiProperty() receivedAt: string;
  @ApiProperty({ type: ProvenanceDto }) provenance: ProvenanceDto;
  @ApiProperty({ type: [VendorLotPackageDto], description: 'The package lots (reels, trays, bags) it came as' }) lots: VendorLotPackageDto[];
}
export class VendorLotRecordDto implements VendorLotRecord {
  @ApiProperty({ description: 'JSON [vendorId, mpn, vendorLotCode]' }) vendorLotId: string;
  @ApiProperty() vendorId: string;
  @ApiPropertyOptional() vendorName?: string;
  @ApiProperty({ enum: [...VENDOR_STATUSES, 'unknown'] }) vendorStatus: VendorStatus | 'unknown';
  @ApiProperty() mpn: string;
  @ApiProperty() vendorLotCode: string;
  @ApiPropertyOptional() manufacturer?: string;
  @ApiPropertyOptional() internalPartNumber?: string;
  @ApiPropertyOptional() dateCode?: string;
  @ApiPropertyOptional() countryOfOrigin?: string;
  @ApiProperty({ type: [VendorLotRecordReceiptDto] }) receipts: VendorLotRecordReceiptDto[];
}

export class RecordUnitDto implements RecordUnit {
  @ApiProperty() serial: string;
  @ApiPropertyOptional() brand?: string;
  @ApiPropertyOptional() productPartNumber?: string;
  @ApiPropertyOptional() workOrder?: string;
  @ApiPropertyOptional({ description: 'The customer it was shipped to (shipments)' }) customer?: string;
  @ApiProperty({ description: 'When it was shipped (shipments) or started (work orders)' }) at: string;
  @ApiProperty({ type: ProvenanceDto }) provenance: ProvenanceDto;
}
export class ShipmentRecordDto implements ShipmentRecord {
  @ApiProperty() shipmentId: string;
  @ApiProperty({ type: [RecordUnitDto] }) units: RecordUnitDto[];
}
export class WorkOrderRecordDto implements WorkOrderRecord {
  @ApiProperty() workOrder: string;
  @ApiProperty({ type: [RecordUnitDto] }) units: RecordUnitDto[];
}
