import { Schema } from 'mongoose';
import {
  AUTHORITY_COLLECTIONS,
  BrandApprovalDoc,
  BrandBomDoc,
  BrandDeviationDoc,
  BrandIndexDoc,
  BrandPartDoc,
  PartReceiptBucketDoc,
  PartReceiptsDoc,
  ShipmentUnitBucketDoc,
  ShipmentUnitsDoc,
} from './authority.documents';

// Keyed by _id only (the one index every MongoDB-wire server serves); fact maps are Mixed, shaped by authority-writes.ts.
const options = { versionKey: false, minimize: false, strict: false } as const;

export const BrandPartSchema = new Schema<BrandPartDoc>(
  { _id: String, brand: String, internalPartNumber: String, approvals: Schema.Types.Mixed, deviations: Schema.Types.Mixed },
  { ...options, collection: AUTHORITY_COLLECTIONS.brandParts },
);
export const BrandApprovalSchema = new Schema<BrandApprovalDoc>(
  { _id: String, brand: String, approvalId: String, approvals: Schema.Types.Mixed, withdrawals: Schema.Types.Mixed },
  { ...options, collection: AUTHORITY_COLLECTIONS.brandApprovals },
);
export const BrandDeviationSchema = new Schema<BrandDeviationDoc>(
  { _id: String, brand: String, deviationId: String, approvals: Schema.Types.Mixed, revocations: Schema.Types.Mixed },
  { ...options, collection: AUTHORITY_COLLECTIONS.brandDeviations },
);
export const BrandBomSchema = new Schema<BrandBomDoc>(
  { _id: String, brand: String, productPartNumber: String, revisions: Schema.Types.Mixed },
  { ...options, collection: AUTHORITY_COLLECTIONS.brandBoms },
);
export const PartReceiptsSchema = new Schema<PartReceiptsDoc>(
  { _id: String, internalPartNumber: String, manufacturer: String, mpn: String, buckets: Schema.Types.Mixed, receipts: Schema.Types.Mixed },
  { ...options, collection: AUTHORITY_COLLECTIONS.partReceipts },
);
export const PartReceiptBucketSchema = new Schema<PartReceiptBucketDoc>(
  { _id: String, internalPartNumber: String, manufacturer: String, mpn: String, bucket: Number, receipts: Schema.Types.Mixed },
  { ...options, collection: AUTHORITY_COLLECTIONS.partReceiptBuckets },
);

export const ShipmentUnitsSchema = new Schema<ShipmentUnitsDoc>({ _id: String, buckets: Schema.Types.Mixed, units: Schema.Types.Mixed }, { ...options, collection: AUTHORITY_COLLECTIONS.shipmentUnits });
export const ShipmentUnitBucketSchema = new Schema<ShipmentUnitBucketDoc>(
  { _id: String, shipmentId: String, bucket: Number, units: Schema.Types.Mixed },
  { ...options, collection: AUTHORITY_COLLECTIONS.shipmentUnitBuckets },
);

export const BrandIndexSchema = new Schema<BrandIndexDoc>(
  { _id: String, approvals: Schema.Types.Mixed, deviations: Schema.Types.Mixed, boms: Schema.Types.Mixed },
  { ...options, collection: AUTHORITY_COLLECTIONS.brandIndex },
);

/** Model names, used with @InjectModel inside this lib only. */
export const AUTHORITY_MODELS = {
  brandParts: 'BrandPart',
  brandApprovals: 'BrandApproval',
  brandDeviations: 'BrandDeviation',
  brandBoms: 'BrandBom',
  partReceipts: 'PartReceipts',
  partReceiptBuckets: 'PartReceiptBuckets',
  shipmentUnits: 'ShipmentUnits',
  shipmentUnitBuckets: 'ShipmentUnitBuckets',
  brandIndex: 'BrandIndex',
} as const;

/** For MongooseModule.forFeature in GenealogyModule. */
export const AUTHORITY_FEATURES = [
  { name: AUTHORITY_MODELS.brandParts, schema: BrandPartSchema },
  { name: AUTHORITY_MODELS.brandApprovals, schema: BrandApprovalSchema },
  { name: AUTHORITY_MODELS.brandDeviations, schema: BrandDeviationSchema },
  { name: AUTHORITY_MODELS.brandBoms, schema: BrandBomSchema },
  { name: AUTHORITY_MODELS.partReceipts, schema: PartReceiptsSchema },
  { name: AUTHORITY_MODELS.partReceiptBuckets, schema: PartReceiptBucketSchema },
  { name: AUTHORITY_MODELS.shipmentUnits, schema: ShipmentUnitsSchema },
  { name: AUTHORITY_MODELS.shipmentUnitBuckets, schema: ShipmentUnitBucketSchema },
  { name: AUTHORITY_MODELS.brandIndex, schema: BrandIndexSchema },
];
