import { Body, Controller, Delete, ForbiddenException, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AccessLogRepository, ApiKeyInfo, ApiKeysRepository, Principal, withinScope } from '@trace/access';
import { ErrorDto } from '../common/error.dto';
import { Caller, Roles } from '../common/auth/auth.decorators';
import { AccessLogPageDto, AccessLogQueryDto, ApiKeyInfoDto, CreateKeyDto, CreatedKeyDto } from './admin.dto';

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
    private readonly keys: ApiKeysRepository,
    private readonly accessLog: AccessLogRepository,
  ) {}

  @Post('keys')
  @ApiCreatedResponse({ type: CreatedKeyDto, description: 'The key is in the answer once, and never again' })
  createKey(@Body() dto: CreateKeyDto, @Caller() caller: Principal): Promise<{ key: string; info: ApiKeyInfo }> {
    const brands = dto.allBrands ? '*' : dto.brands!;
    if (!withinScope(brands, caller.scope)) throw new ForbiddenException('an admin key makes keys within its own brands only');
    return this.keys.create(dto.role, brands, dto.label);
  }

  @Get('keys')
  @ApiOkResponse({ type: [ApiKeyInfoDto] })
  listKeys(@Caller() caller: Principal): Promise<ApiKeyInfo[]> {
    return this.keys.list(caller.scope);
  }

  @Delete('keys/:id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked: the key stops working at once' })
  async revokeKey(@Param('id') id: string, @Caller() caller: Principal): Promise<void> {
    if (!(await this.keys.revoke(id, caller.scope))) throw new NotFoundException(`no key ${JSON.stringify(id)}`);
  }

  @Get('access-log')
  @ApiOkResponse({ type: AccessLogPageDto, description: 'Newest first' })
  async readAccessLog(@Query() q: AccessLogQueryDto, @Caller() caller: Principal): Promise<AccessLogPageDto> {
    const keyIds = caller.scope.kind === 'site' ? undefined : (await this.keys.list(caller.scope)).map((k) => k.id);
    return this.accessLog.find({
      ...(q.keyId ? { keyId: q.keyId } : {}),
      ...(keyIds ? { keyIds } : {}),
      ...(q.since ? { since: new Date(q.since) } : {}),
      ...(q.until ? { until: new Date(q.until) } : {}),
      ...(q.cursor ? { before: q.cursor } : {}),
      limit: q.limit ?? 100,
    });
  }
}
