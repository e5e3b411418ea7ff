import { KINDS, KIND_WEIGHT, Packaging, PartKind, SOLDER_PASTE_KIND } from './catalog';
import { Site, pad } from './site';
import { Vendors } from './vendors';

/** A part as the EMS buys it: internal part number (IPN), manufacturer and MPN, and the vendors that sell it. */
export interface Part {
  ipn: string;
  kind: PartKind;
  manufacturer: string;
  mpn: string;
  packaging: Packaging;
  uom: 'pcs' | 'g';
  origin: string;
  vendorIds: string[];
}

/** The site's parts: one pool of common parts every brand uses, one pool per brand, and the solder paste. */
export class Parts {
  private readonly shared = new Map<PartKind, Part[]>();
  private readonly byBrand = new Map<string, Map<PartKind, Part[]>>();
  readonly solderPaste: Part;

  constructor(private readonly site: Site, private readonly vendors: Vendors) {
    this.solderPaste = this.newPart(SOLDER_PASTE_KIND);
  }

  /** A part kind, drawn by how often it appears on a BOM. */
  pickKind(): PartKind {
    let r = this.site.rnd.next() * KIND_WEIGHT;
    for (const k of KINDS) if ((r -= k.weight) < 0) return k;
    return KINDS[0]!;
  }

  /** A part of `kind` for a BOM line of `brand`: now and then one already in use (not one of `taken`), else a new one. */
  choose(brand: string, kind: PartKind, taken: Set<Part>): Part {
    const rnd = this.site.rnd;
    const pools = rnd.chance(0.5) ? this.shared : (this.byBrand.get(brand) ?? this.byBrand.set(brand, new Map()).get(brand)!);
    const pool = pools.get(kind) ?? pools.set(kind, []).get(kind)!;
    if (pool.length > 0 && rnd.chance(0.35)) {
      const candidate = rnd.pick(pool);
      if (!taken.has(candidate)) return candidate;
    }
    const part = this.newPart(kind);
    pool.push(part);
    return part;
  }

  private newPart(kind: PartKind): Part {
    const rnd = this.site.rnd;
    const [manufacturer, mpnPrefix] = rnd.pick(kind.makers);
    const n = this.site.next(`part-${kind.code}`);
    const suffix = rnd.int(0, 36 ** 4 - 1).toString(36).toUpperCase().padStart(4, '0');
    const vendorIds = new Set<string>();
    const wanted = rnd.int(1, 3);
    while (vendorIds.size < wanted) vendorIds.add(rnd.pick(this.vendors.all).vendorId);
    return {
      ipn: `${kind.code}-${this.site.tag}-${pad(n, 5)}`, // the site's tag: two seeds in one database never share a number
      kind,
      manufacturer,
      mpn: `${mpnPrefix}${suffix}${pad(n, 3)}`,
      packaging: rnd.pick(kind.packaging),
      uom: kind === SOLDER_PASTE_KIND ? 'g' : 'pcs',
      origin: rnd.pick(kind.origins),
      vendorIds: [...vendorIds],
    };
  }
}
