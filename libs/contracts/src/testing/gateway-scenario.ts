import { TraceEvent, makeEvent } from '../index';

type AnyEvent = TraceEvent;

/**
 * A small, realistic genealogy: a gateway (top level) with a power board (sub-assembly) that carries
 * a regulator module (sub-sub-assembly); capacitor reels split, resistor reels merged, four vendors of
 * which one is disqualified, and a second unit that shares a reel but nothing else. `ns` prefixes every
 * id so several copies can live side by side.
 */
export function gatewayScenario(ns = '', start = Date.UTC(2026, 10, 2, 6, 0)) {
  let minute = 0;
  const at = () => new Date(start + minute++ * 60_000).toISOString();
  const id = (s: string) => `${ns}${s}`;
  let n = 0;
  const opts = (source: string) => ({ eventId: id(`evt-${String(++n).padStart(4, '0')}`), occurredAt: at(), source });
  const mes = 'site1/mes';
  const line = (l: number) => `site1/smt-line-${l}`;

  const ids = {
    top: id('GW100-0001'),
    sub: id('PWR10-0001'),
    subSub: id('REG1-0001'),
    other: id('GW100-0002'),
    vendors: { murata: id('V-MURATA'), yageo: id('V-YAGEO'), shady: id('V-SHADY'), ti: id('V-TI'), unused: id('V-UNUSED') },
  };
  const v = ids.vendors;
  const events: AnyEvent[] = [
    makeEvent('VendorRegistered', { vendorId: v.murata, name: 'Murata Electronics', country: 'JP', status: 'approved' }, opts(mes)),
    makeEvent('VendorRegistered', { vendorId: v.yageo, name: 'Yageo', country: 'TW', status: 'approved' }, opts(mes)),
    makeEvent('VendorRegistered', { vendorId: v.shady, name: 'Shenzhen Surplus Trading', country: 'CN', status: 'approved' }, opts(mes)),
    makeEvent('VendorRegistered', { vendorId: v.ti, name: 'Texas Instruments', country: 'US', status: 'approved' }, opts(mes)),
    makeEvent('VendorRegistered', { vendorId: v.unused, name: 'Kemet', country: 'US', status: 'approved' }, opts(mes)),
    makeEvent('MaterialReceived', {
      receiptId: id('GR-1001'), vendorId: v.murata, manufacturer: 'Murata', mpn: 'GRM188R71C104KA01D', internalPartNumber: 'CAP-100N-0603',
      vendorLotCode: 'M2345', dateCode: '2542', countryOfOrigin: 'JP', receivedAt: at(), uom: 'pcs',
      packages: [{ lotId: id('REEL-C1'), quantity: 4000 }, { lotId: id('REEL-C2'), quantity: 4000 }],
    }, opts('site1/goods-in')),
    makeEvent('MaterialReceived', {
      receiptId: id('GR-1002'), vendorId: v.yageo, manufacturer: 'Yageo', mpn: 'RC0603FR-0710KL', internalPartNumber: 'RES-10K-0603',
      vendorLotCode: 'Y77', dateCode: '2538', countryOfOrigin: 'TW', receivedAt: at(), uom: 'pcs',
      packages: [{ lotId: id('REEL-R1'), quantity: 5000 }],
    }, opts('site1/goods-in')),
    makeEvent('MaterialReceived', {
      receiptId: id('GR-1003'), vendorId: v.shady, manufacturer: 'Vishay', mpn: 'CRCW060322R0FKEA', internalPartNumber: 'RES-22R-0603',
      vendorLotCode: 'S1', receivedAt: at(), uom: 'pcs',
      packages: [{ lotId: id('REEL-S1'), quantity: 1200 }, { lotId: id('REEL-S2'), quantity: 900 }],
    }, opts('site1/goods-in')),
    makeEvent('MaterialReceived', {
      receiptId: id('GR-1004'), vendorId: v.ti, manufacturer: 'Texas Instruments', mpn: 'MSP430FR2355TPT', internalPartNumber: 'MCU-2355',
      vendorLotCode: 'T9', dateCode: '2531', countryOfOrigin: 'MY', receivedAt: at(), uom: 'pcs',
      packages: [{ lotId: id('TRAY-U1'), quantity: 250 }],
    }, opts('site1/goods-in')),
    makeEvent('MaterialReceived', {
      receiptId: id('GR-1005'), vendorId: v.unused, manufacturer: 'Kemet', mpn: 'T491A106K016AT', internalPartNumber: 'CAP-10U-TANT',
      vendorLotCode: 'K5', receivedAt: at(), uom: 'pcs',
      packages: [{ lotId: id('REEL-K1'), quantity: 2000 }],
    }, opts('site1/goods-in')),
    makeEvent('LotSplit', { sourceLotId: id('REEL-C1'), newLots: [{ lotId: id('REEL-C1A'), quantity: 1000 }, { lotId: id('REEL-C1B'), quantity: 3000 }] }, opts('site1/stores')),
    makeEvent('LotMerged', { sourceLotIds: [id('REEL-S1'), id('REEL-S2')], lotId: id('REEL-SM') }, opts('site1/stores')),
    makeEvent('VendorStatusChanged', { vendorId: v.shady, status: 'disqualified', reason: 'counterfeit parts found at incoming inspection' }, opts(mes)),
    makeEvent('UnitStarted', { serial: ids.subSub, brand: 'Acme', productPartNumber: 'REG-1', workOrder: id('WO-3001') }, opts(line(3))),
    makeEvent('MaterialInstalled', { serial: ids.subSub, lotId: id('REEL-SM'), quantity: 2, refDes: ['R5', 'R6'] }, opts(line(3))),
    makeEvent('UnitStarted', { serial: ids.sub, brand: 'Acme', productPartNumber: 'PWR-10', workOrder: id('WO-2001') }, opts(line(2))),
    makeEvent('MaterialInstalled', { serial: ids.sub, lotId: id('REEL-C1A'), quantity: 4, refDes: ['C1', 'C2', 'C3', 'C4'] }, opts(line(2))),
    makeEvent('MaterialInstalled', { serial: ids.sub, lotId: id('REEL-R1'), quantity: 2, refDes: ['R1', 'R2'] }, opts(line(2))),
    makeEvent('UnitAssembled', { serial: ids.sub, childSerial: ids.subSub, refDes: 'M1' }, opts(line(2))),
    makeEvent('UnitStarted', { serial: ids.top, brand: 'Acme', productPartNumber: 'GW-100', workOrder: id('WO-1001') }, opts(line(1))),
    makeEvent('MaterialInstalled', { serial: ids.top, lotId: id('TRAY-U1'), quantity: 1, refDes: ['U1'] }, opts(line(1))),
    makeEvent('MaterialInstalled', { serial: ids.top, lotId: id('REEL-C2'), quantity: 1, refDes: ['C10'] }, opts(line(1))),
    makeEvent('UnitAssembled', { serial: ids.top, childSerial: ids.sub, refDes: 'J2' }, opts('site1/final-assembly')),
    makeEvent('UnitShipped', { serial: ids.top, shipmentId: id('SHP-9001'), customer: 'Northwind Networks' }, opts('site1/shipping')),
    makeEvent('UnitStarted', { serial: ids.other, brand: 'Acme', productPartNumber: 'GW-100', workOrder: id('WO-1001') }, opts(line(1))),
    makeEvent('MaterialInstalled', { serial: ids.other, lotId: id('REEL-C1B'), quantity: 1, refDes: ['C10'] }, opts(line(1))),
    makeEvent('MaterialInstalled', { serial: ids.other, lotId: id('REEL-K1'), quantity: 1, refDes: ['C11'] }, opts(line(1))),
  ];
  const vendorLot = (vendorId: string, mpn: string, code: string) => JSON.stringify([vendorId, mpn, code]);
  return {
    ids,
    events,
    /** What the genealogy of `ids.top` must contain: exactly these vendors and vendor lots. */
    expected: {
      vendors: [v.murata, v.shady, v.ti, v.yageo].sort(),
      vendorLots: [
        vendorLot(v.murata, 'GRM188R71C104KA01D', 'M2345'),
        vendorLot(v.yageo, 'RC0603FR-0710KL', 'Y77'),
        vendorLot(v.shady, 'CRCW060322R0FKEA', 'S1'),
        vendorLot(v.ti, 'MSP430FR2355TPT', 'T9'),
      ].sort(),
      disqualified: v.shady,
    },
  };
}
