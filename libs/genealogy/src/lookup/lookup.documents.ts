import type { FactMap, Timed, UnitBucketDoc, UnitsIndexDoc } from '../storage/graph.documents';

// Reverse indexes for the search box: ids a person has in hand that name no graph document by themselves. Each is
// one document keyed by that id, written with the event that establishes it, so a search is one read by `_id`.

/** Per vendor lot code (as printed on the vendor's label): the vendor lots received with it, keyed by factKey(vendorLotId). */
export interface VendorLotCodeDoc {
  _id: string;
  vendorLots?: FactMap<string>;
}

/** A unit as a work order lists it: what its UnitStarted claimed. */
export type WorkOrderUnit = { serial: string; brand: string; productPartNumber: string } & Timed;

/** Per work order: its buckets of work_order_units (see UnitsIndexDoc). */
export type WorkOrderDoc = UnitsIndexDoc<WorkOrderUnit>;

/** One bucket of a work order's units, one field per UnitStarted. */
export type WorkOrderUnitsDoc = UnitBucketDoc<WorkOrderUnit, 'workOrder'>;

/** The collections of the search's reverse indexes (graph collections like the others, written by the ingest). */
export const LOOKUP_COLLECTIONS = {
  vendorLotCodes: 'vendor_lot_codes',
  workOrders: 'work_orders',
  workOrderUnits: 'work_order_units',
} as const;
export type LookupCollection = keyof typeof LOOKUP_COLLECTIONS;
