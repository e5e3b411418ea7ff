import { DynamicModule, Global, Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { AccessModule } from '@trace/access';
import { ApiEnv } from '../api.config';
import { API_METRIC_PROVIDERS, ApiMetrics } from './api.metrics';
import { AccessLogInterceptor } from './auth/access-log.interceptor';
import { AccessLogMiddleware } from './auth/access-log.middleware';
import { ApiKeyGuard } from './auth/api-key.guard';
import { ItemCountInterceptor } from './auth/item-count.interceptor';
import { KeyThrottlerGuard } from './auth/key-throttler.guard';
import { SessionAuthenticator } from './auth/session-authenticator';
import { IngestFreshness } from './ingest-freshness.service';
import { HttpMetricsMiddleware } from './http-metrics.middleware';
import { CursorSigner } from './paging';
import { UnavailableFilter } from './unavailable.filter';

/**
 * What every feature of the API shares, global to it: the validated environment (inject `ApiEnv`), the cursor signer,
 * the ingest's freshness, the metrics, and the HTTP pieces that apply to every request (key guard, access log, item count, the
 * 503 of an outage).
 */
@Global()
@Module({})
export class CommonModule {
  static forRoot(env: ApiEnv): DynamicModule {
    return {
      module: CommonModule,
      imports: [AccessModule],
      providers: [
        { provide: ApiEnv, useValue: env },
        { provide: CursorSigner, useFactory: () => new CursorSigner(env.CURSOR_SECRET) },
        IngestFreshness,
        SessionAuthenticator,
        KeyThrottlerGuard,
        AccessLogMiddleware,
        ...API_METRIC_PROVIDERS,
        ApiMetrics,
        HttpMetricsMiddleware,
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        // The access log first: a request is written there before anything else of it runs.
        { provide: APP_INTERCEPTOR, useClass: AccessLogInterceptor },
        { provide: APP_INTERCEPTOR, useClass: ItemCountInterceptor },
        { provide: APP_FILTER, useClass: UnavailableFilter },
      ],
      exports: [ApiEnv, CursorSigner, IngestFreshness, SessionAuthenticator, KeyThrottlerGuard, AccessLogMiddleware, ApiMetrics, HttpMetricsMiddleware],
    };
  }
}
