import type { LotStatus, VendorStatus } from '@trace/contracts';
import { AUTHORITY_COLLECTIONS } from '../authority/authority.documents';
import { LOOKUP_COLLECTIONS } from '../lookup/lookup.documents';
import type { StoredProvenance } from '../facts/provenance';

// The stored shape of the graph. Every fact an event establishes lives in a map keyed by factKey(eventId):
// writing it twice is writing the same field twice, and facts from different events never collide,
// so any order of delivery, and any number of replays, ends in the same document.

export type FactMap<T> = Record<string, T>;

export interface Timed {
  /** occurredAt as a Date, to order facts (status changes) by when they happened, not when they arrived. */
  at: Date;
  prov: StoredProvenance;
}

/** One MaterialInstalled as stored; the optional parts only when the event carried them (IPC-CFX detail). */
export type InstallFact = {
  lotId: string;
  quantity: number;
  refDes: string[];
  placements?: { refDes: string; location?: string; placedAt?: string }[];
  bomPartNumber?: string;
  /** The packages it came from one of (lotId among them), and why it cannot be told which. */
  candidates?: { lotIds: string[]; reason: string };
} & Timed;

/** A splice of two packages (LotSpliced), or the moment its joint passed the pick point (SplicePointDetected). */
export type SpliceFact = { leadingLotId: string; trailingLotId: string; greyZone?: number; location?: string } & Timed;

/** What a UnitStarted claims about a unit: facts with one value, so two claims that differ are a conflict. */
export interface StartClaim {
  brand: string;
  productPartNumber: string;
  workOrder: string;
}

/** What a MaterialReceived claims about one package: facts with one value, like StartClaim. */
export interface Receipt {
  receiptId: string;
  vendorLotId: string;
  vendorId: string;
  mpn: string;
  quantity: number;
  uom: string;
  receivedAt: string;
}

export interface UnitDoc {
  _id: string;
  /** Every UnitStarted of this serial, one per event: read through unitStartOf (claims.ts), never one of them alone. */
  starts?: FactMap<StartClaim & Timed>;
  /** The one start of documents written before starts were kept per event; read as one more claim. */
  started?: StartClaim & Timed;
  installs?: FactMap<InstallFact>;
  children?: FactMap<{ childSerial: string; refDes?: string } & Timed>;
  parents?: FactMap<{ serial: string } & Timed>;
  shipments?: FactMap<{ shipmentId: string; customer: string } & Timed>;
  /** Rework: material taken out (MaterialRemoved); as-built is decided by occurredAt against installs. */
  removals?: FactMap<{ lotId: string; refDes: string[]; reason: string } & Timed>;
  /** Rework: sub-assemblies taken out of this unit (UnitDisassembled, parent side). */
  disassemblies?: FactMap<{ childSerial: string; reason: string } & Timed>;
  /** Rework: this unit taken out of a parent (UnitDisassembled, child side). */
  detachments?: FactMap<{ serial: string; reason: string } & Timed>;
  /** Scrapped or abandoned (UnitDisqualified): one per event. */
  disqualifications?: FactMap<{ reason: string } & Timed>;
}

export interface LotDoc {
  _id: string;
  /** Every MaterialReceived naming this package, one per event: read through lotReceiptOf (claims.ts). */
  receipts?: FactMap<Receipt & Timed>;
  /** The one receipt of documents written before receipts were kept per event; read as one more claim. */
  receipt?: Receipt & Timed;
  /** How this lot came out of other lots (split from one, merged from several). */
  sources?: FactMap<{ kind: 'split' | 'merge'; lotIds: string[]; quantity?: number } & Timed>;
  /**
   * Lots made out of this one: the forward edges, for where-used. As the ingest writes it only in documents written
   * before lot_derived_buckets existed; readers get every derivation here (lotsWithDerived, lot-derived.ts).
   */
  derived?: FactMap<LotDerivation>;
  /** Derivations inline, each with its fact key: the DERIVED_INLINE_CAP smallest keys, sorted (lot-derived.ts). */
  derivedInline?: ({ k: string } & LotDerivation)[];
  /** Which buckets of lot_derived_buckets hold this lot's derivations, keyed `b<bucket>`. */
  derivedBuckets?: FactMap<number>;
  statuses?: FactMap<{ status: LotStatus; reason: string } & Timed>;
  /** Splices this lot is the leading or trailing package of (written to both). */
  splices?: FactMap<SpliceFact>;
  /** Splice points of those splices: they settle which package fed a placement in the grey zone. */
  splicePoints?: FactMap<SpliceFact>;
}

/** A split or merge as the lot it came out of keeps it. */
export type LotDerivation = { kind: 'split' | 'merge'; lotIds: string[] } & Timed;

/** One bucket of a lot's derivations (every one of them, each by its fact key), `_id` bucketId(lot, bucket). */
export interface LotDerivedBucketDoc {
  _id: string;
  lotId: string;
  bucket: number;
  derived?: FactMap<LotDerivation>;
}

export interface VendorLotDoc {
  _id: string;
  vendorId: string;
  mpn: string;
  vendorLotCode: string;
  manufacturer?: string;
  internalPartNumber?: string;
  dateCode?: string;
  countryOfOrigin?: string;
  receipts?: FactMap<{ receiptId: string; receivedAt: string; lotIds: string[] } & Timed>;
}

