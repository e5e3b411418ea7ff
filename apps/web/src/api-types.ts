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
  /** The brand's judgement of the material at the moment it was installed (see the README, "Brand authority"). */
  judgement?: MaterialJudgement;
}

export type Verdict = 'APPROVED' | 'UNDER_DEVIATION' | 'NOT_JUDGED' | 'AVL_MISSING' | 'DEVIATION_EXCEEDED' | 'NOT_ON_AVL';

export interface PartJudgement {
  verdict: Exclude<Verdict, 'NOT_JUDGED'>;
  vendorId: string;
  internalPartNumber: string;
  manufacturer: string;
  mpn: string;
  vendorLotIds: string[];
  approvalId?: string;
  deviationId?: string;
  count?: number;
  maxQuantity?: number;
}

export interface MaterialJudgement {
  verdict: Verdict;
  parts: PartJudgement[];
  reason?: string;
}

export interface Flag {
  code: string;
  message: string;
  vendorId?: string;
  lotId?: string;
  serials: string[];
  serial?: string;
  brand?: string;
  rule?: 'AVL' | 'BOM';
  internalPartNumber?: string;
  deviationId?: string;
  count?: number;
  maxQuantity?: number;
  productPartNumber?: string;
  revision?: string;
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
  summary: { units: number; installations: number; flags: Flag[] };
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
  /** With ?total=true, and on the last page. */
  total?: number;
  items: WhereUsedRow[];
}

export interface VendorExposurePage {
  vendorId: string;
  vendorLots: { vendorLotId: string; mpn: string; vendorLotCode: string; lotIds: string[] }[];
  /** With ?total=true (the counts need the whole answer). */
  counts?: { units: number; shipped: number; notShipped: number; byBrand: { brand: string; units: number }[]; byProduct: { productPartNumber: string; units: number; productUnits?: number; share?: number }[] };
  /** With ?total=true, and on the last page. */
  total?: number;
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

export type FactorKind = 'vendorLot' | 'vendor' | 'lot' | 'subAssemblyProduct';

export interface CommonFactor {
  kind: FactorKind;
  /** Vendor lot id (JSON [vendorId, mpn, vendorLotCode]), vendor id, lot id or product part number. */
  id: string;
  count: number;
  share: number;
  serials: string[];
  comparison?: { count: number; share: number };
}

export interface Commonality {
  serials: string[];
  unknownSerials: string[];
  comparison?: { serials: string[]; unknownSerials: string[]; sampledFromProducts?: string[] };
  factors: CommonFactor[];
  roundTrips: number;
}

export interface ReportJob {
  id: string;
  status: 'queued' | 'running' | 'done' | 'failed';
  total: number;
  done: number;
  notFound: string[];
  rows: number;
  bytes: number;
  keyId?: string;
  digest?: string;
  error?: string;
  createdAt: string;
  finishedAt?: string;
  result?: string;
}

export interface Verification {
  valid: boolean;
  format?: 'json' | 'csv' | 'pdf';
  keyId?: string;
  digest?: string;
  reason?: string;
}

export interface ApiKeyInfo {
  id: string;
  role: Role;
  brands: string[] | '*';
  label?: string;
  createdAt: string;
  revokedAt?: string;
}

export interface AccessLogEntry {
  id: string;
  at: string;
  keyId: string | null;
  role: string | null;
  scope: string[] | '*' | null;
  method: string;
  path: string;
  query: [string, string][];
  status: number | null;
  items: number | null;
  durationMs: number | null;
  truncated?: true;
  aborted?: true;
  correlationId?: string;
}

export interface AccessLogPage {
  items: AccessLogEntry[];
  next: string | null;
}
