import { ApiProperty, ApiPropertyOptional, ApiPropertyOptions, OmitType, PickType } from '@nestjs/swagger';
import { BomLine, BomReleasedData, DeviationApprovedData, DeviationRevokedData, IsId, PartApprovalWithdrawnData, PartApprovedData } from '@trace/contracts';

// The bodies are the contract's data classes without `brand` (the path names it): OmitType carries their
// class-validator rules over, so the API accepts exactly what a consumer of trace.brand.v1 would; the properties are
// declared again here only to describe them in the OpenAPI document.

export class BrandParams {
  @ApiProperty({ description: 'The brand whose authority this is', maxLength: 128, example: 'Acme' })
  @IsId()
  brand: string;
}

export class ApprovalParams extends BrandParams {
  @ApiProperty({ description: "The approval's id, unique per brand", maxLength: 128, example: 'A-CAP-1' })
  @IsId()
  approvalId: string;
}

export class DeviationParams extends BrandParams {
  @ApiProperty({ description: "The deviation's id, unique per brand", maxLength: 128, example: 'DEV-2026-014' })
  @IsId()
  deviationId: string;
}

const IPN: ApiPropertyOptions = { description: "The brand's internal part number", maxLength: 128, example: 'CAP-100N-0603' };
const VENDORS: ApiPropertyOptions = { type: [String], description: 'When given, only material bought from these vendors (distinct, 1-1,000)', example: ['V-DIGIKEY'] };

export class PartApprovalRequestDto extends OmitType(PartApprovedData, ['brand'] as const) {
  @ApiProperty({ description: 'Unique per brand: a withdrawal names it', maxLength: 128, example: 'A-CAP-1' }) override approvalId: string;
  @ApiProperty(IPN) override internalPartNumber: string;
  @ApiProperty({ maxLength: 256, example: 'Murata' }) override manufacturer: string;
  @ApiProperty({ description: 'Manufacturer part number', maxLength: 128, example: 'GRM188R71H104KA93D' }) override mpn: string;
  @ApiPropertyOptional(VENDORS) override vendorIds?: string[];
  @ApiPropertyOptional({ maxLength: 1024 }) override reason?: string;
}

export class ReasonRequestDto extends OmitType(PartApprovalWithdrawnData, ['brand', 'approvalId'] as const) {
  @ApiProperty({ maxLength: 1024, example: 'end of life at the manufacturer' }) override reason: string;
}

export class DeviationRequestDto extends OmitType(DeviationApprovedData, ['brand'] as const) {
  @ApiProperty({ description: 'Unique per brand: a revocation names it', maxLength: 128, example: 'DEV-2026-014' }) override deviationId: string;
  @ApiProperty(IPN) override internalPartNumber: string;
  @ApiProperty({ maxLength: 256, example: 'Kemet' }) override manufacturer: string;
  @ApiProperty({ description: 'Manufacturer part number of the alternate', maxLength: 128, example: 'C0603C104K5RAC' }) override mpn: string;
  @ApiPropertyOptional(VENDORS) override vendorIds?: string[];
  @ApiPropertyOptional({ type: [String], description: 'Only units of these products; absent, every product of the brand' }) override productPartNumbers?: string[];
  @ApiPropertyOptional({ type: [String], description: 'Only units of these work orders; absent, every work order' }) override workOrders?: string[];
  @ApiPropertyOptional({ description: 'Pieces that may be installed under it over all units of the brand; absent, no limit', example: 500 }) override maxQuantity?: number;
  @ApiProperty({ description: 'ISO 8601 with offset', example: '2026-11-10T00:00:00Z' }) override validFrom: string;
  @ApiProperty({ description: 'ISO 8601 with offset, not before validFrom', example: '2026-12-10T00:00:00Z' }) override validUntil: string;
  @ApiProperty({ maxLength: 256, example: 'quality@acme.example' }) override approvedBy: string;
  @ApiProperty({ maxLength: 1024, example: 'Murata shortage' }) override reason: string;
}

/** Only for the reason of a revocation: the same rules as a withdrawal's. */
export class RevocationRequestDto extends OmitType(DeviationRevokedData, ['brand', 'deviationId'] as const) {
  @ApiProperty({ maxLength: 1024, example: 'the approved part is back in stock' }) override reason: string;
}

export class BomLineDto extends PickType(BomLine, ['internalPartNumber', 'quantity', 'refDes'] as const) {
  @ApiProperty(IPN) override internalPartNumber: string;
  @ApiProperty({ description: 'Pieces per unit', example: 2 }) override quantity: number;
  @ApiPropertyOptional({ type: [String], description: 'Reference designators (distinct)', example: ['C1', 'C2'] }) override refDes?: string[];
}

export class BomRequestDto extends OmitType(BomReleasedData, ['brand'] as const) {
  @ApiProperty({ maxLength: 128, example: 'GW-1' }) override productPartNumber: string;
  @ApiProperty({ maxLength: 128, example: 'B' }) override revision: string;
  @ApiProperty({ description: 'ISO 8601 with offset: units started from then on are built to this revision', example: '2026-11-10T00:00:00Z' }) override effectiveFrom: string;
  @ApiProperty({ type: [BomLineDto], description: '1-10,000 lines, one per internal part number' }) override lines: BomLineDto[];
}

export class PublishedBrandEventDto {
  @ApiProperty({ description: 'The event published to trace.brand.v1 (message key: the brand)' }) eventId: string;
  @ApiProperty({ enum: ['PartApproved', 'PartApprovalWithdrawn', 'DeviationApproved', 'DeviationRevoked', 'BomReleased'] }) type: string;
  @ApiProperty() schemaVersion: number;
  @ApiProperty({ description: 'When it takes effect (approvals, withdrawals, revocations): the moment it was published' }) occurredAt: string;
  @ApiProperty({ example: 'api/brands' }) source: string;
  @ApiProperty({ description: 'In the envelope, the Kafka headers and the access-log entry of the request' }) correlationId: string;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'The data as the contract defines it, brand included' }) data: Record<string, unknown>;
}