export interface VendorDoc {
  _id: string;
  registration?: { name: string; country: string } & Timed;
  statuses?: FactMap<{ status: VendorStatus; reason: string } & Timed>;
  /** A receipt named the vendor (MaterialReceived): its vendor lots are in vendor_supplies, not here, so this stays small. */
  supplied?: true;
  /**
   * Only in documents written before vendor_supplies existed: every vendor lot of the vendor, keyed by
   * entityKey(vendorLotId), one field per vendor lot without bound. Still read by a vendor's where-used beside the
   * buckets; `graph rebuild` into a new database leaves it out.
   */
  vendorLots?: FactMap<string>;
}

/**
 * The document of a work order or a shipment: which buckets of its units are non-empty, keyed `b<bucket>` (as
 * LotUseIndexDoc), so it stays small (at most BUCKET_COUNT fields) however many units it holds.
 */
export interface UnitsIndexDoc<U> {
  _id: string;
  buckets?: FactMap<number>;
  /**
   * Only in documents written before the buckets existed: every unit, one field per event (keyed by factKey(eventId)),
   * without bound. Still read beside the buckets; `graph rebuild` leaves it out.
   */
  units?: FactMap<U>;
}

/** One bucket of a work order's or a shipment's units (bucketId(owner, bucketOf(serial))): one field per event, keyed by factKey(eventId). */
export type UnitBucketDoc<U, Owner extends string> = { _id: string; bucket: number; units?: FactMap<U> } & Record<Owner, string>;

/** One bucket of a vendor's forward edges (vendor -> vendor lot, for exposure): vendor lot ids keyed by entityKey(vendorLotId). */
export interface VendorSuppliesDoc {
  _id: string;
  vendorId: string;
  bucket: number;
  vendorLots?: FactMap<string>;
}

/** Which buckets of vendor_supplies hold vendor lots of a vendor, keyed `b<bucket>` (as LotUseIndexDoc): bounded by BUCKET_COUNT. */
export interface VendorSupplyIndexDoc {
  _id: string;
  buckets?: FactMap<number>;
}

/** One bucket of a lot's forward edges: serials the lot was installed in, keyed by factKey(serial) (see lot-uses.ts). */
export interface LotUsesDoc {
  _id: string;
  lotId: string;
  bucket: number;
  serials?: FactMap<string>;
}

/** Which buckets of lot_uses hold serials of a lot, keyed `b<bucket>`: bounded by BUCKET_COUNT. */
export interface LotUseIndexDoc {
  _id: string;
  buckets?: FactMap<number>;
}

/**
 * One bucket of a lot's forward edges to units of one brand (the brand the unit was started with): what a
 * brand-scoped where-used reads, so its cost follows the caller's units, not every brand's. Derived from the units
 * once their writes are durable (see brandedUseWrites), serials keyed by factKey(serial).
 */
export interface LotBrandUsesDoc {
  _id: string;
  lotId: string;
  brand: string;
  bucket: number;
  serials?: FactMap<string>;
}

/** Which buckets of lot_brand_uses hold serials of a lot and a brand, keyed `b<bucket>`. */
export interface LotBrandUseIndexDoc {
  _id: string;
  lotId: string;
  brand: string;
  buckets?: FactMap<number>;
}

/** Why a unit of a product-unit bucket is left out of a brand's counts (see ProductUnitsDoc.conflicted). */
export type ConflictMark = 'brand' | 'product' | false;

/** One bucket of a product's units of one brand (for shares of a product's units): serials keyed by factKey(serial). */
export interface ProductUnitsDoc {
  _id: string;
  productPartNumber: string;
  brand: string;
  bucket: number;
  serials?: FactMap<string>;
  /**
   * Serials of this bucket whose start is in conflict, keyed like `serials`: `product` while its product is (whatever
   * its brand), `brand` while only its brand is, false once neither is. Derived from the unit after its writes are
   * durable (see conflictMarkWrites): no brand counts or samples such a unit; site-wide, one in conflict on its brand
   * only is counted once, one whose product is in conflict in no product.
   */
  conflicted?: FactMap<ConflictMark>;
}

/** Which buckets of product_units hold units of a product, keyed by factKey(brand) + `b<bucket>`. */
export interface ProductUnitIndexDoc {
  _id: string;
  buckets?: FactMap<{ brand: string; bucket: number }>;
}

/**
 * The retractions of one event, keyed `_id = retractedEventId`; each EventRetracted under factKey(its own eventId), so a
 * replay, a duplicate or a second retraction of the same event changes nothing of the answer. The retracted event's
 * facts are never touched: reading decides (facts/visibility.ts), which is why a retraction that arrives before its
 * event still wins.
 */
export interface RetractionDoc {
  _id: string;
  retractions?: FactMap<{ reason: string } & Timed>;
}

/** The collections of the graph. */
export const COLLECTIONS = {
  units: 'units',
  lots: 'lots',
  vendorLots: 'vendor_lots',
  vendors: 'vendors',
  vendorSupplies: 'vendor_supplies',
  vendorSupplyIndex: 'vendor_supply_index',
  lotUses: 'lot_uses',
  lotUseIndex: 'lot_use_index',
  lotBrandUses: 'lot_brand_uses',
  lotBrandUseIndex: 'lot_brand_use_index',
  lotDerivedBuckets: 'lot_derived_buckets',
  productUnits: 'product_units',
  productUnitIndex: 'product_unit_index',
  retractions: 'retractions',
  ...AUTHORITY_COLLECTIONS,
  ...LOOKUP_COLLECTIONS,
} as const;
export type GraphCollection = keyof typeof COLLECTIONS;
