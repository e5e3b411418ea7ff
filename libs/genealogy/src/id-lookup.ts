import { Injectable } from '@nestjs/common';
import { AuthorityRepository } from './authority/authority.repository';
import { chronological, compare } from './facts/facts';
import { LookupRepository } from './lookup/lookup.repository';
import { shipmentUnitsOf } from './authority/shipment-units';
import { RecordSources, serialsInScope, sourcesOf, visibleSources, workOrderUnitsOf } from './lookup/records';
import { GenealogyRepository } from './storage/genealogy.repository';
import { agreedReceipt, brandOf, lotReceiptOf, unitStartOf } from './facts/claims';
import { BrandScope, inScope } from './genealogy.types';

/** What an exact id names in the graph. */
export type IdMatchKind = 'serial' | 'lot' | 'vendor' | 'vendorLot' | 'shipment' | 'workOrder';
export interface IdMatch {
  kind: IdMatchKind;
  /** The id of the page: the serial, lot, vendor, shipment or work order; for a vendor lot its id (JSON [vendorId, mpn, vendorLotCode]). */
  id: string;
  /** A few words to tell matches apart: the unit's product, the lot's origin, the vendor's name. */
  label?: string;
}

/**
 * Exact-id lookups for a search box: one read by `_id` per kind, all side by side, without the forward edges, then
 * (for a shipment or a work order) the buckets of its units and one read of the units to know their brands. A serial, shipment or work order outside the scope is
 * not a match: it looks exactly like one that does not exist. Vendor lot codes, shipment ids and work orders are read
 * from reverse indexes written with the events (see lookup/), never found by a scan.
 */
export async function findIds(stored: RecordSources, id: string, scope: BrandScope): Promise<IdMatch[]> {
  const src = visibleSources(stored);
  const [units, lots, vendors, codes, shipments, workOrders] = await Promise.all([
    src.findUnits([id]),
    src.findLots([id]),
    src.findVendors([id]),
    src.findVendorLotCodes([id]),
    shipmentUnitsOf(src, id).then((d) => (d ? [d] : [])),
    workOrderUnitsOf(src, id).then((d) => (d ? [d] : [])),
  ]);
  const matches: IdMatch[] = [];
  for (const u of units) {
    if (!inScope(scope, brandOf(u))) continue; // a brand in conflict: found by site-wide callers only
    const start = unitStartOf(u);
    const label = start.conflicts.length > 0 ? `conflicting starts (${start.conflicts.map((c) => c.field).join(', ')})` : `${start.agreed.brand} ${start.agreed.productPartNumber}, WO ${start.agreed.workOrder}`;
    matches.push({ kind: 'serial', id: u._id, ...(start.started ? { label } : {}) });
  }
  for (const l of lots) {
    const receipt = lotReceiptOf(l);
    const agreed = agreedReceipt(receipt);
    const label = agreed ? `received ${agreed.mpn} from ${agreed.vendorId}` : receipt.received ? `conflicting receipts (${receipt.conflicts.map((c) => c.field).join(', ')})` : undefined;
    matches.push({ kind: 'lot', id: l._id, ...(label !== undefined ? { label } : {}) });
  }
  for (const v of vendors) matches.push({ kind: 'vendor', id: v._id, ...(v.registration ? { label: v.registration.name } : {}) });
  for (const vl of [...new Set(codes.flatMap((c) => Object.values(c.vendorLots ?? {})))].sort(compare)) {
    const [vendorId, mpn] = JSON.parse(vl) as string[];
    matches.push({ kind: 'vendorLot', id: vl, label: `${mpn} of ${vendorId}` });
  }
  for (const s of shipments) {
    const shipped = chronological(s.units);
    const serials = [...new Set(shipped.map((u) => u.serial))];
    const visible = [...(await serialsInScope(src, serials, scope))];
    if (visible.length === 0) continue;
    const customers = [...new Set(shipped.filter((u) => visible.includes(u.serial)).map((u) => u.customer))].sort(compare);
    matches.push({ kind: 'shipment', id: s._id, label: `${visible.length} unit${visible.length === 1 ? '' : 's'} to ${customers.join(', ')}` });
  }
  for (const wo of workOrders) {
    const claimed = chronological(wo.units).filter((u) => inScope(scope, u.brand));
    const agreed = await serialsInScope(src, claimed.map((u) => u.serial), scope);
    const started = claimed.filter((u) => agreed.has(u.serial));
    const serials = new Set(started.map((u) => u.serial));
    if (serials.size === 0) continue;
    const products = [...new Set(started.map((u) => `${u.brand} ${u.productPartNumber}`))].sort(compare);
    matches.push({ kind: 'workOrder', id: wo._id, label: `${serials.size} unit${serials.size === 1 ? '' : 's'} of ${products.join(', ')}` });
  }
  return matches;
}

/** Exact-id lookups over the graph (see findIds). */
@Injectable()
export class IdLookup {
  private readonly src: RecordSources;

  constructor(graph: GenealogyRepository, authority: AuthorityRepository, lookup: LookupRepository) {
    this.src = sourcesOf(graph, authority, lookup);
  }

  find(id: string, scope: BrandScope): Promise<IdMatch[]> {
    return findIds(this.src, id, scope);
  }
}
