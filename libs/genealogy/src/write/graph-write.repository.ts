import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { AnyBulkWriteOperation, Model } from 'mongoose';
import { AuthorityRepository } from '../authority/authority.repository';
import { LookupRepository } from '../lookup/lookup.repository';
import { DerivedFrom, GraphWrite, brandedUseNeeds, brandedUseWrites, conflictMarkWrites, mergeGraphWrites } from './graph-writes';
import { GraphCollection, LotBrandUseIndexDoc, LotBrandUsesDoc, LotDoc, LotUseIndexDoc, LotUsesDoc, ProductUnitIndexDoc, ProductUnitsDoc, UnitDoc, VendorDoc, VendorLotDoc } from '../storage/graph.documents';
import { MODELS } from '../storage/graph.schemas';

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
    @InjectModel(MODELS.lotBrandUses) lotBrandUses: Model<LotBrandUsesDoc>,
    @InjectModel(MODELS.lotBrandUseIndex) lotBrandUseIndex: Model<LotBrandUseIndexDoc>,
    authority: AuthorityRepository,
    lookup: LookupRepository,
  ) {
    this.models = { units, lots, vendorLots, vendors, lotUses, lotUseIndex, lotBrandUses, lotBrandUseIndex, productUnits, productUnitIndex, ...authority.models, ...lookup.models };
  }

  /**
   * Upserts every write, then the brand-bucketed forward edges and the conflict marks they call for (read back from the units just
   * written: one more round trip when the batch started units or installed material); resolves once the database
   * has acknowledged all of it with the connection's write concern. A failure in between is retried whole by the
   * caller, and every write is idempotent.
   */
  async apply(writes: GraphWrite[]): Promise<void> {
    await this.upsert(writes);
    const needs = brandedUseNeeds(writes);
    if (needs.size === 0) return;
    const ids = [...needs.keys()];
    const chunks: string[][] = [];
    for (let i = 0; i < ids.length; i += 500) chunks.push(ids.slice(i, i + 500));
    const read = (chunk: string[]) => this.models.units.find({ _id: { $in: chunk } }, { starts: 1, started: 1, installs: 1 }).lean().exec() as Promise<DerivedFrom[]>;
    const units = (await Promise.all(chunks.map(read))).flat();
    await this.upsert(
      mergeGraphWrites(
        units.flatMap((u) => {
          const need = needs.get(u._id)!;
          return [...brandedUseWrites(u, need), ...(need.brandSet ? conflictMarkWrites(u) : [])];
        }),
      ),
    );
  }

  private async upsert(writes: GraphWrite[]): Promise<void> {
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
