import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { RetractionDoc, LotBrandUseIndexDoc, LotBrandUsesDoc, LotDerivedBucketDoc, LotDoc, LotUseIndexDoc, LotUsesDoc, ProductUnitIndexDoc, ProductUnitsDoc, UnitDoc, VendorDoc, VendorLotDoc, VendorSuppliesDoc, VendorSupplyIndexDoc } from './graph.documents';
import { byIds } from './by-ids';
import { LotReads, lotProjectionOf, lotsWithDerived } from './lot-derived';
import { MODELS } from './graph.schemas';

const RETRACTION_CHUNK = 1_000;
/** What findParentUnits leaves out of a unit. */
export const PARENT_PROJECTION = { installs: 0, removals: 0, children: 0, disassemblies: 0 } as const;

/** Reads graph documents by natural id, as plain objects: one round trip per call, by _id only. */
@Injectable()
export class GenealogyRepository {
  constructor(
    @InjectModel(MODELS.unit) private readonly units: Model<UnitDoc>,
    @InjectModel(MODELS.lot) private readonly lots: Model<LotDoc>,
    @InjectModel(MODELS.vendorLot) private readonly vendorLots: Model<VendorLotDoc>,
    @InjectModel(MODELS.vendor) private readonly vendors: Model<VendorDoc>,
    @InjectModel(MODELS.vendorSupplies) private readonly vendorSupplies: Model<VendorSuppliesDoc>,
    @InjectModel(MODELS.vendorSupplyIndex) private readonly vendorSupplyIndex: Model<VendorSupplyIndexDoc>,
    @InjectModel(MODELS.lotUses) private readonly lotUses: Model<LotUsesDoc>,
    @InjectModel(MODELS.lotUseIndex) private readonly lotUseIndex: Model<LotUseIndexDoc>,
    @InjectModel(MODELS.productUnits) private readonly productUnits: Model<ProductUnitsDoc>,
    @InjectModel(MODELS.productUnitIndex) private readonly productUnitIndex: Model<ProductUnitIndexDoc>,
    @InjectModel(MODELS.lotBrandUses) private readonly lotBrandUses: Model<LotBrandUsesDoc>,
    @InjectModel(MODELS.lotBrandUseIndex) private readonly lotBrandUseIndex: Model<LotBrandUseIndexDoc>,
    @InjectModel(MODELS.lotDerivedBuckets) private readonly lotDerivedBuckets: Model<LotDerivedBucketDoc>,
    @InjectModel(MODELS.retraction) private readonly retractions: Model<RetractionDoc>,
  ) {}
  /**
   * The retractions of the given event ids. Most ids have none, and a miss by `_id` returns no document, so the ids go
   * in chunks of 1,000 (five times the documents' chunk): a level of 5,000 events is 5 queries, not 25.
   */
  findRetractions(eventIds: string[]): Promise<RetractionDoc[]> {
    return byIds(this.retractions, eventIds, undefined, RETRACTION_CHUNK);
  }

  findUnits(serials: string[]): Promise<UnitDoc[]> {
    return byIds(this.units, serials);
  }
  /**
   * Units as a where-used climbs through those above a serial: their starts, parents, detachments and shipments, not
   * what was installed or built into them (installs, removals, children, disassemblies), which it never reads there.
   */
  findParentUnits(serials: string[]): Promise<UnitDoc[]> {
    return byIds(this.units, serials, PARENT_PROJECTION);
  }
  /** Whether any retraction was ever recorded: one small read, so an answer skips the lookups while there is none. */
  async anyRetraction(): Promise<boolean> {
    return (await this.retractions.findOne({}, { _id: 1 }).lean().exec()) !== null;
  }
  /**
   * Lots by id, each with every derivation in `derived` (lotsWithDerived: the buckets of a lot past the inline cap are
   * read too, in as few round trips as they fill, counted in `stats`; a lot under the cap costs none).
   * `withoutForwardEdges` leaves out the derivations, which a backward walk never reads; `childrenOnly` reads nothing
   * else (CHILDREN_PROJECTION), as a deviation's count does; `reachedOnly` reads only what a reached lot tells
   * (REACHED_PROJECTION: its children, receipts, sources, statuses and splice points), as reachLots does.
   */
  async findLots(lotIds: string[], { withoutForwardEdges = false, ...read }: LotReads & { withoutForwardEdges?: boolean } = {}): Promise<LotDoc[]> {
    if (withoutForwardEdges) return byIds(this.lots, lotIds, { derived: 0, derivedInline: 0, derivedBuckets: 0 });
    return lotsWithDerived(await byIds(this.lots, lotIds, lotProjectionOf(read)), (ids) => byIds(this.lotDerivedBuckets, ids), read.stats);
  }
  findVendorLots(ids: string[]): Promise<VendorLotDoc[]> {
    return byIds(this.vendorLots, ids);
  }
  /**
   * Vendors by id: their own facts. `withoutForwardEdges` leaves out the `vendorLots` map that documents written
   * before vendor_supplies still hold (every vendor lot ever received), which only a vendor's where-used reads.
   */
  findVendors(vendorIds: string[], withoutForwardEdges = false): Promise<VendorDoc[]> {
    return byIds(this.vendors, vendorIds, withoutForwardEdges ? { vendorLots: 0 } : undefined);
  }
  /** For each vendor, which of its vendor_supplies buckets are non-empty. */
  findVendorSupplyIndexes(vendorIds: string[]): Promise<VendorSupplyIndexDoc[]> {
    return byIds(this.vendorSupplyIndex, vendorIds);
  }
  /** Buckets of vendors' vendor lots, by bucket id (bucketId(vendor, bucket)). */
  findVendorSupplies(ids: string[]): Promise<VendorSuppliesDoc[]> {
    return byIds(this.vendorSupplies, ids);
  }
  /** Buckets of lots' forward edges, by bucket id (bucketId(lot, bucket)). */
  findLotUses(ids: string[]): Promise<LotUsesDoc[]> {
    return byIds(this.lotUses, ids);
  }
  /** Buckets of products' units, by bucket id (productUnitsId). */
  findProductUnits(ids: string[]): Promise<ProductUnitsDoc[]> {
    return byIds(this.productUnits, ids);
  }
  /** For each product, which of its product_units buckets (per brand) are non-empty. */
  findProductUnitIndexes(products: string[]): Promise<ProductUnitIndexDoc[]> {
    return byIds(this.productUnitIndex, products);
  }
  /** Buckets of lots' forward edges to one brand's units, by bucket id (lotBrandUsesId). */
  findLotBrandUses(ids: string[]): Promise<LotBrandUsesDoc[]> {
    return byIds(this.lotBrandUses, ids);
  }
  /** For each (lot, brand), which of its lot_brand_uses buckets are non-empty, by id (lotBrandUseIndexId). */
  findLotBrandUseIndexes(ids: string[]): Promise<LotBrandUseIndexDoc[]> {
    return byIds(this.lotBrandUseIndex, ids);
  }
  /** For each lot, which of its lot_uses buckets are non-empty. */
  findLotUseIndexes(lotIds: string[]): Promise<LotUseIndexDoc[]> {
    return byIds(this.lotUseIndex, lotIds);
  }
}
