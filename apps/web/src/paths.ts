// The app's paths, kept apart from the router (which needs a window) so that pure modules and their specs can use them.
export const serialPath = (serial: string): string => `/serials/${encodeURIComponent(serial)}`;
export const lotPath = (lotId: string): string => `/lots/${encodeURIComponent(lotId)}`;
export const vendorPath = (vendorId: string): string => `/vendors/${encodeURIComponent(vendorId)}`;
export const reportPath = (jobId: string): string => `/reports/${encodeURIComponent(jobId)}`;
