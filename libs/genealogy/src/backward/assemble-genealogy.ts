import { detachmentOf, disassemblyOf, removalOf } from '../facts/as-built';
import { FieldConflict, agreedReceipt, brandOf, lotReceiptOf, unitStartOf } from '../facts/claims';
import { candidatesOf, lotsInWords, lotsOfInstall, splicePointsOf } from '../facts/candidates';
import { chronological, compare, lotStatusOf, vendorLotDetailsOf } from '../facts/facts';
import { provenanceFrom } from '../facts/provenance';
import { Flag, Gap, GapCode, Genealogy, Installation, LotNode, SITE_WIDE, UnitNode, VendorLotNode, VendorNode, inScope } from '../genealogy.types';
import type { FetchedGraph } from './graph-fetcher';
import { flagsFor } from './flags';
import type { RetractedFact, Retraction } from '../facts/visibility';
import type { FactMap, Timed } from '../storage/graph.documents';

/**
 * How a genealogy is told: as built now (default), or with what rework removed since and what was retracted
 * (`history`); as of a moment (`asOf`: only facts that happened at or before it).
 */
export interface GenealogyOptions {
  history?: boolean;
  asOf?: Date;
}

/** A fact as the assembly reads it: visible, or (history) retracted with its retraction. */
type Maybe<T> = T & { retraction?: Retraction };
/** The visible facts of a map and, with history, the retracted ones beside them, in the order they happened. */
const factsOf = <T extends Timed>(visible: FactMap<T> | undefined, retracted: FactMap<RetractedFact<Timed>> | undefined, history: boolean): Maybe<T>[] =>
  chronological<Maybe<T>>(history && retracted ? { ...visible, ...(retracted as FactMap<Maybe<T>>) } : visible);

/**
 * Builds the answer from fetched documents. Pure: the same documents give the same answer. What rework took
 * out (decided by occurredAt, see as-built.ts) is left out, or with `history` kept and marked removed.
 */
