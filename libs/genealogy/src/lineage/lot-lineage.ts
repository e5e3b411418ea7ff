import { agreedReceipt, lotReceiptOf } from '../facts/claims';
import { Injectable } from '@nestjs/common';
import type { LotStatus } from '@trace/contracts';
import { chronological, compare, lotStatusOf } from '../facts/facts';
import { type Provenance, provenanceFrom } from '../facts/provenance';
import type { LotStatusChange } from '../genealogy.types';
import { GenealogyRepository } from '../storage/genealogy.repository';
import type { LotDoc, VendorLotDoc } from '../storage/graph.documents';
import type { LotReads } from '../storage/lot-derived';

/** Where a lot of a lineage stands relative to the lot asked about. */
export type LineageRelation = 'self' | 'source' | 'derived';

/** A package lot of a lineage. */
export interface LineageLot {
  lotId: string;
  relation: LineageRelation;
  /** Some event named it as more than a reference (received, split, merged, a status). */
  known: boolean;
  status: LotStatus | 'unknown';
  origin: 'received' | 'split' | 'merge' | 'unknown';
  receipt?: { receiptId: string; vendorLotId: string; quantity: number; uom: string; receivedAt: string };
}

/** A vendor lot a lot of the lineage was received as. */
export interface LineageVendorLot {
  vendorLotId: string;
  vendorId: string;
  mpn: string;
  vendorLotCode: string;
  /** Received: false when a lot names it but no MaterialReceived recorded it. */
  known: boolean;
}

/** One edge of a lineage: material flowing from a vendor lot (receipt) or a lot (split, merge) into a lot. */
export interface LineageEdge {
  from: { kind: 'vendorLot' | 'lot'; id: string };
  to: string;
  via: 'received' | 'split' | 'merge';
  quantity?: number;
  provenance: Provenance;
}

/** A lot's lineage: back through splits and merges to its receipts, forward to every lot made of it. */
export interface LotLineage {
  lotId: string;
  status: LotStatus | 'unknown';
  /** Every status change of the lot, in the order they happened. */
  statusHistory: LotStatusChange[];
  lots: LineageLot[];
  vendorLots: LineageVendorLot[];
  edges: LineageEdge[];
  /** Database round trips: one per level of the deeper direction (more for an outlier lot's buckets), plus one for the vendor lots. */
  roundTrips: number;
}

/** The reads a lineage needs, each one round trip by `_id`. GenealogyRepository is one; tests pass fakes. */
export interface LineageReader {
  /** `read.stats` counts an outlier's bucket reads (lotsWithDerived) beside the lineage's own. */
  findLots(ids: string[], read?: LotReads): Promise<LotDoc[]>;
  findVendorLots(ids: string[]): Promise<VendorLotDoc[]>;
}

/**
 * Reads a lot's lineage level by level, both directions in the same round trip (sources of the lots reached backward,
 * derived lots of those reached forward), never a scan. Lots are site facts: the lineage is the same for every scope;
 * what reaches a brand's units is the where-used's answer. Undefined when no event ever named the lot.
 */
