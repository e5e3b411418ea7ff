import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { BrandScope, Commonality } from '@trace/genealogy';
import { CallerScope } from '../common/auth/auth.decorators';
import { ErrorDto } from '../common/error.dto';
import { AnalyseCommonalityUseCase } from './analyse-commonality.use-case';
import { CommonalityDto, CommonalityRequestDto } from './commonality.dto';
import { Expensive } from '../common/auth/key-throttler.guard';

@ApiTags('commonality')
@Expensive()
@Controller('v1/analysis')
export class CommonalityController {
  constructor(private readonly commonality: AnalyseCommonalityUseCase) {}

  @Post('commonality')
  @HttpCode(200)
  @ApiOperation({
    summary: 'What a set of serials has in common',
    description:
      'The vendor lots, vendors, package lots (with their ancestors) and sub-assembly products contained in the given serials ' +
      '(up to 1,000), ranked by how many of them contain each, with the ids of those that do. With a comparison set (e.g. good ' +
      'units of the same product), ranked by how much more common each is among the given serials than among the comparison ' +
      'serials, with the counts on both sides; or with sampleComparison, against a sample of other units of the same products. ' +
        'Serials that do not exist are listed, not guessed. With asOf, both sets as built at that moment (a unit not started ' +
        'by then is listed as unknown).',
  })
  @ApiOkResponse({ type: CommonalityDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'An empty or oversized serial list, a repeated or malformed serial, or asOf not a real instant with an offset' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'None of the serials is known' })
  analyse(@Body() body: CommonalityRequestDto, @CallerScope() scope: BrandScope): Promise<Commonality> {
    return this.commonality.execute({
      serials: body.serials,
      ...(body.comparison ? { comparison: body.comparison } : {}),
      ...(body.sampleComparison !== undefined ? { sampleComparison: body.sampleComparison } : {}),
      top: body.top,
      scope,
      ...(body.asOf !== undefined ? { asOf: body.asOf } : {}),
    });
  }
}
