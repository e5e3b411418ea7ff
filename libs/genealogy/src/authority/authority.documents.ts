import type { FactMap, Timed, UnitBucketDoc, UnitsIndexDoc } from '../storage/graph.documents';

// The stored shape of what brands publish (trace.brand.v1), and of one index the judgement needs. Like the rest of
// the graph: documents keyed by a natural id, every fact under factKey(eventId), so replays and any order of
// delivery end in the same documents. Nothing here is "current": what was in force when is decided at read time.

/** The terms of a PartApproved, as stored. */
export interface ApprovalTerms {
  approvalId: string;
  internalPartNumber: string;
  manufacturer: string;
  mpn: string;
  vendorIds?: string[];
  reason?: string;
}

/** The terms of a DeviationApproved, as stored. */
export interface DeviationTerms {
  deviationId: string;
  internalPartNumber: string;
  manufacturer: string;
  mpn: string;
  vendorIds?: string[];
  productPartNumbers?: string[];
  workOrders?: string[];
  maxQuantity?: number;
  validFrom: string;
  validUntil: string;
  approvedBy: string;
  reason: string;
}

export interface BomLineDoc {
  internalPartNumber: string;
  quantity: number;
  refDes?: string[];
}

/** Per (brand, internal part number): every approval and deviation the brand published for it (the index by part). */
export interface BrandPartDoc {
  _id: string;
  brand: string;
  internalPartNumber: string;
  approvals?: FactMap<ApprovalTerms & Timed>;
  deviations?: FactMap<DeviationTerms & Timed>;
  /**
   * Copies from the approvals' own documents (partCopyWrites, written after them): what the judgement needs of an
   * approval beyond its terms here, so it reads this document alone. Keyed by the fact key of the event copied.
   * The withdrawals of the approvals this part names.
   */
  withdrawals?: FactMap<{ approvalId: string } & Timed>;
  /** The approvals under the same ids naming another IPN (the first under an id holds, whichever IPN it names). */
  approvalsElsewhere?: FactMap<{ approvalId: string; internalPartNumber: string } & Timed>;
  /** The revocations of the deviations this part names. */
  revocations?: FactMap<{ deviationId: string } & Timed>;
  /** The deviations under the same ids naming another IPN. */
  deviationsElsewhere?: FactMap<{ deviationId: string; internalPartNumber: string } & Timed>;
  /**
   * The approval ids (keyed by factKey(id)) whose own document was copied here at least once after it named this part.
   * An id not in it (a document written before the copies) is judged from its brand_approvals document, read as before;
   * so is an id in notCopiedApprovals, and one whose mark is '' (as an ingest of f1573bb marked them).
   */
  copiedApprovals?: FactMap<string>;
  /** The deviation ids whose own document was copied here (as copiedApprovals). */
  copiedDeviations?: FactMap<string>;
  /**
   * The approval ids (keyed by factKey(id)) whose copies here are not used, for good: a copy of theirs the database
   * refused (the part's document too large), or the id named under more than MAX_COPIED_IPNS IPNs. Judged from their
   * own documents whatever copiedApprovals says, since a copy read before the mark may land after it.
   */
  notCopiedApprovals?: FactMap<string>;
  /** The deviation ids whose copies here are not used (as notCopiedApprovals). */
  notCopiedDeviations?: FactMap<string>;
}

/**
 * Per (brand, approvalId): the approval and its withdrawals. A withdrawal names only the approval id, so it cannot be
 * written to the part's document without reading first; both meet here, by id.
 */
export interface BrandApprovalDoc {
  _id: string;
  brand: string;
  approvalId: string;
  approvals?: FactMap<ApprovalTerms & Timed>;
  withdrawals?: FactMap<{ reason: string } & Timed>;
}

/** Per (brand, deviationId): the deviation and its revocations (a revocation names only the deviation id). */
export interface BrandDeviationDoc {
  _id: string;
  brand: string;
  deviationId: string;
  approvals?: FactMap<DeviationTerms & Timed>;
  revocations?: FactMap<{ reason: string } & Timed>;
}

