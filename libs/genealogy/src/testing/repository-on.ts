import type mongoose from 'mongoose';
import { GenealogyRepository } from '../storage/genealogy.repository';
import { AuthorityRepository } from '../authority/authority.repository';
import {
  AUTHORITY_MODELS, BrandApprovalSchema, BrandBomSchema, BrandDeviationSchema, BrandIndexSchema, BrandPartSchema, PartReceiptBucketSchema,
  PartReceiptsSchema, ShipmentUnitBucketSchema, ShipmentUnitsSchema,
} from '../authority/authority.schemas';
import {
  LotBrandUseIndexSchema, LotBrandUsesSchema, LotDerivedBucketSchema, LotSchema, LotUseIndexSchema, LotUsesSchema, MODELS, ProductUnitIndexSchema,
  ProductUnitsSchema, RetractionSchema, UnitSchema, VendorLotSchema, VendorSchema, VendorSuppliesSchema, VendorSupplyIndexSchema,
} from '../storage/graph.schemas';

/** The graph's repository on a connection of its own, outside Nest (benches): the models GenealogyModule registers. */
export function genealogyRepositoryOn(conn: mongoose.Connection): GenealogyRepository {
  const m = <T>(name: string, schema: mongoose.Schema<T>): mongoose.Model<T> => conn.model<T>(name, schema);
  return new GenealogyRepository(
    m(MODELS.unit, UnitSchema), m(MODELS.lot, LotSchema), m(MODELS.vendorLot, VendorLotSchema), m(MODELS.vendor, VendorSchema),
    m(MODELS.vendorSupplies, VendorSuppliesSchema), m(MODELS.vendorSupplyIndex, VendorSupplyIndexSchema),
    m(MODELS.lotUses, LotUsesSchema), m(MODELS.lotUseIndex, LotUseIndexSchema),
    m(MODELS.productUnits, ProductUnitsSchema), m(MODELS.productUnitIndex, ProductUnitIndexSchema),
    m(MODELS.lotBrandUses, LotBrandUsesSchema), m(MODELS.lotBrandUseIndex, LotBrandUseIndexSchema),
    m(MODELS.lotDerivedBuckets, LotDerivedBucketSchema), m(MODELS.retraction, RetractionSchema),
  );
}

/** Brand authority's repository on a connection of its own, outside Nest (benches): the models GenealogyModule registers. */
export function authorityRepositoryOn(conn: mongoose.Connection): AuthorityRepository {
  const m = <T>(name: string, schema: mongoose.Schema<T>): mongoose.Model<T> => conn.model<T>(name, schema);
  const a = AUTHORITY_MODELS;
  return new AuthorityRepository(
    m(a.brandParts, BrandPartSchema), m(a.brandApprovals, BrandApprovalSchema), m(a.brandDeviations, BrandDeviationSchema), m(a.brandBoms, BrandBomSchema),
    m(a.partReceipts, PartReceiptsSchema), m(a.partReceiptBuckets, PartReceiptBucketSchema),
    m(a.shipmentUnits, ShipmentUnitsSchema), m(a.shipmentUnitBuckets, ShipmentUnitBucketSchema), m(a.brandIndex, BrandIndexSchema),
  );
}
