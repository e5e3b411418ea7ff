import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiForbiddenResponse, ApiHeader, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { TraceEventOf } from '@trace/contracts';
import { Roles } from '../common/auth/auth.decorators';
import { ErrorDto } from '../common/error.dto';
import { RequestCorrelationId } from '../common/correlation-id';
import { BrandApproverGuard } from './brand-approver.guard';
import {
  ApprovalParams,
  BomRequestDto,
  BrandParams,
  DeviationParams,
  DeviationRequestDto,
  PartApprovalRequestDto,
  PublishedBrandEventDto,
  ReasonRequestDto,
  RevocationRequestDto,
} from './brands.dto';
import { BrandEventType, PublishBrandEventUseCase } from './publish-brand-event.use-case';

const PUBLISHES = (type: BrandEventType, effect: string): string =>
  `Publishes one ${type} to trace.brand.v1 (acknowledged by all in-sync replicas) and answers 202 with the event. ${effect} ` +
  'The judgements in the genealogy answers follow once the ingest has recorded it; the API never writes the graph. Only an ' +
  '`approver` key scoped to exactly this brand may call it.';

@ApiTags('brands')
@ApiForbiddenResponse({ type: ErrorDto, description: 'Not an `approver` key scoped to exactly this brand (a site-wide key, another brand, another role)' })
@ApiBadRequestResponse({ type: ErrorDto, description: 'A body the contract refuses (the rules of trace.brand.v1), an unknown field' })
@ApiHeader({ name: 'X-Correlation-Id', required: false, description: 'Carried into the event published (1-128 of A-Z a-z 0-9 . _ : -); a new one when absent' })
@Roles('approver')
@UseGuards(BrandApproverGuard)
@Controller('v1/brands/:brand')
export class BrandPublishingController {
  constructor(private readonly publish: PublishBrandEventUseCase) {}

  @Post('approved-parts')
  @HttpCode(202)
  @ApiOperation({ summary: 'Approve a manufacturer part for an internal part number (the AVL)', description: PUBLISHES('PartApproved', 'In force from now on.') })
  @ApiAcceptedResponse({ type: PublishedBrandEventDto })
  approvePart(@Param() { brand }: BrandParams, @Body() body: PartApprovalRequestDto, @RequestCorrelationId() correlationId: string): Promise<TraceEventOf<'PartApproved'>> {
    return this.publish.execute({ type: 'PartApproved', data: { brand, ...body }, correlationId });
  }

  @Post('approved-parts/:approvalId/withdraw')
  @HttpCode(202)
  @ApiOperation({ summary: 'Withdraw an approval', description: PUBLISHES('PartApprovalWithdrawn', 'Installations from now on are judged without it; earlier ones keep it.') })
  @ApiAcceptedResponse({ type: PublishedBrandEventDto })
  withdrawApproval(@Param() { brand, approvalId }: ApprovalParams, @Body() { reason }: ReasonRequestDto, @RequestCorrelationId() correlationId: string): Promise<TraceEventOf<'PartApprovalWithdrawn'>> {
    return this.publish.execute({ type: 'PartApprovalWithdrawn', data: { brand, approvalId, reason }, correlationId });
  }

  @Post('deviations')
  @HttpCode(202)
  @ApiOperation({ summary: 'Grant a deviation: an alternate part, for a scope, a quantity and a time', description: PUBLISHES('DeviationApproved', 'In force from validFrom to validUntil.') })
  @ApiAcceptedResponse({ type: PublishedBrandEventDto })
  approveDeviation(@Param() { brand }: BrandParams, @Body() body: DeviationRequestDto, @RequestCorrelationId() correlationId: string): Promise<TraceEventOf<'DeviationApproved'>> {
    return this.publish.execute({ type: 'DeviationApproved', data: { brand, ...body }, correlationId });
  }

  @Post('deviations/:deviationId/revoke')
  @HttpCode(202)
  @ApiOperation({ summary: 'Revoke a deviation', description: PUBLISHES('DeviationRevoked', 'Installations from now on are not covered by it; earlier ones stay covered.') })
  @ApiAcceptedResponse({ type: PublishedBrandEventDto })
  revokeDeviation(@Param() { brand, deviationId }: DeviationParams, @Body() { reason }: RevocationRequestDto, @RequestCorrelationId() correlationId: string): Promise<TraceEventOf<'DeviationRevoked'>> {
    return this.publish.execute({ type: 'DeviationRevoked', data: { brand, deviationId, reason }, correlationId });
  }

  @Post('boms')
  @HttpCode(202)
  @ApiOperation({ summary: 'Release a BOM revision of a product', description: PUBLISHES('BomReleased', 'Units of the product started from effectiveFrom on are checked against it.') })
  @ApiAcceptedResponse({ type: PublishedBrandEventDto })
  releaseBom(@Param() { brand }: BrandParams, @Body() body: BomRequestDto, @RequestCorrelationId() correlationId: string): Promise<TraceEventOf<'BomReleased'>> {
    return this.publish.execute({ type: 'BomReleased', data: { brand, ...body }, correlationId });
  }
}
