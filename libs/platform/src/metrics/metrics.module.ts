import { DynamicModule, Inject, Injectable, Logger, Module, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Server, createServer } from 'node:http';
import { once } from 'node:events';
import { collectDefaultMetrics, register } from 'prom-client';

/** Where the Prometheus endpoint listens: a port of its own, so that /metrics is never served on the public one. */
export interface MetricsSettings {
  /** Unset: no endpoint. 0: any free port (tests). */
  port?: number;
  host: string;
}

const METRICS_SETTINGS = Symbol('METRICS_SETTINGS');

/**
 * Serves GET /metrics (the Prometheus text format: prom-client's default registry, where the apps' metrics made with
 * @willsoto/nestjs-prometheus's providers live) on METRICS_HOST:METRICS_PORT, started and stopped with the app that
 * imports MetricsModule. A port of its own rather than a route of the app: the API's port is public and the ingest has
 * no HTTP server at all; a port is what a scrape config and a firewall rule can name. A bare node:http server rather
 * than PrometheusModule's controller in a second Nest application: creating one overrides the process-wide Nest logger.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('Metrics');
  private server?: Server;
  /** The endpoint's URL once listening (`http://host:port/metrics`); empty when METRICS_PORT is unset. */
  url = '';

  constructor(@Inject(METRICS_SETTINGS) private readonly settings: MetricsSettings) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.settings.port === undefined) return;
    // Default process metrics are registered once per process (a test may start several apps in one).
    if (register.getSingleMetric('process_cpu_user_seconds_total') === undefined) collectDefaultMetrics();
    this.server = createServer((req, res) => {
      if (req.method !== 'GET' || req.url?.split('?')[0] !== '/metrics') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('GET /metrics\n');
        return;
      }
      register.metrics().then(
        (text) => res.writeHead(200, { 'content-type': register.contentType }).end(text),
        (error: unknown) => res.writeHead(500, { 'content-type': 'text/plain' }).end(`${String(error)}\n`),
      );
    });
    this.server.listen(this.settings.port, this.settings.host);
    await once(this.server, 'listening');
    const { port } = this.server.address() as { port: number };
    this.url = `http://${this.settings.host}:${port}/metrics`;
    this.logger.log(`Prometheus metrics at ${this.url}`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
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
