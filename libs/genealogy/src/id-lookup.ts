import { Injectable } from '@nestjs/common';
import { GenealogyRepository } from './storage/genealogy.repository';
import { agreedReceipt, brandOf, lotReceiptOf, unitStartOf } from './facts/claims';
import { BrandScope, inScope } from './genealogy.types';

/** What an exact id names in the graph. */
export type IdMatchKind = 'serial' | 'lot' | 'vendor';
export interface IdMatch {
  kind: IdMatchKind;
  id: string;
  /** A few words to tell matches apart: the unit's product, the lot's origin, the vendor's name. */
  label?: string;
}

/**
 * Exact-id lookups for a search box: one read by `_id` per kind, all side by side, without the forward edges.
 * A serial outside the scope is not a match (it looks exactly like one that does not exist).
 */
@Injectable()
export class IdLookup {
  constructor(private readonly repo: GenealogyRepository) {}

  async find(id: string, scope: BrandScope): Promise<IdMatch[]> {
    const [units, lots, vendors] = await Promise.all([this.repo.findUnits([id]), this.repo.findLots([id], true), this.repo.findVendors([id], true)]);
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
    return matches;
  }
}
