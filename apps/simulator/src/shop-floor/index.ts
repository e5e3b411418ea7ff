import { TraceEvent } from '@trace/contracts';
import { BRANDS, Packaging } from './catalog';
import { Site, pad } from './site';
import { Vendors } from './vendors';
import { Part, Parts } from './parts';
import { Product } from './products';
import { brandsOf, toWarehouse } from './brands';

/** What to simulate. The same options give the same events, byte for byte. */
export interface ShopFloorOptions {
  seed: number;
  /** Finished (top-level) units to build; their sub-assemblies are built too. */
  units: number;
  /** Placements (reference designators) on a top-level board; sub-assembly boards carry fewer. */
  partsPerBoard: number;
  /** Brands the EMS builds for; they share vendors and part of their parts. */
  brands: number;
  /** SMT lines on the site, each a `source` of its own. */
  lines?: number;
  /** Simulated time of the first event (ms since the epoch); a constant, never the wall clock. */
  startAt?: number;
}

/** The first simulated instant when none is given: Monday 5 January 2026, 06:00 UTC. */
export const DEFAULT_START_AT = Date.UTC(2026, 0, 5, 6, 0, 0);

// ---------------------------------------------------------------------------------------------------------------
// The simulated world's state.

interface Lot {
  lotId: string;
  remaining: number;
}

/**
 * A simulated EMS site: vendors register, goods-in receives vendor lots as reels, trays, bags and jars,
 * stores split and merge them, SMT lines build units of several brands with two or three levels of
 * sub-assemblies, final assembly puts them together and shipping sends some away. Pure: the events
 * depend on the options alone (ids and times included), and are yielded lazily, oldest first.
 */
