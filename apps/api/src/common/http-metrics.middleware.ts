import { Injectable, NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { ApiMetrics } from './api.metrics';
import { ITEMS_LOCAL } from './auth/access-log.middleware';
import { NDJSON } from './ndjson';

/** The route label of a request no route took (static files of the web app, 404s): one series for them all. */
export const UNROUTED = '(none)';

/**
 * Times every request from its start to the end of its answer (or the client leaving), counts those in flight and
 * the rows of NDJSON answers. Mounted first (bootstrap.ts), so that a request refused by any later piece is counted too.
 */
@Injectable()
export class HttpMetricsMiddleware implements NestMiddleware {
  constructor(private readonly metrics: ApiMetrics) {}

  use(req: Request, res: Response, next: NextFunction): void {
    const end = this.metrics.requestSeconds.startTimer();
    this.metrics.inFlight.inc();
    res.once('close', () => {
      this.metrics.inFlight.dec();
      // Express sets req.route when a route matched; its path is the pattern, bounded whatever the URL.
      const route = (req.route as { path?: unknown } | undefined)?.path;
      const label = typeof route === 'string' ? `${req.baseUrl}${route}` : UNROUTED;
      end({ method: req.method, route: label, status: res.writableFinished ? String(res.statusCode) : 'aborted' });
      const rows = res.locals[ITEMS_LOCAL];
      if (typeof rows === 'number' && rows > 0 && String(res.getHeader('content-type') ?? '').startsWith(NDJSON)) {
        this.metrics.ndjsonRows.inc({ route: label }, rows);
      }
    });
    next();
  }
}
