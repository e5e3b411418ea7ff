import type { FactMap, Timed } from '../storage/graph.documents';

// Reverse indexes for the search box: ids a person has in hand that name no graph document by themselves. Each is
// one document keyed by that id, written with the event that establishes it, so a search is one read by `_id`.

/** Per vendor lot code (as printed on the vendor's label): the vendor lots received with it, keyed by factKey(vendorLotId). */
export interface VendorLotCodeDoc {
  _id: string;
  vendorLots?: FactMap<string>;
}

/** A unit as a work order lists it: what its UnitStarted claimed. */
export type WorkOrderUnit = { serial: string; brand: string; productPartNumber: string } & Timed;

/**
 * Per work order: which buckets of work_order_units hold its units, keyed `b<bucket>` (as LotUseIndexDoc), so it stays
 * small (at most LOT_USE_BUCKETS fields) however many units the work order starts.
 */
export interface WorkOrderDoc {
  _id: string;
  buckets?: FactMap<number>;
  /**
   * Only in documents written before work_order_units existed: every unit started under the work order, one field per
   * UnitStarted (keyed by factKey(eventId)), without bound. Still read beside the buckets; `graph rebuild` leaves it out.
   */
  units?: FactMap<WorkOrderUnit>;
}

/** One bucket of a work order's units (unitBucketId(workOrder, lotUseBucketOf(serial))): one field per UnitStarted, keyed by factKey(eventId). */
export interface WorkOrderUnitsDoc {
  _id: string;
  workOrder: string;
  bucket: number;
  units?: FactMap<WorkOrderUnit>;
}

/** The collections of the search's reverse indexes (graph collections like the others, written by the ingest). */
export const LOOKUP_COLLECTIONS = {
  vendorLotCodes: 'vendor_lot_codes',
  workOrders: 'work_orders',
  workOrderUnits: 'work_order_units',
} as const;
export type LookupCollection = keyof typeof LOOKUP_COLLECTIONS;
