import { TraceEvent } from '@trace/contracts';
import { Part } from './parts';
import { Product } from './products';
import { Site, pad } from './site';
import { Stores } from './stores';

/** The SMT lines and final assembly: they build units from the material on the lines' feeders. */
export class Assembly {
  constructor(private readonly site: Site, private readonly stores: Stores, private readonly solderPaste: Part) {}

  /**
   * Builds a unit of `product` on its SMT line, its sub-assemblies first: solder paste, every BOM line, then the
   * sub-assemblies put in (at final assembly for a top-level unit). Returns the unit's serial.
   */
  *build(product: Product, top: boolean): Generator<TraceEvent, string, undefined> {
    const { site } = this;
    const childSerials: string[] = [];
    for (const child of product.children) childSerials.push(yield* this.build(child, false));
    const n = ++product.built;
    const serial = `${product.pn}-${site.tag}-${pad(n, 6)}`;
    site.tick(20, 180);
    yield site.event('UnitStarted', { serial, brand: product.brand, productPartNumber: product.pn, workOrder: `WO-${site.tag}-${product.pn}-${pad(Math.ceil(n / 50), 4)}` }, product.line);
    const paste = yield* this.stores.consume(product.line, this.solderPaste, product.paste);
    yield site.event('MaterialInstalled', { serial, lotId: paste, quantity: product.paste, refDes: [] }, product.line);
    for (const line of product.bom) {
      const lotId = yield* this.stores.consume(product.line, line.part, line.refDes.length);
      site.tick(1, 6);
      yield site.event('MaterialInstalled', { serial, lotId, quantity: line.refDes.length, refDes: line.refDes }, product.line);
    }
    for (const [i, child] of childSerials.entries()) {
      site.tick(10, 120);
      yield site.event('UnitAssembled', { serial, childSerial: child, refDes: `J${100 + i}` }, top ? site.at('final-assembly') : product.line);
    }
    return serial;
  }
}
