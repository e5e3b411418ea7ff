import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { PublicReportKey, REPORT_FORMATS, ReportFormat, VerificationResult } from '@trace/reports';
import { AsOfQuery } from '../common/as-of.query';

export class ReportQuery {
  @ApiPropertyOptional({ enum: REPORT_FORMATS, default: 'json' })
  @IsOptional()
  @IsIn(REPORT_FORMATS, { message: `format must be one of ${REPORT_FORMATS.join(', ')}` })
  format: ReportFormat = 'json';

  @AsOfQuery()
  asOf?: string;
}

export class EpcisQuery {
  @AsOfQuery()
  asOf?: string;
}

export class PublicReportKeyDto implements PublicReportKey {
  @ApiProperty({ example: 'rk-3f9a0c1d2e4b5a67', description: 'Derived from the key: rk- and 16 hex digits of the SHA-256 of its SubjectPublicKeyInfo' })
  keyId: string;
  @ApiProperty({ enum: ['Ed25519'] }) algorithm: 'Ed25519';
  @ApiProperty({ description: 'PEM (SubjectPublicKeyInfo), as openssl reads it' }) publicKeyPem: string;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional({ description: 'When a newer key took over signing; what it signed still verifies' }) retiredAt?: string;
}

export class VerificationDto {
  @ApiProperty({ description: 'True only for a report signed by a report key of this service and unchanged since, byte for byte' }) valid: boolean;
  @ApiPropertyOptional({ enum: REPORT_FORMATS }) format?: ReportFormat;
  @ApiPropertyOptional() keyId?: string;
  @ApiPropertyOptional({ example: 'sha256:9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }) digest?: string;
  @ApiPropertyOptional({ description: 'Why it is not valid' }) reason?: string;
}

// Compile-time check that the DTO describes the lib's answer.
const _check: (v: VerificationResult) => VerificationDto = (v) => v;
void _check;
