import { Controller, Get, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { BrandScope } from '@trace/genealogy';
import { CallerScope } from '../common/auth/auth.decorators';
import { ErrorDto } from '../common/error.dto';
import { SearchQuery, SearchResultDto } from './search.dto';
import { SearchUseCase } from './search.use-case';

@ApiTags('search')
@Controller('v1')
export class SearchController {
  constructor(private readonly searchIds: SearchUseCase) {}

  @Get('search')
  @ApiOperation({
    summary: 'What an id names: a serial, a package lot, a vendor lot code, a vendor, a shipment, a work order',
    description:
      'Exact-id lookups only (one read by _id per kind, side by side; vendor lot codes, shipments and work orders through reverse ' +
      "indexes written with the events): what the search box of the web UI asks. A serial, shipment or work order of a brand " +
      "outside the caller's scope is not a match, exactly as if it did not exist.",
  })
  @ApiOkResponse({ type: SearchResultDto })
  @ApiBadRequestResponse({ type: ErrorDto, description: 'q is missing, empty or longer than 128 characters' })
  search(@Query() { q }: SearchQuery, @CallerScope() scope: BrandScope): Promise<SearchResultDto> {
    return this.searchIds.execute({ q, scope });
  }
}
