// The API's answers as the web app reads them (the OpenAPI document at /docs is the reference). Declared here, not
// imported from the libs: the browser bundle is an HTTP client of the API and carries none of the server's code.

export type Role = 'quality' | 'auditor' | 'admin';

export interface SessionInfo {
  keyId: string;
  role: Role;
  brands: string[] | '*';
  label?: string;
  csrfToken: string;
  expiresAt: string;
  idleExpiresAt: string;
}

export interface Provenance {
  eventId: string;
  type: string;
  source: string;
  occurredAt: string;
  topic: string;
  partition: number;
  offset: string;
}

export interface Removal {
  reason?: string;
  provenance?: Provenance;
}

export interface Shipment {
  shipmentId: string;
  customer: string;
  provenance: Provenance;
}

export interface Installation {
  lotId: string;
  quantity: number;
  refDes: string[];
  lotStatus: string;
  vendorLotIds: string[];
  provenance: Provenance;
  removed?: boolean;
  removal?: Removal;
}

export interface SubAssembly {
  refDes?: string;
  provenance: Provenance;
  unit: UnitNode;
  removed?: boolean;
  removal?: Removal;
}

export interface UnitNode {
  serial: string;
  started: boolean;
  brand?: string;
  productPartNumber?: string;
  workOrder?: string;
  shipped: boolean;
  shipments: Shipment[];
  provenance?: Provenance;
  materials: Installation[];
  subAssemblies: SubAssembly[];
}

export interface LotNode {
  lotId: string;
  known: boolean;
  status: string;
  statusHistory: { status: string; reason: string; provenance: Provenance }[];
  origin: 'received' | 'split' | 'merge' | 'unknown';
  receipt?: { receiptId: string; vendorLotId: string; quantity: number; uom: string; receivedAt: string; provenance: Provenance };
  sources: { kind: 'split' | 'merge'; lotIds: string[]; quantity?: number; provenance: Provenance }[];
  vendorLotIds: string[];
}

export interface VendorLotNode {
  vendorLotId: string;
  vendorId: string;
  mpn: string;
  vendorLotCode: string;
  manufacturer?: string;
  internalPartNumber?: string;
  dateCode?: string;
  countryOfOrigin?: string;
}

export interface VendorNode {
  vendorId: string;
  registered: boolean;
  name?: string;
  country?: string;
  status: string;
  provenance?: Provenance;
}

export interface Genealogy {
  serial: string;
  unit: UnitNode;
  lots: LotNode[];
  vendorLots: VendorLotNode[];
  vendors: VendorNode[];
  summary: { units: number; installations: number; flags: { code: string; message: string; vendorId?: string; lotId?: string; serials: string[] }[] };
  gaps: { code: string; message: string; id: string; referencedBy: string[] }[];
}

export interface PathStep {
  kind: 'vendor' | 'vendorLot' | 'lot' | 'serial';
  id: string;
  via?: string;
}

export interface WhereUsedRow {
  lotId: string;
  serial: string;
  topSerial: string;
  brand?: string;
  productPartNumber?: string;
  shipped: boolean;
  shipments: { shipmentId: string; customer: string }[];
  path: PathStep[];
  removed?: boolean;
}

export interface WhereUsedPage {
  lots: { lotId: string; known: boolean; status: string; path: PathStep[] }[];
  total: number;
  items: WhereUsedRow[];
}

export interface VendorExposurePage {
  vendorId: string;
  vendorLots: { vendorLotId: string; mpn: string; vendorLotCode: string; lotIds: string[] }[];
  counts: { units: number; shipped: number; notShipped: number; byBrand: { brand: string; units: number }[]; byProduct: { productPartNumber: string; units: number; productUnits?: number; share?: number }[] };
  total: number;
  items: WhereUsedRow[];
}

export interface SearchResult {
  q: string;
  matches: { kind: 'serial' | 'lot' | 'vendor'; id: string; label?: string }[];
}

export interface LotStatusChangeResult {
  status: 'hold' | 'released';
  reason: string;
  correlationId: string;
  events: { lotId: string; eventId: string }[];
  recallScope: { rows: number; units: number; shippedUnits: number };
}
