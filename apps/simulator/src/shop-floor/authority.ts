import { TraceEvent } from '@trace/contracts';
import { Brand } from './brands';
import { Part, Parts } from './parts';
import { BomLine, Product } from './products';
import { Site, pad } from './site';
import { Vendors } from './vendors';

/** When each step of the brands' authority story happens, as a share of the run's top-level units. */
export const AUTHORITY_STORY = {
  /** A shortage of one part of the first brand: an alternate under a deviation limited to about half of what is built with it. */
  limitedDeviation: 0.65,
  /** A shortage of one part of the second brand (the first when there is one): an alternate under a deviation with no limit. */
  openDeviation: 0.7,
  /** The first brand releases revision B of its top-level product (one more line), effective a minute later. */
  eco: 0.75,
  /** The second brand revokes its deviation; the line goes on placing the alternate until it changes back. */
  revocation: 0.8,
  /** The first brand's line changes over to revision B: units started between the ECO's effectiveFrom and now miss its new line. */
  changeover: 0.85,
  /** The second brand's part is back: the line places the approved part again. */
  openDeviationEnds: 0.9,
  /** The first brand's part is back. */
  limitedDeviationEnds: 0.95,
} as const;
type Step = keyof typeof AUTHORITY_STORY;

/** Top-level units a run needs for the story: with fewer, its steps would fall on the same units and undo each other. */
export const AUTHORITY_STORY_MIN_UNITS = 8;

/** Days a deviation is valid from its approval: longer than any simulated run. */
const DEVIATION_DAYS = 120;

/**
 * The brands' own authority, as their PLM and quality teams publish it on trace.brand.v1: at the start, revision A of
 * every product's BOM and an approval of every part on it; then, along the run (AUTHORITY_STORY), two shortages met with
 * alternate parts under deviations (one that runs out of quantity, one revoked while the alternate is still placed) and
 * an ECO whose revision the line adopts late (runs of AUTHORITY_STORY_MIN_UNITS top-level units or more). Draws from the site's random source only after the story starts, so the
 * units built before it are those of a run without it.
 */
export class BrandAuthority {
  private readonly steps: { at: number; step: Step }[];
  private limited?: { brand: Brand; line: BomLine; original: Part; deviationId: string };
  private open?: { brand: Brand; line: BomLine; original: Part; deviationId: string };
  private eco?: { product: Product; lines: BomLine[] };
  /** The internal part numbers each brand has approved a part for. */
  private readonly approved = new Map<Brand, Set<string>>();

  constructor(private readonly site: Site, private readonly parts: Parts, private readonly vendors: Vendors, private readonly brands: Brand[], private readonly units: number) {
    this.steps = units < AUTHORITY_STORY_MIN_UNITS ? [] : (Object.entries(AUTHORITY_STORY) as [Step, number][]).map(([step, share]) => ({ at: Math.floor(units * share), step }));
  }

  /** Revision A of each brand's products and an approval of each part on them, before anything is built. */
  *release(): Generator<TraceEvent, void, undefined> {
    for (const brand of this.brands) {
      for (const product of productsOf(brand.product)) {
        yield this.bom(product, 'A', product.bom, this.site.now);
        for (const part of [this.parts.solderPaste, ...product.bom.map((l) => l.part)]) yield* this.approve(brand, part, 'qualified at design');
      }
    }
  }

  /** The story's steps due before top-level unit `u` is built. */
  *before(u: number): Generator<TraceEvent, void, undefined> {
    for (const { at, step } of this.steps) if (at === u) yield* this.run(step);
  }

  private *run(step: Step): Generator<TraceEvent, void, undefined> {
    const first = this.brands[0]!;
    const second = this.brands[1] ?? first;
    switch (step) {
      case 'limitedDeviation': {
        const line = linesForAlternates(first.product)[0];
        if (!line) break;
        const built = this.topUnitsOf(first, AUTHORITY_STORY.limitedDeviation, AUTHORITY_STORY.limitedDeviationEnds);
        this.limited = { brand: first, line, original: line.part, deviationId: `DEV-${this.site.tag}-${first.name.toUpperCase()}-1` };
        yield* this.deviate(this.limited, { maxQuantity: line.refDes.length * Math.max(1, Math.floor(built / 2)), productPartNumbers: [first.product.pn] });
        break;
      }
      case 'openDeviation': {
        const candidates = linesForAlternates(second.product).filter((l) => l.part.ipn !== this.limited?.original.ipn);
        const line = candidates[0];
        if (!line) break;
        this.open = { brand: second, line, original: line.part, deviationId: `DEV-${this.site.tag}-${second.name.toUpperCase()}-2` };
        yield* this.deviate(this.open, {});
        break;
      }
      case 'eco': {
        const product = first.product;
        const part = this.parts.choose(first.name, this.parts.pickKind(), new Set(product.bom.map((l) => l.part)));
        const refDes = [`${part.kind.refDes || 'X'}900`];
        const lines = [...product.bom, { part, refDes }];
        this.eco = { product, lines };
        this.site.tick(60, 600);
        yield* this.approve(first, part, 'ECO: added in revision B');
        yield this.bom(product, 'B', lines, this.site.now + 60_000);
        break;
      }
      case 'revocation':
        if (this.open) {
          this.site.tick(60, 600);
          yield this.site.event('DeviationRevoked', { brand: this.open.brand.name, deviationId: this.open.deviationId, reason: 'the approved part is available again' }, plm(this.open.brand));
        }
        break;
      case 'changeover':
        if (this.eco) this.eco.product.bom = this.eco.lines;
        break;
      case 'openDeviationEnds':
        if (this.open) this.open.line.part = this.open.original;
        break;
      case 'limitedDeviationEnds':
        if (this.limited) this.limited.line.part = this.limited.original;
        break;
    }
  }