/** Per (brand, product part number): every BOM revision released. */
export interface BrandBomDoc {
  _id: string;
  brand: string;
  productPartNumber: string;
  revisions?: FactMap<{ revision: string; effectiveFrom: string; lines: BomLineDoc[] } & Timed>;
}

/** One receipt of a part as its index keeps it: the receipt's vendor lot, vendor and packages. */
export interface PartReceipt {
  vendorLotId: string;
  vendorId: string;
  lotIds: string[];
}

/**
 * Per (internal part number, manufacturer, MPN): which buckets of part_receipt_buckets hold the part's receipts, keyed
 * `b<bucket>` (as LotUseIndexDoc), so it stays small (at most BUCKET_COUNT small fields) however often the part is
 * received. The forward index a deviation's usage count starts from: every package of the part, whichever vendor lot
 * it came in.
 */
export interface PartReceiptsDoc {
  _id: string;
  internalPartNumber: string;
  manufacturer: string;
  mpn: string;
  buckets?: FactMap<number>;
  /**
   * Only in documents written before part_receipt_buckets existed: every receipt of the part, one field per
   * MaterialReceived (keyed by factKey(eventId)), without bound. Still read beside the buckets; `graph rebuild` leaves it out.
   */
  receipts?: FactMap<PartReceipt>;
}

/**
 * One bucket of a part's receipts (bucketId(partReceiptsId, bucketOf(vendorLotId))): one field per
 * MaterialReceived, keyed by factKey(eventId), so every receipt of a vendor lot is in one bucket.
 */
export interface PartReceiptBucketDoc {
  _id: string;
  internalPartNumber: string;
  manufacturer: string;
  mpn: string;
  bucket: number;
  receipts?: FactMap<PartReceipt>;
}

/** A unit as a shipment lists it: what its UnitShipped said. */
export type ShipmentUnit = { serial: string; customer: string } & Timed;

/**
 * Per shipment: its buckets of shipment_unit_buckets (see UnitsIndexDoc). The units carry their shipments; this is the
 * reverse index, so a shipment's units are read by `_id` (a compliance answer), never a scan.
 */
export type ShipmentUnitsDoc = UnitsIndexDoc<ShipmentUnit>;

/** One bucket of a shipment's units, one field per UnitShipped. */
export type ShipmentUnitBucketDoc = UnitBucketDoc<ShipmentUnit, 'shipmentId'>;

/**
 * Per brand: the ids of everything it published (approvals, deviations, products with a BOM), keyed by factKey(id).
 * What the approver's lists start from: one read by `_id`, then the documents by id. Bounded by the brand's own ids
 * (20,000 approvals are about 1 MB), never by what the site builds.
 */
export interface BrandIndexDoc {
  _id: string;
  approvals?: FactMap<string>;
  deviations?: FactMap<string>;
  boms?: FactMap<string>;
}

/** The collections of brand authority (graph collections like the others, written by the ingest). */
export const AUTHORITY_COLLECTIONS = {
  brandParts: 'brand_parts',
  brandApprovals: 'brand_approvals',
  brandDeviations: 'brand_deviations',
  brandBoms: 'brand_boms',
  partReceipts: 'part_receipts',
  partReceiptBuckets: 'part_receipt_buckets',
  shipmentUnits: 'shipment_units',
  shipmentUnitBuckets: 'shipment_unit_buckets',
  brandIndex: 'brand_index',
} as const;
export type AuthorityCollection = keyof typeof AUTHORITY_COLLECTIONS;

// JSON arrays, so no id can collide with another's whatever characters it holds.
export const brandPartId = (brand: string, internalPartNumber: string): string => JSON.stringify([brand, internalPartNumber]);
export const brandApprovalId = (brand: string, approvalId: string): string => JSON.stringify([brand, approvalId]);
export const brandDeviationId = (brand: string, deviationId: string): string => JSON.stringify([brand, deviationId]);
export const brandBomId = (brand: string, productPartNumber: string): string => JSON.stringify([brand, productPartNumber]);
export const partReceiptsId = (internalPartNumber: string, manufacturer: string, mpn: string): string =>
  JSON.stringify([internalPartNumber, manufacturer, mpn]);
