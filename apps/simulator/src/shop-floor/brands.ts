import { TraceEvent } from '@trace/contracts';
import { BRANDS, REGIONS } from './catalog';
import { Parts } from './parts';
import { Product, designProduct } from './products';
import { Site, pad } from './site';

/** A brand the EMS builds for: its top-level product, its distribution centres and its finished goods in the warehouse. */
export interface Brand {
  name: string;
  product: Product;
  customers: string[];
  awaitingShipment: string[];
  /** How many finished units wait before the next shipment. */
  shipAt: number;
}

/** The first `count` brands, each with a top-level product of `partsPerBoard` placements over two or three levels of sub-assemblies. */
export function brandsOf(site: Site, parts: Parts, count: number, partsPerBoard: number): Brand[] {
  return BRANDS.slice(0, count).map((name, b) => ({
    name,
    product: designProduct(site, parts, name, `${name.slice(0, 3).toUpperCase()}-${site.tag}-${100 + b * 10}`, Math.max(6, partsPerBoard), 0, site.rnd.int(2, 3), b * 2),
    customers: REGIONS.map((r) => `${name} ${r} distribution centre`),
    awaitingShipment: [],
    shipAt: site.rnd.int(5, 20),
  }));
}

/** A finished unit of `brand` goes to the warehouse; once `shipAt` units wait there, they leave it. */
export function* toWarehouse(site: Site, brand: Brand, serial: string): Generator<TraceEvent, void, undefined> {
  brand.awaitingShipment.push(serial);
  if (brand.awaitingShipment.length >= brand.shipAt) {
    // Most finished goods ship in lots of a few to a few dozen; some stay in the warehouse.
    if (site.rnd.chance(0.7)) {
      const shipmentId = `SHP-${site.tag}-${pad(site.next('shipment'), 6)}`;
      const customer = site.rnd.pick(brand.customers);
      site.tick(600, 7200);
      for (const s of brand.awaitingShipment) yield site.event('UnitShipped', { serial: s, shipmentId, customer }, site.at('shipping'));
    }
    brand.awaitingShipment = [];
    brand.shipAt = site.rnd.int(5, 20);
  }
}
