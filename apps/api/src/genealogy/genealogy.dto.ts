import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { EVENT_TYPE_NAMES, EventType, LOT_STATUSES, LotStatus, VENDOR_STATUSES, VendorStatus } from '@trace/contracts';
import type {
  Removal,
  Retraction,
  Flag,
  FlagCode,
  Gap,
  GapCode,
  Genealogy,
  Installation,
  LotNode,
  LotSource,
  Provenance,
  Shipment,
  Disqualification,
  SubAssembly,
  UnitNode,
  VendorLotNode,
  VendorNode,
  ClaimedValue,
} from '@trace/genealogy';
import { AuthorityFlagFieldsDto, MaterialJudgementDto } from './authority.dto';

// OpenAPI descriptions of the genealogy answer. Each class implements the lib's type, so the
// documentation cannot drift from what the traversal returns without the build failing.

export class ProvenanceDto implements Provenance {
  @ApiProperty({ description: 'The event that established this fact' }) eventId: string;
  @ApiProperty({ enum: EVENT_TYPE_NAMES }) type: EventType;
  @ApiProperty({ example: 'site1/smt-line-3' }) source: string;
  @ApiProperty({ example: '2026-11-20T08:15:00Z' }) occurredAt: string;
  @ApiProperty({ example: 'trace.production.v1' }) topic: string;
  @ApiProperty() partition: number;
  @ApiProperty({ description: 'Kafka offset, as a string (64-bit)' }) offset: string;
}

export class ShipmentDto implements Shipment {
  @ApiProperty() shipmentId: string;
  @ApiProperty() customer: string;
  @ApiProperty({ type: ProvenanceDto }) provenance: ProvenanceDto;
}

export class DisqualificationDto implements Disqualification {
  @ApiProperty({ example: 'CFX UnitsDisqualified: DefectiveRepairNotPossible: dropped at AOI', description: 'Why the unit was scrapped or abandoned' }) reason: string;
  @ApiProperty({ type: ProvenanceDto, description: 'Of the UnitDisqualified event' }) provenance: ProvenanceDto;
}

export class RemovalDto implements Removal {
  @ApiProperty({ description: 'Why it was taken out' }) reason: string;
  @ApiProperty({ type: ProvenanceDto, description: 'Of the MaterialRemoved or UnitDisassembled event' }) provenance: ProvenanceDto;
}

export class RetractionDto implements Retraction {
  @ApiProperty({ description: 'Why the event was taken back' }) reason: string;
  @ApiProperty({ type: ProvenanceDto, description: 'Of the EventRetracted event' }) provenance: ProvenanceDto;
}

const LOT_STATUS_OR_UNKNOWN = [...LOT_STATUSES, 'unknown'];
const VENDOR_STATUS_OR_UNKNOWN = [...VENDOR_STATUSES, 'unknown'];

export class PlacementDto {
  @ApiProperty({ example: 'C3' }) refDes: string;
  @ApiPropertyOptional({ example: 'FDR-12 (1/12)', description: 'Feeder slot or location it was placed from' }) location?: string;
  @ApiPropertyOptional({ example: '2026-11-02T06:10:00.120-04:00' }) placedAt?: string;
}

export class CandidateLotsDto {
  @ApiProperty({ type: [String], description: 'Every package the material may have come from (a splice grey zone)' }) lotIds: string[];
  @ApiProperty({ description: 'Why it cannot be told which' }) reason: string;
  @ApiProperty({ example: 'REEL-A or REEL-B', description: 'The packages in words (the settled one alone, once settled)' }) inWords: string;
  @ApiPropertyOptional({ description: 'The package a splice point settled it to (then also lotId)' }) settledTo?: string;
  @ApiPropertyOptional({ type: ProvenanceDto, description: 'Of the SplicePointDetected that settled it' }) settledBy?: ProvenanceDto;
}

