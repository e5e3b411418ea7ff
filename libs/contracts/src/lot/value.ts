import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNumber,
  IsOptional,
  IsPositive,
  ValidateNested,
} from 'class-validator';
import { UniqueBy } from '../unique-by';
import { IsId, IsText } from '../validators';

export const LOT_STATUSES = ['released', 'hold', 'quarantined', 'scrapped'] as const;
/** Whether a package lot may be used: released, or blocked by a hold, a quarantine or scrapping. */
export type LotStatus = (typeof LOT_STATUSES)[number];

export class NewLot {
  @IsId() lotId: string;
  @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive() quantity: number;
}

export class LotSplitData {
  @IsId() sourceLotId: string;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @UniqueBy('lotId')
  @ValidateNested({ each: true })
  @Type(() => NewLot)
  newLots: NewLot[];
}

export class LotMergedData {
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(1_000)
  @UniqueBy()
  @IsId({ each: true })
  sourceLotIds: string[];
  @IsId() lotId: string;
}

export class LotStatusChangedData {
  @IsId() lotId: string;
  @IsIn(LOT_STATUSES) status: LotStatus;
  @IsText(1024) reason: string;
  /** The API key that asked for the change, when it came through the API (who, for the audit trail; never the secret). */
  @IsOptional() @IsId() keyId?: string;
}
