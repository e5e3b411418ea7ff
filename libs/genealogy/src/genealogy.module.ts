import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { BackwardTracer } from './backward-trace';
import { CommonalityAnalyzer } from './commonality';
import { GenealogyRepository } from './genealogy.repository';
import { GraphWriteRepository } from './graph-write.repository';
import { IdLookup } from './id-lookup';
import {
  LotSchema,
  LotUseIndexSchema,
  LotUsesSchema,
  MODELS,
  ProductUnitIndexSchema,
  ProductUnitsSchema,
  UnitSchema,
  VendorLotSchema,
  VendorSchema,
} from './schemas/graph.schemas';
import { ForwardTracer } from './where-used';

/** The genealogy graph: its collections, the writer the ingest uses and the readers the API uses. Needs a MongooseModule.forRoot in the app. */
@Module({
  imports: [
    MongooseModule.forFeature([
      { name: MODELS.unit, schema: UnitSchema },
      { name: MODELS.lot, schema: LotSchema },
      { name: MODELS.vendorLot, schema: VendorLotSchema },
      { name: MODELS.vendor, schema: VendorSchema },
      { name: MODELS.lotUses, schema: LotUsesSchema },
      { name: MODELS.lotUseIndex, schema: LotUseIndexSchema },
      { name: MODELS.productUnits, schema: ProductUnitsSchema },
      { name: MODELS.productUnitIndex, schema: ProductUnitIndexSchema },
    ]),
  ],
  providers: [GenealogyRepository, GraphWriteRepository, BackwardTracer, ForwardTracer, CommonalityAnalyzer, IdLookup],
  exports: [GraphWriteRepository, BackwardTracer, ForwardTracer, CommonalityAnalyzer, IdLookup],
})
export class GenealogyModule {}
