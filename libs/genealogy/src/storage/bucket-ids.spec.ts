import { makeEvent } from '@trace/contracts';
import { storeOf } from '../testing/fake-graph';
import { bucketId, bucketOf } from './lot-uses';

// The `_id`s of the bucket pattern's documents are stored in every database written since the buckets exist, and the
// readers find those documents only by them: a change to bucketId or bucketOf would leave every bucket written before
// it unread. So the exact strings are written out here, computed outside the code (JSON.stringify([owner,
// sha1(key).readUInt32BE(0) % 1024])), for each collection that uses them; a change to the format must fail here first.

const at = '2026-11-01T08:00:00.000Z';
const events = [
  makeEvent('VendorRegistered', { vendorId: 'V1', name: 'Distri', country: 'DE', status: 'approved' }, { occurredAt: at, eventId: 'bk-vendor' }),
  makeEvent('MaterialReceived', { receiptId: 'R1', vendorId: 'V1', manufacturer: 'Kemet', mpn: 'CAP', internalPartNumber: 'CAP-1', vendorLotCode: 'VL1', receivedAt: at, uom: 'pcs', packages: [{ lotId: 'REEL-1', quantity: 100 }] }, { occurredAt: at, eventId: 'bk-receipt' }),
  makeEvent('UnitStarted', { serial: 'S-1', brand: 'Acme', productPartNumber: 'P1', workOrder: 'WO1' }, { occurredAt: at, eventId: 'bk-start' }),
  makeEvent('MaterialInstalled', { serial: 'S-1', lotId: 'REEL-1', quantity: 1, refDes: ['C1'] }, { occurredAt: at, eventId: 'bk-install' }),
  makeEvent('UnitShipped', { serial: 'S-1', shipmentId: 'SHP1', customer: 'Northwind' }, { occurredAt: at, eventId: 'bk-ship' }),
  makeEvent('LotSplit', { sourceLotId: 'REEL-1', newLots: [{ lotId: 'REEL-1A', quantity: 40 }] }, { occurredAt: at, eventId: 'bk-split' }),
];

describe('the ids of the buckets, stored in every document of the bucket pattern', () => {
  it('are JSON [owner, bucket], the bucket the sha1 of its key modulo 1,024, whatever the owner id holds', () => {
    expect(bucketId('REEL-1', 247)).toBe('["REEL-1",247]');
    expect(bucketId('a "quoted", [bracketed] id', 0)).toBe(String.raw`["a \"quoted\", [bracketed] id",0]`);
    expect(bucketOf('S-1')).toBe(247);
    expect(bucketOf('["V1","CAP","VL1"]')).toBe(551); // a vendor lot id
    expect(bucketOf('e6f0b90ce08cfcd360428138fcfd002e3')).toBe(635); // a derivation's fact key, factKey('bk-split')
  });

  it('are the ones documents already written carry, in each collection that uses them, and their owners list those buckets', () => {
    const store = storeOf(events);
    const ids = (collection: string) => [...(store[collection]?.keys() ?? [])];
    // A serial's bucket: a lot's uses, a work order's and a shipment's units.
    expect(ids('lotUses')).toEqual(['["REEL-1",247]']);
    expect(ids('workOrderUnits')).toEqual(['["WO1",247]']);
    expect(ids('shipmentUnitBuckets')).toEqual(['["SHP1",247]']);
    // A vendor lot's bucket: a vendor's vendor lots, a part's receipts (its owner the part's own JSON id).
    expect(ids('vendorSupplies')).toEqual(['["V1",551]']);
    expect(ids('partReceiptBuckets')).toEqual([String.raw`["[\"CAP-1\",\"Kemet\",\"CAP\"]",551]`]);
    // A derivation's bucket, by its fact key.
    expect(ids('lotDerivedBuckets')).toEqual(['["REEL-1",635]']);
    // The owners' indexes, which the readers turn into those ids.
    expect(store.lotUseIndex!.get('REEL-1')!.buckets).toEqual({ b247: 247 });
    expect(store.workOrders!.get('WO1')!.buckets).toEqual({ b247: 247 });
    expect(store.shipmentUnits!.get('SHP1')!.buckets).toEqual({ b247: 247 });
    expect(store.vendorSupplyIndex!.get('V1')!.buckets).toEqual({ b551: 551 });
    expect(store.partReceipts!.get('["CAP-1","Kemet","CAP"]')!.buckets).toEqual({ b551: 551 });
    expect(store.lots!.get('REEL-1')!.derivedBuckets).toEqual({ b635: 635 });
  });
});
