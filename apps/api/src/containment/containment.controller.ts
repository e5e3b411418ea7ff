import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiForbiddenResponse, ApiHeader, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@trace/access';
import { Caller, Roles, SiteOnly } from '../common/auth/auth.decorators';
import { Expensive } from '../common/auth/key-throttler.guard';
import { RequestCorrelationId } from '../common/correlation-id';
import { ErrorDto } from '../common/error.dto';
import { LotParams } from '../common/material';
import { ChangeContainmentStatusUseCase, ContainmentStatus, ContainmentStatusChange } from './change-containment-status.use-case';
import { ContainmentRequestDto, ContainmentStatusChangeDto, VendorLotContainmentRequestDto } from './containment.dto';

const DESCRIPTION = (verb: string, status: ContainmentStatus) =>
  `${verb} the lot and every package made out of it (splits, merges): publishes one LotStatusChanged (status ${status}) per ` +
  'lot to trace.lot.v1, so the shop floor sees it too, and answers with the events and the recall scope (the serials holding ' +
  'the material now). 202: the genealogy and where-used answers show the new status once the ingest has recorded the events.';

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
export class ContainmentController {
  constructor(private readonly changeStatus: ChangeContainmentStatusUseCase) {}

  @Post('lots/:lotId/hold')
  @HttpCode(202)
  @ApiOperation({ summary: 'Put a package lot and its descendants on hold', description: DESCRIPTION('Holds', 'hold') })
  @ApiAcceptedResponse({ type: ContainmentStatusChangeDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No event ever named this lot' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A missing or oversized reason, a malformed lot id' })
  holdLot(@Param() { lotId }: LotParams, @Body() { reason }: ContainmentRequestDto, @Caller() caller: Principal, @RequestCorrelationId() correlationId: string): Promise<ContainmentStatusChange> {
    return this.changeStatus.execute({ material: { kind: 'lot', lotId }, status: 'hold', reason, scope: caller.scope, keyId: caller.keyId, correlationId });
  }

  @Post('lots/:lotId/release')
  @HttpCode(202)
  @ApiOperation({ summary: 'Release a package lot and its descendants', description: DESCRIPTION('Releases', 'released') })
  @ApiAcceptedResponse({ type: ContainmentStatusChangeDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No event ever named this lot' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A missing or oversized reason, a malformed lot id' })
  releaseLot(@Param() { lotId }: LotParams, @Body() { reason }: ContainmentRequestDto, @Caller() caller: Principal, @RequestCorrelationId() correlationId: string): Promise<ContainmentStatusChange> {
    return this.changeStatus.execute({ material: { kind: 'lot', lotId }, status: 'released', reason, scope: caller.scope, keyId: caller.keyId, correlationId });
  }

  @Post('vendor-lots/hold')
  @HttpCode(202)
  @ApiOperation({ summary: 'Put every package of a vendor lot, and their descendants, on hold', description: DESCRIPTION('Holds', 'hold') })
  @ApiAcceptedResponse({ type: ContainmentStatusChangeDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'The vendor lot was never received' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A missing key part or reason' })
  holdVendorLot(@Body() { vendorId, mpn, vendorLotCode, reason }: VendorLotContainmentRequestDto, @Caller() caller: Principal, @RequestCorrelationId() correlationId: string): Promise<ContainmentStatusChange> {
    return this.changeStatus.execute({ material: { kind: 'vendorLot', vendorId, mpn, vendorLotCode }, status: 'hold', reason, scope: caller.scope, keyId: caller.keyId, correlationId });
  }

  @Post('vendor-lots/release')
  @HttpCode(202)
  @ApiOperation({ summary: 'Release every package of a vendor lot, and their descendants', description: DESCRIPTION('Releases', 'released') })
  @ApiAcceptedResponse({ type: ContainmentStatusChangeDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'The vendor lot was never received' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A missing key part or reason' })
  releaseVendorLot(@Body() { vendorId, mpn, vendorLotCode, reason }: VendorLotContainmentRequestDto, @Caller() caller: Principal, @RequestCorrelationId() correlationId: string): Promise<ContainmentStatusChange> {
    return this.changeStatus.execute({ material: { kind: 'vendorLot', vendorId, mpn, vendorLotCode }, status: 'released', reason, scope: caller.scope, keyId: caller.keyId, correlationId });
  }
}
