import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { Model } from 'mongoose';
import { AuthorityCollection, BrandApprovalDoc, BrandBomDoc, BrandDeviationDoc, BrandIndexDoc, BrandPartDoc, PartReceiptBucketDoc, PartReceiptsDoc, ShipmentUnitBucketDoc, ShipmentUnitsDoc } from './authority.documents';
import { byIds } from '../storage/by-ids';
import { AUTHORITY_MODELS } from './authority.schemas';

/** The reads the judgement makes, each one round trip by `_id`. AuthorityRepository is one; tests pass fakes. */
export interface AuthorityReader {
  findBrandParts(ids: string[]): Promise<BrandPartDoc[]>;
  findBrandApprovals(ids: string[]): Promise<BrandApprovalDoc[]>;
  findBrandDeviations(ids: string[]): Promise<BrandDeviationDoc[]>;
  findBrandBoms(ids: string[]): Promise<BrandBomDoc[]>;
  findPartReceipts(ids: string[]): Promise<PartReceiptsDoc[]>;
}

/** The reads of the approver's lists: the brand's index, then the judgement's own reads. */
export interface BrandListReader extends AuthorityReader {
  findBrandIndexes(brands: string[]): Promise<BrandIndexDoc[]>;
}

/** Brand authority documents by id, as plain objects; also hands its models to the graph writer. */
@Injectable()
export class AuthorityRepository implements AuthorityReader {
  readonly models: Record<AuthorityCollection, Model<any>>;

  constructor(
    @InjectModel(AUTHORITY_MODELS.brandParts) brandParts: Model<BrandPartDoc>,
    @InjectModel(AUTHORITY_MODELS.brandApprovals) brandApprovals: Model<BrandApprovalDoc>,
    @InjectModel(AUTHORITY_MODELS.brandDeviations) brandDeviations: Model<BrandDeviationDoc>,
    @InjectModel(AUTHORITY_MODELS.brandBoms) brandBoms: Model<BrandBomDoc>,
    @InjectModel(AUTHORITY_MODELS.partReceipts) partReceipts: Model<PartReceiptsDoc>,
    @InjectModel(AUTHORITY_MODELS.partReceiptBuckets) partReceiptBuckets: Model<PartReceiptBucketDoc>,
    @InjectModel(AUTHORITY_MODELS.shipmentUnits) shipmentUnits: Model<ShipmentUnitsDoc>,
    @InjectModel(AUTHORITY_MODELS.shipmentUnitBuckets) shipmentUnitBuckets: Model<ShipmentUnitBucketDoc>,
    @InjectModel(AUTHORITY_MODELS.brandIndex) brandIndex: Model<BrandIndexDoc>,
  ) {
    this.models = { brandParts, brandApprovals, brandDeviations, brandBoms, partReceipts, partReceiptBuckets, shipmentUnits, shipmentUnitBuckets, brandIndex };
  }

  /** What each brand published, by brand (the approver's lists start here). */
  findBrandIndexes(brands: string[]): Promise<BrandIndexDoc[]> {
    return byIds(this.models.brandIndex, brands);
  }

  /** Each shipment's document: its buckets of shipment_unit_buckets (the reverse index of UnitShipped). */
  findShipmentUnits(ids: string[]): Promise<ShipmentUnitsDoc[]> {
    return byIds(this.models.shipmentUnits, ids);
  }
  /** Buckets of shipments' units, by bucket id (bucketId). */
  findShipmentUnitBuckets(ids: string[]): Promise<ShipmentUnitBucketDoc[]> {
    return byIds(this.models.shipmentUnitBuckets, ids);
  }

  findBrandParts(ids: string[]): Promise<BrandPartDoc[]> {
    return byIds(this.models.brandParts, ids);
  }
  findBrandApprovals(ids: string[]): Promise<BrandApprovalDoc[]> {
    return byIds(this.models.brandApprovals, ids);
  }
  findBrandDeviations(ids: string[]): Promise<BrandDeviationDoc[]> {
    return byIds(this.models.brandDeviations, ids);
  }
  findBrandBoms(ids: string[]): Promise<BrandBomDoc[]> {
    return byIds(this.models.brandBoms, ids);
  }
  findPartReceipts(ids: string[]): Promise<PartReceiptsDoc[]> {
    return byIds(this.models.partReceipts, ids);
  }
  /** Buckets of parts' receipts, by bucket id (bucketId(partReceiptsId, bucket)). */
  findPartReceiptBuckets(ids: string[]): Promise<PartReceiptBucketDoc[]> {
    return byIds(this.models.partReceiptBuckets, ids);
  }
}
