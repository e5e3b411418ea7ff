import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsId } from '@trace/contracts';
import type { CommonFactor, CommonFactorKind, Commonality } from '@trace/genealogy';
import { AsOfQuery } from '../common/as-of.query';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsInt, IsOptional, Max, Min } from 'class-validator';

export const MAX_ANALYSED_SERIALS = 1_000;

export class CommonalityRequestDto {
  @ApiProperty({ type: [String], minItems: 1, maxItems: MAX_ANALYSED_SERIALS, description: 'The serials to analyse (e.g. the failed units)', example: ['GW100-0001', 'GW100-0002'] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ANALYSED_SERIALS)
  @ArrayUnique()
  @IsId({ each: true })
  serials: string[];

  @ApiPropertyOptional({ type: [String], maxItems: MAX_ANALYSED_SERIALS, description: 'Serials to compare with (e.g. good units of the same product)' })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ANALYSED_SERIALS)
  @ArrayUnique()
  @IsId({ each: true })
  comparison?: string[];

  @ApiPropertyOptional({
    minimum: 1,
    maximum: MAX_ANALYSED_SERIALS,
    description: 'Instead of comparison: compare with a sample of this many other units of the same products (spread over each product by a hash of the serial)',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_ANALYSED_SERIALS)
  sampleComparison?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 1_000, default: 50, description: 'How many factors to return, most telling first' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1_000)
  top: number = 50;

  @AsOfQuery()
  asOf?: string;
}

export class FactorComparisonDto {
  @ApiProperty() count: number;
  @ApiProperty({ description: 'count / comparison serials known' }) share: number;
}

export class CommonFactorDto implements CommonFactor {
  @ApiProperty({ enum: ['vendorLot', 'vendor', 'lot', 'subAssemblyProduct'] }) kind: CommonFactorKind;
  @ApiProperty({ description: 'Vendor lot id (JSON [vendorId, mpn, vendorLotCode]), vendor id, lot id or product part number' }) id: string;
  @ApiProperty({ description: 'How many of the analysed serials contain it' }) count: number;
  @ApiProperty({ description: 'count / analysed serials known' }) share: number;
  @ApiProperty({ type: [String], description: 'The analysed serials that contain it' }) serials: string[];
  @ApiPropertyOptional({ type: FactorComparisonDto, description: 'Among the comparison serials' }) comparison?: FactorComparisonDto;
}

export class ComparisonSetDto {
  @ApiProperty({ type: [String] }) serials: string[];
  @ApiProperty({ type: [String] }) unknownSerials: string[];
  @ApiPropertyOptional({ type: [String], description: 'With sampleComparison: the products the sample was taken from' }) sampledFromProducts?: string[];
}

export class CommonalityDto implements Commonality {
  @ApiProperty({ type: [String], description: 'The analysed serials that exist' }) serials: string[];
  @ApiProperty({ type: [String], description: 'Given serials that do not exist: left out' }) unknownSerials: string[];
  @ApiPropertyOptional({ type: ComparisonSetDto }) comparison?: ComparisonSetDto;
  @ApiProperty({
    type: [CommonFactorDto],
    description: 'Ranked by count; with a comparison set, by share among the analysed minus share among the comparison serials, then count',
  })
  factors: CommonFactorDto[];
  @ApiProperty({ description: 'Database round trips: one per level of the deepest genealogy, for all serials together' }) roundTrips: number;
}
