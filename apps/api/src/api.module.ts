import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { MongooseModule } from '@nestjs/mongoose';
import { AccessModule, SESSION_LIFETIME } from '@trace/access';
import { GenealogyModule } from '@trace/genealogy';
import { createKafka, mongooseOptions } from '@trace/platform';
import { ReportJobsModule, ReportKeysModule } from '@trace/reports';
import { AdminController } from './admin/admin.controller';
import { ApiEnv } from './api.config';
import { AccessLogMiddleware } from './auth/access-log.middleware';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ItemCountInterceptor } from './auth/item-count.interceptor';
import { NoOperatorsMiddleware } from './auth/no-operators.middleware';
import { AnalyseCommonalityUseCase } from './analysis/analyse-commonality.use-case';
import { AnalysisController } from './analysis/analysis.controller';
import { VendorExposureController } from './exposure/vendor-exposure.controller';
import { VendorExposureUseCase } from './exposure/vendor-exposure.use-case';
import { ChangeLotStatusUseCase } from './holds/change-lot-status.use-case';
import { LotStatusController } from './holds/lot-status.controller';
import { KAFKA_PRODUCER, TOPIC_PREFIX, TraceEventProducer } from './holds/trace-event.producer';
import { HealthController } from './health/health.controller';
import { HealthService, KAFKA_ADMIN } from './health/health.service';
import { GenerateReportUseCase } from './reports/generate-report.use-case';
import { IngestLagService, REPORT_SETTINGS } from './reports/ingest-lag.service';
import { ReportJobRunner } from './reports/report-job.runner';
import { ReportJobsController } from './reports/report-jobs.controller';
import { ReportsController } from './reports/reports.controller';
import { SerialsController } from './serials/serials.controller';
import { TraceSerialUseCase } from './serials/trace-serial.use-case';
import { WhereUsedController } from './where-used/where-used.controller';
import { WhereUsedUseCase } from './where-used/where-used.use-case';
import { SearchController } from './search/search.controller';
import { SessionAuthenticator } from './sessions/session-authenticator';
import { SessionController } from './sessions/session.controller';
import { SessionLifetimeSettings } from './sessions/session-lifetime';

/** The HTTP API: reads the genealogy graph, never writes it. */
@Module({})
export class ApiModule implements NestModule {
  static forRoot(env: ApiEnv): DynamicModule {
    return {
      module: ApiModule,
      imports: [MongooseModule.forRoot(env.MONGO_URL, mongooseOptions(env)), GenealogyModule, AccessModule, ReportKeysModule.register(env.REPORT_KEY_SECRET), ReportJobsModule],
      controllers: [HealthController, AdminController, SerialsController, WhereUsedController, VendorExposureController, AnalysisController, LotStatusController, ReportsController, ReportJobsController, SessionController, SearchController],
      providers: [
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: APP_INTERCEPTOR, useClass: ItemCountInterceptor },
        TraceSerialUseCase,
        WhereUsedUseCase,
        VendorExposureUseCase,
        AnalyseCommonalityUseCase,
        ChangeLotStatusUseCase,
        TraceEventProducer,
        { provide: KAFKA_PRODUCER, useFactory: () => createKafka('trace-api', env.KAFKA_BROKERS).producer({ allowAutoTopicCreation: false }) },
        { provide: TOPIC_PREFIX, useValue: env.TOPIC_PREFIX },
        HealthService,
        { provide: KAFKA_ADMIN, useFactory: () => createKafka('trace-api', env.KAFKA_BROKERS).admin() },
        GenerateReportUseCase,
        IngestLagService,
        ReportJobRunner,
        { provide: REPORT_SETTINGS, useValue: { ingestGroupId: env.INGEST_GROUP_ID, topicPrefix: env.TOPIC_PREFIX } },
        SessionAuthenticator,
        { provide: SESSION_LIFETIME, useValue: { idleMs: env.SESSION_IDLE_MINUTES * 60_000, absoluteMs: env.SESSION_MAX_HOURS * 3_600_000 } },
        SessionLifetimeSettings,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // Every request: operator-looking keys refused first; requests to /v1 recorded in the access log.
    consumer.apply(NoOperatorsMiddleware).forRoutes('*');
    consumer.apply(AccessLogMiddleware).forRoutes('v1/*path');
  }
}
