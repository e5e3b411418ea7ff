import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuthorityJudge } from './authority/authority-judge';
import { AuthorityRepository } from './authority/authority.repository';
import { AUTHORITY_FEATURES } from './authority/authority.schemas';
import { BackwardTracer } from './backward/backward-tracer';
import { GraphFetcher } from './backward/graph-fetcher';
import { CommonalityAnalyzer } from './commonality';
import { GenealogyRepository } from './storage/genealogy.repository';
import { GraphWriteRepository } from './write/graph-write.repository';
import { IdLookup } from './id-lookup';
import {
  LotBrandUseIndexSchema,
  LotBrandUsesSchema,
  LotSchema,
  LotUseIndexSchema,
  LotUsesSchema,
  MODELS,
  ProductUnitIndexSchema,
  ProductUnitsSchema,
  RetractionSchema,
  UnitSchema,
  VendorLotSchema,
  VendorSchema,
} from './storage/graph.schemas';
import { ForwardTracer } from './forward/where-used';

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
      { name: MODELS.lotBrandUses, schema: LotBrandUsesSchema },
      { name: MODELS.lotBrandUseIndex, schema: LotBrandUseIndexSchema },
      { name: MODELS.productUnits, schema: ProductUnitsSchema },
      { name: MODELS.productUnitIndex, schema: ProductUnitIndexSchema },
      { name: MODELS.retraction, schema: RetractionSchema },
      ...AUTHORITY_FEATURES,
    ]),
  ],
  providers: [GenealogyRepository, GraphWriteRepository, GraphFetcher, BackwardTracer, ForwardTracer, CommonalityAnalyzer, AuthorityRepository, AuthorityJudge, IdLookup],
  exports: [GraphWriteRepository, BackwardTracer, ForwardTracer, CommonalityAnalyzer, IdLookup, AuthorityJudge],
})
export class GenealogyModule {}
