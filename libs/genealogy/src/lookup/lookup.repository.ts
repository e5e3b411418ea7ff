import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { byIds } from '../storage/by-ids';
import { LookupCollection, VendorLotCodeDoc, WorkOrderDoc, WorkOrderUnitsDoc } from './lookup.documents';
import { LOOKUP_MODELS } from './lookup.schemas';

/** The reads of the search's reverse indexes, each one round trip by `_id`. LookupRepository is one; tests pass fakes. */
export interface LookupReader {
  findVendorLotCodes(codes: string[]): Promise<VendorLotCodeDoc[]>;
  findWorkOrders(workOrders: string[]): Promise<WorkOrderDoc[]>;
  findWorkOrderUnits(ids: string[]): Promise<WorkOrderUnitsDoc[]>;
}

/** The search's reverse indexes by `_id`, as plain objects; also hands its models to the graph writer. */
@Injectable()
export class LookupRepository implements LookupReader {
  readonly models: Record<LookupCollection, Model<any>>;

  constructor(@InjectModel(LOOKUP_MODELS.vendorLotCodes) vendorLotCodes: Model<VendorLotCodeDoc>, @InjectModel(LOOKUP_MODELS.workOrders) workOrders: Model<WorkOrderDoc>,
    @InjectModel(LOOKUP_MODELS.workOrderUnits) workOrderUnits: Model<WorkOrderUnitsDoc>,
  ) {
    this.models = { vendorLotCodes, workOrders, workOrderUnits };
  }

  findVendorLotCodes(codes: string[]): Promise<VendorLotCodeDoc[]> {
    return byIds(this.models.vendorLotCodes, codes);
  }
  findWorkOrders(workOrders: string[]): Promise<WorkOrderDoc[]> {
    return byIds(this.models.workOrders, workOrders);
  }
  /** Buckets of work orders' units, by bucket id (bucketId). */
  findWorkOrderUnits(ids: string[]): Promise<WorkOrderUnitsDoc[]> {
    return byIds(this.models.workOrderUnits, ids);
  }
}
