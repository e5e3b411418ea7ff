import { IsIn, IsISO31661Alpha2 } from 'class-validator';
import { IsId, IsText } from '../validators';

export const VENDOR_STATUSES = ['approved', 'conditional', 'disqualified'] as const;
/** A vendor's standing on the approved vendor list. */
export type VendorStatus = (typeof VENDOR_STATUSES)[number];

export class VendorRegisteredData {
  @IsId() vendorId: string;
  @IsText(256) name: string;
  @IsISO31661Alpha2() country: string;
  @IsIn(VENDOR_STATUSES) status: VendorStatus;
}

export class VendorStatusChangedData {
  @IsId() vendorId: string;
  @IsIn(VENDOR_STATUSES) status: VendorStatus;
  @IsText(1024) reason: string;
}
