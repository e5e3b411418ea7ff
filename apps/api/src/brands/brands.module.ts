import { DynamicModule, Module } from '@nestjs/common';
import { createKafka } from '@trace/platform';
import type { ApiEnv } from '../api.config';
import { KAFKA_PRODUCER, TOPIC_PREFIX, TraceEventProducer } from '../holds/trace-event.producer';
import { BrandPublishingController } from './brand-publishing.controller';
import { PublishBrandEventUseCase } from './publish-brand-event.use-case';

const USE_CASES = [PublishBrandEventUseCase];

/**
 * A brand's authority through the API: publishing its approvals, deviations and BOM revisions to trace.brand.v1.
 * Its own producer (one more connection per API instance) keeps the module free of the root module's wiring.
 */
@Module({})
export class BrandsModule {
  static register(env: ApiEnv): DynamicModule {
    return {
      module: BrandsModule,
      controllers: [BrandPublishingController],
      providers: [
        ...USE_CASES,
        TraceEventProducer,
        { provide: KAFKA_PRODUCER, useFactory: () => createKafka('trace-api-brands', env.KAFKA_BROKERS).producer({ allowAutoTopicCreation: false }) },
        { provide: TOPIC_PREFIX, useValue: env.TOPIC_PREFIX },
      ],
    };
  }
}
