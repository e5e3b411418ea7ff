import { BadRequestException, Body, Controller, createParamDecorator, ExecutionContext, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiForbiddenResponse, ApiHeader, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@trace/access';
import type { Request, Response } from 'express';
import { randomUUID } from 'node:crypto';
import { CORRELATION_LOCAL } from '../auth/access-log.middleware';
import { Caller, Roles, SiteOnly } from '../auth/auth.decorators';
import { Expensive } from '../auth/key-throttler.guard';
import { ErrorDto } from '../error.dto';
import { LotParams } from '../where-used/where-used.query';
import { ChangeLotStatusUseCase, ContainmentStatus, LotStatusChangeResult } from './change-lot-status.use-case';
import { LotStatusChangeRequestDto, LotStatusChangeResultDto, VendorLotStatusChangeRequestDto } from './lot-status.dto';

const DESCRIPTION = (verb: string, status: ContainmentStatus) =>
  `${verb} the lot and every package made out of it (splits, merges): publishes one LotStatusChanged (status ${status}) per ` +
  'lot to trace.lot.v1, so the shop floor sees it too, and answers with the events and the recall scope (the serials holding ' +
  'the material now). 202: the genealogy and where-used answers show the new status once the ingest has recorded the events.';

const CORRELATION_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request's correlation id: the caller's `X-Correlation-Id` (validated), else a new one. Carried in every event
 * published and in the request's access-log entry, so an event leads back to the request that caused it.
 */
export const RequestCorrelationId = createParamDecorator((_: unknown, ctx: ExecutionContext): string => {
  const header = ctx.switchToHttp().getRequest<Request>().headers['x-correlation-id'];
  if (header !== undefined && (typeof header !== 'string' || !CORRELATION_ID.test(header))) {
    throw new BadRequestException('X-Correlation-Id must be 1-128 characters of A-Z a-z 0-9 . _ : -');
  }
  const id = header ?? randomUUID();
  ctx.switchToHttp().getResponse<Response>().locals[CORRELATION_LOCAL] = id;
  return id;
});

// Site-only: a package lot sits in the EMS's stores and is often shared by several brands' work orders, and a hold
// stops the shop floor using it for everyone; who placed a hold is the site's record. A brand asks the site's quality
// engineers (who hold a site-wide key) instead, and a brand-scoped key learns nothing here about which lots exist.
@ApiTags('containment')
@ApiForbiddenResponse({ type: ErrorDto, description: 'Only site-wide (`*`) quality keys may hold or release material' })
@ApiHeader({ name: 'X-Correlation-Id', required: false, description: 'Carried into every event published (1-128 of A-Z a-z 0-9 . _ : -); a new one when absent' })
@Roles('quality')
@SiteOnly()
@Expensive()
@Controller('v1')
export class LotStatusController {
  constructor(private readonly changeStatus: ChangeLotStatusUseCase) {}

  @Post('lots/:lotId/hold')
  @HttpCode(202)
  @ApiOperation({ summary: 'Put a package lot and its descendants on hold', description: DESCRIPTION('Holds', 'hold') })
  @ApiAcceptedResponse({ type: LotStatusChangeResultDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No event ever named this lot' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A missing or oversized reason, a malformed lot id' })
  holdLot(@Param() { lotId }: LotParams, @Body() { reason }: LotStatusChangeRequestDto, @Caller() caller: Principal, @RequestCorrelationId() correlationId: string): Promise<LotStatusChangeResult> {
    return this.changeStatus.execute({ material: { kind: 'lot', lotId }, status: 'hold', reason, scope: caller.scope, keyId: caller.keyId, correlationId });
  }

  @Post('lots/:lotId/release')
  @HttpCode(202)
  @ApiOperation({ summary: 'Release a package lot and its descendants', description: DESCRIPTION('Releases', 'released') })
  @ApiAcceptedResponse({ type: LotStatusChangeResultDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No event ever named this lot' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A missing or oversized reason, a malformed lot id' })
  releaseLot(@Param() { lotId }: LotParams, @Body() { reason }: LotStatusChangeRequestDto, @Caller() caller: Principal, @RequestCorrelationId() correlationId: string): Promise<LotStatusChangeResult> {
    return this.changeStatus.execute({ material: { kind: 'lot', lotId }, status: 'released', reason, scope: caller.scope, keyId: caller.keyId, correlationId });
  }

  @Post('vendor-lots/hold')
  @HttpCode(202)
  @ApiOperation({ summary: 'Put every package of a vendor lot, and their descendants, on hold', description: DESCRIPTION('Holds', 'hold') })
  @ApiAcceptedResponse({ type: LotStatusChangeResultDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'The vendor lot was never received' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A missing key part or reason' })
  holdVendorLot(@Body() { vendorId, mpn, vendorLotCode, reason }: VendorLotStatusChangeRequestDto, @Caller() caller: Principal, @RequestCorrelationId() correlationId: string): Promise<LotStatusChangeResult> {
    return this.changeStatus.execute({ material: { kind: 'vendorLot', vendorId, mpn, vendorLotCode }, status: 'hold', reason, scope: caller.scope, keyId: caller.keyId, correlationId });
  }

  @Post('vendor-lots/release')
  @HttpCode(202)
  @ApiOperation({ summary: 'Release every package of a vendor lot, and their descendants', description: DESCRIPTION('Releases', 'released') })
  @ApiAcceptedResponse({ type: LotStatusChangeResultDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'The vendor lot was never received' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A missing key part or reason' })
  releaseVendorLot(@Body() { vendorId, mpn, vendorLotCode, reason }: VendorLotStatusChangeRequestDto, @Caller() caller: Principal, @RequestCorrelationId() correlationId: string): Promise<LotStatusChangeResult> {
    return this.changeStatus.execute({ material: { kind: 'vendorLot', vendorId, mpn, vendorLotCode }, status: 'released', reason, scope: caller.scope, keyId: caller.keyId, correlationId });
  }
}
