import { ArrayMaxSize, IsArray, IsNumber, IsOptional, IsPositive, MaxLength, IsString, IsNotEmpty } from 'class-validator';
import { UniqueBy } from '../unique-by';
import { IsId, IsText } from '../validators';

export class UnitStartedData {
  @IsId() serial: string;
  @IsId() brand: string;
  @IsId() productPartNumber: string;
  @IsId() workOrder: string;
}

/** A reference designator (R12, U3, C101): where on the board a part is placed. */
const refDesList = (target: object, key: string | symbol): void => {
  IsArray()(target, key);
  ArrayMaxSize(10_000)(target, key);
  UniqueBy()(target, key);
  IsString({ each: true })(target, key);
  IsNotEmpty({ each: true })(target, key);
  MaxLength(64, { each: true })(target, key);
};

export class MaterialInstalledData {
  @IsId() serial: string;
  @IsId() lotId: string;
  @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive() quantity: number;
  @refDesList refDes: string[];
}

export class UnitAssembledData {
  @IsId() serial: string;
  @IsId() childSerial: string;
  @IsOptional() @IsText(64) refDes?: string;
}

export class UnitShippedData {
  @IsId() serial: string;
  @IsId() shipmentId: string;
  @IsText(256) customer: string;
}

/** Rework: material taken out of a unit (a part replaced, a reel recalled). Empty `refDes` removes all of the lot. */
export class MaterialRemovedData {
  @IsId() serial: string;
  @IsId() lotId: string;
  @refDesList refDes: string[];
  @IsText(1024) reason: string;
}

/** Rework: a sub-assembly taken out of the unit it was built into. */
export class UnitDisassembledData {
  @IsId() serial: string;
  @IsId() childSerial: string;
  @IsText(1024) reason: string;
}
