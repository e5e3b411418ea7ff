import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { VERDICTS } from '@trace/genealogy';
import type { AuthorityFlagFields, BomDifference, MaterialJudgement, PartJudgement, Provenance, Verdict } from '@trace/genealogy';

// OpenAPI descriptions of brand authority in the genealogy answer (see the README, "Brand authority").

export class PartJudgementDto implements PartJudgement {
  @ApiProperty({ enum: VERDICTS.filter((v) => v !== 'NOT_JUDGED') }) verdict: Exclude<Verdict, 'NOT_JUDGED'>;
  @ApiProperty() vendorId: string;
  @ApiProperty() internalPartNumber: string;
  @ApiProperty() manufacturer: string;
  @ApiProperty() mpn: string;
  @ApiProperty({ type: [String] }) vendorLotIds: string[];
  @ApiPropertyOptional({ description: 'APPROVED: the approval in force at the installation' }) approvalId?: string;
  @ApiPropertyOptional({ description: 'UNDER_DEVIATION, DEVIATION_EXCEEDED: the deviation counted against' }) deviationId?: string;
  @ApiPropertyOptional({ description: "Pieces under the deviation over all the brand's units, up to and including this installation" }) count?: number;
  @ApiPropertyOptional() maxQuantity?: number;
}

export class MaterialJudgementDto implements MaterialJudgement {
  @ApiProperty({ enum: VERDICTS, description: 'The worst of the parts behind the lot' }) verdict: Verdict;
  @ApiProperty({ type: [PartJudgementDto] }) parts: PartJudgementDto[];
  @ApiPropertyOptional({ description: 'NOT_JUDGED: why' }) reason?: string;
}

export class FlaggedInstallationDto {
  @ApiProperty() lotId: string;
  @ApiProperty() quantity: number;
  @ApiProperty({ type: [String] }) refDes: string[];
  @ApiProperty({ type: Object, description: 'Of the MaterialInstalled event' }) provenance: Provenance;
}

export class BomDifferenceDto {
  @ApiProperty({ enum: ['LINE_SHORT', 'NOT_ON_BOM', 'REFDES_NOT_ON_LINE'] }) kind: BomDifference['kind'];
  @ApiProperty() internalPartNumber: string;
  @ApiPropertyOptional() required?: number;
  @ApiPropertyOptional() installed?: number;
  @ApiPropertyOptional({ type: [String] }) refDes?: string[];
  @ApiPropertyOptional({ type: [String] }) lotIds?: string[];
}

/** The fields a brand-authority flag adds (NOT_ON_AVL, UNDER_DEVIATION, DEVIATION_EXCEEDED, AVL_MISSING, BOM_MISMATCH). */
export class AuthorityFlagFieldsDto implements AuthorityFlagFields {
  @ApiPropertyOptional({ description: 'The unit judged' }) serial?: string;
  @ApiPropertyOptional() brand?: string;
  @ApiPropertyOptional({ enum: ['AVL', 'BOM'] }) rule?: 'AVL' | 'BOM';
  @ApiPropertyOptional({ type: FlaggedInstallationDto }) installation?: FlaggedInstallationDto;
  @ApiPropertyOptional() internalPartNumber?: string;
  @ApiPropertyOptional() manufacturer?: string;
  @ApiPropertyOptional() mpn?: string;
  @ApiPropertyOptional({ type: [String] }) vendorLotIds?: string[];
  @ApiPropertyOptional() deviationId?: string;
  @ApiPropertyOptional() count?: number;
  @ApiPropertyOptional() maxQuantity?: number;
  @ApiPropertyOptional() productPartNumber?: string;
  @ApiPropertyOptional() revision?: string;
  @ApiPropertyOptional({ type: BomDifferenceDto }) difference?: BomDifference;
}
