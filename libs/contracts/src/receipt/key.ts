import { MaterialReceivedData } from './value';

/** The message key on trace.receipt.v1: the first package's lot id. */
export const receiptKey = (data: MaterialReceivedData): string => data.packages[0]?.lotId ?? data.receiptId;

/** The natural key of a vendor lot: (vendorId, mpn, vendorLotCode). */
export interface VendorLotKey {
  vendorId: string;
  mpn: string;
  vendorLotCode: string;
}

/** A stable, unambiguous string id for a vendor lot (JSON of its three parts, so no separator can collide). */
export const vendorLotId = (k: VendorLotKey): string => JSON.stringify([k.vendorId, k.mpn, k.vendorLotCode]);
