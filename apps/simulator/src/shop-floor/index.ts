import { TraceEvent } from '@trace/contracts';
import { BRANDS, KINDS, KIND_WEIGHT, Packaging, PartKind, REGIONS, SOLDER_PASTE_KIND } from './catalog';
import { Site, pad } from './site';
import { Vendors } from './vendors';

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

interface Part {
  ipn: string;
  kind: PartKind;
  manufacturer: string;
  mpn: string;
  packaging: Packaging;
  uom: 'pcs' | 'g';
  origin: string;
  vendorIds: string[];
}

interface BomLine {
  part: Part;
  refDes: string[];
}

interface Product {
  pn: string;
  brand: string;
  line: string;
  bom: BomLine[];
  /** Grams of solder paste per board. */
  paste: number;
  children: Product[];
  built: number;
}

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
  const site = new Site(options.seed, options.startAt ?? DEFAULT_START_AT);
  const lineCount = Math.max(1, options.lines ?? 6);
  const brandCount = Math.max(1, Math.min(options.brands, BRANDS.length));

  const vendors = new Vendors(site, brandCount);
  yield* vendors.register();

  // Parts: one pool of common parts every brand uses, and one pool per brand.
  const newPart = (kind: PartKind): Part => {
    const [manufacturer, mpnPrefix] = site.rnd.pick(kind.makers);
    const n = site.next(`part-${kind.code}`);
    const suffix = site.rnd.int(0, 36 ** 4 - 1).toString(36).toUpperCase().padStart(4, '0');
    const vendorIds = new Set<string>();
    const wanted = site.rnd.int(1, 3);
    while (vendorIds.size < wanted) vendorIds.add(site.rnd.pick(vendors.all).vendorId);
    return {
      ipn: `${kind.code}-${pad(n, 5)}`,
      kind,
      manufacturer,
      mpn: `${mpnPrefix}${suffix}${pad(n, 3)}`,
      packaging: site.rnd.pick(kind.packaging),
      uom: kind === SOLDER_PASTE_KIND ? 'g' : 'pcs',
      origin: site.rnd.pick(kind.origins),
      vendorIds: [...vendorIds],
    };
  };
  const sharedParts = new Map<PartKind, Part[]>();
  const brandParts = new Map<string, Map<PartKind, Part[]>>();
  const solderPaste = newPart(SOLDER_PASTE_KIND);
  const pickKind = (): PartKind => {
    let r = site.rnd.next() * KIND_WEIGHT;
    for (const k of KINDS) if ((r -= k.weight) < 0) return k;
    return KINDS[0]!;
  };
  const choosePart = (brand: string, kind: PartKind, taken: Set<Part>): Part => {
    const pools = site.rnd.chance(0.5) ? sharedParts : (brandParts.get(brand) ?? brandParts.set(brand, new Map()).get(brand)!);
    const pool = pools.get(kind) ?? pools.set(kind, []).get(kind)!;
    if (pool.length > 0 && site.rnd.chance(0.35)) {
      const candidate = site.rnd.pick(pool);
      if (!taken.has(candidate)) return candidate;
    }
    const part = newPart(kind);
    pool.push(part);
    return part;
  };

  // Products: per brand a top-level product over two or three levels of sub-assemblies.
  const makeProduct = (brand: string, code: string, placements: number, level: number, depth: number, lineIndex: number): Product => {
    const lines = Math.max(2, Math.round(placements / 3));
    const kinds = Array.from({ length: lines }, pickKind);
    const counts = kinds.map(() => 1);
    const weights = kinds.map((k) => k.multiplicity);
    const weightSum = weights.reduce((a, b) => a + b, 0);
    for (let extra = placements - lines; extra > 0; extra--) {
      let r = site.rnd.next() * weightSum;
      let i = 0;
      while ((r -= weights[i]!) >= 0 && i < weights.length - 1) i++;
      counts[i]!++;
    }
    const taken = new Set<Part>();
    const numbering = new Map<string, number>();
    const bom = kinds.map((kind, i): BomLine => {
      const part = choosePart(brand, kind, taken);
      taken.add(part);
      const refDes = Array.from({ length: counts[i]! }, () => {
        const n = (numbering.get(kind.refDes) ?? 0) + 1;
        numbering.set(kind.refDes, n);
        return `${kind.refDes}${n}`;
      });
      return { part, refDes };
    });
    const children: Product[] = [];
    if (level < depth) {
      const count = level === 0 ? site.rnd.int(1, 2) : 1;
      for (let c = 0; c < count; c++) {
        children.push(makeProduct(brand, `${code}-S${level + 1}${String.fromCharCode(65 + c)}`, Math.max(6, Math.round(placements / 2)), level + 1, depth, lineIndex + 1 + c));
      }
    }
    return {
      pn: code,
      brand,
      line: site.at(`smt-line-${(lineIndex % lineCount) + 1}`),
      bom,
      paste: Math.round((0.5 + placements / 200) * 10) / 10,
      children,
      built: 0,
    };
  };
  const brands = BRANDS.slice(0, brandCount).map((name, b) => ({
    name,
    product: makeProduct(name, `${name.slice(0, 3).toUpperCase()}-${100 + b * 10}`, Math.max(6, options.partsPerBoard), 0, site.rnd.int(2, 3), b * 2),
    customers: REGIONS.map((r) => `${name} ${r} distribution centre`),
    awaitingShipment: [] as string[],
    shipAt: site.rnd.int(5, 20),
  }));

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
    const paste = yield* consume(product.line, solderPaste, product.paste);
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
}
