import { Schema } from 'mongoose';
import { COLLECTIONS, RetractionDoc, LotBrandUseIndexDoc, LotBrandUsesDoc, LotDerivedBucketDoc, LotDoc, LotUseIndexDoc, LotUsesDoc, ProductUnitIndexDoc, ProductUnitsDoc, UnitDoc, VendorDoc, VendorLotDoc, VendorSuppliesDoc, VendorSupplyIndexDoc } from './graph.documents';

// Documents are keyed by their natural id (serial, lot id, vendor lot id, vendor id): every read of a
// traversal is a find by _id, the one index every MongoDB-wire server serves. Fact maps are Mixed: their
// keys are event-derived, and their shape is fixed by the writer (graph-writes.ts), not by casting.
const options = { versionKey: false, minimize: false, strict: false } as const;

export const UnitSchema = new Schema<UnitDoc>(
  {
    _id: String,
    starts: Schema.Types.Mixed,
    started: Schema.Types.Mixed,
    installs: Schema.Types.Mixed,
    children: Schema.Types.Mixed,
    parents: Schema.Types.Mixed,
    shipments: Schema.Types.Mixed,
    removals: Schema.Types.Mixed,
    disassemblies: Schema.Types.Mixed,
    detachments: Schema.Types.Mixed,
    disqualifications: Schema.Types.Mixed,
  },
  { ...options, collection: COLLECTIONS.units },
);
export const LotSchema = new Schema<LotDoc>(
  { _id: String, receipts: Schema.Types.Mixed, receipt: Schema.Types.Mixed, sources: Schema.Types.Mixed, derived: Schema.Types.Mixed, derivedInline: Schema.Types.Mixed, derivedBuckets: Schema.Types.Mixed, statuses: Schema.Types.Mixed, splices: Schema.Types.Mixed, splicePoints: Schema.Types.Mixed },
  { ...options, collection: COLLECTIONS.lots },
);
export const VendorLotSchema = new Schema<VendorLotDoc>(
  {
    _id: String,
    vendorId: String,
    mpn: String,
    vendorLotCode: String,
    manufacturer: String,
    internalPartNumber: String,
    dateCode: String,
    countryOfOrigin: String,
    receipts: Schema.Types.Mixed,
  },
  { ...options, collection: COLLECTIONS.vendorLots },
);
export const VendorSchema = new Schema<VendorDoc>(
  { _id: String, registration: Schema.Types.Mixed, statuses: Schema.Types.Mixed, supplied: Boolean, vendorLots: Schema.Types.Mixed },
  { ...options, collection: COLLECTIONS.vendors },
);
export const VendorSuppliesSchema = new Schema<VendorSuppliesDoc>(
  { _id: String, vendorId: String, bucket: Number, vendorLots: Schema.Types.Mixed },
  { ...options, collection: COLLECTIONS.vendorSupplies },
);
export const VendorSupplyIndexSchema = new Schema<VendorSupplyIndexDoc>(
  { _id: String, buckets: Schema.Types.Mixed },
  { ...options, collection: COLLECTIONS.vendorSupplyIndex },
);
export const LotUsesSchema = new Schema<LotUsesDoc>(
  { _id: String, lotId: String, bucket: Number, serials: Schema.Types.Mixed },
  { ...options, collection: COLLECTIONS.lotUses },
);
export const LotUseIndexSchema = new Schema<LotUseIndexDoc>(
  { _id: String, buckets: Schema.Types.Mixed },
  { ...options, collection: COLLECTIONS.lotUseIndex },
);
export const LotBrandUsesSchema = new Schema<LotBrandUsesDoc>(
  { _id: String, lotId: String, brand: String, bucket: Number, serials: Schema.Types.Mixed },
  { ...options, collection: COLLECTIONS.lotBrandUses },
);
export const LotBrandUseIndexSchema = new Schema<LotBrandUseIndexDoc>(
  { _id: String, lotId: String, brand: String, buckets: Schema.Types.Mixed },
  { ...options, collection: COLLECTIONS.lotBrandUseIndex },
);
export const LotDerivedBucketSchema = new Schema<LotDerivedBucketDoc>(
  { _id: String, lotId: String, bucket: Number, derived: Schema.Types.Mixed },
  { ...options, collection: COLLECTIONS.lotDerivedBuckets },
);

export const ProductUnitsSchema = new Schema<ProductUnitsDoc>(
  { _id: String, productPartNumber: String, brand: String, bucket: Number, serials: Schema.Types.Mixed, conflicted: Schema.Types.Mixed },
  { ...options, collection: COLLECTIONS.productUnits },
);
export const ProductUnitIndexSchema = new Schema<ProductUnitIndexDoc>(
  { _id: String, buckets: Schema.Types.Mixed },
  { ...options, collection: COLLECTIONS.productUnitIndex },
);

export const RetractionSchema = new Schema<RetractionDoc>(
  { _id: String, retractions: Schema.Types.Mixed },
  { ...options, collection: COLLECTIONS.retractions },
);

/** Model names, used with @InjectModel inside this lib only. */
export const MODELS = { retraction: 'Retraction', unit: 'Unit', lot: 'Lot', vendorLot: 'VendorLot', vendor: 'Vendor', vendorSupplies: 'VendorSupplies', vendorSupplyIndex: 'VendorSupplyIndex', lotUses: 'LotUses', lotUseIndex: 'LotUseIndex', lotBrandUses: 'LotBrandUses', lotBrandUseIndex: 'LotBrandUseIndex', lotDerivedBuckets: 'LotDerivedBuckets', productUnits: 'ProductUnits', productUnitIndex: 'ProductUnitIndex' } as const;
