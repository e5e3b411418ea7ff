import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsId } from '@trace/contracts';
import type { IdMatch, IdMatchKind } from '@trace/genealogy';

export class SearchQuery {
  @ApiProperty({ description: 'An id exactly as printed: a serial, a package lot (reel, tray, bag), a vendor lot code, a vendor id, a shipment id or a work order', maxLength: 128, example: 'GW100-0001' })
  @IsId()
  q: string;
}

export class IdMatchDto implements IdMatch {
  @ApiProperty({ enum: ['serial', 'lot', 'vendor', 'vendorLot', 'shipment', 'workOrder'] }) kind: IdMatchKind;
  @ApiProperty({ description: 'The id of the page; for a vendor lot its id, JSON [vendorId, mpn, vendorLotCode]' }) id: string;
  @ApiPropertyOptional({ description: "A few words to tell matches apart (the unit's product, the lot's receipt, the vendor's name)" }) label?: string;
}

export class SearchResultDto {
  @ApiProperty() q: string;
  @ApiProperty({ type: [IdMatchDto], description: 'Empty when nothing in scope has this id' }) matches: IdMatchDto[];
}
