import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AnyBulkWriteOperation, Model } from 'mongoose';
import { AuthorityRepository } from './authority/authority.repository';
import { GraphWrite } from './graph-writes';
import { GraphCollection, LotDoc, LotUseIndexDoc, LotUsesDoc, ProductUnitIndexDoc, ProductUnitsDoc, UnitDoc, VendorDoc, VendorLotDoc } from './schemas/graph.documents';
import { MODELS } from './schemas/graph.schemas';

/** Applies graph writes as idempotent upserts, one unordered bulk per collection. */
@Injectable()
export class GraphWriteRepository {
  private readonly models: Record<GraphCollection, Model<any>>;

  constructor(
    @InjectModel(MODELS.unit) units: Model<UnitDoc>,
    @InjectModel(MODELS.lot) lots: Model<LotDoc>,
    @InjectModel(MODELS.vendorLot) vendorLots: Model<VendorLotDoc>,
    @InjectModel(MODELS.vendor) vendors: Model<VendorDoc>,
    @InjectModel(MODELS.lotUses) lotUses: Model<LotUsesDoc>,
    @InjectModel(MODELS.lotUseIndex) lotUseIndex: Model<LotUseIndexDoc>,
    @InjectModel(MODELS.productUnits) productUnits: Model<ProductUnitsDoc>,
    @InjectModel(MODELS.productUnitIndex) productUnitIndex: Model<ProductUnitIndexDoc>,
    authority: AuthorityRepository,
  ) {
    this.models = { units, lots, vendorLots, vendors, lotUses, lotUseIndex, productUnits, productUnitIndex, ...authority.models };
  }

  /** Upserts every write; resolves once the database has acknowledged all of them with the connection's write concern. */
  async apply(writes: GraphWrite[]): Promise<void> {
    const byCollection = new Map<GraphCollection, AnyBulkWriteOperation[]>();
    for (const w of writes) {
      const ops = byCollection.get(w.collection) ?? [];
      ops.push({ updateOne: { filter: { _id: w.id }, update: { $set: w.set }, upsert: true } });
      byCollection.set(w.collection, ops);
    }
    // The raw driver collection: the writer builds exact documents, and mongoose's casting of
    // Mixed maps would cost time on the hot path without checking anything.
    await Promise.all(
      [...byCollection].map(([collection, ops]) => this.models[collection].collection.bulkWrite(ops as never, { ordered: false })),
    );
  }
}
