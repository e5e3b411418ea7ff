import { BeforeApplicationShutdown, Injectable, Logger, NestMiddleware } from '@nestjs/common';
import { AccessLogEntry, AccessLogRepository } from '@trace/access';
import type { NextFunction, Request, Response } from 'express';
import { AuthenticatedRequest } from './auth.decorators';

/** Where a handler says how many items it returned (set by ItemCountInterceptor, or by a streaming handler). */
export const ITEMS_LOCAL = 'traceItems';
/** Where a handler that published events says under which correlation id. */
export const CORRELATION_LOCAL = 'traceCorrelationId';
/** The request's entry in the making (set here, opened by AccessLogInterceptor). */
export const ACCESS_LOG_LOCAL = 'traceAccessLog';

/** How long the entry of an aborted request waits for its handler to end, to record what the handler did. */
const HANDLER_WAIT_MS = 60_000;

/** Size bounds of an entry (characters): an authenticated caller is known, an anonymous one gets a small trace. */
export const ENTRY_BOUNDS = {
  authenticated: { path: 1_024, query: 4_096 },
  anonymous: { path: 256, query: 256 },
} as const;

/** A request's entry between its start and its end. */
export class PendingEntry {
  /** Written before the handler ran (AccessLogInterceptor): the end only completes it. */
  opened = false;
  /**
   * Set once the request reached AccessLogInterceptor; resolves when its handler has ended (or was refused), so an
   * aborted request is recorded with what it did.
   */
  handled?: Promise<void>;
  /** The client left before the request reached its handler: the handler must not run (nothing will be done). */
  closedEarly = false;

  constructor(
    readonly id: string,
    readonly at: string,
    readonly started: number,
  ) {}

  /** Who asked what, bounded in size; the outcome fields empty. */
  describe(req: Request & AuthenticatedRequest): AccessLogEntry {
    const p = req.principal;
    const { path, query, truncated } = boundedRequest(req.originalUrl, p ? ENTRY_BOUNDS.authenticated : ENTRY_BOUNDS.anonymous);
    return {
      at: this.at,
      keyId: p?.keyId ?? null,
      role: p?.role ?? null,
      scope: p ? (p.scope.kind === 'site' ? '*' : [...p.scope.brands]) : null,
      method: req.method.slice(0, 16),
      path,
      query,
      status: null,
      items: null,
      durationMs: null,
      ...(truncated ? { truncated: true as const } : {}),
    };
  }
}

/**
 * The path and query of a URL as stored in the log: the query as [name, value] pairs (decoded), path and query cut to
 * the bounds (`truncated` says so).
 */
export function boundedRequest(url: string, bounds: { path: number; query: number }): { path: string; query: [string, string][]; truncated: boolean } {
  const q = url.indexOf('?');
  const rawPath = q < 0 ? url : url.slice(0, q);
  let truncated = rawPath.length > bounds.path;
  const query: [string, string][] = [];
  let budget = bounds.query;
  if (q >= 0) {
    for (const [name, value] of new URLSearchParams(url.slice(q + 1))) {
      if (name.length + value.length > budget) {
        truncated = true;
        if (budget > 0) query.push([name.slice(0, budget), value.slice(0, Math.max(0, budget - name.length))]);
        break;
      }
      budget -= name.length + value.length;
      query.push([name, value]);
    }
  }
  return { path: rawPath.slice(0, bounds.path), query, truncated };
}

/**
 * Records every request to a data endpoint (/v1/...): who (key id, role, scope), when, what was asked (method, path,
 * query), the status and how many items were returned. A request that reaches a handler is written before it is
 * served (AccessLogInterceptor, which refuses to serve it when the write fails) and completed here when it ends;
 * one refused earlier (no key, a wrong role, a rate limit) is written here at its end. The end is the response's
 * `close`, which also comes when the client goes away mid-request: a request whose handler had started is recorded
 * once the handler has ended, with its status and items and `aborted`; one whose client left before its handler
 * started is never served (status null, `aborted`). The Authorization header is never read here.
 */
@Injectable()
export class AccessLogMiddleware implements NestMiddleware, BeforeApplicationShutdown {
  private readonly logger = new Logger('AccessLog');
  /** Entries being written: a shutdown waits for them (the database connection closes after). */
  private readonly writing = new Set<Promise<void>>();

  constructor(private readonly log: AccessLogRepository) {}

  use(req: Request & AuthenticatedRequest, res: Response, next: NextFunction): void {
    const entry = new PendingEntry(this.log.newId(), new Date().toISOString(), performance.now());
    res.locals[ACCESS_LOG_LOCAL] = entry;
    res.once('close', () => {
      const written = this.record(entry, req, res).finally(() => this.writing.delete(written));
      this.writing.add(written);
    });
    next();
  }

  async beforeApplicationShutdown(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([Promise.allSettled([...this.writing]), new Promise<void>((r) => (timer = setTimeout(r, 5_000)))]);
    clearTimeout(timer);
  }

  private async record(entry: PendingEntry, req: Request & AuthenticatedRequest, res: Response): Promise<void> {
    const aborted = !res.writableFinished;
    if (aborted && !entry.handled) entry.closedEarly = true; // the interceptor will not run the handler: nothing done
    if (entry.handled) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([entry.handled, new Promise<void>((r) => (timer = setTimeout(r, HANDLER_WAIT_MS)))]);
      clearTimeout(timer);
    }
    const correlationId = res.locals[CORRELATION_LOCAL] as string | undefined;
    const outcome = {
      // Gone before any answer and before its handler: nothing was served or done, and no status was ever sent.
      status: entry.closedEarly ? null : res.statusCode,
      items: (res.locals[ITEMS_LOCAL] as number | undefined) ?? null,
      durationMs: Math.round(performance.now() - entry.started),
      ...(aborted ? { aborted: true as const } : {}),
      ...(correlationId ? { correlationId } : {}),
    };
    try {
      if (entry.opened) await this.log.complete(entry.id, outcome);
      else await this.log.append({ ...entry.describe(req), ...outcome }, entry.id);
    } catch (e) {
      // The request was refused or served already: what remains is to make the gap loud.
      this.logger.error(`ACCESS LOG WRITE FAILED for ${req.method} ${req.originalUrl.split('?')[0]!.slice(0, 256)} (${outcome.status}): ${String(e)}`);
    }
  }
}