export function assembleGenealogy(serial: string, g: FetchedGraph, { history = false }: GenealogyOptions = {}): Genealogy {
  const gaps = new Map<string, Gap>();
  const gap = (code: GapCode, id: string, by: string, message: string): void => {
    const key = `${code}\u0000${id}`;
    const existing = gaps.get(key);
    if (existing) {
      if (!existing.referencedBy.includes(by)) existing.referencedBy.push(by);
    } else gaps.set(key, { code, id, message, referencedBy: [by] });
  };

  const vendors = new Map<string, VendorNode>();
  const vendorNode = (vendorId: string, by: string): VendorNode => {
    let node = vendors.get(vendorId);
    if (!node) {
      const doc = g.vendors.get(vendorId);
      const history = chronological(doc?.statuses).map((s) => ({ status: s.status, reason: s.reason, provenance: provenanceFrom(s.prov) }));
      node = {
        vendorId,
        registered: doc?.registration !== undefined,
        ...(doc?.registration ? { name: doc.registration.name, country: doc.registration.country, provenance: provenanceFrom(doc.registration.prov) } : {}),
        status: history.at(-1)?.status ?? 'unknown',
        statusHistory: history,
      };
      vendors.set(vendorId, node);
    }
    if (!node.registered) gap('VENDOR_NEVER_REGISTERED', vendorId, by, `vendor ${vendorId} supplied material but was never registered`);
    return node;
  };

  const vendorLots = new Map<string, VendorLotNode>();
  const lots = new Map<string, LotNode>();
  // CONFLICTING_FACTS: claims that disagree, per serial or lot and field, with every value and its provenance.
  const conflicts: { subject: { serial: string } | { lotId: string }; conflict: FieldConflict }[] = [];
  const lotNode = (lotId: string, path: string[]): LotNode => {
    const done = lots.get(lotId);
    if (done) return done;
    const doc = g.lots.get(lotId);
    const history = chronological(doc?.statuses).map((s) => ({ status: s.status, reason: s.reason, provenance: provenanceFrom(s.prov) }));
    const sources = chronological(doc?.sources).map((s) => ({
      kind: s.kind,
      lotIds: s.lotIds,
      ...(s.quantity !== undefined ? { quantity: s.quantity } : {}),
      provenance: provenanceFrom(s.prov),
    }));
    const receipt = lotReceiptOf(doc);
    const node: LotNode = {
      lotId,
      known: doc !== undefined,
      status: lotStatusOf(doc),
      statusHistory: history,
      origin: receipt.received ? 'received' : sources[0]?.kind ?? 'unknown',
      sources,
      vendorLotIds: [],
      ...(doc?.splices ? { splices: chronological(doc.splices).map(({ at: _at, prov, ...splice }) => ({ ...splice, provenance: provenanceFrom(prov) })) } : {}),
    };
    lots.set(lotId, node);
    const roots = new Set<string>();
    const agreed = agreedReceipt(receipt);
    if (agreed) {
      node.receipt = { receiptId: agreed.receiptId, vendorLotId: agreed.vendorLotId, quantity: agreed.quantity, uom: agreed.uom, receivedAt: agreed.receivedAt, provenance: agreed.provenance };
    } else if (receipt.received) {
      // No side picked: the receipt is told as conflicting, and the lot descends from every vendor lot claimed.
      node.conflictingFields = receipt.conflicts.map((c) => c.field);
      for (const c of receipt.conflicts) conflicts.push({ subject: { lotId }, conflict: c });
    }
    for (const r of receipt.claims) {
      roots.add(r.vendorLotId);
      vendorLotNode(r.vendorLotId, r.vendorId, lotId);
    }
    for (const s of sources) {
      for (const src of s.lotIds) {
        if (path.includes(src)) {
          gap('LOT_LINEAGE_CYCLE', src, lotId, `lot ${src} descends from itself through ${[...path, lotId].join(' -> ')}`);
          continue;
        }
        const parent = lotNode(src, [...path, lotId]);
        if (parent.origin === 'unknown') gap('LOT_NEVER_RECEIVED', src, lotId, neverReceived(src));
        for (const root of parent.vendorLotIds) roots.add(root);
      }
    }
    node.vendorLotIds = [...roots].sort();
    return node;
  };

  const vendorLotNode = (id: string, vendorIdFromLot: string, by: string): void => {
    if (vendorLots.has(id)) return;
    const doc = g.vendorLots.get(id);
    if (!doc) {
      gap('VENDOR_LOT_NEVER_RECEIVED', id, by, `vendor lot ${id} is referenced by lot ${by} but has no receipt`);
      vendorNode(vendorIdFromLot, id);
      return;
    }
    vendorLots.set(id, {
      vendorLotId: id,
      vendorId: doc.vendorId,
      mpn: doc.mpn,
      vendorLotCode: doc.vendorLotCode,
      ...vendorLotDetailsOf(doc),
      receipts: chronological(doc.receipts).map((r) => ({ receiptId: r.receiptId, receivedAt: r.receivedAt, lotIds: r.lotIds, provenance: provenanceFrom(r.prov) })),
    });
    vendorNode(doc.vendorId, id);
  };

  let unitCount = 0;
  let installationCount = 0;
  const lotSerials = new Map<string, Set<string>>();
  const scope = g.scope ?? SITE_WIDE;
  // Each unit is told once, under the first parent that reaches it (depth first, in the order things were built);
  // every other parent gets a reference: the answer grows with the distinct units, never with the paths to them.
  const told = new Map<string, { unit: UnitNode; parents: Set<string> }>();
  const unitNode = (s: string, path: string[], isTop: boolean): UnitNode => {
    const parent = path.at(-1);
    const already = told.get(s);
    if (already) {
      if (parent !== undefined) already.parents.add(parent);
      return referenceTo(already.unit);
    }
    const doc = g.units.get(s);
    const start = unitStartOf(doc);
    const started = start.started ? start.agreed : undefined;
    if (!isTop && started && !inScope(scope, brandOf(doc))) {
      // Another brand's sub-assembly (or one whose brand is in conflict): that it is there, its serial and its
      // product if agreed; nothing it holds, nothing of its owner, nothing of a conflict.
      const node: UnitNode = {
        serial: s,
        started: true,
        ...(started.productPartNumber !== undefined ? { productPartNumber: started.productPartNumber } : {}),
        withheld: true,
        shipped: false,
        shipments: [],
        materials: [],
        subAssemblies: [],
      };
      told.set(s, { unit: node, parents: new Set(parent !== undefined ? [parent] : []) });
      return node;
    }
    const entry = { unit: undefined as unknown as UnitNode, parents: new Set(parent !== undefined ? [parent] : []) };
    told.set(s, entry);
    unitCount++;
    if (!started) {
      gap(isTop ? 'SERIAL_NEVER_STARTED' : 'CHILD_SERIAL_NEVER_STARTED', s, parent ?? s,
        isTop ? `serial ${s} has material or sub-assemblies but was never started` : `sub-assembly ${s} is built into ${parent} but was never started`);
    }
    // A unit of no known brand is followed only for site-wide callers: its materials could be anyone's.
    const open = isTop || inScope(scope, brandOf(doc));
    const materials: Installation[] = (open ? factsOf(doc?.installs, doc?.retracted?.installs, history) : []).flatMap((i): Installation[] => {
      const retraction = i.retraction;
      const removal = !retraction && doc ? removalOf(doc, i) : undefined;
      if (removal && !history) return [];
      if (retraction) {
        // Listed for the auditor, and nothing else: a retracted installation never happened, so it counts nowhere.
        const lot = lotNode(i.lotId, []);
        return [{ lotId: i.lotId, quantity: i.quantity, refDes: i.refDes, lotStatus: lot.status, vendorLotIds: lot.vendorLotIds, provenance: provenanceFrom(i.prov), retracted: true, retraction }];
      }
      installationCount++;
      // A grey-zone placement stands for every candidate package until a splice point settles it (candidates.ts).
      const reading = i.candidates ? candidatesOf(i, splicePointsOf(i.candidates.lotIds.map((id) => g.lots.get(id)))) : undefined;
      const standsFor = lotsOfInstall(i, reading);
      const vendorLotIds = new Set<string>();
      let only: LotNode | undefined; // one lot (nearly every installation): its vendor lots are sorted and distinct already
      for (const id of standsFor) {
        const lot = lotNode(id, []);
        if (lot.origin === 'unknown') gap('LOT_NEVER_RECEIVED', id, s, neverReceived(id));
        if (standsFor.length === 1) only = lot;
        else lot.vendorLotIds.forEach((v) => vendorLotIds.add(v));
        const serials = lotSerials.get(id);
        if (serials) serials.add(s);
        else lotSerials.set(id, new Set([s]));
      }
      const lotId = standsFor.length === 1 ? standsFor[0]! : i.lotId;
      return [{
        lotId,
        quantity: i.quantity,
        refDes: i.refDes,
        lotStatus: (only ?? lotNode(lotId, [])).status,
        vendorLotIds: only ? only.vendorLotIds.slice() : [...vendorLotIds].sort(),
        provenance: provenanceFrom(i.prov),
        ...(removal ? { removed: true, removal } : {}),
        ...(i.placements ? { placements: i.placements } : {}),
        ...(i.bomPartNumber !== undefined ? { bomPartNumber: i.bomPartNumber } : {}),
        ...(reading ? { candidates: { ...reading, inWords: lotsInWords(standsFor) } } : {}),
      }];
    });
    const node: UnitNode = {
      serial: s,
      started: started !== undefined,
      // Only what the claims agree on; a field in conflict is named in conflictingFields and flagged, never one side.
      ...(started?.brand !== undefined ? { brand: started.brand } : {}),
      ...(started?.productPartNumber !== undefined ? { productPartNumber: started.productPartNumber } : {}),
      ...(started?.workOrder !== undefined ? { workOrder: started.workOrder } : {}),
      ...(start.provenance ? { provenance: start.provenance } : {}),
      ...(start.conflicts.length > 0 ? { conflictingFields: start.conflicts.map((c) => c.field) } : {}),
      shipped: false,
      shipments: [],
      materials,
      subAssemblies: [],
      ...(open ? {} : { withheld: true }),
    };
    entry.unit = node;
    for (const c of start.conflicts) conflicts.push({ subject: { serial: s }, conflict: c });
    node.subAssemblies = (open ? factsOf(doc?.children, doc?.retracted?.children, history) : []).flatMap((c) => {
      const retraction = c.retraction;
      const removal = !retraction && doc ? disassemblyOf(doc, c) : undefined;
      if (removal && !history) return [];
      if (c.childSerial === s || path.includes(c.childSerial)) {
        gap('ASSEMBLY_CYCLE', c.childSerial, s, `serial ${c.childSerial} is assembled into itself through ${[...path, s].join(' -> ')}`);
        return [];
      }
      const child = unitNode(c.childSerial, [...path, s], false);
      // Taken out of one parent and built into another is rework, not a conflict: only links in place count.
      if (removal || retraction) told.get(c.childSerial)?.parents.delete(s);
      return [{
        ...(c.refDes !== undefined ? { refDes: c.refDes } : {}),
        provenance: provenanceFrom(c.prov),
        unit: child,
        ...(removal ? { removed: true, removal } : {}),
        ...(retraction ? { retracted: true, retraction } : {}),
      }];
    });
    node.shipments = open ? chronological(doc?.shipments).map((x) => ({ shipmentId: x.shipmentId, customer: x.customer, provenance: provenanceFrom(x.prov) })) : [];
    node.shipped = node.shipments.length > 0;
    const disqualifications = open ? chronological(doc?.disqualifications).map((x) => ({ reason: x.reason, provenance: provenanceFrom(x.prov) })) : [];
    if (disqualifications.length > 0) node.disqualifications = disqualifications;
    return node;
  };

  const unit = unitNode(serial, [], true);
  for (const [child, { parents }] of told) {
    if (parents.size < 2) continue;
    const names = [...parents].sort(compare);
    for (const p of names) gap('UNIT_IN_TWO_PARENTS', child, p, `sub-assembly ${child} is built into ${names.join(' and ')} at once: it is shown in full under the first and by reference under the others`);
  }
  // A child built into two parents at once (no disassembly between): a conflict on its parent. Told to a scoped
  // caller only when every parent is in the answer, so it names no unit the caller may not see.
  for (const [s, { unit: node }] of told) {
    const doc = g.units.get(s);
    if (!doc || node.withheld) continue;
    const inPlace = Object.values(doc.parents ?? {}).filter((p) => !detachmentOf(doc, p));
    const parents = [...new Set(inPlace.map((p) => p.serial))].sort(compare);
    if (parents.length < 2 || (scope.kind !== 'site' && !parents.every((p) => told.has(p)))) continue;
    const values = parents.map((p) => ({ value: p, provenance: inPlace.filter((x) => x.serial === p).map((x) => provenanceFrom(x.prov)).sort((a, b) => compare(a.eventId, b.eventId)) }));
    conflicts.push({ subject: { serial: s }, conflict: { field: 'parentSerial', values } });
  }
  const flags = [...flagsFor(lots, vendors, vendorLots, lotSerials), ...conflicts.map((c) => conflictFlag(c.subject, c.conflict, lotSerials))];
  const sortedVendorLots = [...vendorLots.values()].sort((a, b) => compare(a.vendorLotId, b.vendorLotId));
  const sortedVendors = [...vendors.values()].sort((a, b) => compare(a.vendorId, b.vendorId));
  return {
    serial,
    unit,
    lots: [...lots.values()].sort((a, b) => compare(a.lotId, b.lotId)),
    vendorLots: sortedVendorLots,
    vendors: sortedVendors,
    summary: {
      units: unitCount,
      installations: installationCount,
      vendors: sortedVendors.map((v) => ({ vendorId: v.vendorId, ...(v.name !== undefined ? { name: v.name } : {}), status: v.status })),
      vendorLots: sortedVendorLots.map((v) => ({ vendorLotId: v.vendorLotId, vendorId: v.vendorId, mpn: v.mpn, vendorLotCode: v.vendorLotCode })),
      flags,
    },
    gaps: [...gaps.values()],
    roundTrips: g.roundTrips,
  };
}

