import { Controller, Get, Param } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { ApprovedPart, BrandScope, DeviationSummary } from '@trace/genealogy';
import { CallerScope, Roles } from '../common/auth/auth.decorators';
import { ErrorDto } from '../common/error.dto';
import { ApprovedPartDto, BrandParams, DeviationSummaryDto } from './brands.dto';
import { ListBrandAuthorityUseCase } from './list-brand-authority.use-case';

const HIDDEN = "A brand outside the key's scope answers 404, whether or not it published anything (the same answer).";

@ApiTags('brands')
@Roles('quality', 'auditor', 'approver')
@Controller('v1/brands/:brand')
export class BrandListsController {
  constructor(private readonly lists: ListBrandAuthorityUseCase) {}

  @Get('approved-parts')
  @ApiOperation({
    summary: "The brand's approved parts",
    description: `Every approval the brand published (PartApproved), by approval id, with its state now (IN_FORCE, WITHDRAWN with when and why). ${HIDDEN}`,
  })
  @ApiOkResponse({ type: [ApprovedPartDto] })
  @ApiNotFoundResponse({ type: ErrorDto, description: "A brand outside the key's scope" })
  approvedParts(@Param() { brand }: BrandParams, @CallerScope() scope: BrandScope): Promise<ApprovedPart[]> {
    return this.lists.approvals({ brand, scope });
  }

  @Get('deviations')
  @ApiOperation({
    summary: "The brand's deviations",
    description:
      'Every deviation the brand published (DeviationApproved), by deviation id, with its state now (IN_FORCE, NOT_YET_IN_FORCE, EXPIRED, ' +
      'REVOKED) and the pieces used and left, counted over all units of the brand as the judgement counts them. The serials built ' +
      `under one: GET /v1/brands/{brand}/deviations/{deviationId}. ${HIDDEN}`,
  })
  @ApiOkResponse({ type: [DeviationSummaryDto] })
  @ApiNotFoundResponse({ type: ErrorDto, description: "A brand outside the key's scope" })
  deviations(@Param() { brand }: BrandParams, @CallerScope() scope: BrandScope): Promise<DeviationSummary[]> {
    return this.lists.deviations({ brand, scope });
  }
}
