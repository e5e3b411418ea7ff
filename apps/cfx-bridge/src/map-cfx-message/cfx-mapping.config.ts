/** What the mapping needs beyond the message: who a vendor string is, and whose products a work order builds. */
export interface CfxMappingConfig {
  /** Contract vendor ids by the names CFX endpoints give them (`Vendor`, else `Manufacturer`), matched loosely. */
  vendorAliases: ReadonlyMap<string, string>;
  /** Brand and product of the units of each work order (CFX's `WorkOrderIdentifier.WorkOrderId`). */
  workOrders: ReadonlyMap<string, { brand: string; productPartNumber: string }>;
  /** Brands by the `Customer` names a WorkOrdersCreated gives them, matched loosely; a name not in it is the brand as written. */
  customerBrands?: ReadonlyMap<string, string>;
}

/** A vendor name as the alias table compares it: case, spacing and punctuation do not count. */
export const normalizeVendorName = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

/** Builds the alias table from `{ vendorId: [names...] }`; a vendor id is an alias of itself. */
export function vendorAliasTable(byVendor: Record<string, string[]>): Map<string, string> {
  const table = new Map<string, string>();
  for (const [vendorId, names] of Object.entries(byVendor)) {
    for (const name of [vendorId, ...names]) {
      const key = normalizeVendorName(name);
      const other = table.get(key);
      if (other !== undefined && other !== vendorId) throw new Error(`vendor alias '${name}' names both ${other} and ${vendorId}`);
      table.set(key, vendorId);
    }
  }
  return table;
}
