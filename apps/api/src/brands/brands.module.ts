import { DynamicModule, Module } from '@nestjs/common';
import { GenealogyModule } from '@trace/genealogy';
import { createKafka } from '@trace/platform';
import type { ApiEnv } from '../api.config';
import { KAFKA_PRODUCER, TOPIC_PREFIX, TraceEventProducer } from '../holds/trace-event.producer';
import { BrandPublishingController } from './brand-publishing.controller';
import { DeviationsController } from './deviations.controller';
import { GetDeviationUseCase } from './get-deviation.use-case';
import { PublishBrandEventUseCase } from './publish-brand-event.use-case';
import { ShipmentComplianceController } from './shipment-compliance.controller';
import { ShipmentComplianceUseCase } from './shipment-compliance.use-case';

const USE_CASES = [PublishBrandEventUseCase, GetDeviationUseCase, ShipmentComplianceUseCase];

/**
 * A brand's authority through the API: publishing its approvals, deviations and BOM revisions to trace.brand.v1, and
 * reading its deviations with their recall scope and its shipments' compliance.
 * Its own producer (one more connection per API instance) keeps the module free of the root module's wiring.
 */
@Module({})
export class BrandsModule {
  static register(env: ApiEnv): DynamicModule {
    return {
      module: BrandsModule,
      imports: [GenealogyModule],
      controllers: [BrandPublishingController, DeviationsController, ShipmentComplianceController],
      providers: [
        ...USE_CASES,
        TraceEventProducer,
        { provide: KAFKA_PRODUCER, useFactory: () => createKafka('trace-api-brands', env.KAFKA_BROKERS).producer({ allowAutoTopicCreation: false }) },
        { provide: TOPIC_PREFIX, useValue: env.TOPIC_PREFIX },
      ],
    };
  }
}
