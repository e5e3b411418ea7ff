import { DynamicModule, INestApplication, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { register } from 'prom-client';

/** Where the Prometheus endpoint listens: a port of its own, so that /metrics is never served on the public one. */
export interface MetricsSettings {
  /** Unset: no endpoint. 0: any free port (tests). */
  port?: number;
  host: string;
}

const METRICS_SETTINGS = Symbol('METRICS_SETTINGS');

/**
 * Serves GET /metrics (the Prometheus text format, prom-client's default registry, through @willsoto/nestjs-prometheus)
 * from a second, tiny Nest application on METRICS_HOST:METRICS_PORT, started and stopped with the app that imports
 * MetricsModule. A second application rather than a route of the app: the API's port is public and the ingest has no
 * HTTP server at all; a port of its own is what a scrape config and a firewall rule can name.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: INestApplication;
  /** The endpoint's URL once listening (`http://host:port/metrics`); empty when METRICS_PORT is unset. */
  url = '';

  constructor(@Inject(METRICS_SETTINGS) private readonly settings: MetricsSettings) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.port === undefined) return;
    // Default process metrics are registered once per process (a test may start several apps in one).
    const defaults = register.getSingleMetric('process_cpu_user_seconds_total') === undefined;
    this.server = await NestFactory.create(PrometheusModule.register({ defaultMetrics: { enabled: defaults } }), { logger: false, abortOnError: false });
    await this.server.listen(this.settings.port, this.settings.host);
    const { port } = this.server.getHttpServer().address() as { port: number };
    this.url = `http://${this.settings.host}:${port}/metrics`;
    this.logger.log(`Prometheus metrics at ${this.url}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
    this.server = undefined;
  }
}

/** The metrics endpoint of an app (see MetricsServer); the app's own series are prom-client metrics it defines. */
@Module({})
export class MetricsModule {
  static forRoot(settings: MetricsSettings): DynamicModule {
    return {
      module: MetricsModule,
      providers: [{ provide: METRICS_SETTINGS, useValue: settings }, MetricsServer],
      exports: [MetricsServer],
    };
  }
}
