import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsISO8601, IsMongoId, IsOptional, Max, Min, ValidateIf } from 'class-validator';
import { ROLES, Role } from '@trace/access';
import { IsId, IsText } from '@trace/contracts';

export class CreateKeyDto {
  @ApiProperty({ enum: ROLES }) @IsIn(ROLES) role: Role;
  @ApiPropertyOptional({ type: [String], description: 'Brands the key may see; omit with allBrands: true for the whole site' })
  @ValidateIf((o: CreateKeyDto) => o.allBrands !== true)
  @IsArray()
  @ArrayMinSize(1, { message: 'give brands, or allBrands: true for a site-wide key' })
  @ArrayMaxSize(1_000)
  @IsId({ each: true })
  brands?: string[];
  @ApiPropertyOptional({ description: 'A site-wide key (EMS staff): sees every brand' }) @IsOptional() @IsIn([true]) allBrands?: true;
  @ApiPropertyOptional({ description: 'Who or what the key is for' }) @IsOptional() @IsText(256) label?: string;
}

export class ApiKeyInfoDto {
  @ApiProperty() id: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string', enum: ['*'] }] }) brands: string[] | '*';
  @ApiPropertyOptional() label?: string;
  @ApiProperty() createdAt: string;
  @ApiPropertyOptional() revokedAt?: string;
}

export class CreatedKeyDto {
  @ApiProperty({ description: 'The key itself: shown this once, stored only as a hash' }) key: string;
  @ApiProperty({ type: ApiKeyInfoDto }) info: ApiKeyInfoDto;
}

export class AccessLogQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsId() keyId?: string;
  @ApiPropertyOptional({ description: 'ISO 8601' }) @IsOptional() @IsISO8601({ strict: true }) since?: string;
  @ApiPropertyOptional({ description: 'ISO 8601' }) @IsOptional() @IsISO8601({ strict: true }) until?: string;
  @ApiPropertyOptional({ description: 'The `next` of the previous page' }) @IsOptional() @IsMongoId() cursor?: string;
  @ApiPropertyOptional({ default: 100, maximum: 1000 }) @IsOptional() @Type(() => Number) @IsInt() @Min(1) @Max(1_000) limit?: number;
}

export class AccessLogEntryDto {
  @ApiProperty() id: string;
  @ApiProperty() at: string;
  @ApiProperty({ nullable: true, type: String }) keyId: string | null;
  @ApiProperty({ nullable: true, type: String }) role: string | null;
  @ApiProperty({ nullable: true, oneOf: [{ type: 'array', items: { type: 'string' } }, { type: 'string', enum: ['*'] }] }) scope: string[] | '*' | null;
  @ApiProperty() method: string;
  @ApiProperty() path: string;
  @ApiProperty({ type: Object }) query: Record<string, unknown>;
  @ApiProperty() status: number;
  @ApiProperty({ nullable: true, type: Number }) items: number | null;
  @ApiProperty() durationMs: number;
}

export class AccessLogPageDto {
  @ApiProperty({ type: [AccessLogEntryDto] }) items: AccessLogEntryDto[];
  @ApiProperty({ nullable: true, type: String }) next: string | null;
}
