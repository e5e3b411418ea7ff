import { Schema } from 'mongoose';
import { LOOKUP_COLLECTIONS, VendorLotCodeDoc, WorkOrderDoc, WorkOrderUnitsDoc } from './lookup.documents';

const options = { versionKey: false, minimize: false, strict: false } as const;

export const VendorLotCodeSchema = new Schema<VendorLotCodeDoc>({ _id: String, vendorLots: Schema.Types.Mixed }, { ...options, collection: LOOKUP_COLLECTIONS.vendorLotCodes });
export const WorkOrderSchema = new Schema<WorkOrderDoc>({ _id: String, buckets: Schema.Types.Mixed, units: Schema.Types.Mixed }, { ...options, collection: LOOKUP_COLLECTIONS.workOrders });
export const WorkOrderUnitsSchema = new Schema<WorkOrderUnitsDoc>(
  { _id: String, workOrder: String, bucket: Number, units: Schema.Types.Mixed },
  { ...options, collection: LOOKUP_COLLECTIONS.workOrderUnits },
);

/** Model names, used with @InjectModel inside this lib only. */
export const LOOKUP_MODELS = { vendorLotCodes: 'VendorLotCode', workOrders: 'WorkOrder', workOrderUnits: 'WorkOrderUnits' } as const;

/** For MongooseModule.forFeature in GenealogyModule. */
export const LOOKUP_FEATURES = [
  { name: LOOKUP_MODELS.vendorLotCodes, schema: VendorLotCodeSchema },
  { name: LOOKUP_MODELS.workOrders, schema: WorkOrderSchema },
  { name: LOOKUP_MODELS.workOrderUnits, schema: WorkOrderUnitsSchema },
];
