// The app's paths, kept apart from the router (which needs a window) so that pure modules and their specs can use them.
export const serialPath = (serial: string): string => `/serials/${encodeURIComponent(serial)}`;
export const lotPath = (lotId: string): string => `/lots/${encodeURIComponent(lotId)}`;
export const vendorPath = (vendorId: string): string => `/vendors/${encodeURIComponent(vendorId)}`;
export const reportPath = (jobId: string): string => `/reports/${encodeURIComponent(jobId)}`;
export const shipmentPath = (shipmentId: string): string => `/shipments/${encodeURIComponent(shipmentId)}`;
export const workOrderPath = (workOrder: string): string => `/work-orders/${encodeURIComponent(workOrder)}`;
/** The approver's page of a brand, and of one of its deviations. */
export const brandAuthorityPath = (brand: string): string => `/brands/${encodeURIComponent(brand)}/authority`;
export const deviationPath = (brand: string, deviationId: string): string => `/brands/${encodeURIComponent(brand)}/deviations/${encodeURIComponent(deviationId)}`;
/** A vendor lot by its natural key, one path segment each, so the deep link reads as the vendor's label does. */
export const vendorLotPath = (k: { vendorId: string; mpn: string; vendorLotCode: string }): string =>
  `/vendor-lots/${encodeURIComponent(k.vendorId)}/${encodeURIComponent(k.mpn)}/${encodeURIComponent(k.vendorLotCode)}`;

/** A vendor lot id of the API (JSON [vendorId, mpn, vendorLotCode]) as its key; undefined when it is not one. */
export function vendorLotKeyOf(vendorLotId: string): { vendorId: string; mpn: string; vendorLotCode: string } | undefined {
  try {
    const parsed: unknown = JSON.parse(vendorLotId);
    if (Array.isArray(parsed) && parsed.length === 3 && parsed.every((p) => typeof p === 'string')) {
      const [vendorId, mpn, vendorLotCode] = parsed as [string, string, string];
      return { vendorId, mpn, vendorLotCode };
    }
  } catch {
    // not JSON: not a vendor lot id
  }
  return undefined;
}

/** A step of a where-used path as a person reads it: a vendor lot by the code on its label, not the API's JSON id. */
export const stepLabel = (step: { kind: string; id: string }): string => (step.kind === 'vendorLot' ? `lot ${vendorLotKeyOf(step.id)?.vendorLotCode ?? step.id}` : step.id);
