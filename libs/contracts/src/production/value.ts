import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, registerDecorator, IsNumber, IsOptional, IsPositive, MaxLength, IsString, IsNotEmpty, ValidateNested } from 'class-validator';
import { UniqueBy } from '../unique-by';
import { IsId, IsInstant, IsText } from '../validators';

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

/** Where and when one reference designator was placed (IPC-CFX `InstalledComponents` with `CarrierLocation`). */
export class Placement {
  @IsText(64) refDes: string;
  /** The feeder slot, nozzle or location the part came from (e.g. `FDR-12 (1/12)`). */
  @IsOptional() @IsText(128) location?: string;
  @IsOptional() @IsInstant() placedAt?: string;
}

/** Most packages one installation may name as its candidates (a splice joins two; a chain rarely more). */
export const MAX_CANDIDATE_LOTS = 16;

/** An installation that came from one of several packages, and why it cannot be told which (a splice's grey zone). */
export class CandidateLots {
  @IsArray()
  @ArrayMinSize(2)
  @ArrayMaxSize(MAX_CANDIDATE_LOTS)
  @UniqueBy()
  @IsId({ each: true })
  lotIds: string[];
  @IsText(1024) reason: string;
}

export class MaterialInstalledData {
  @IsId() serial: string;
  /** The package the line named; with `candidates`, one of them. */
  @IsId() lotId: string;
  @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive() quantity: number;
  @refDesList refDes: string[];
  /** Optional: per reference designator, where it was placed from and when (each one of `refDes`). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_REF_DES)
  @UniqueBy('refDes')
  @ValidateNested({ each: true })
  @Type(() => Placement)
  placements?: Placement[];
  /** Optional: the BOM part number this material was installed in place of (an alternate part). */
  @IsOptional() @IsId() bomPartNumber?: string;
  /** Optional: the material came from one of these packages (`lotId` among them); the answers list each as a candidate. */
  @IsOptional() @ValidateNested() @Type(() => CandidateLots) candidates?: CandidateLots;
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

/**
 * A unit taken out of production for good: scrapped, or abandoned as not worth repairing (IPC-CFX `UnitsDisqualified`).
 * The unit and what was built into it stay in the genealogy; the answers say it was disqualified, when and why.
 */
export class UnitDisqualifiedData {
  @IsId() serial: string;
  @IsText(1024) reason: string;
}
