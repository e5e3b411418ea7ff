import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsIn, IsInt, IsISO8601, IsMongoId, IsOptional, Max, Min, ValidateBy, ValidateIf } from 'class-validator';
import { ACCESS_LOG_MAX_TIME, ROLES, Role } from '@trace/access';
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

/** An instant the access log can represent: its entry ids hold unsigned 32-bit seconds (1970 to 2106-02-07T06:28:15Z). */
const IsLoggableInstant = (): PropertyDecorator =>
  ValidateBy({
    name: 'isLoggableInstant',
    validator: {
      validate: (v: unknown) => {
        const t = typeof v === 'string' ? Date.parse(v) : NaN;
        return Number.isFinite(t) && t >= 0 && t <= ACCESS_LOG_MAX_TIME.getTime();
      },
      defaultMessage: (a) => `${a?.property ?? 'the instant'} must lie between 1970-01-01T00:00:00Z and ${ACCESS_LOG_MAX_TIME.toISOString()}`,
    },
  });

export class AccessLogQueryDto {
  @ApiPropertyOptional() @IsOptional() @IsId() keyId?: string;
  @ApiPropertyOptional({ description: 'ISO 8601, 1970 to 2106-02-07T06:28:15Z' }) @IsOptional() @IsISO8601({ strict: true }) @IsLoggableInstant() since?: string;
  @ApiPropertyOptional({ description: 'ISO 8601, 1970 to 2106-02-07T06:28:15Z' }) @IsOptional() @IsISO8601({ strict: true }) @IsLoggableInstant() until?: string;
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
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 2 }, description: 'The query string as [name, value] pairs, in order' })
  query: [string, string][];
  @ApiProperty({ nullable: true, type: Number, description: 'null while the request is being served' }) status: number | null;
  @ApiProperty({ nullable: true, type: Number }) items: number | null;
  @ApiProperty({ nullable: true, type: Number }) durationMs: number | null;
  @ApiPropertyOptional({ description: 'Path or query were cut to bound the entry size' }) truncated?: true;
  @ApiPropertyOptional({ description: 'The client went away before the answer was complete' }) aborted?: true;
  @ApiPropertyOptional({ description: 'Correlation id of the events the request published' }) correlationId?: string;
}

export class AccessLogPageDto {
  @ApiProperty({ type: [AccessLogEntryDto] }) items: AccessLogEntryDto[];
  @ApiProperty({ nullable: true, type: String }) next: string | null;
}
