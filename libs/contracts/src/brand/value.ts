import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsNumber,
  IsOptional,
  IsPositive,
  ValidateNested,
  ValidationArguments,
  registerDecorator,
} from 'class-validator';
import { UniqueBy } from '../unique-by';
import { IsId, IsInstant, IsText } from '../validators';
import { refDesList } from '../production/value';

// What a brand publishes about its own authority: which manufacturer parts it approves for each of its internal part
// numbers (its AVL), the deviations it grants from that, and the BOM revisions of its products.

/** A non-empty list of distinct ids (vendors, products, work orders), bounded. */
const idList = (max: number) => (target: object, key: string | symbol): void => {
  IsArray()(target, key);
  ArrayMinSize(1)(target, key);
  ArrayMaxSize(max)(target, key);
  UniqueBy()(target, key);
  IsId({ each: true })(target, key);
};

/** A later-or-equal instant than the named sibling property (both already checked as instants). */
function NotBefore(property: string): PropertyDecorator {
  return (target: object, propertyName: string | symbol) => {
    registerDecorator({
      name: 'notBefore',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [property],
      validator: {
        validate(value: unknown, args: ValidationArguments): boolean {
          const other = (args.object as Record<string, unknown>)[property];
          if (typeof value !== 'string' || typeof other !== 'string') return true; // IsInstant reports that
          const a = Date.parse(value);
          const b = Date.parse(other);
          return Number.isNaN(a) || Number.isNaN(b) || a >= b;
        },
        defaultMessage: (args: ValidationArguments) => `${args.property} must not be before ${property}`,
      },
    });
  };
}

export class PartApprovedData {
  @IsId() brand: string;
  /** Unique per brand: a withdrawal names it. */
  @IsId() approvalId: string;
  @IsId() internalPartNumber: string;
  @IsText(256) manufacturer: string;
  @IsId() mpn: string;
  /** When given, only material bought from these vendors is approved. */
  @IsOptional() @idList(1_000) vendorIds?: string[];
  @IsOptional() @IsText(1024) reason?: string;
}

export class PartApprovalWithdrawnData {
  @IsId() brand: string;
  @IsId() approvalId: string;
  @IsText(1024) reason: string;
}

export class DeviationApprovedData {
  @IsId() brand: string;
  /** Unique per brand: a revocation names it. */
  @IsId() deviationId: string;
  @IsId() internalPartNumber: string;
  @IsText(256) manufacturer: string;
  @IsId() mpn: string;
  @IsOptional() @idList(1_000) vendorIds?: string[];
  /** The scope: absent, every unit of the brand. */
  @IsOptional() @idList(1_000) productPartNumbers?: string[];
  @IsOptional() @idList(10_000) workOrders?: string[];
  /** Pieces that may be installed under the deviation, over all of the brand's units; absent, no limit. */
  @IsOptional() @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive() maxQuantity?: number;
  @IsInstant() validFrom: string;
  @IsInstant() @NotBefore('validFrom') validUntil: string;
  @IsText(256) approvedBy: string;
  @IsText(1024) reason: string;
}

export class DeviationRevokedData {
  @IsId() brand: string;
  @IsId() deviationId: string;
  @IsText(1024) reason: string;
}

/** One line of a bill of materials: an internal part number, how many per unit, and where they sit. */
export class BomLine {
  @IsId() internalPartNumber: string;
  @IsNumber({ allowNaN: false, allowInfinity: false }) @IsPositive() quantity: number;
  @IsOptional() @refDesList refDes?: string[];
}

export class BomReleasedData {
  @IsId() brand: string;
  @IsId() productPartNumber: string;
  @IsId() revision: string;
  /** From when units started of the product are built to this revision. */
  @IsInstant() effectiveFrom: string;
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(10_000)
  @UniqueBy('internalPartNumber')
  @ValidateNested({ each: true })
  @Type(() => BomLine)
  lines: BomLine[];
}
