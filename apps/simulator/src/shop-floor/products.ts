import { Part, Parts } from './parts';
import { Site } from './site';

/** A line of a BOM: one part and the reference designators it is placed at. */
export interface BomLine {
  part: Part;
  refDes: string[];
}

export interface Product {
  pn: string;
  brand: string;
  /** The SMT line that builds it. */
  line: string;
  bom: BomLine[];
  /** Grams of solder paste per board. */
  paste: number;
  children: Product[];
  /** Units built so far, for their serials. */
  built: number;
}

/**
 * A product of `brand` with `placements` placements spread over about a third as many BOM lines (passives repeat),
 * and, down to `depth`, its sub-assemblies with half the placements each, built on the next SMT lines.
 */
export function designProduct(site: Site, parts: Parts, brand: string, code: string, placements: number, level: number, depth: number, lineIndex: number): Product {
  const lines = Math.max(2, Math.round(placements / 3));
  const kinds = Array.from({ length: lines }, () => parts.pickKind());
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
    const part = parts.choose(brand, kind, taken);
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
      children.push(designProduct(site, parts, brand, `${code}-S${level + 1}${String.fromCharCode(65 + c)}`, Math.max(6, Math.round(placements / 2)), level + 1, depth, lineIndex + 1 + c));
    }
  }
  return {
    pn: code,
    brand,
    line: site.smtLine(lineIndex),
    bom,
    paste: Math.round((0.5 + placements / 200) * 10) / 10,
    children,
    built: 0,
  };
}
