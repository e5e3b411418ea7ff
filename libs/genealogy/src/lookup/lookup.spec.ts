import { makeEvent, vendorLotId } from '@trace/contracts';
import { findIds } from '../id-lookup';
import { traceLotLineage } from '../lineage/lot-lineage';
import { readerOf, storeOf } from '../testing/fake-graph';
import { readShipment, readVendorLot, readWorkOrder } from './records';

const t = (m: number) => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();
const ev = (n: number) => ({ occurredAt: t(n), eventId: `lk-e${n}` });
const acme = { kind: 'brands', brands: ['Acme'] } as const;
const site = { kind: 'site' } as const;

// Two vendors label their lots with the same code; REEL-A is split, a half merged with REEL-B; units of two brands share a
// work order id and a shipment id.
const events = [
  makeEvent('VendorRegistered', { vendorId: 'V-ONE', name: 'One Parts', country: 'DE', status: 'approved' }, ev(0)),
  makeEvent('MaterialReceived', { receiptId: 'R1', vendorId: 'V-ONE', manufacturer: 'Mfr', mpn: 'CAP', internalPartNumber: 'C1', vendorLotCode: 'LC-7', dateCode: '2601', countryOfOrigin: 'JP', receivedAt: t(1), uom: 'pcs', packages: [{ lotId: 'REEL-A', quantity: 100 }] }, ev(1)),
  makeEvent('MaterialReceived', { receiptId: 'R2', vendorId: 'V-TWO', manufacturer: 'Mfr', mpn: 'RES', internalPartNumber: 'R1', vendorLotCode: 'LC-7', receivedAt: t(2), uom: 'pcs', packages: [{ lotId: 'REEL-B', quantity: 50 }] }, ev(2)),
  makeEvent('LotSplit', { sourceLotId: 'REEL-A', newLots: [{ lotId: 'REEL-A1', quantity: 60 }, { lotId: 'REEL-A2', quantity: 40 }] }, ev(3)),
  makeEvent('LotMerged', { sourceLotIds: ['REEL-A1', 'REEL-B'], lotId: 'REEL-AB' }, ev(4)),
  makeEvent('LotStatusChanged', { lotId: 'REEL-A1', status: 'hold', reason: 'suspect capacitors' }, ev(5)),
  makeEvent('LotStatusChanged', { lotId: 'REEL-A1', status: 'released', reason: 'tested good' }, ev(6)),
  makeEvent('UnitStarted', { serial: 'ACME-1', brand: 'Acme', productPartNumber: 'GW', workOrder: 'WO-1' }, ev(7)),
  makeEvent('UnitStarted', { serial: 'GLX-1', brand: 'Globex', productPartNumber: 'GX', workOrder: 'WO-1' }, ev(8)),
  makeEvent('UnitStarted', { serial: 'GLX-2', brand: 'Globex', productPartNumber: 'GX', workOrder: 'WO-GLX' }, ev(9)),
  makeEvent('UnitShipped', { serial: 'ACME-1', shipmentId: 'SHP-1', customer: 'Northwind' }, ev(10)),
  makeEvent('UnitShipped', { serial: 'GLX-2', shipmentId: 'SHP-GLX', customer: 'Initech' }, ev(11)),
];
const vlOne = vendorLotId({ vendorId: 'V-ONE', mpn: 'CAP', vendorLotCode: 'LC-7' });
const vlTwo = vendorLotId({ vendorId: 'V-TWO', mpn: 'RES', vendorLotCode: 'LC-7' });

describe('a lot lineage', () => {
  it('runs back through splits and merges to the receipts and forward to the lots made from it, one round trip per level', async () => {
    const reader = readerOf(storeOf(events));
    const lineage = (await traceLotLineage(reader, 'REEL-A1'))!;
    expect(Object.fromEntries(lineage.lots.map((l) => [l.lotId, l.relation]))).toEqual({ 'REEL-A1': 'self', 'REEL-A': 'source', 'REEL-AB': 'derived' });
    // REEL-A2 (a sibling) and REEL-B (another source of the merge) are not the lineage of REEL-A1.
    expect(lineage.edges.map((e) => `${e.from.id} -${e.via}${e.quantity ?? ''}-> ${e.to}`).sort()).toEqual(['REEL-A -split60-> REEL-A1', 'REEL-A1 -merge-> REEL-AB', `${vlOne} -received100-> REEL-A`]);
    expect(lineage.vendorLots).toEqual([{ vendorLotId: vlOne, vendorId: 'V-ONE', mpn: 'CAP', vendorLotCode: 'LC-7', known: true }]);
    expect(lineage.statusHistory.map((s) => [s.status, s.reason, s.provenance.occurredAt])).toEqual([['hold', 'suspect capacitors', t(5)], ['released', 'tested good', t(6)]]);
    expect(lineage.status).toBe('released');
    expect(lineage.roundTrips).toBe(3); // self, then both directions side by side, then the vendor lots
  });

  it('draws a merge from every source back to each receipt', async () => {
    const lineage = (await traceLotLineage(readerOf(storeOf(events)), 'REEL-AB'))!;
    expect(lineage.lots.map((l) => l.lotId).sort()).toEqual(['REEL-A', 'REEL-A1', 'REEL-AB', 'REEL-B']);
    expect(lineage.vendorLots.map((v) => v.vendorLotId).sort()).toEqual([vlOne, vlTwo].sort());
    expect(lineage.edges.filter((e) => e.to === 'REEL-AB').map((e) => e.from.id).sort()).toEqual(['REEL-A1', 'REEL-B']);
  });

  it('is nothing for a lot no event named', async () => {
    expect(await traceLotLineage(readerOf(storeOf(events)), 'REEL-NONE')).toBeUndefined();
  });
});

