import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { ROLES, Role } from '@trace/access';

export class SignInDto {
  @ApiProperty({ description: 'An API key (trk_<id>_<secret>); exchanged once for a session cookie, never stored by the browser', example: 'trk_0123456789abcdef_...' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  key: string;
}

export class SessionDto {
  @ApiProperty({ description: 'The id of the API key the session is bound to' }) keyId: string;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ description: "'*' for every brand of the site, or the brands the key may see", oneOf: [{ type: 'string', enum: ['*'] }, { type: 'array', items: { type: 'string' } }] })
  brands: string[] | '*';
  @ApiPropertyOptional() label?: string;
  @ApiProperty({ description: 'Send in X-CSRF-Token with every request that changes something' }) csrfToken: string;
  @ApiProperty({ description: 'Absolute expiry: the session ends then, however busy' }) expiresAt: string;
  @ApiProperty({ description: 'Idle expiry: the session ends then unless a request comes first' }) idleExpiresAt: string;
}

export class FreshnessDto {
  @ApiProperty({ type: Number, nullable: true, description: "Messages on the source topics the ingest has not recorded yet; null when the broker did not say" }) lag: number | null;
  @ApiPropertyOptional({ description: 'Why the lag is not known' }) error?: string;
  @ApiProperty({ description: 'When this was measured' }) measuredAt: string;
}
