import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { LotDoc, LotUseIndexDoc, LotUsesDoc, UnitDoc, VendorDoc, VendorLotDoc } from './schemas/graph.documents';
import { MODELS } from './schemas/graph.schemas';

/** Reads graph documents by natural id, as plain objects: one round trip per call, by _id only. */
@Injectable()
export class GenealogyRepository {
  constructor(
    @InjectModel(MODELS.unit) private readonly units: Model<UnitDoc>,
    @InjectModel(MODELS.lot) private readonly lots: Model<LotDoc>,
    @InjectModel(MODELS.vendorLot) private readonly vendorLots: Model<VendorLotDoc>,
    @InjectModel(MODELS.vendor) private readonly vendors: Model<VendorDoc>,
    @InjectModel(MODELS.lotUses) private readonly lotUses: Model<LotUsesDoc>,
    @InjectModel(MODELS.lotUseIndex) private readonly lotUseIndex: Model<LotUseIndexDoc>,
  ) {}

  findUnits(serials: string[]): Promise<UnitDoc[]> {
    return byIds(this.units, serials);
  }
  findLots(lotIds: string[]): Promise<LotDoc[]> {
    return byIds(this.lots, lotIds);
  }
  findVendorLots(ids: string[]): Promise<VendorLotDoc[]> {
    return byIds(this.vendorLots, ids);
  }
  findVendors(vendorIds: string[]): Promise<VendorDoc[]> {
    return byIds(this.vendors, vendorIds);
  }
  /** Buckets of lots' forward edges, by bucket id (lotUsesId). */
  findLotUses(ids: string[]): Promise<LotUsesDoc[]> {
    return byIds(this.lotUses, ids);
  }
  /** For each lot, which of its lot_uses buckets are non-empty. */
  findLotUseIndexes(lotIds: string[]): Promise<LotUseIndexDoc[]> {
    return byIds(this.lotUseIndex, lotIds);
  }
}

async function byIds<T>(model: Model<T>, ids: string[]): Promise<T[]> {
  if (ids.length === 0) return [];
  return (await model.find({ _id: { $in: ids } }).lean().exec()) as T[];
}