describe('exact-id search', () => {
  const find = (q: string, scope: typeof acme | typeof site = site) => findIds(readerOf(storeOf(events)), q, scope);

  it('finds every vendor lot labelled with a vendor lot code', async () => {
    expect(await find('LC-7')).toEqual([
      { kind: 'vendorLot', id: vlOne, label: 'CAP of V-ONE' },
      { kind: 'vendorLot', id: vlTwo, label: 'RES of V-TWO' },
    ]);
  });

  it("finds a shipment and a work order by id, in the caller's scope only", async () => {
    expect(await find('SHP-1', acme)).toEqual([{ kind: 'shipment', id: 'SHP-1', label: '1 unit to Northwind' }]);
    expect(await find('WO-1', acme)).toEqual([{ kind: 'workOrder', id: 'WO-1', label: '1 unit of Acme GW' }]);
    expect(await find('WO-1')).toEqual([{ kind: 'workOrder', id: 'WO-1', label: '2 units of Acme GW, Globex GX' }]);
  });

  it('leaves out what was retracted: a shipment and a start taken back are found by nobody', async () => {
    const retract = (eventId: string, n: number) => makeEvent('EventRetracted', { retractedEventId: eventId, reason: 'scanned by mistake' }, ev(n));
    const corrected = (q: string, scope: typeof acme | typeof site = site) => findIds(readerOf(storeOf([...events, retract('lk-e10', 20), retract('lk-e8', 21)])), q, scope);
    expect(await corrected('SHP-1', acme)).toEqual([]);
    expect(await corrected('WO-1')).toEqual([{ kind: 'workOrder', id: 'WO-1', label: '1 unit of Acme GW' }]);
    expect(await readWorkOrder(readerOf(storeOf([...events, retract('lk-e8', 21)])), 'WO-1', site)).toMatchObject({ units: [{ serial: 'ACME-1' }] });
  });

  it("answers another brand's shipment and work order exactly as ones that do not exist", async () => {
    expect(await find('SHP-GLX', acme)).toEqual(await find('SHP-NONE', acme));
    expect(await find('SHP-GLX', acme)).toEqual([]);
    expect(await find('WO-GLX', acme)).toEqual([]);
    expect(await find('SHP-GLX')).toHaveLength(1);
  });
});

describe('the record pages', () => {
  const src = () => readerOf(storeOf(events));

  it('tells a vendor lot with its vendor, label and the package lots each receipt came as', async () => {
    const record = (await readVendorLot(src(), vlOne))!;
    expect(record).toMatchObject({ vendorId: 'V-ONE', vendorName: 'One Parts', vendorStatus: 'approved', mpn: 'CAP', manufacturer: 'Mfr', dateCode: '2601', countryOfOrigin: 'JP' });
    expect(record.receipts.map((r) => [r.receiptId, r.lots])).toEqual([['R1', [{ lotId: 'REEL-A', quantity: 100, uom: 'pcs', status: 'released' }]]]);
    expect(await readVendorLot(src(), vendorLotId({ vendorId: 'V-ONE', mpn: 'CAP', vendorLotCode: 'NONE' }))).toBeUndefined();
  });

  it("lists a shipment's and a work order's units in scope, and nothing for another brand's", async () => {
    expect((await readShipment(src(), 'SHP-1', acme))!.units.map((u) => [u.serial, u.brand, u.customer, u.workOrder])).toEqual([['ACME-1', 'Acme', 'Northwind', 'WO-1']]);
    expect(await readShipment(src(), 'SHP-GLX', acme)).toBeUndefined();
    expect((await readWorkOrder(src(), 'WO-1', acme))!.units.map((u) => u.serial)).toEqual(['ACME-1']);
    expect((await readWorkOrder(src(), 'WO-1', site))!.units.map((u) => u.serial)).toEqual(['ACME-1', 'GLX-1']);
    expect(await readWorkOrder(src(), 'WO-GLX', acme)).toBeUndefined();
  });
});
