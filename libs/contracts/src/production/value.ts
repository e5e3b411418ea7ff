import { ArrayMaxSize, IsArray, registerDecorator, IsNumber, IsOptional, IsPositive, MaxLength, IsString, IsNotEmpty } from 'class-validator';
import { UniqueBy } from '../unique-by';
import { IsId, IsText } from '../validators';

export class UnitStartedData {
  @IsId() serial: string;
  @IsId() brand: string;
  @IsId() productPartNumber: string;
  @IsId() workOrder: string;
}

export const MAX_REF_DES = 10_000;

/** A list of distinct reference designators (R12, U3, C101): where on the board parts are placed. */
export const refDesList = (target: object, key: string | symbol): void => {
  IsArray()(target, key);
  ArrayMaxSize(MAX_REF_DES)(target, key);
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

const isRefDes = (v: unknown): boolean => typeof v === 'string' && v.length > 0 && v.length <= 64;

/** One reference designator, or (a sub-assembly may occupy several positions) a non-empty list of distinct ones. */
const refDesOneOrMany = (target: object, key: string | symbol): void =>
  registerDecorator({
    name: 'refDesOneOrMany',
    target: target.constructor,
    propertyName: key as string,
    options: { message: `$property must be a reference designator (1-64 characters) or an array of 1-${MAX_REF_DES} distinct ones` },
    validator: {
      validate: (v: unknown) =>
        isRefDes(v) || (Array.isArray(v) && v.length >= 1 && v.length <= MAX_REF_DES && v.every(isRefDes) && new Set(v).size === v.length),
    },
  });

export class UnitAssembledData {
  @IsId() serial: string;
  @IsId() childSerial: string;
  /** A string, or a non-empty array of distinct ones (a compatible widening of v1: an array of one is the same as the string). */
  @IsOptional() @refDesOneOrMany refDes?: string | string[];
}

/** The reference designators of an assembly as one text (`J1 J2` for an array), or undefined when none was given. */
export const assemblyRefDes = (data: Pick<UnitAssembledData, 'refDes'>): string | undefined =>
  Array.isArray(data.refDes) ? data.refDes.join(' ') : data.refDes;

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
