import { Injectable, Logger, NestMiddleware } from '@nestjs/common';
import { AccessLogRepository } from '@trace/access';
import type { NextFunction, Request, Response } from 'express';
import { AuthenticatedRequest } from './auth.decorators';

/** Where a handler says how many items it returned (set by ItemCountInterceptor). */
export const ITEMS_LOCAL = 'traceItems';

/**
 * Records every request to a data endpoint (/v1/...) once its response is finished: who (key id,
 * role, scope), when, what was asked (method, path, query), the status and how many items were
 * returned. Refused requests are recorded too. The Authorization header is never read here.
 */
@Injectable()
export class AccessLogMiddleware implements NestMiddleware {
  private readonly logger = new Logger('AccessLog');

  constructor(private readonly log: AccessLogRepository) {}

  use(req: Request & AuthenticatedRequest, res: Response, next: NextFunction): void {
    const started = performance.now();
    const at = new Date().toISOString();
    res.on('finish', () => {
      const p = req.principal;
      const items = res.locals[ITEMS_LOCAL] as number | undefined;
      this.log
        .append({
          at,
          keyId: p?.keyId ?? null,
          role: p?.role ?? null,
          scope: p ? (p.scope.kind === 'site' ? '*' : [...p.scope.brands]) : null,
          method: req.method,
          path: req.originalUrl.split('?')[0] ?? req.originalUrl,
          query: { ...(req.query as Record<string, unknown>) },
          status: res.statusCode,
          items: items ?? null,
          durationMs: Math.round(performance.now() - started),
        })
        .catch((e: unknown) => this.logger.error(`could not record ${req.method} ${req.originalUrl.split('?')[0]}: ${String(e)}`));
    });
    next();
  }
}
