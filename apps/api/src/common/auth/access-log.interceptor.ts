import { CallHandler, ExecutionContext, HttpException, Injectable, Logger, NestInterceptor, Optional, ServiceUnavailableException } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AccessLogRepository } from '@trace/access';
import type { Request, Response } from 'express';
import { catchError, concatMap, finalize, from, Observable, switchMap } from 'rxjs';
import { ACCESS_LOG_LOCAL, PendingEntry } from './access-log.middleware';
import { AuthenticatedRequest, READS_WHILE_LOGGED_KEY } from './auth.decorators';

/**
 * Fail closed: a request under /v1 that reaches its handler (every data read, every act) is written to the access log
 * first, and not served when that write fails (503, and an error in the log for a monitor). Runs after the guards,
 * so the entry names the key. A GET route marked @ReadsWhileLogged starts its handler while the entry is written, and
 * its answer (or error) waits for the entry: refused with the same 503 when the write fails, nothing of it sent.
 */
@Injectable()
export class AccessLogInterceptor implements NestInterceptor {
  private readonly logger = new Logger('AccessLog');

  constructor(
    private readonly log: AccessLogRepository,
    @Optional() private readonly reflector?: Reflector,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = context.switchToHttp();
    const entry = http.getResponse<Response>().locals[ACCESS_LOG_LOCAL] as PendingEntry | undefined;
    if (!entry) return next.handle(); // not a /v1 route: nothing to record
    const req = http.getRequest<Request & AuthenticatedRequest>();
    // The client already left (its entry is written as never served): do nothing on its behalf.
    if (entry.closedEarly) throw new HttpException('the client closed the request before it was served', 499);
    let done!: () => void;
    entry.handled = new Promise<void>((resolve) => (done = resolve));
    if (req.method === 'GET' && this.reflector?.get<boolean>(READS_WHILE_LOGGED_KEY, context.getHandler()) === true) {
      const opened = this.open(entry, req);
      opened.catch(() => undefined); // awaited below, by the answer or its error
      return next.handle().pipe(
        concatMap((answer) => from(opened.then(() => answer))),
        catchError((e: unknown) => from(opened.then(() => Promise.reject(e)))),
        finalize(() => done()),
      );
    }
    return from(this.open(entry, req)).pipe(
      switchMap(() => next.handle()),
      finalize(() => done()),
    );
  }

  private async open(entry: PendingEntry, req: Request & AuthenticatedRequest): Promise<void> {
    try {
      await this.log.append(entry.describe(req), entry.id);
      entry.opened = true;
    } catch (e) {
      this.logger.error(`ACCESS LOG WRITE FAILED, not serving ${req.method} ${req.originalUrl.split('?')[0]!.slice(0, 256)}: ${String(e)}`);
      throw new ServiceUnavailableException({ statusCode: 503, error: 'Service Unavailable', message: 'the access log cannot be written: request not served', check: 'access-log' });
    }
  }
}
