import { vendorLotId } from '@trace/contracts';
import { factKey, provenanceOf, storedProvenance } from '../facts/provenance';
import { BUCKET_FIELDS, bucketId, bucketOf } from '../storage/lot-uses';
import type { GraphWrite, PositionedEvent } from '../write/graph-writes';

/**
 * The reverse indexes an event feeds for the search box: vendor lot code -> vendor lots (MaterialReceived), work order
 * -> units (UnitStarted, in buckets). Pure and idempotent like graphWritesFor: each field is fixed by the vendor lot's identity or
 * by the event id, so replays and any order of delivery end in the same documents.
 */
export function lookupWritesFor({ event, position }: PositionedEvent): GraphWrite[] {
  switch (event.type) {
    case 'MaterialReceived': {
      const vl = vendorLotId(event.data);
      return [{ collection: 'vendorLotCodes', id: event.data.vendorLotCode, set: { [`vendorLots.${factKey(vl)}`]: vl } }];
    }
    case 'UnitStarted': {
      const d = event.data;
      const meta = { at: new Date(event.occurredAt), prov: storedProvenance(provenanceOf(event, position)) };
      const bucket = bucketOf(d.serial);
      // Bucketed like lot uses: the unit in the bucket its serial hashes to, the bucket in the work order's document.
      return [
        { collection: 'workOrderUnits', id: bucketId(d.workOrder, bucket), set: { workOrder: d.workOrder, bucket, [`units.${factKey(event.eventId)}`]: { serial: d.serial, brand: d.brand, productPartNumber: d.productPartNumber, ...meta } } },
        { collection: 'workOrders', id: d.workOrder, set: { [BUCKET_FIELDS[bucket]!]: bucket } },
      ];
    }
    default:
      return [];
  }
}
