import type { FactMap, Timed } from '../storage/graph.documents';

// Reverse indexes for the search box: ids a person has in hand that name no graph document by themselves. Each is
// one document keyed by that id, written with the event that establishes it, so a search is one read by `_id`.

/** Per vendor lot code (as printed on the vendor's label): the vendor lots received with it, keyed by factKey(vendorLotId). */
export interface VendorLotCodeDoc {
  _id: string;
  vendorLots?: FactMap<string>;
}

/** Per work order: the units started under it, one field per UnitStarted (keyed by factKey(eventId)). */
export interface WorkOrderDoc {
  _id: string;
  units?: FactMap<{ serial: string; brand: string; productPartNumber: string } & Timed>;
}

/** The collections of the search's reverse indexes (graph collections like the others, written by the ingest). */
export const LOOKUP_COLLECTIONS = {
  vendorLotCodes: 'vendor_lot_codes',
  workOrders: 'work_orders',
} as const;
export type LookupCollection = keyof typeof LOOKUP_COLLECTIONS;
