import { Controller, Get, Headers, Param, Query, Res } from '@nestjs/common';
import { ApiBadRequestResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Principal } from '@trace/access';
import { Caller } from '../common/auth/auth.decorators';
import type { Response } from 'express';
import { ErrorDto } from '../common/error.dto';
import { NDJSON, sendAnswer, wantsNdjson } from '../common/ndjson';
import { LotParams, Material } from '../common/material';
import { WhereUsedQuery, filterOf } from '../common/where-used.query';
import { WhereUsedPageDto } from './where-used.dto';
import { VendorLotWhereUsedQuery } from './where-used.query';
import { WhereUsedUseCase } from './where-used.use-case';
import { Expensive } from '../common/auth/key-throttler.guard';

const ANSWER =
  'Every serial that contains the material, directly or through sub-assemblies at any depth and through the lots made out of ' +
  'it (splits, merges): the serial it is installed in, the top-level unit that finally holds it with its brand, product and ' +
  'shipments, and the path from the material to it. Filters apply to the top-level unit. Paged with an opaque cursor that ' +
  'resumes where the previous page stopped (each page reads only its own rows); `total` on the last page, or on every page ' +
  'with `?total=true` (which reads the whole answer); `?format=ndjson` (or `Accept: application/x-ndjson`) streams every row instead, one JSON object a line. A retracted ' +
  'installation is no use of its lot; with `asOf`, the units as built at that moment.';


@ApiTags('where-used')
@Expensive()
@Controller('v1')
export class WhereUsedController {
  constructor(private readonly whereUsed: WhereUsedUseCase) {}

  @Get('lots/:lotId/where-used')
  @ApiOperation({ summary: 'Where-used of a package lot', description: ANSWER })
  @ApiProduces('application/json', NDJSON)
  @ApiOkResponse({ type: WhereUsedPageDto, description: 'A page (JSON), or every row (NDJSON, WhereUsedRow a line)' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'No event ever named this lot' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A malformed lot id, filter, limit or cursor' })
  lot(@Param() { lotId }: LotParams, @Query() query: WhereUsedQuery, @Headers('accept') accept: string | undefined, @Res() res: Response, @Caller() caller: Principal): Promise<void> {
    return this.answer({ kind: 'lot', lotId }, query, accept, res, caller);
  }

  @Get('vendor-lots/where-used')
  @ApiOperation({ summary: 'Where-used of a vendor lot (vendorId, mpn, vendorLotCode)', description: `${ANSWER} Starts from every package received of the vendor lot.` })
  @ApiProduces('application/json', NDJSON)
  @ApiOkResponse({ type: WhereUsedPageDto, description: 'A page (JSON), or every row (NDJSON, WhereUsedRow a line)' })
  @ApiNotFoundResponse({ type: ErrorDto, description: 'The vendor lot was never received' })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'A missing or malformed key part, filter, limit or cursor' })
  vendorLot(@Query() query: VendorLotWhereUsedQuery, @Headers('accept') accept: string | undefined, @Res() res: Response, @Caller() caller: Principal): Promise<void> {
    const { vendorId, mpn, vendorLotCode } = query;
    return this.answer({ kind: 'vendorLot', vendorId, mpn, vendorLotCode }, query, accept, res, caller);
  }

  private async answer(material: Material, query: WhereUsedQuery, accept: string | undefined, res: Response, caller: Principal): Promise<void> {
    const { history, limit, cursor, total, asOf } = query;
    const format = wantsNdjson(query.format, accept) ? 'ndjson' : 'json';
    return sendAnswer(res, await this.whereUsed.execute({ material, filter: filterOf(query), scope: caller.scope, caller: caller.keyId, history, format, limit, total, ...(cursor !== undefined ? { cursor } : {}), ...(asOf !== undefined ? { asOf } : {}) }));
  }
}
