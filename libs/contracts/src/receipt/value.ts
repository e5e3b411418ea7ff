import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsISO31661Alpha2,
  IsNumber,
  IsOptional,
  IsPositive,
  ValidateNested,
} from 'class-validator';
import { IsId, IsInstant, IsText } from '../validators';
import { UniqueBy } from '../unique-by';

/** One physical package of a vendor lot: a reel, a tray or a bag, with its own lot id. */
export class ReceivedPackage {
  @IsId() lotId: string;
  @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive() quantity: number;
}

export class MaterialReceivedData {
  @IsId() receiptId: string;
  @IsId() vendorId: string;
  @IsText(256) manufacturer: string;
  @IsId() mpn: string;
  @IsId() internalPartNumber: string;
  @IsId() vendorLotCode: string;
  @IsOptional() @IsText(32) dateCode?: string;
  @IsOptional() @IsISO31661Alpha2() countryOfOrigin?: string;
  @IsInstant() receivedAt: string;
  @IsText(16) uom: string;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @UniqueBy('lotId')
  @ValidateNested({ each: true })
  @Type(() => ReceivedPackage)
  packages: ReceivedPackage[];
}
