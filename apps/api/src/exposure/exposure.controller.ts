import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@trace/access';
import { Caller } from '../common/auth/auth.decorators';
import type { Response } from 'express';
import { ErrorDto } from '../common/error.dto';
import { NDJSON, sendAnswer, wantsNdjson } from '../common/ndjson';
import { WhereUsedQuery, filterOf } from '../common/where-used.query';
import { VendorExposurePageDto, VendorParams } from './exposure.dto';
import { VendorExposureUseCase } from './vendor-exposure.use-case';
import { Expensive } from '../common/auth/key-throttler.guard';

@ApiTags('exposure')
@Expensive()
@Controller('v1/vendors')
export class ExposureController {
  constructor(private readonly exposure: VendorExposureUseCase) {}

  @Get(':vendorId/exposure')
  @ApiOperation({
    summary: "A vendor's exposure: its vendor lots and every serial that contains them",
    description:
      'Where-used of every vendor lot the vendor supplied (through splits, merges and every level of assembly), with counts of ' +
      'the distinct top-level units by brand, product and shipped state (with `?total=true`: they need the whole answer). Same filters, ' +
      'paging by position, NDJSON form and asOf as where-used.',
  })
  @ApiProduces('application/json', NDJSON)
  @ApiOkResponse({ type: VendorExposurePageDto, description: 'A page (JSON), or every row (NDJSON, WhereUsedRow a line)' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No event ever named this vendor' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A malformed vendor id, filter, limit or cursor' })
  async vendor(@Param() { vendorId }: VendorParams, @Query() query: WhereUsedQuery, @Headers('accept') accept: string | undefined, @Res() res: Response, @Caller() caller: Principal): Promise<void> {
    const { history, limit, cursor, total, asOf } = query;
    const format = wantsNdjson(query.format, accept) ? 'ndjson' : 'json';
    return sendAnswer(res, await this.exposure.execute({ vendorId, filter: filterOf(query), scope: caller.scope, caller: caller.keyId, history, format, limit, total, ...(cursor !== undefined ? { cursor } : {}), ...(asOf !== undefined ? { asOf } : {}) }));
  }
}
