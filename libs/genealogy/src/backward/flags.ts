import type { LotStatus, VendorStatus } from '@trace/contracts';
import type { Flag, LotNode, VendorLotNode, VendorNode } from '../genealogy.types';

const BLOCKING_LOT_STATUSES: readonly (LotStatus | 'unknown')[] = ['hold', 'quarantined', 'scrapped'];
/** The flags of a genealogy: material from vendors not approved (or of no known status), installed lots that are blocked. */
export function flagsFor(
  lots: Map<string, LotNode>,
  vendors: Map<string, VendorNode>,
  vendorLots: Map<string, VendorLotNode>,
  lotSerials: Map<string, Set<string>>,
): Flag[] {
  const flags: Flag[] = [];
  // Serials behind each vendor: through the installed lots whose lineage reaches the vendor's lots.
  const vendorSerials = new Map<string, Set<string>>();
  for (const [lotId, serials] of lotSerials) {
    for (const vl of lots.get(lotId)?.vendorLotIds ?? []) {
      const vendorId = vendorLots.get(vl)?.vendorId;
      if (vendorId === undefined) continue;
      const set = vendorSerials.get(vendorId) ?? new Set<string>();
      serials.forEach((s) => set.add(s));
      vendorSerials.set(vendorId, set);
    }
  }
  for (const v of vendors.values()) {
    const serials = [...(vendorSerials.get(v.vendorId) ?? [])].sort();
    if (v.status === 'unknown') {
      flags.push({ code: 'VENDOR_STATUS_UNKNOWN', vendorId: v.vendorId, serials, message: `vendor ${v.vendorId} has no approval status on record` });
    } else if (v.status !== 'approved') {
      flags.push({
        code: 'VENDOR_NOT_APPROVED',
        vendorId: v.vendorId,
        serials,
        message: `material from vendor ${v.name ?? v.vendorId} whose status is ${v.status as VendorStatus}`,
      });
    }
  }
  for (const l of lots.values()) {
    if (!BLOCKING_LOT_STATUSES.includes(l.status)) continue;
    // A blocked ancestor matters only through the installed lots; flag each installed lot that is blocked itself.
    const serials = [...(lotSerials.get(l.lotId) ?? [])].sort();
    flags.push({ code: 'LOT_NOT_RELEASED', lotId: l.lotId, serials, message: `lot ${l.lotId} is ${l.status}` });
  }
  return flags;
}
