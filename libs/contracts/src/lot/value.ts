import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsIn,
  IsNumber,
  IsInt,
  IsOptional,
  IsPositive,
  Min,
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

/**
 * A reel spliced onto another in a feeder: the leading package is consumed first, then the trailing one. For
 * `greyZone` placements around the joint the machine cannot tell which of the two fed (IPC-CFX `MaterialsJoined`).
 */
export class LotSplicedData {
  @IsId() leadingLotId: string;
  @IsId() trailingLotId: string;
  /** How many placements around the joint may have come from either package. */
  @IsOptional() @IsInt() @Min(0) greyZone?: number;
  /** The feeder slot or location of the splice. */
  @IsOptional() @IsText(128) location?: string;
}

/**
 * The joint of a splice passed the pick point at `occurredAt` (IPC-CFX `SplicePointDetected`): placements from
 * these two packages before it came from the leading one, at or after it from the trailing one.
 */
export class SplicePointDetectedData {
  @IsId() leadingLotId: string;
  @IsId() trailingLotId: string;
  @IsOptional() @IsText(128) location?: string;
}
