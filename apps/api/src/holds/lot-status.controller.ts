import { Body, Controller, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiForbiddenResponse, ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BrandScope } from '@trace/genealogy';
import { CallerScope, Roles } from '../auth/auth.decorators';
import { ErrorDto } from '../error.dto';
import { LotParams } from '../where-used/where-used.query';
import { ChangeLotStatusUseCase, ContainmentStatus, LotStatusChangeResult } from './change-lot-status.use-case';
import { LotStatusChangeRequestDto, LotStatusChangeResultDto, VendorLotStatusChangeRequestDto } from './lot-status.dto';

const DESCRIPTION = (verb: string, status: ContainmentStatus) =>
  `${verb} the lot and every package made out of it (splits, merges): publishes one LotStatusChanged (status ${status}) per ` +
  'lot to trace.lot.v1, so the shop floor sees it too, and answers with the events and the recall scope (the serials holding ' +
  'the material now). 202: the genealogy and where-used answers show the new status once the ingest has recorded the events.';

@ApiTags('containment')
@ApiForbiddenResponse({ type: ErrorDto, description: 'Only quality keys may hold or release material' })
@Roles('quality')
@Controller('v1')
export class LotStatusController {
  constructor(private readonly changeStatus: ChangeLotStatusUseCase) {}

  @Post('lots/:lotId/hold')
  @HttpCode(202)
  @ApiOperation({ summary: 'Put a package lot and its descendants on hold', description: DESCRIPTION('Holds', 'hold') })
  @ApiAcceptedResponse({ type: LotStatusChangeResultDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No event ever named this lot' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A missing or oversized reason, a malformed lot id' })
  holdLot(@Param() { lotId }: LotParams, @Body() { reason }: LotStatusChangeRequestDto, @CallerScope() scope: BrandScope): Promise<LotStatusChangeResult> {
    return this.changeStatus.execute({ material: { kind: 'lot', lotId }, status: 'hold', reason, scope });
  }

  @Post('lots/:lotId/release')
  @HttpCode(202)
  @ApiOperation({ summary: 'Release a package lot and its descendants', description: DESCRIPTION('Releases', 'released') })
  @ApiAcceptedResponse({ type: LotStatusChangeResultDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No event ever named this lot' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A missing or oversized reason, a malformed lot id' })
  releaseLot(@Param() { lotId }: LotParams, @Body() { reason }: LotStatusChangeRequestDto, @CallerScope() scope: BrandScope): Promise<LotStatusChangeResult> {
    return this.changeStatus.execute({ material: { kind: 'lot', lotId }, status: 'released', reason, scope });
  }

  @Post('vendor-lots/hold')
  @HttpCode(202)
  @ApiOperation({ summary: 'Put every package of a vendor lot, and their descendants, on hold', description: DESCRIPTION('Holds', 'hold') })
  @ApiAcceptedResponse({ type: LotStatusChangeResultDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'The vendor lot was never received' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A missing key part or reason' })
  holdVendorLot(@Body() { vendorId, mpn, vendorLotCode, reason }: VendorLotStatusChangeRequestDto, @CallerScope() scope: BrandScope): Promise<LotStatusChangeResult> {
    return this.changeStatus.execute({ material: { kind: 'vendorLot', vendorId, mpn, vendorLotCode }, status: 'hold', reason, scope });
  }

  @Post('vendor-lots/release')
  @HttpCode(202)
  @ApiOperation({ summary: 'Release every package of a vendor lot, and their descendants', description: DESCRIPTION('Releases', 'released') })
  @ApiAcceptedResponse({ type: LotStatusChangeResultDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'The vendor lot was never received' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A missing key part or reason' })
  releaseVendorLot(@Body() { vendorId, mpn, vendorLotCode, reason }: VendorLotStatusChangeRequestDto, @CallerScope() scope: BrandScope): Promise<LotStatusChangeResult> {
    return this.changeStatus.execute({ material: { kind: 'vendorLot', vendorId, mpn, vendorLotCode }, status: 'released', reason, scope });
  }
}
