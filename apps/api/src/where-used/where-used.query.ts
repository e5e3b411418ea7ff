import { ApiProperty } from '@nestjs/swagger';
import { IsId } from '@trace/contracts';
import { WhereUsedQuery } from '../common/where-used.query';

/** A vendor lot by its natural key, with the where-used filters. */
export class VendorLotWhereUsedQuery extends WhereUsedQuery {
  @ApiProperty({ example: 'V-MURATA' }) @IsId() vendorId: string;
  @ApiProperty({ description: 'Manufacturer part number', example: 'GRM188R71C104KA01D' }) @IsId() mpn: string;
  @ApiProperty({ example: 'M2345' }) @IsId() vendorLotCode: string;
}