export class InstallationDto implements Installation {
  @ApiProperty({ description: 'Package lot (reel, tray, bag) installed' }) lotId: string;
  @ApiProperty() quantity: number;
  @ApiProperty({ type: [String], description: 'Reference designators; empty for bulk material' }) refDes: string[];
  @ApiProperty({ enum: LOT_STATUS_OR_UNKNOWN }) lotStatus: LotStatus | 'unknown';
  @ApiProperty({ type: [String], description: 'Vendor lots this package lot descends from' }) vendorLotIds: string[];
  @ApiProperty({ type: ProvenanceDto }) provenance: ProvenanceDto;
  @ApiPropertyOptional({ description: 'Only with history=true: taken out since (rework)' }) removed?: boolean;
  @ApiPropertyOptional({ type: RemovalDto }) removal?: RemovalDto;
  @ApiPropertyOptional({ description: 'Only with history=true: its event was retracted (EventRetracted); it counts nowhere' }) retracted?: boolean;
  @ApiPropertyOptional({ type: RetractionDto }) retraction?: RetractionDto;
  @ApiPropertyOptional({ type: MaterialJudgementDto, description: "Against what the unit's brand approved at the installation" }) judgement?: MaterialJudgementDto;
  @ApiPropertyOptional({ type: [PlacementDto], description: 'Where and when each reference designator was placed (IPC-CFX)' }) placements?: PlacementDto[];
  @ApiPropertyOptional({ description: 'The BOM part number this alternate was installed in place of; judged against that BOM line' }) bomPartNumber?: string;
  @ApiPropertyOptional({ type: CandidateLotsDto, description: 'From one of several packages (a splice grey zone), until a splice point settled it' }) candidates?: CandidateLotsDto;
}

export class UnitNodeDto implements UnitNode {
  @ApiProperty() serial: string;
  @ApiProperty({ description: 'False when no UnitStarted was received (see gaps)' }) started: boolean;
  @ApiPropertyOptional() brand?: string;
  @ApiPropertyOptional() productPartNumber?: string;
  @ApiPropertyOptional() workOrder?: string;
  @ApiProperty() shipped: boolean;
  @ApiProperty({ type: [ShipmentDto] }) shipments: ShipmentDto[];
  @ApiPropertyOptional({ type: ProvenanceDto, description: 'Of the UnitStarted event' }) provenance?: ProvenanceDto;
  @ApiProperty({ type: [InstallationDto] }) materials: InstallationDto[];
  @ApiProperty({ type: () => [SubAssemblyDto] }) subAssemblies: SubAssemblyDto[];
  @ApiPropertyOptional({ description: "A sub-assembly outside the caller's brands: serial and product only; shipments, materials and sub-assemblies withheld (empty)" })
  withheld?: boolean;
  @ApiPropertyOptional({ description: 'Built into two parents: told in full under the first in this answer, here serial and product only' })
  shownElsewhere?: boolean;
  @ApiPropertyOptional({
    type: [String],
    description: 'Start fields (brand, productPartNumber, workOrder) whose UnitStarted events disagree: those fields are absent, and a CONFLICTING_FACTS flag gives every value',
  })
  conflictingFields?: string[];
  @ApiPropertyOptional({ type: [DisqualificationDto], description: 'Only for a unit that was disqualified (scrapped, abandoned): every UnitDisqualified, oldest first' })
  disqualifications?: DisqualificationDto[];
}

export class SubAssemblyDto implements SubAssembly {
  @ApiPropertyOptional() refDes?: string;
  @ApiProperty({ type: ProvenanceDto }) provenance: ProvenanceDto;
  @ApiProperty({ type: () => UnitNodeDto }) unit: UnitNodeDto;
  @ApiPropertyOptional({ description: 'Only with history=true: taken out since (rework)' }) removed?: boolean;
  @ApiPropertyOptional({ type: RemovalDto }) removal?: RemovalDto;
  @ApiPropertyOptional({ description: 'Only with history=true: its event was retracted (EventRetracted); it counts nowhere' }) retracted?: boolean;
  @ApiPropertyOptional({ type: RetractionDto }) retraction?: RetractionDto;
}

export class LotSourceDto implements LotSource {
  @ApiProperty({ enum: ['split', 'merge'] }) kind: 'split' | 'merge';
  @ApiProperty({ type: [String] }) lotIds: string[];
  @ApiPropertyOptional() quantity?: number;
  @ApiProperty({ type: ProvenanceDto }) provenance: ProvenanceDto;
}

