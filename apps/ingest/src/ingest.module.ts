import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { MongooseModule } from '@nestjs/mongoose';
import { GenealogyModule } from '@trace/genealogy';
import { mongooseOptions } from '@trace/platform';
import { IngestEnv } from './ingest.config';
import { PassThroughRpcFilter } from './pass-through.filter';
import { RecordEventsUseCase } from './record-events.use-case';
import { TraceEventsConsumer } from './trace-events.consumer';

/** The ingest: Kafka batches in, genealogy graph writes out. */
@Module({})
export class IngestModule {
  static forRoot(env: IngestEnv): DynamicModule {
    return {
      module: IngestModule,
      imports: [MongooseModule.forRoot(env.MONGO_URL, mongooseOptions(env)), GenealogyModule],
      controllers: [TraceEventsConsumer],
      providers: [RecordEventsUseCase, { provide: APP_FILTER, useClass: PassThroughRpcFilter }],
    };
  }
}
