import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { AuthorityRepository } from '../authority/authority.repository';
import { LookupRepository } from '../lookup/lookup.repository';
import { DERIVED_FROM_FIELDS, GraphStore, applyGraphWrites, prepareGraphWrites } from './apply-graph-writes';
import { DerivedFrom, GraphWrite } from './graph-writes';
import { RecopiedCollection, recopyParts } from './recopy-parts';
import { GraphCollection, RetractionDoc, LotBrandUseIndexDoc, LotBrandUsesDoc, LotDerivedBucketDoc, LotDoc, LotUseIndexDoc, LotUsesDoc, ProductUnitIndexDoc, ProductUnitsDoc, UnitDoc, VendorDoc, VendorLotDoc, VendorSuppliesDoc, VendorSupplyIndexDoc } from '../storage/graph.documents';
import { MODELS } from '../storage/graph.schemas';

/** Applies graph writes as idempotent upserts, one unordered bulk per collection (applyGraphWrites). */
@Injectable()
export class GraphWriteRepository {
  private readonly models: Record<GraphCollection, Model<any>>;

  constructor(
    @InjectModel(MODELS.unit) units: Model<UnitDoc>,
    @InjectModel(MODELS.lot) lots: Model<LotDoc>,
    @InjectModel(MODELS.vendorLot) vendorLots: Model<VendorLotDoc>,
    @InjectModel(MODELS.vendor) vendors: Model<VendorDoc>,
    @InjectModel(MODELS.vendorSupplies) vendorSupplies: Model<VendorSuppliesDoc>,
    @InjectModel(MODELS.vendorSupplyIndex) vendorSupplyIndex: Model<VendorSupplyIndexDoc>,
    @InjectModel(MODELS.lotUses) lotUses: Model<LotUsesDoc>,
    @InjectModel(MODELS.lotUseIndex) lotUseIndex: Model<LotUseIndexDoc>,
    @InjectModel(MODELS.productUnits) productUnits: Model<ProductUnitsDoc>,
    @InjectModel(MODELS.productUnitIndex) productUnitIndex: Model<ProductUnitIndexDoc>,
    @InjectModel(MODELS.lotBrandUses) lotBrandUses: Model<LotBrandUsesDoc>,
    @InjectModel(MODELS.lotBrandUseIndex) lotBrandUseIndex: Model<LotBrandUseIndexDoc>,
    @InjectModel(MODELS.lotDerivedBuckets) lotDerivedBuckets: Model<LotDerivedBucketDoc>,
    @InjectModel(MODELS.retraction) retractions: Model<RetractionDoc>,
    authority: AuthorityRepository,
    lookup: LookupRepository,
  ) {
    this.models = { units, lots, vendorLots, vendors, vendorSupplies, vendorSupplyIndex, lotUses, lotUseIndex, lotBrandUses, lotBrandUseIndex, lotDerivedBuckets, productUnits, productUnitIndex, retractions, ...authority.models, ...lookup.models };
  }

  /** The graph as a GraphStore: mongoose's driver collections, so the writer's exact documents go out uncast. */
  private readonly store: GraphStore = {
    // The raw driver collection: the writer builds exact documents, and mongoose's casting of Mixed maps would cost
    // time on the hot path without checking anything. The write concern is the connection's.
    bulkUpsert: (collection, ops) => this.models[collection].collection.bulkWrite(ops as never, { ordered: false }),
    readUnits: (ids) => this.models.units.collection.find({ _id: { $in: ids as never[] } }, { projection: DERIVED_FROM_FIELDS }).toArray() as unknown as Promise<DerivedFrom[]>,
    readAuthority: (collection, ids) => this.models[collection].collection.find({ _id: { $in: ids as never[] } }).toArray() as never,
  };

  /** Upserts every write and the writes derived from them (applyGraphWrites); resolves once all of it is acknowledged. */
  async apply(writes: GraphWrite[]): Promise<void> {
    await applyGraphWrites(this.store, prepareGraphWrites(writes));
  }

  /** How many approvals' and deviations' own documents there are (an estimate from the collections' metadata). */
  async ownAuthorityDocuments(): Promise<number> {
    const [approvals, deviations] = await Promise.all([this.models.brandApprovals.collection.estimatedDocumentCount(), this.models.brandDeviations.collection.estimatedDocumentCount()]);
    return approvals + deviations;
  }

  /** Copies every approval's and deviation's own document to its parts' documents again (recopyParts, `graph recopy`). */
  recopyParts(progress?: (copied: number) => void): Promise<Record<RecopiedCollection, number>> {
    return recopyParts(
      {
        ...this.store,
        authorityPage: (collection, after, limit) =>
          this.models[collection].collection
            .find(after === undefined ? {} : { _id: { $gt: after as never } })
            .sort({ _id: 1 })
            .limit(limit)
            .toArray() as never,
      },
      progress,
    );
  }
}
