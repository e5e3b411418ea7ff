import { Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AuthorityJudge } from './authority/authority-judge';
import { AuthorityRepository } from './authority/authority.repository';
import { AUTHORITY_FEATURES } from './authority/authority.schemas';
import { BackwardTracer } from './backward/backward-tracer';
import { GraphFetcher } from './backward/graph-fetcher';
import { CommonalityAnalyzer } from './commonality';
import { GenealogyRepository } from './storage/genealogy.repository';
import { GraphDigester } from './digest/graph-digest';
import { EventRecorder } from './write/event-recorder';
import { GraphWriteRepository } from './write/graph-write.repository';
import { IdLookup } from './id-lookup';
import { LotLineageTracer } from './lineage/lot-lineage';
import { LookupRepository } from './lookup/lookup.repository';
import { LOOKUP_FEATURES } from './lookup/lookup.schemas';
import { RecordReader } from './lookup/records';
import {
  LotBrandUseIndexSchema,
  LotBrandUsesSchema,
  LotDerivedBucketSchema,
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
  VendorSuppliesSchema,
  VendorSupplyIndexSchema,
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
      { name: MODELS.vendorSupplies, schema: VendorSuppliesSchema },
      { name: MODELS.vendorSupplyIndex, schema: VendorSupplyIndexSchema },
      { name: MODELS.lotUses, schema: LotUsesSchema },
      { name: MODELS.lotUseIndex, schema: LotUseIndexSchema },
      { name: MODELS.lotBrandUses, schema: LotBrandUsesSchema },
      { name: MODELS.lotBrandUseIndex, schema: LotBrandUseIndexSchema },
      { name: MODELS.productUnits, schema: ProductUnitsSchema },
      { name: MODELS.productUnitIndex, schema: ProductUnitIndexSchema },
      { name: MODELS.lotDerivedBuckets, schema: LotDerivedBucketSchema },
      { name: MODELS.retraction, schema: RetractionSchema },
      ...AUTHORITY_FEATURES,
      ...LOOKUP_FEATURES,
    ]),
  ],
  providers: [GenealogyRepository, GraphWriteRepository, EventRecorder, GraphDigester, GraphFetcher, BackwardTracer, ForwardTracer, CommonalityAnalyzer, AuthorityRepository, AuthorityJudge, IdLookup, LookupRepository, LotLineageTracer, RecordReader],
  exports: [GraphWriteRepository, EventRecorder, GraphDigester, BackwardTracer, ForwardTracer, CommonalityAnalyzer, IdLookup, AuthorityJudge, LotLineageTracer, RecordReader],
})
export class GenealogyModule {}