/** What a parent other than the first shows of a shared sub-assembly: which unit, and that it is told elsewhere. */
const referenceTo = (u: UnitNode): UnitNode => ({
  serial: u.serial,
  started: u.started,
  ...(u.productPartNumber !== undefined ? { productPartNumber: u.productPartNumber } : {}),
  ...(u.withheld ? { withheld: true } : {}),
  shownElsewhere: true,
  shipped: false,
  shipments: [],
  materials: [],
  subAssemblies: [],
});

/** The CONFLICTING_FACTS flag of one field of one serial or lot: every value, with the events that claimed it. */
function conflictFlag(subject: { serial: string } | { lotId: string }, conflict: FieldConflict, lotSerials: Map<string, Set<string>>): Flag {
  const isSerial = 'serial' in subject;
  const name = isSerial ? `serial ${subject.serial}` : `lot ${subject.lotId}`;
  const told = conflict.values.map((v) => `${v.value} (${v.provenance.map((p) => p.eventId).join(', ')})`).join(' against ');
  const judged = isSerial && (conflict.field === 'brand' || conflict.field === 'productPartNumber') ? '; it cannot be judged against a brand\'s authority until one side is retracted' : '';
  return {
    code: 'CONFLICTING_FACTS',
    ...subject,
    field: conflict.field,
    values: conflict.values,
    serials: isSerial ? [subject.serial] : [...(lotSerials.get(subject.lotId) ?? [])].sort(compare),
    message: `${name}: conflicting ${conflict.field}: ${told}${judged}`,
  };
}

const neverReceived = (lotId: string): string => `lot ${lotId} is used but no event received, split or merged it`;
