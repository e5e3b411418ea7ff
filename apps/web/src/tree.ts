import type { Genealogy, Installation, LotNode, MaterialJudgement, Provenance, UnitNode, VendorLotNode, VendorNode } from './api-types';

/** One line of a unit's material list: the installation joined with its lot, vendor lots and vendors. */
export interface MaterialLine {
  lotId: string;
  /**
   * The lot as the page says it: its id, or every package a grey-zone placement may have come from, in words
   * (`REEL-A or REEL-B`), with the reason.
   */
  lotText: string;
  candidateReason?: string;
  refDes: string[];
  quantity: number;
  lotStatus: string;
  /** The lot's way back to its receipt, newest first: `REEL-C1A`, `split of REEL-C1`, `received R-1 of V-MURATA`. */
  lineage: string[];
  origin: LotNode['origin'];
  vendorLots: {
    vendorLotId: string;
    vendorLotCode: string;
    ipn?: string;
    mpn: string;
    manufacturer?: string;
    dateCode?: string;
    countryOfOrigin?: string;
    vendorId: string;
    vendorName?: string;
    vendorStatus: string;
  }[];
  provenance: Provenance;
  removed: boolean;
  /** The brand's judgement at the moment of installation, when the unit is in the caller's scope. */
  judgement?: MaterialJudgement;
}

/** A unit in the assembly tree, with the key that names its place (serials from the top, joined by `/`). */
export interface TreeUnit {
  key: string;
  depth: number;
  refDes?: string;
  unit: UnitNode;
  materials: MaterialLine[];
  children: TreeUnit[];
  removed: boolean;
  hasChildren: boolean;
}

/** The assembly tree of a genealogy answer, each unit with its materials joined to lots, vendor lots and vendors. */
export function assemblyTree(g: Genealogy): TreeUnit {
  const lots = new Map(g.lots.map((l) => [l.lotId, l]));
  const vendorLots = new Map(g.vendorLots.map((v) => [v.vendorLotId, v]));
  const vendors = new Map(g.vendors.map((v) => [v.vendorId, v]));
  const build = (unit: UnitNode, key: string, depth: number, refDes: string | undefined, removed: boolean, seen: Set<string>): TreeUnit => {
    // The API reports an assembly cycle as a gap; here a unit already on the path is not walked again.
    const walk = !seen.has(unit.serial);
    const nextSeen = new Set(seen).add(unit.serial);
    const children = walk
      ? unit.subAssemblies.map((s) => build(s.unit, `${key}/${s.unit.serial}`, depth + 1, s.refDes, removed || s.removed === true, nextSeen))
      : [];
    return {
      key,
      depth,
      ...(refDes !== undefined ? { refDes } : {}),
      unit,
      materials: walk ? unit.materials.map((m) => materialLine(m, lots, vendorLots, vendors)) : [],
      children,
      removed,
      hasChildren: children.length > 0 || (walk && unit.materials.length > 0),
    };
  };
  return build(g.unit, g.unit.serial, 0, undefined, false, new Set());
}

function materialLine(m: Installation, lots: Map<string, LotNode>, vendorLots: Map<string, VendorLotNode>, vendors: Map<string, VendorNode>): MaterialLine {
  const lot = lots.get(m.lotId);
  const unsettled = m.candidates !== undefined && m.candidates.settledTo === undefined;
  return {
    lotId: m.lotId,
    lotText: unsettled ? m.candidates!.inWords : m.lotId,
    ...(unsettled ? { candidateReason: m.candidates!.reason } : {}),
    refDes: m.refDes,
    quantity: m.quantity,
    lotStatus: m.lotStatus,
    lineage: lineageOf(m.lotId, lots),
    origin: lot?.origin ?? 'unknown',
    vendorLots: m.vendorLotIds.map((id) => {
      const vl = vendorLots.get(id);
      const vendorId = vl?.vendorId ?? '?';
      const vendor = vendors.get(vendorId);
      return {
        vendorLotId: id,
        vendorLotCode: vl?.vendorLotCode ?? id,
        ...(vl?.internalPartNumber ? { ipn: vl.internalPartNumber } : {}),
        mpn: vl?.mpn ?? '?',
        ...(vl?.manufacturer ? { manufacturer: vl.manufacturer } : {}),
        ...(vl?.dateCode ? { dateCode: vl.dateCode } : {}),
        ...(vl?.countryOfOrigin ? { countryOfOrigin: vl.countryOfOrigin } : {}),
        vendorId,
        ...(vendor?.name ? { vendorName: vendor.name } : {}),
        vendorStatus: vendor?.status ?? 'unknown',
      };
    }),
    provenance: m.provenance,
    removed: m.removed === true,
    ...(m.judgement ? { judgement: m.judgement } : {}),
  };
}

/** A lot's lineage back to its receipts, in words, breadth first; a cycle or a lot never seen ends its branch. */
export function lineageOf(lotId: string, lots: Map<string, LotNode>): string[] {
  const steps: string[] = [];
  const seen = new Set<string>();
  let frontier = [lotId];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const id of frontier) {
      if (seen.has(id)) continue;
      seen.add(id);
      const lot = lots.get(id);
      if (!lot || !lot.known) {
        steps.push(`${id}: never received (a gap)`);
        continue;
      }
      if (lot.receipt) steps.push(`${id}: received in ${lot.receipt.receiptId}`);
      for (const s of lot.sources) {
        steps.push(`${id}: ${s.kind === 'split' ? 'split from' : 'merged from'} ${s.lotIds.join(' + ')}`);
        next.push(...s.lotIds);
      }
    }
    frontier = next;
  }
  return steps;
}

/** The units to draw, top first, given which keys are expanded: a collapsed unit hides everything below it. */
export function visibleUnits(root: TreeUnit, expanded: ReadonlySet<string>): TreeUnit[] {
  const out: TreeUnit[] = [];
  const visit = (u: TreeUnit): void => {
    out.push(u);
    if (expanded.has(u.key)) u.children.forEach(visit);
  };
  visit(root);
  return out;
}

/** Every key of the tree: what "expand all" expands. */
export function allKeys(root: TreeUnit): string[] {
  return [root.key, ...root.children.flatMap(allKeys)];
}