export class LotStatusChangeDto {
  @ApiProperty({ enum: LOT_STATUSES }) status: LotStatus;
  @ApiProperty() reason: string;
  @ApiProperty({ type: ProvenanceDto }) provenance: ProvenanceDto;
}

export class LotReceiptDto {
  @ApiProperty() receiptId: string;
  @ApiProperty() vendorLotId: string;
  @ApiProperty() quantity: number;
  @ApiProperty() uom: string;
  @ApiProperty() receivedAt: string;
  @ApiProperty({ type: ProvenanceDto }) provenance: ProvenanceDto;
}

export class LotSpliceDto {
  @ApiProperty() leadingLotId: string;
  @ApiProperty() trailingLotId: string;
  @ApiPropertyOptional({ description: 'Placements around the joint that may have come from either package' }) greyZone?: number;
  @ApiPropertyOptional() location?: string;
  @ApiProperty({ type: ProvenanceDto, description: 'Of the LotSpliced event' }) provenance: ProvenanceDto;
}

export class LotNodeDto implements LotNode {
  @ApiProperty() lotId: string;
  @ApiProperty({ description: 'False when no event established this lot (see gaps)' }) known: boolean;
  @ApiProperty({ enum: LOT_STATUS_OR_UNKNOWN, description: 'Latest status by occurredAt; released by default' }) status: LotStatus | 'unknown';
  @ApiProperty({ type: [LotStatusChangeDto] }) statusHistory: LotStatusChangeDto[];
  @ApiProperty({ enum: ['received', 'split', 'merge', 'unknown'] }) origin: 'received' | 'split' | 'merge' | 'unknown';
  @ApiPropertyOptional({ type: LotReceiptDto, description: 'Absent when the receipts of this package disagree (conflictingFields)' }) receipt?: LotReceiptDto;
  @ApiProperty({ type: [LotSourceDto], description: 'The lots this lot was split or merged from' }) sources: LotSourceDto[];
  @ApiProperty({ type: [String] }) vendorLotIds: string[];
  @ApiPropertyOptional({ type: [LotSpliceDto], description: 'Splices this package is the leading or trailing package of' }) splices?: LotSpliceDto[];
  @ApiPropertyOptional({ type: [String], description: 'Receipt fields whose MaterialReceived events disagree: a CONFLICTING_FACTS flag gives every value' })
  conflictingFields?: string[];
}

export class ClaimedValueDto implements ClaimedValue {
  @ApiProperty({ oneOf: [{ type: 'string' }, { type: 'number' }], description: 'One value claimed for the field' }) value: string | number;
  @ApiProperty({ type: [ProvenanceDto], description: 'Every event that claimed this value' }) provenance: ProvenanceDto[];
}

export class VendorLotReceiptDto {
  @ApiProperty() receiptId: string;
  @ApiProperty() receivedAt: string;
  @ApiProperty({ type: [String] }) lotIds: string[];
  @ApiProperty({ type: ProvenanceDto }) provenance: ProvenanceDto;
}

export class VendorLotNodeDto implements VendorLotNode {
  @ApiProperty({ description: 'JSON array [vendorId, mpn, vendorLotCode]', example: '["V-ACME","GRM188R71C104KA01D","L2345"]' })
  vendorLotId: string;
  @ApiProperty() vendorId: string;
  @ApiProperty({ description: 'Manufacturer part number' }) mpn: string;
  @ApiProperty() vendorLotCode: string;
  @ApiPropertyOptional() manufacturer?: string;
  @ApiPropertyOptional() internalPartNumber?: string;
  @ApiPropertyOptional() dateCode?: string;
  @ApiPropertyOptional({ description: 'ISO 3166-1 alpha-2' }) countryOfOrigin?: string;
  @ApiProperty({ type: [VendorLotReceiptDto] }) receipts: VendorLotReceiptDto[];
}

export class VendorStatusChangeDto {
  @ApiProperty({ enum: VENDOR_STATUSES }) status: VendorStatus;
  @ApiProperty() reason: string;
  @ApiProperty({ type: ProvenanceDto }) provenance: ProvenanceDto;
}

