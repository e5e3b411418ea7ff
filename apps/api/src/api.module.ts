import { DynamicModule, MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { ThrottlerModule } from '@nestjs/throttler';
import { KafkaModule, MetricsModule, ShutdownDeadlineModule, loggingModule, metricsSettings, mongooseOptions } from '@trace/platform';
import { AdminModule } from './admin/admin.module';
import { ApiEnv } from './api.config';
import { NoOperatorsMiddleware } from './common/auth/no-operators.middleware';
import { CommonModule } from './common/common.module';
import { GracefulShutdown, SHUTDOWN_GRACE_MS } from './common/graceful-shutdown';
import { requestLogProps } from './common/request-log';
import { CommonalityModule } from './commonality/commonality.module';
import { ContainmentModule } from './containment/containment.module';
import { ExposureModule } from './exposure/exposure.module';
import { GenealogyModule } from './genealogy/genealogy.module';
import { HealthModule } from './health/health.module';
import { ReportsModule } from './reports/reports.module';
import { RecordsModule } from './records/records.module';
import { SearchModule } from './search/search.module';
import { SessionsModule } from './sessions/sessions.module';
import { WhereUsedModule } from './where-used/where-used.module';
import { BrandsModule } from './brands/brands.module';

/** The HTTP API: one module per feature; reads the genealogy graph, never writes it (a hold is an event on Kafka). */
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
        // The producer (holds) and the admin (health, the ingest's lag), connected on first use.
        KafkaModule.forRoot({ clientId: 'trace-api', brokers: env.KAFKA_BROKERS, topicPrefix: env.TOPIC_PREFIX }),
        CommonModule.forRoot(env),
        // JSON logs (pino), one line per request with its request id, key id and correlation id; secrets redacted.
        loggingModule(env, 'api', requestLogProps),
        // GET /metrics on METRICS_PORT (a port of its own, never API_PORT), when set.
        MetricsModule.forRoot(metricsSettings(env)),
        // A stop whose close hooks hang past API_SHUTDOWN_EXIT_MS ends with an error line and status 1.
        ShutdownDeadlineModule.forRoot({ timeoutMs: env.API_SHUTDOWN_EXIT_MS, variable: 'API_SHUTDOWN_EXIT_MS' }),
        HealthModule,
        AdminModule,
        SessionsModule,
        SearchModule,
        RecordsModule,
        GenealogyModule,
        WhereUsedModule,
        ExposureModule,
        CommonalityModule,
        ContainmentModule,
        ReportsModule.forRoot(env),
        BrandsModule,
      ],
      // Here, in the root, and not in the global CommonModule: see GracefulShutdown for why.
      providers: [GracefulShutdown, { provide: SHUTDOWN_GRACE_MS, useValue: env.API_SHUTDOWN_GRACE_MS }],
    };
  }

  configure(consumer: MiddlewareConsumer): void {
    // Every request: operator-looking keys refused first. (The access log is mounted before the body parser, in
    // bootstrap.ts, so that a request is recorded even when its body never arrives.)
    consumer.apply(NoOperatorsMiddleware).forRoutes('*');
  }
}
