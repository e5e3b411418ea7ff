import type { UnitShippedData } from '@trace/contracts';
import type { GraphWrite } from '../write/graph-writes';
import type { Timed } from '../storage/graph.documents';
import { BUCKET_FIELDS, bucketedUnits, bucketId, bucketOf } from '../storage/lot-uses';
import type { ShipmentUnitBucketDoc, ShipmentUnitsDoc } from './authority.documents';

/**
 * The reverse index shipment -> serials, written with every UnitShipped beside the unit's own shipment fact, bucketed
 * like lot uses: one field per event (`k` = factKey(eventId)) in the bucket the serial hashes to, and the bucket in the
 * shipment's document, so replays and any order of delivery end in the same documents and none grows with the units.
 */
export function shipmentUnitsWrites(d: UnitShippedData, k: string, meta: Timed): GraphWrite[] {
  const bucket = bucketOf(d.serial);
  return [
    { collection: 'shipmentUnitBuckets', id: bucketId(d.shipmentId, bucket), set: { shipmentId: d.shipmentId, bucket, [`units.${k}`]: { serial: d.serial, customer: d.customer, ...meta } } },
    { collection: 'shipmentUnits', id: d.shipmentId, set: { [BUCKET_FIELDS[bucket]!]: bucket } },
  ];
}

/** The reads of a shipment's units: its document, then its buckets, each by `_id`. */
export interface ShipmentUnitsReader {
  findShipmentUnits(ids: string[]): Promise<ShipmentUnitsDoc[]>;
  findShipmentUnitBuckets(ids: string[]): Promise<ShipmentUnitBucketDoc[]>;
}

/** A shipment's units as one document (its document, then its buckets a few at a time), as `src` sees them; undefined when unknown. */
export async function shipmentUnitsOf(src: ShipmentUnitsReader, shipmentId: string): Promise<ShipmentUnitsDoc | undefined> {
  const [doc] = await src.findShipmentUnits([shipmentId]);
  return doc && { _id: doc._id, units: await bucketedUnits(doc, (ids) => src.findShipmentUnitBuckets(ids)) };
}
