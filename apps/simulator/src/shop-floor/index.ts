import { TraceEvent } from '@trace/contracts';
import { BRANDS } from './catalog';
import { Site } from './site';
import { Vendors } from './vendors';
import { Parts } from './parts';
import { brandsOf, toWarehouse } from './brands';
import { Stores } from './stores';
import { Assembly } from './assembly';
import { BrandAuthority } from './authority';

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

/**
 * A simulated EMS site: vendors register, goods-in receives vendor lots as reels, trays, bags and jars,
 * stores split and merge them, SMT lines build units of several brands with two or three levels of
 * sub-assemblies, final assembly puts them together and shipping sends some away. The brands publish their BOMs and
 * approved parts, then deviations for two shortages and an ECO along the run (BrandAuthority). Pure: the events
 * depend on the options alone (ids and times included), and are yielded lazily, oldest first.
 */
export function* shopFloorEvents(options: ShopFloorOptions): Generator<TraceEvent, void, undefined> {
  const site = new Site(options.seed, options.startAt ?? DEFAULT_START_AT, Math.max(1, options.lines ?? 6));
  const brandCount = Math.max(1, Math.min(options.brands, BRANDS.length));

  const vendors = new Vendors(site, brandCount);
  yield* vendors.register();

  const parts = new Parts(site, vendors);
  const brands = brandsOf(site, parts, brandCount, options.partsPerBoard);

  const stores = new Stores(site, vendors);
  const assembly = new Assembly(site, stores, parts.solderPaste);
  const authority = new BrandAuthority(site, parts, vendors, brands, options.units);
  yield* authority.release();

  const disqualifyAt = Math.floor(options.units * 0.4);
  const requalifyAt = Math.floor(options.units * 0.6);
  for (let u = 0; u < options.units; u++) {
    if (u === disqualifyAt) yield* vendors.disqualify();
    if (u === requalifyAt) yield* vendors.requalify();
    yield* authority.before(u);
    const brand = brands[u % brands.length]!;
    const serial = yield* assembly.build(brand.product, true);
    yield* toWarehouse(site, brand, serial);
  }
}
