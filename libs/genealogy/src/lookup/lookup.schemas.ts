import { Schema } from 'mongoose';
import { LOOKUP_COLLECTIONS, VendorLotCodeDoc, WorkOrderDoc } from './lookup.documents';

const options = { versionKey: false, minimize: false, strict: false } as const;

export const VendorLotCodeSchema = new Schema<VendorLotCodeDoc>({ _id: String, vendorLots: Schema.Types.Mixed }, { ...options, collection: LOOKUP_COLLECTIONS.vendorLotCodes });
export const WorkOrderSchema = new Schema<WorkOrderDoc>({ _id: String, units: Schema.Types.Mixed }, { ...options, collection: LOOKUP_COLLECTIONS.workOrders });

/** Model names, used with @InjectModel inside this lib only. */
export const LOOKUP_MODELS = { vendorLotCodes: 'VendorLotCode', workOrders: 'WorkOrder' } as const;

/** For MongooseModule.forFeature in GenealogyModule. */
export const LOOKUP_FEATURES = [
  { name: LOOKUP_MODELS.vendorLotCodes, schema: VendorLotCodeSchema },
  { name: LOOKUP_MODELS.workOrders, schema: WorkOrderSchema },
];
