import { DynamicModule, Module } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AccessModule } from '@trace/access';
import { GenealogyModule } from '@trace/genealogy';
import { createKafka, mongooseOptions } from '@trace/platform';
import { ApiEnv } from './api.config';
import { AnalyseCommonalityUseCase } from './analysis/analyse-commonality.use-case';
import { AnalysisController } from './analysis/analysis.controller';
import { VendorExposureController } from './exposure/vendor-exposure.controller';
import { VendorExposureUseCase } from './exposure/vendor-exposure.use-case';
import { HealthController } from './health/health.controller';
import { HealthService, KAFKA_ADMIN } from './health/health.service';
import { SerialsController } from './serials/serials.controller';
import { TraceSerialUseCase } from './serials/trace-serial.use-case';
import { WhereUsedController } from './where-used/where-used.controller';
import { WhereUsedUseCase } from './where-used/where-used.use-case';

/** The HTTP API: reads the genealogy graph, never writes it. */
@Module({})
export class ApiModule {
  static forRoot(env: ApiEnv): DynamicModule {
    return {
      module: ApiModule,
      imports: [MongooseModule.forRoot(env.MONGO_URL, mongooseOptions(env)), GenealogyModule, AccessModule],
      controllers: [HealthController, SerialsController, WhereUsedController, VendorExposureController, AnalysisController],
      providers: [
        TraceSerialUseCase,
        WhereUsedUseCase,
        VendorExposureUseCase,
        AnalyseCommonalityUseCase,
        HealthService,
        { provide: KAFKA_ADMIN, useFactory: () => createKafka('trace-api', env.KAFKA_BROKERS).admin() },
      ],
    };
  }
}
