import type { UnitShippedData } from '@trace/contracts';
import type { GraphWrite } from '../write/graph-writes';
import type { Timed } from '../storage/graph.documents';

/**
 * The reverse index shipment -> serials, written with every UnitShipped beside the unit's own shipment fact: one field
 * per event (`k` = factKey(eventId)), so replays and any order of delivery end in the same document.
 */
export function shipmentUnitsWrite(d: UnitShippedData, k: string, meta: Timed): GraphWrite {
  return { collection: 'shipmentUnits', id: d.shipmentId, set: { [`units.${k}`]: { serial: d.serial, customer: d.customer, ...meta } } };
}
