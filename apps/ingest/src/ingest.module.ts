import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { MongooseModule } from '@nestjs/mongoose';
import { GenealogyModule } from '@trace/genealogy';
import { MetricsModule, ShutdownDeadlineModule, loggingModule, metricsSettings, mongooseOptions } from '@trace/platform';
import { IngestEnv } from './ingest.config';
import { INGEST_METRIC_PROVIDERS, IngestMetrics } from './ingest.metrics';
import { PassThroughRpcFilter } from './pass-through.filter';
import { RecordEventsUseCase } from './record-events.use-case';
import { TraceEventsConsumer } from './trace-events.consumer';

/** The ingest: Kafka batches in, genealogy graph writes out. */
@Module({})
export class IngestModule {
  static forRoot(env: IngestEnv): DynamicModule {
    return {
      module: IngestModule,
      imports: [
        MongooseModule.forRoot(env.MONGO_URL, mongooseOptions(env)), GenealogyModule, MetricsModule.forRoot(metricsSettings(env)), loggingModule(env, 'ingest'),
        ShutdownDeadlineModule.forRoot({ timeoutMs: env.INGEST_SHUTDOWN_EXIT_MS, variable: 'INGEST_SHUTDOWN_EXIT_MS' }),
      ],
      controllers: [TraceEventsConsumer],
      providers: [RecordEventsUseCase, ...INGEST_METRIC_PROVIDERS, IngestMetrics, { provide: APP_FILTER, useClass: PassThroughRpcFilter }],
    };
  }
}
