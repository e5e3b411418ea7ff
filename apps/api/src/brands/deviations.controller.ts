import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { BrandScope, DeviationReport } from '@trace/genealogy';
import { CallerScope, Roles } from '../common/auth/auth.decorators';
import { ErrorDto } from '../common/error.dto';
import { DeviationParams, DeviationReportDto } from './brands.dto';
import { GetDeviationUseCase } from './get-deviation.use-case';

@ApiTags('brands')
@Roles('quality', 'auditor', 'approver')
@Controller('v1/brands/:brand/deviations')
export class DeviationsController {
  constructor(private readonly getDeviation: GetDeviationUseCase) {}

  @Get(':deviationId')
  @ApiOperation({
    summary: 'A deviation as it stands, and its recall scope',
    description:
      'The terms, the state now (IN_FORCE, NOT_YET_IN_FORCE, EXPIRED, REVOKED), the pieces used (over all units of the brand, ' +
      'counted in occurredAt order as the judgement counts them) and left, every serial built under it with its top-level unit ' +
      'and that unit\'s shipments, and the installations beyond its quantity. A brand outside the key\'s scope answers 404, like a ' +
      'deviation never published.',
  })
  @ApiOkResponse({ type: DeviationReportDto })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'Never published, or a brand outside the key\'s scope (the same answer)' })
  get(@Param() { brand, deviationId }: DeviationParams, @CallerScope() scope: BrandScope): Promise<DeviationReport> {
    return this.getDeviation.execute({ brand, deviationId, scope });
  }
}
