import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsId } from '@trace/contracts';
import { WhereUsedRowDto } from '../common/where-used-row.dto';
import type { SuppliedVendorLot } from '@trace/genealogy';
import type { ExposureCounts, VendorExposurePage } from './vendor-exposure.use-case';

export class VendorParams {
  @ApiProperty({ maxLength: 128, example: 'V-MURATA' })
  @IsId()
  vendorId: string;
}

export class SuppliedVendorLotDto implements SuppliedVendorLot {
  @ApiProperty({ description: 'JSON [vendorId, mpn, vendorLotCode]' }) vendorLotId: string;
  @ApiProperty() mpn: string;
  @ApiProperty() vendorLotCode: string;
  @ApiProperty({ type: [String], description: 'Packages received of this vendor lot' }) lotIds: string[];
}

export class BrandCountDto {
  @ApiProperty({ description: '(unknown) for units never started; (conflicting) for units whose brand is in conflict (site-wide keys only)' }) brand: string;
  @ApiProperty() units: number;
}

export class ProductCountDto {
  @ApiProperty({ description: '(unknown) for units never started; (conflicting) for units whose product is in conflict' }) productPartNumber: string;
  @ApiProperty({ description: 'Top-level units of this product holding the vendor material' }) units: number;
  @ApiPropertyOptional({ description: 'Units of this product started (brands in scope)' }) productUnits?: number;
  @ApiPropertyOptional({ description: 'units / productUnits: how much of the product depends on this vendor' }) share?: number;
}

export class ExposureCountsDto implements ExposureCounts {
  @ApiProperty({ description: 'Distinct top-level units holding the vendor material' }) units: number;
  @ApiProperty() shipped: number;
  @ApiProperty() notShipped: number;
  @ApiProperty({ type: [BrandCountDto] }) byBrand: BrandCountDto[];
  @ApiProperty({ type: [ProductCountDto] }) byProduct: ProductCountDto[];
}

export class VendorExposurePageDto implements VendorExposurePage {
  @ApiProperty() vendorId: string;
  @ApiProperty({ type: [SuppliedVendorLotDto] }) vendorLots: SuppliedVendorLotDto[];
  @ApiPropertyOptional({ type: ExposureCountsDto, description: 'Over the whole (filtered) answer, not the page: with ?total=true' }) counts?: ExposureCountsDto;
  @ApiPropertyOptional({ description: 'Rows of the whole answer, all pages together: with ?total=true, and on the last page' }) total?: number;
  @ApiProperty({ type: [WhereUsedRowDto] }) items: WhereUsedRowDto[];
  @ApiPropertyOptional({ description: 'Pass as ?cursor= for the next page; absent on the last page' }) nextCursor?: string;
  @ApiPropertyOptional({ description: 'Database round trips this page took; site-wide keys only (it depends on other brands\' units)' }) roundTrips?: number;
}
