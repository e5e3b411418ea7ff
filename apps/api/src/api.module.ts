import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { MongooseModule } from '@nestjs/mongoose';
import { ThrottlerModule } from '@nestjs/throttler';
import { AccessModule, SESSION_LIFETIME } from '@trace/access';
import { GenealogyModule } from '@trace/genealogy';
import { createKafka, mongooseOptions } from '@trace/platform';
import { ReportJobsModule, ReportKeysModule, ReportVerifier } from '@trace/reports';
import { AdminController } from './admin/admin.controller';
import { ApiEnv } from './api.config';
import { AccessLogInterceptor } from './auth/access-log.interceptor';
import { AccessLogMiddleware } from './auth/access-log.middleware';
import { ApiKeyGuard } from './auth/api-key.guard';
import { BrandsModule } from './brands/brands.module';
import { ItemCountInterceptor } from './auth/item-count.interceptor';
import { KeyThrottlerGuard } from './auth/key-throttler.guard';
import { NoOperatorsMiddleware } from './auth/no-operators.middleware';
import { UnavailableFilter } from './unavailable.filter';
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
import { REPORT_JOB_SETTINGS, ReportJobRunner, ReportJobSettings } from './reports/report-job.runner';
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

const reportJobSettings = (env: ApiEnv): ReportJobSettings => ({
  maxActive: env.REPORT_JOBS_MAX_ACTIVE_PER_KEY,
  maxKept: env.REPORT_JOBS_MAX_KEPT_PER_KEY,
  maxStoredBytes: env.REPORT_JOBS_MAX_STORED_BYTES_PER_KEY,
  maxJobBytes: env.REPORT_JOB_MAX_BYTES,
  ttlMs: env.REPORT_JOB_TTL_SECONDS * 1000,
  leaseMs: env.REPORT_JOB_LEASE_MS,
  maintenanceMs: env.REPORT_JOB_MAINTENANCE_MS,
});

/** The HTTP API: reads the genealogy graph, never writes it. */
@Module({})
export class ApiModule implements NestModule {
  static forRoot(env: ApiEnv): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        // Fail fast when the database cannot be reached: a prompt 503 (UnavailableFilter), not a request parked for 30 s.
        MongooseModule.forRoot(env.MONGO_URL, { ...mongooseOptions(env), serverSelectionTimeoutMS: 2_000, bufferCommands: false }),
        // One limit for every @Expensive() route, counted per key (KeyThrottlerGuard); generous by default.
        ThrottlerModule.forRoot({ throttlers: [{ name: 'default', ttl: env.RATE_LIMIT_WINDOW_MS, limit: env.RATE_LIMIT_EXPENSIVE }], errorMessage: 'too many expensive requests for this key: retry after Retry-After seconds' }),
        GenealogyModule, AccessModule, ReportKeysModule.register(env.REPORT_KEY_SECRET), ReportJobsModule, BrandsModule.register(env)],
      controllers: [HealthController, AdminController, SerialsController, WhereUsedController, VendorExposureController, AnalysisController, LotStatusController, ReportsController, ReportJobsController, SessionController, SearchController],
      providers: [
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        // The access log first: a request is written there before anything else of it runs.
        { provide: APP_INTERCEPTOR, useClass: AccessLogInterceptor },
        { provide: APP_INTERCEPTOR, useClass: ItemCountInterceptor },
        { provide: APP_FILTER, useClass: UnavailableFilter },
        KeyThrottlerGuard,
        AccessLogMiddleware,
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
        ReportVerifier,
        { provide: REPORT_SETTINGS, useValue: { ingestGroupId: env.INGEST_GROUP_ID, topicPrefix: env.TOPIC_PREFIX, verifyMaxBytes: env.REPORT_VERIFY_MAX_BYTES } },
        { provide: REPORT_JOB_SETTINGS, useValue: reportJobSettings(env) },
        SessionAuthenticator,
        { provide: SESSION_LIFETIME, useValue: { idleMs: env.SESSION_IDLE_MINUTES * 60_000, absoluteMs: env.SESSION_MAX_HOURS * 3_600_000 } },
        SessionLifetimeSettings,
      ],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // Every request: operator-looking keys refused first. (The access log is mounted before the body parser, in
    // bootstrap.ts, so that a request is recorded even when its body never arrives.)
    consumer.apply(NoOperatorsMiddleware).forRoutes('*');
  }
}