export async function traceLotLineage(reader: LineageReader, lotId: string): Promise<LotLineage | undefined> {
  const lots = new Map<string, { doc: LotDoc | undefined; relation: LineageRelation }>();
  const edges = new Map<string, LineageEdge>();
  // The same flow is told by both of its ends (a split's `derived` and the new lot's `sources`): one edge, keeping the
  // quantity, which only the new lot's end carries.
  const addEdge = (e: LineageEdge): void => {
    const key = JSON.stringify([e.from.kind, e.from.id, e.to, e.via, e.provenance.eventId]);
    const had = edges.get(key);
    if (!had || (had.quantity === undefined && e.quantity !== undefined)) edges.set(key, e);
  };
  let frontier: { id: string; relation: LineageRelation }[] = [{ id: lotId, relation: 'self' }];
  const seen = new Set([lotId]);
  const stats = { roundTrips: 0 };
  while (frontier.length > 0) {
    const docs = new Map((await reader.findLots(frontier.map((f) => f.id), { stats })).map((d) => [d._id, d]));
    stats.roundTrips++;
    const next: typeof frontier = [];
    const visit = (id: string, relation: LineageRelation): void => {
      if (seen.has(id)) return;
      seen.add(id);
      next.push({ id, relation });
    };
    for (const { id, relation } of frontier) {
      const doc = docs.get(id);
      lots.set(id, { doc, relation });
      for (const s of chronological(doc?.sources)) {
        for (const src of s.lotIds) {
          // A lot made from this one tells its quantity on its own side; its other sources are not this lineage.
          if (relation === 'derived' && !seen.has(src)) continue;
          addEdge({ from: { kind: 'lot', id: src }, to: id, via: s.kind, ...(s.quantity !== undefined ? { quantity: s.quantity } : {}), provenance: provenanceFrom(s.prov) });
          if (relation !== 'derived') visit(src, 'source');
        }
      }
      if (relation !== 'source') {
        for (const d of chronological(doc?.derived)) {
          for (const to of d.lotIds) {
            addEdge({ from: { kind: 'lot', id }, to, via: d.kind, provenance: provenanceFrom(d.prov) });
            visit(to, 'derived');
          }
        }
      }
    }
    frontier = next;
  }
  const self = lots.get(lotId)?.doc;
  if (!self) return undefined;

  // Every receipt claimed: a lot whose receipts conflict descends from each vendor lot claimed (see facts/claims.ts).
  const receipts = [...lots.values()].flatMap(({ doc }) => lotReceiptOf(doc).claims.map((receipt) => ({ lotId: doc!._id, receipt })));
  const vendorLotIds = [...new Set(receipts.map((r) => r.receipt.vendorLotId))].sort(compare);
  const vendorLotDocs = vendorLotIds.length > 0 ? await reader.findVendorLots(vendorLotIds) : [];
  if (vendorLotIds.length > 0) stats.roundTrips++;
  const vendorLotById = new Map(vendorLotDocs.map((v) => [v._id, v]));
  for (const { lotId: to, receipt } of receipts) addEdge({ from: { kind: 'vendorLot', id: receipt.vendorLotId }, to, via: 'received', quantity: receipt.quantity, provenance: provenanceFrom(receipt.prov) });

  return {
    lotId,
    status: lotStatusOf(self),
    statusHistory: chronological(self.statuses).map((s) => ({ status: s.status, reason: s.reason, provenance: provenanceFrom(s.prov) })),
    lots: [...lots].map(([id, { doc, relation }]): LineageLot => {
      const receipt = lotReceiptOf(doc);
      const agreed = agreedReceipt(receipt);
      return {
        lotId: id,
        relation,
        known: doc !== undefined,
        status: lotStatusOf(doc),
        origin: receipt.received ? 'received' : (chronological(doc?.sources)[0]?.kind ?? 'unknown'),
        ...(agreed ? { receipt: { receiptId: agreed.receiptId, vendorLotId: agreed.vendorLotId, quantity: agreed.quantity, uom: agreed.uom, receivedAt: agreed.receivedAt } } : {}),
      };
    }),
    vendorLots: vendorLotIds.map((id): LineageVendorLot => {
      const doc = vendorLotById.get(id);
      const [vendorId = '', mpn = '', vendorLotCode = ''] = doc ? [doc.vendorId, doc.mpn, doc.vendorLotCode] : keyOf(id);
      return { vendorLotId: id, vendorId, mpn, vendorLotCode, known: doc !== undefined };
    }),
    edges: [...edges.values()],
    roundTrips: stats.roundTrips,
  };
}

function keyOf(vendorLotId: string): string[] {
  try {
    const parsed: unknown = JSON.parse(vendorLotId);
    return Array.isArray(parsed) ? parsed.map(String) : [];
  } catch {
    return [];
  }
}

/** A lot's lineage from the graph (see traceLotLineage). */
@Injectable()
export class LotLineageTracer {
  constructor(private readonly repo: GenealogyRepository) {}

  trace(lotId: string): Promise<LotLineage | undefined> {
    return traceLotLineage(this.repo, lotId);
  }
}