export class DeviationShipmentDto {
  @ApiProperty() shipmentId: string;
  @ApiProperty() customer: string;
  @ApiProperty() at: string;
}

export class DeviationSerialDto {
  @ApiProperty() serial: string;
  @ApiPropertyOptional() productPartNumber?: string;
  @ApiPropertyOptional() workOrder?: string;
  @ApiProperty({ description: 'Pieces of this serial counted against the deviation' }) pieces: number;
  @ApiProperty({ description: 'The highest unit above it the key may see (itself when not built into one)' }) topSerial: string;
  @ApiProperty({ type: [DeviationShipmentDto], description: "The top-level unit's shipments" }) shipments: DeviationShipmentDto[];
}

export class DeviationInstallationDto {
  @ApiProperty() serial: string;
  @ApiProperty() lotId: string;
  @ApiProperty() quantity: number;
  @ApiProperty({ description: 'occurredAt of the MaterialInstalled' }) at: string;
  @ApiProperty() eventId: string;
  @ApiProperty({ description: 'Pieces under the deviation over all units of the brand, up to and including this one' }) count: number;
}

export class DeviationReportDto {
  @ApiProperty() brand: string;
  @ApiProperty() deviationId: string;
  @ApiProperty() internalPartNumber: string;
  @ApiProperty() manufacturer: string;
  @ApiProperty() mpn: string;
  @ApiPropertyOptional({ type: [String] }) vendorIds?: string[];
  @ApiPropertyOptional({ type: [String] }) productPartNumbers?: string[];
  @ApiPropertyOptional({ type: [String] }) workOrders?: string[];
  @ApiPropertyOptional() maxQuantity?: number;
  @ApiProperty() validFrom: string;
  @ApiProperty() validUntil: string;
  @ApiProperty() approvedBy: string;
  @ApiProperty() reason: string;
  @ApiProperty({ enum: ['NOT_YET_IN_FORCE', 'IN_FORCE', 'EXPIRED', 'REVOKED'] }) state: string;
  @ApiProperty({ description: 'occurredAt of the DeviationApproved' }) approvedAt: string;
  @ApiPropertyOptional({ type: 'object', properties: { at: { type: 'string' }, reason: { type: 'string' } } }) revoked?: { at: string; reason: string };
  @ApiProperty({ description: 'Pieces counted against it (beyond maxQuantity included)' }) piecesUsed: number;
  @ApiPropertyOptional({ description: 'maxQuantity - piecesUsed, never below 0; absent without a limit' }) piecesLeft?: number;
  @ApiProperty({ type: [DeviationSerialDto], description: 'Every serial built under it: the recall scope' }) serials: DeviationSerialDto[];
  @ApiProperty({ type: [DeviationInstallationDto], description: 'Every installation counted against it, in counting order' }) installations: DeviationInstallationDto[];
  @ApiProperty({ type: [DeviationInstallationDto], description: 'The installations beyond maxQuantity (DEVIATION_EXCEEDED)' }) exceeded: DeviationInstallationDto[];
}

export class ApprovedPartDto {
  @ApiProperty() approvalId: string;
  @ApiProperty() internalPartNumber: string;
  @ApiProperty() manufacturer: string;
  @ApiProperty() mpn: string;
  @ApiPropertyOptional({ type: [String] }) vendorIds?: string[];
  @ApiPropertyOptional() reason?: string;
  @ApiProperty({ enum: ['IN_FORCE', 'WITHDRAWN'] }) state: string;
  @ApiProperty({ description: 'occurredAt of the PartApproved' }) approvedAt: string;
  @ApiPropertyOptional({ type: 'object', properties: { at: { type: 'string' }, reason: { type: 'string' } } }) withdrawn?: { at: string; reason: string };
}

export class DeviationSummaryDto extends OmitType(DeviationReportDto, ['brand', 'serials', 'installations', 'exceeded'] as const) {}

export class ShipmentParams {
  @ApiProperty({ maxLength: 128, example: 'SHP-1' })
  @IsId()
  shipmentId: string;
}

export class ComplianceMaterialDto {
  @ApiProperty({ description: 'The unit it is installed in (the shipped one or a sub-assembly)' }) serial: string;
  @ApiProperty() lotId: string;
  @ApiProperty() quantity: number;
  @ApiProperty({ type: [String] }) refDes: string[];
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, description: 'As in the genealogy answer: verdict, parts' }) judgement?: Record<string, unknown>;
}

export class UnitComplianceDto {
  @ApiProperty() serial: string;
  @ApiPropertyOptional() brand?: string;
  @ApiPropertyOptional() productPartNumber?: string;
  @ApiProperty() customer: string;
  @ApiProperty({ enum: ['CONFORMING', 'CONFORMING_UNDER_DEVIATIONS', 'NOT_CONFORMING'] }) verdict: string;
  @ApiProperty({ type: [ComplianceMaterialDto] }) materials: ComplianceMaterialDto[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: true }, description: 'serial, revision, difference (LINE_SHORT, NOT_ON_BOM, REFDES_NOT_ON_LINE)' })
  bomDifferences: Record<string, unknown>[];
}

export class ShipmentComplianceDto {
  @ApiProperty() shipmentId: string;
  @ApiProperty({ type: [UnitComplianceDto] }) units: UnitComplianceDto[];
}
