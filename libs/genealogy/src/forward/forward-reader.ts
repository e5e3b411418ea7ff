import type { LotBrandUseIndexDoc, LotBrandUsesDoc, LotDoc, LotUseIndexDoc, LotUsesDoc, ProductUnitIndexDoc, ProductUnitsDoc, UnitDoc, VendorDoc, VendorLotDoc, VendorSuppliesDoc, VendorSupplyIndexDoc } from '../storage/graph.documents';
import type { LotReads } from '../storage/lot-derived';

/** The reads a forward traversal needs, each one round trip by `_id`. GenealogyRepository is one; tests pass fakes. */
export interface ForwardReader {
  /** `read.stats` counts an outlier's bucket reads (lotsWithDerived) beside the traversal's own. */
  findLots(ids: string[], read?: LotReads): Promise<LotDoc[]>;
  findLotUseIndexes(lotIds: string[]): Promise<LotUseIndexDoc[]>;
  findLotUses(ids: string[]): Promise<LotUsesDoc[]>;
  findLotBrandUseIndexes(ids: string[]): Promise<LotBrandUseIndexDoc[]>;
  findLotBrandUses(ids: string[]): Promise<LotBrandUsesDoc[]>;
  findUnits(serials: string[]): Promise<UnitDoc[]>;
  /** Units as the climb reads the ones above a serial: without installs and children (absent: findUnits, whole). */
  findParentUnits?(serials: string[]): Promise<UnitDoc[]>;
  findVendorLots(ids: string[]): Promise<VendorLotDoc[]>;
  findVendors(ids: string[]): Promise<VendorDoc[]>;
  findVendorSupplyIndexes(vendorIds: string[]): Promise<VendorSupplyIndexDoc[]>;
  findVendorSupplies(ids: string[]): Promise<VendorSuppliesDoc[]>;
}

/** The reads that count a product's units. */
export interface ProductUnitsReader {
  findProductUnitIndexes(products: string[]): Promise<ProductUnitIndexDoc[]>;
  findProductUnits(ids: string[]): Promise<ProductUnitsDoc[]>;
}
