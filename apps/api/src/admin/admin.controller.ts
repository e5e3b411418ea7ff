import { Body, Controller, Delete, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiOkResponse, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { AccessLogRepository, ApiKeyInfo, ApiKeysRepository } from '@trace/access';
import { ErrorDto } from '../error.dto';
import { Roles } from '../auth/auth.decorators';
import { AccessLogPageDto, AccessLogQueryDto, ApiKeyInfoDto, CreateKeyDto, CreatedKeyDto } from './admin.dto';

@ApiTags('admin')
@ApiBearerAuth()
@ApiUnauthorizedResponse({ type: ErrorDto })
@ApiForbiddenResponse({ type: ErrorDto, description: 'Only admin keys' })
@Roles('admin')
@Controller('v1')
export class AdminController {
  constructor(
    private readonly keys: ApiKeysRepository,
    private readonly accessLog: AccessLogRepository,
  ) {}

  @Post('keys')
  @ApiCreatedResponse({ type: CreatedKeyDto, description: 'The key is in the answer once, and never again' })
  createKey(@Body() dto: CreateKeyDto): Promise<{ key: string; info: ApiKeyInfo }> {
    return this.keys.create(dto.role, dto.allBrands ? '*' : dto.brands!, dto.label);
  }

  @Get('keys')
  @ApiOkResponse({ type: [ApiKeyInfoDto] })
  listKeys(): Promise<ApiKeyInfo[]> {
    return this.keys.list();
  }

  @Delete('keys/:id')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'Revoked: the key stops working at once' })
  async revokeKey(@Param('id') id: string): Promise<void> {
    if (!(await this.keys.revoke(id))) throw new NotFoundException(`no key ${JSON.stringify(id)}`);
  }

  @Get('access-log')
  @ApiOkResponse({ type: AccessLogPageDto, description: 'Newest first' })
  readAccessLog(@Query() q: AccessLogQueryDto): Promise<AccessLogPageDto> {
    return this.accessLog.find({
      ...(q.keyId ? { keyId: q.keyId } : {}),
      ...(q.since ? { since: new Date(q.since) } : {}),
      ...(q.until ? { until: new Date(q.until) } : {}),
      ...(q.cursor ? { before: q.cursor } : {}),
      limit: q.limit ?? 100,
    });
  }
}
