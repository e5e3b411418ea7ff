import { VendorRegisteredData, VendorStatusChangedData } from './value';

/** The message key on trace.vendor.v1: the vendor id. */
export const vendorKey = (data: VendorRegisteredData | VendorStatusChangedData): string => data.vendorId;
