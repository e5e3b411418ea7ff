import { Injectable } from '@nestjs/common';
import type { LotStatus, VendorStatus } from '@trace/contracts';
import { AuthorityRepository } from '../authority/authority.repository';
import { shipmentUnitsOf, type ShipmentUnitsReader } from '../authority/shipment-units';
import { brandOf, lotReceiptOf, unitStartOf } from '../facts/claims';
import { chronological, compare, lotStatusOf, vendorLotDetailsOf } from '../facts/facts';
import { type Provenance, type StoredProvenance, provenanceFrom } from '../facts/provenance';
import { BrandScope, inScope } from '../genealogy.types';
import { GenealogyRepository } from '../storage/genealogy.repository';
import type { LotDoc, UnitDoc, VendorDoc, VendorLotDoc } from '../storage/graph.documents';
import { bucketedUnits } from '../storage/lot-uses';
import { LookupRepository, type LookupReader } from './lookup.repository';
import type { WorkOrderDoc } from './lookup.documents';
import { FactView, type RetractionReader, visibleReader } from '../facts/visibility';

/** A fact's time as its event says it, and its provenance. */
function provAt(f: { prov: StoredProvenance }): { at: string; provenance: Provenance } {
  const provenance = provenanceFrom(f.prov);
  return { at: provenance.occurredAt, provenance };
}

/** A vendor lot as received: the vendor's label and every receipt with the package lots it came as. */
export interface VendorLotRecord {
  vendorLotId: string;
  vendorId: string;
  vendorName?: string;
  vendorStatus: VendorStatus | 'unknown';
  mpn: string;
  vendorLotCode: string;
  manufacturer?: string;
  internalPartNumber?: string;
  dateCode?: string;
  countryOfOrigin?: string;
  receipts: { receiptId: string; receivedAt: string; provenance: Provenance; lots: { lotId: string; quantity?: number; uom?: string; status: LotStatus | 'unknown' }[] }[];
}

/** A unit as a shipment or a work order lists it. */
export interface RecordUnit {
  serial: string;
  brand?: string;
  productPartNumber?: string;
  workOrder?: string;
  /** The customer it was shipped to (shipments only). */
  customer?: string;
  /** When the event that puts it on this record happened (shipped, started). */
  at: string;
  provenance: Provenance;
}

/** The units of a shipment the caller may see. */
export interface ShipmentRecord {
  shipmentId: string;
  units: RecordUnit[];
}

/** The units started under a work order that the caller may see. */
export interface WorkOrderRecord {
  workOrder: string;
  units: RecordUnit[];
}

/** The reads of the record pages, each one round trip by `_id`. */
export interface RecordSources extends LookupReader, ShipmentUnitsReader, RetractionReader {
  findVendorLots(ids: string[]): Promise<VendorLotDoc[]>;
  findVendors(ids: string[]): Promise<VendorDoc[]>;
  findLots(ids: string[]): Promise<LotDoc[]>;
  findUnits(serials: string[]): Promise<UnitDoc[]>;
}


/** A vendor lot with its vendor and package lots: three reads by `_id`, the last two side by side. */
export async function readVendorLot(stored: RecordSources, vendorLotId: string): Promise<VendorLotRecord | undefined> {
  const src = visibleSources(stored);
  const [doc] = await src.findVendorLots([vendorLotId]);
  if (!doc) return undefined;
  const receipts = chronological(doc.receipts);
  const lotIds = [...new Set(receipts.flatMap((r) => r.lotIds))];
  const [[vendor], lots] = await Promise.all([src.findVendors([doc.vendorId]), src.findLots(lotIds)]);
  const lotById = new Map(lots.map((l) => [l._id, l]));
  return {
    vendorLotId,
    vendorId: doc.vendorId,
    ...(vendor?.registration ? { vendorName: vendor.registration.name } : {}),
    vendorStatus: chronological(vendor?.statuses).at(-1)?.status ?? 'unknown',
    mpn: doc.mpn,
    vendorLotCode: doc.vendorLotCode,
    ...vendorLotDetailsOf(doc),
    receipts: receipts.map((r) => ({
      receiptId: r.receiptId,
      receivedAt: r.receivedAt,
      provenance: provenanceFrom(r.prov),
      lots: r.lotIds.map((lotId) => {
        const lot = lotById.get(lotId);
        const receipt = lotReceiptOf(lot).claims.find((c) => c.receiptId === r.receiptId);
        return { lotId, ...(receipt ? { quantity: receipt.quantity, uom: receipt.uom } : {}), status: lotStatusOf(lot) };
      }),
    })),
  };
}

/**
 * The sources as one query sees them: every read followed by the retractions of its events, retracted facts left out
 * (facts/visibility.ts), so a search or a record page agrees with the genealogy (a retraction resolves a conflict here too).
 */
export const visibleSources = (stored: RecordSources): RecordSources => visibleReader(stored, new FactView(stored));

/**
 * Which of `serials` a caller with `scope` may see: for a brand's key, those whose own claims agree on a brand in its
 * scope (one read by `_id`; a reverse index keeps what each event claimed, a conflict is no brand's); site-wide, all.
 */
