import { Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import type { ApiKeyInfo, Principal } from '@trace/access';
import { ErrorDto } from '../common/error.dto';
import { Caller, Roles } from '../common/auth/auth.decorators';
import { AccessLogPageDto, AccessLogQueryDto, ApiKeyInfoDto, CreateKeyDto, CreatedKeyDto } from './admin.dto';
import { CreateKeyUseCase } from './create-key.use-case';
import { ListKeysUseCase } from './list-keys.use-case';
import { ReadAccessLogUseCase } from './read-access-log.use-case';
import { RevokeKeyUseCase } from './revoke-key.use-case';

@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorDto })
@ApiForbiddenResponse({ type: ErrorDto, description: 'Only admin keys; a brand admin only within its brands' })
// An admin key is bounded by its own scope: a brand admin makes, lists and revokes keys within its brands only (never
// a site-wide one) and reads the entries of those keys only. Site-wide admins see everything.
@Roles('admin')
@Controller('v1')
export class AdminController {
  constructor(
    private readonly createKeys: CreateKeyUseCase,
    private readonly listKeysOf: ListKeysUseCase,
    private readonly revokeKeys: RevokeKeyUseCase,
    private readonly readLog: ReadAccessLogUseCase,
  ) {}

  @Post('keys')
  @ApiCreatedResponse({ type: CreatedKeyDto, description: 'The key is in the answer once, and never again' })
  createKey(@Body() dto: CreateKeyDto, @Caller() caller: Principal): Promise<{ key: string; info: ApiKeyInfo }> {
    return this.createKeys.execute({ role: dto.role, brands: dto.allBrands ? '*' : dto.brands!, ...(dto.label !== undefined ? { label: dto.label } : {}), caller });
  }

  @Get('keys')
  @ApiOkResponse({ type: [ApiKeyInfoDto] })
  listKeys(@Caller() caller: Principal): Promise<ApiKeyInfo[]> {
    return this.listKeysOf.execute({ caller });
  }

  @Delete('keys/:id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked: the key stops working at once' })
  revokeKey(@Param('id') id: string, @Caller() caller: Principal): Promise<void> {
    return this.revokeKeys.execute({ id, caller });
  }

  @Get('access-log')
  @ApiOkResponse({ type: AccessLogPageDto, description: 'Newest first' })
  readAccessLog(@Query() q: AccessLogQueryDto, @Caller() caller: Principal): Promise<AccessLogPageDto> {
    const { keyId, since, until, cursor, limit } = q;
    return this.readLog.execute({ caller, ...(keyId ? { keyId } : {}), ...(since ? { since } : {}), ...(until ? { until } : {}), ...(cursor ? { cursor } : {}), ...(limit !== undefined ? { limit } : {}) });
  }
}