export class VendorNodeDto implements VendorNode {
  @ApiProperty() vendorId: string;
  @ApiProperty() registered: boolean;
  @ApiPropertyOptional() name?: string;
  @ApiPropertyOptional() country?: string;
  @ApiProperty({ enum: VENDOR_STATUS_OR_UNKNOWN }) status: VendorStatus | 'unknown';
  @ApiProperty({ type: [VendorStatusChangeDto] }) statusHistory: VendorStatusChangeDto[];
  @ApiPropertyOptional({ type: ProvenanceDto }) provenance?: ProvenanceDto;
}

export class FlagDto extends AuthorityFlagFieldsDto implements Flag {
  @ApiProperty({ enum: ['VENDOR_NOT_APPROVED', 'VENDOR_STATUS_UNKNOWN', 'LOT_NOT_RELEASED', 'CONFLICTING_FACTS', 'NOT_ON_AVL', 'UNDER_DEVIATION', 'DEVIATION_EXCEEDED', 'AVL_MISSING', 'BOM_MISMATCH'] })
  code: FlagCode;
  @ApiProperty() message: string;
  @ApiPropertyOptional() vendorId?: string;
  @ApiPropertyOptional({ description: 'The lot flagged; CONFLICTING_FACTS: the package whose receipts disagree' }) lotId?: string;
  @ApiProperty({ type: [String] }) serials: string[];
  @ApiPropertyOptional({
    enum: ['brand', 'productPartNumber', 'workOrder', 'parentSerial', 'receiptId', 'vendorLotId', 'vendorId', 'mpn', 'quantity', 'uom', 'receivedAt'],
    description: 'CONFLICTING_FACTS: the field of `serial` (its start, or the parent it is built into) or of `lotId` (its receipt) whose events disagree',
  })
  field?: string;
  @ApiPropertyOptional({ type: [ClaimedValueDto], description: 'CONFLICTING_FACTS: every value claimed, each with the provenance of every event that claimed it; none is chosen' })
  values?: ClaimedValueDto[];
}

export class GapDto implements Gap {
  @ApiProperty({
    enum: ['SERIAL_NEVER_STARTED', 'CHILD_SERIAL_NEVER_STARTED', 'LOT_NEVER_RECEIVED', 'VENDOR_LOT_NEVER_RECEIVED', 'VENDOR_NEVER_REGISTERED', 'ASSEMBLY_CYCLE', 'LOT_LINEAGE_CYCLE', 'UNIT_IN_TWO_PARENTS'],
  })
  code: GapCode;
  @ApiProperty() message: string;
  @ApiProperty() id: string;
  @ApiProperty({ type: [String] }) referencedBy: string[];
}

export class SummaryVendorDto {
  @ApiProperty() vendorId: string;
  @ApiPropertyOptional() name?: string;
  @ApiProperty({ enum: VENDOR_STATUS_OR_UNKNOWN }) status: VendorStatus | 'unknown';
}

export class SummaryVendorLotDto {
  @ApiProperty() vendorLotId: string;
  @ApiProperty() vendorId: string;
  @ApiProperty() mpn: string;
  @ApiProperty() vendorLotCode: string;
}

export class GenealogySummaryDto {
  @ApiProperty({ description: 'Units in the tree, the serial included' }) units: number;
  @ApiProperty() installations: number;
  @ApiProperty({ type: [SummaryVendorDto] }) vendors: SummaryVendorDto[];
  @ApiProperty({ type: [SummaryVendorLotDto] }) vendorLots: SummaryVendorLotDto[];
  @ApiProperty({ type: [FlagDto] }) flags: FlagDto[];
}

export class GenealogyDto implements Genealogy {
  @ApiProperty() serial: string;
  @ApiProperty({ type: UnitNodeDto, description: 'The assembly tree' }) unit: UnitNodeDto;
  @ApiProperty({ type: [LotNodeDto], description: 'Every package lot in the genealogy, with its lineage' }) lots: LotNodeDto[];
  @ApiProperty({ type: [VendorLotNodeDto] }) vendorLots: VendorLotNodeDto[];
  @ApiProperty({ type: [VendorNodeDto] }) vendors: VendorNodeDto[];
  @ApiProperty({ type: GenealogySummaryDto }) summary: GenealogySummaryDto;
  @ApiProperty({ type: [GapDto] }) gaps: GapDto[];
  @ApiProperty({ description: 'Database round trips the traversal took (grows with depth, not size)' }) roundTrips: number;
}