export async function serialsInScope(src: RecordSources, serials: Iterable<string>, scope: BrandScope): Promise<Set<string>> {
  const wanted = [...new Set(serials)];
  if (scope.kind === 'site' || wanted.length === 0) return new Set(wanted);
  return new Set((await src.findUnits(wanted)).filter((u) => inScope(scope, brandOf(u))).map((u) => u._id));
}

/** A work order's units (its document, then its buckets a few at a time), as `src` sees them. */
export async function workOrderUnitsOf(src: RecordSources, workOrder: string): Promise<WorkOrderDoc | undefined> {
  const [doc] = await src.findWorkOrders([workOrder]);
  return doc && { _id: doc._id, units: await bucketedUnits(doc, (ids) => src.findWorkOrderUnits(ids)) };
}

/** A shipment's units in the caller's scope (its document and buckets, then its units by `_id`); undefined when none is, exactly as if it never shipped. */
export async function readShipment(stored: RecordSources, shipmentId: string, scope: BrandScope): Promise<ShipmentRecord | undefined> {
  const src = visibleSources(stored);
  const doc = await shipmentUnitsOf(src, shipmentId);
  const shipped = chronological(doc?.units);
  const units = new Map((await src.findUnits([...new Set(shipped.map((s) => s.serial))])).map((u) => [u._id, u]));
  const seen = new Set<string>();
  const listed = shipped.flatMap((s): RecordUnit[] => {
    const unit = units.get(s.serial);
    if (seen.has(s.serial) || !inScope(scope, brandOf(unit))) return [];
    seen.add(s.serial);
    return [{ serial: s.serial, ...unitFacts(unit), customer: s.customer, ...provAt(s) }];
  });
  return listed.length > 0 ? { shipmentId, units: listed.sort((a, b) => compare(a.serial, b.serial)) } : undefined;
}

/** A work order's units in the caller's scope (its document and buckets, and one read of its units for a brand's key); undefined when none is. */
export async function readWorkOrder(stored: RecordSources, workOrder: string, scope: BrandScope): Promise<WorkOrderRecord | undefined> {
  const src = visibleSources(stored);
  const doc = await workOrderUnitsOf(src, workOrder);
  const claimed = chronological(doc?.units).filter((u) => inScope(scope, u.brand));
  const visible = await serialsInScope(src, claimed.map((u) => u.serial), scope);
  const bySerial = new Map<string, RecordUnit>();
  for (const u of claimed) {
    if (!visible.has(u.serial)) continue;
    bySerial.set(u.serial, { serial: u.serial, brand: u.brand, productPartNumber: u.productPartNumber, workOrder, ...provAt(u) });
  }
  return bySerial.size > 0 ? { workOrder, units: [...bySerial.values()].sort((a, b) => compare(a.serial, b.serial)) } : undefined;
}

function unitFacts(unit: UnitDoc | undefined): Pick<RecordUnit, 'brand' | 'productPartNumber' | 'workOrder'> {
  const { agreed } = unitStartOf(unit);
  return {
    ...(agreed.brand !== undefined ? { brand: agreed.brand } : {}),
    ...(agreed.productPartNumber !== undefined ? { productPartNumber: agreed.productPartNumber } : {}),
    ...(agreed.workOrder !== undefined ? { workOrder: agreed.workOrder } : {}),
  };
}

/** The pages the search box reaches besides serials, lots and vendors: vendor lots, shipments, work orders. */
@Injectable()
export class RecordReader {
  private readonly src: RecordSources;

  constructor(graph: GenealogyRepository, authority: AuthorityRepository, lookup: LookupRepository) {
    this.src = sourcesOf(graph, authority, lookup);
  }

  vendorLot(vendorLotId: string): Promise<VendorLotRecord | undefined> {
    return readVendorLot(this.src, vendorLotId);
  }
  shipment(shipmentId: string, scope: BrandScope): Promise<ShipmentRecord | undefined> {
    return readShipment(this.src, shipmentId, scope);
  }
  workOrder(workOrder: string, scope: BrandScope): Promise<WorkOrderRecord | undefined> {
    return readWorkOrder(this.src, workOrder, scope);
  }
}

/** The record pages' reads out of the graph's, authority's and lookup's repositories. */
export function sourcesOf(graph: GenealogyRepository, authority: Pick<AuthorityRepository, 'findShipmentUnits' | 'findShipmentUnitBuckets'>, lookup: LookupReader): RecordSources {
  return {
    findVendorLots: (ids) => graph.findVendorLots(ids),
    findVendors: (ids) => graph.findVendors(ids, true),
    findLots: (ids) => graph.findLots(ids, { withoutForwardEdges: true }),
    findUnits: (ids) => graph.findUnits(ids),
    findShipmentUnits: (ids) => authority.findShipmentUnits(ids),
    findShipmentUnitBuckets: (ids) => authority.findShipmentUnitBuckets(ids),
    findVendorLotCodes: (codes) => lookup.findVendorLotCodes(codes),
    findWorkOrders: (ids) => lookup.findWorkOrders(ids),
    findWorkOrderUnits: (ids) => lookup.findWorkOrderUnits(ids),
    findRetractions: (ids) => graph.findRetractions(ids),
  };
}