  /** A deviation for an alternate of `line`'s part, and the line placing the alternate from now on. */
  private *deviate(d: { brand: Brand; line: BomLine; original: Part; deviationId: string }, scope: { maxQuantity?: number; productPartNumbers?: string[] }): Generator<TraceEvent, void, undefined> {
    const alternate = this.alternateOf(d.original);
    this.site.tick(60, 600);
    const validFrom = new Date(this.site.now).toISOString();
    const validUntil = new Date(this.site.now + DEVIATION_DAYS * 86_400_000).toISOString();
    yield this.site.event(
      'DeviationApproved',
      {
        brand: d.brand.name,
        deviationId: d.deviationId,
        internalPartNumber: alternate.ipn,
        manufacturer: alternate.manufacturer,
        mpn: alternate.mpn,
        ...scope,
        validFrom,
        validUntil,
        approvedBy: `quality@${d.brand.name.toLowerCase()}.example`,
        reason: `shortage of ${d.original.manufacturer} ${d.original.mpn}`,
      },
      plm(d.brand),
    );
    d.line.part = alternate;
  }

  /** The same internal part from another manufacturer, sold by one usable vendor. */
  private alternateOf(part: Part): Part {
    const makers = part.kind.makers;
    const i = makers.findIndex(([m]) => m === part.manufacturer);
    const [manufacturer, prefix] = makers[(i + 1) % makers.length]!;
    return { ...part, manufacturer, mpn: `${prefix}ALT${pad(this.site.next('alternate'), 3)}`, vendorIds: [this.site.rnd.pick(this.vendors.usable()).vendorId] };
  }

  /** An approval of `part` by `brand`, unless the brand approved a part for its IPN already. */
  private *approve(brand: Brand, part: Part, reason: string): Generator<TraceEvent, void, undefined> {
    const approved = this.approved.get(brand) ?? this.approved.set(brand, new Set()).get(brand)!;
    if (approved.has(part.ipn)) return;
    approved.add(part.ipn);
    yield this.site.event(
      'PartApproved',
      { brand: brand.name, approvalId: `AVL-${part.ipn}`, internalPartNumber: part.ipn, manufacturer: part.manufacturer, mpn: part.mpn, reason },
      plm(brand),
    );
  }

  private bom(product: Product, revision: string, lines: BomLine[], effectiveFrom: number): TraceEvent {
    return this.site.event(
      'BomReleased',
      {
        brand: product.brand,
        productPartNumber: product.pn,
        revision,
        effectiveFrom: new Date(effectiveFrom).toISOString(),
        lines: [
          { internalPartNumber: this.parts.solderPaste.ipn, quantity: product.paste },
          ...lines.map((l) => ({ internalPartNumber: l.part.ipn, quantity: l.refDes.length, refDes: l.refDes })),
          ...product.children.map((c, i) => ({ internalPartNumber: c.pn, quantity: 1, refDes: [`J${100 + i}`] })),
        ],
      },
      plm({ name: product.brand }),
    );
  }

  /** How many of the run's top-level units between two shares of it are `brand`'s (brands take turns). */
  private topUnitsOf(brand: Brand, from: number, until: number): number {
    const b = this.brands.indexOf(brand);
    let n = 0;
    for (let u = Math.floor(this.units * from); u < Math.floor(this.units * until); u++) if (u % this.brands.length === b) n++;
    return n;
  }
}

const plm = (brand: { name: string }): string => `${brand.name.toLowerCase()}/plm`;

/** A product and its sub-assemblies, depth first. */
const productsOf = (p: Product): Product[] => [p, ...p.children.flatMap(productsOf)];

/** Lines of a top-level product whose part an alternate can stand in for, most placements first (passives before ICs). */
const linesForAlternates = (p: Product): BomLine[] =>
  [...p.bom].sort((a, b) => b.part.kind.multiplicity - a.part.kind.multiplicity || b.refDes.length - a.refDes.length || (a.part.ipn < b.part.ipn ? -1 : 1));