export function* shopFloorEvents(options: ShopFloorOptions): Generator<TraceEvent, void, undefined> {
  const site = new Site(options.seed, options.startAt ?? DEFAULT_START_AT, Math.max(1, options.lines ?? 6));
  const brandCount = Math.max(1, Math.min(options.brands, BRANDS.length));

  const vendors = new Vendors(site, brandCount);
  yield* vendors.register();

  const parts = new Parts(site, vendors);
  const brands = brandsOf(site, parts, brandCount, options.partsPerBoard);

  // Material: stores hold lots by part; each line has one feeder lot per part.
  const stores = new Map<Part, Lot[]>();
  const feeders = new Map<string, Lot>();
  const stockOf = (part: Part): Lot[] => stores.get(part) ?? stores.set(part, []).get(part)!;
  const newLotId = (packaging: Packaging): string => `${packaging}-${site.tag}-${pad(site.next('lot'), 7)}`;
  const packQty = (part: Part): number => {
    const [min, max] = part.kind.packQty;
    return part.uom === 'g' ? min : Math.max(min, Math.round(site.rnd.int(min, max) / 50) * 50);
  };

  function* receive(part: Part): Generator<TraceEvent, void, undefined> {
    let candidates = vendors.usable().filter((v) => part.vendorIds.includes(v.vendorId));
    if (candidates.length === 0) {
      // Every vendor of this part lost its approval: buying moves to another vendor.
      const fallback = site.rnd.pick(vendors.usable());
      part.vendorIds.push(fallback.vendorId);
      candidates = [fallback];
    }
    const vendor = site.rnd.pick(candidates);
    site.tick(60, 900);
    const made = new Date(site.now - site.rnd.int(2, 40) * 7 * 86_400_000);
    const week = Math.ceil(((made.getTime() - Date.UTC(made.getUTCFullYear(), 0, 1)) / 86_400_000 + 1) / 7);
    const dateCode = `${String(made.getUTCFullYear()).slice(2)}${pad(week, 2)}`;
    const packages = Array.from({ length: part.packaging === 'TRAY' || part.uom === 'g' ? site.rnd.int(1, 2) : site.rnd.int(1, 4) }, () => ({
      lotId: newLotId(part.packaging),
      quantity: packQty(part),
    }));
    yield site.event(
      'MaterialReceived',
      {
        receiptId: `GR-${site.tag}-${pad(site.next('receipt'), 6)}`,
        vendorId: vendor.vendorId,
        manufacturer: part.manufacturer,
        mpn: part.mpn,
        internalPartNumber: part.ipn,
        vendorLotCode: `${dateCode}${site.rnd.int(0, 36 ** 3 - 1).toString(36).toUpperCase()}${site.next('vendor-lot').toString(36).toUpperCase()}`,
        dateCode,
        ...(site.rnd.chance(0.9) ? { countryOfOrigin: part.origin } : {}),
        receivedAt: new Date(site.now).toISOString(),
        uom: part.uom,
        packages,
      },
      site.at('goods-in'),
    );
    for (const p of packages) {
      if (site.rnd.chance(0.02)) {
        site.tick(300, 3600);
        yield site.event('LotStatusChanged', { lotId: p.lotId, status: 'quarantined', reason: 'incoming inspection: solderability test failed' }, site.at('quality'));
        continue; // never released to the lines
      }
      if (site.rnd.chance(0.03)) {
        site.tick(300, 3600);
        yield site.event('LotStatusChanged', { lotId: p.lotId, status: 'hold', reason: 'awaiting certificate of conformance' }, site.at('quality'));
        site.tick(3600, 86_400);
        yield site.event('LotStatusChanged', { lotId: p.lotId, status: 'released', reason: 'certificate of conformance received' }, site.at('quality'));
      }
      stockOf(part).push({ lotId: p.lotId, remaining: p.quantity });
    }
  }

  function* takeFromStores(part: Part, quantity: number): Generator<TraceEvent, Lot, undefined> {
    let stock = stockOf(part);
    if (stock.length >= 2 && site.rnd.chance(0.3)) {
      // Two partial lots of one part are merged into one, to free a feeder slot.
      stock.sort((a, b) => a.remaining - b.remaining || (a.lotId < b.lotId ? -1 : 1));
      const [a, b] = stock.splice(0, 2) as [Lot, Lot];
      const merged: Lot = { lotId: newLotId(part.packaging), remaining: a.remaining + b.remaining };
      site.tick(30, 300);
      yield site.event('LotMerged', { sourceLotIds: [a.lotId, b.lotId], lotId: merged.lotId }, site.at('stores'));
      stock.push(merged);
    }
    let index = stock.findIndex((l) => l.remaining >= quantity);
    while (index < 0) {
      yield* receive(part);
      stock = stockOf(part);
      index = stock.findIndex((l) => l.remaining >= quantity);
    }
    let [lot] = stock.splice(index, 1) as [Lot];
    if (lot.remaining >= 4 * quantity && site.rnd.chance(0.25)) {
      // Kitting: part of a reel goes to the line, the rest back to stores as a lot of its own.
      const toLine = Math.max(quantity, Math.round((lot.remaining * site.rnd.int(20, 60)) / 100));
      const first: Lot = { lotId: newLotId(part.packaging), remaining: toLine };
      const rest: Lot = { lotId: newLotId(part.packaging), remaining: lot.remaining - toLine };
      site.tick(30, 300);
      yield site.event(
        'LotSplit',
        { sourceLotId: lot.lotId, newLots: [{ lotId: first.lotId, quantity: first.remaining }, { lotId: rest.lotId, quantity: rest.remaining }] },
        site.at('stores'),
      );
      stock.push(rest);
      lot = first;
    }
    return lot;
  }

  function* consume(line: string, part: Part, quantity: number): Generator<TraceEvent, string, undefined> {
    const key = `${line}\u0000${part.ipn}`;
    let lot = feeders.get(key);
    if (!lot || lot.remaining < quantity) {
      if (lot && lot.remaining > 0) stockOf(part).push(lot); // the remnant goes back to stores
      lot = yield* takeFromStores(part, quantity);
      feeders.set(key, lot);
    }
    lot.remaining = Math.round((lot.remaining - quantity) * 1000) / 1000;
    return lot.lotId;
  }

  function* build(product: Product, top: boolean): Generator<TraceEvent, string, undefined> {
    const childSerials: string[] = [];
    for (const child of product.children) childSerials.push(yield* build(child, false));
    const n = ++product.built;
    const serial = `${product.pn}-${site.tag}-${pad(n, 6)}`;
    site.tick(20, 180);
    yield site.event('UnitStarted', { serial, brand: product.brand, productPartNumber: product.pn, workOrder: `WO-${site.tag}-${product.pn}-${pad(Math.ceil(n / 50), 4)}` }, product.line);
    const paste = yield* consume(product.line, parts.solderPaste, product.paste);
    yield site.event('MaterialInstalled', { serial, lotId: paste, quantity: product.paste, refDes: [] }, product.line);
    for (const line of product.bom) {
      const lotId = yield* consume(product.line, line.part, line.refDes.length);
      site.tick(1, 6);
      yield site.event('MaterialInstalled', { serial, lotId, quantity: line.refDes.length, refDes: line.refDes }, product.line);
    }
    for (const [i, child] of childSerials.entries()) {
      site.tick(10, 120);
      yield site.event('UnitAssembled', { serial, childSerial: child, refDes: `J${100 + i}` }, top ? site.at('final-assembly') : product.line);
    }
    return serial;
  }

  const disqualifyAt = Math.floor(options.units * 0.4);
  const requalifyAt = Math.floor(options.units * 0.6);
  for (let u = 0; u < options.units; u++) {
    if (u === disqualifyAt) yield* vendors.disqualify();
    if (u === requalifyAt) yield* vendors.requalify();
    const brand = brands[u % brands.length]!;
    const serial = yield* build(brand.product, true);
    yield* toWarehouse(site, brand, serial);
  }
}
