import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { NextFunction, Request, Response } from 'express';
import type { Server } from 'node:http';

export const SHUTDOWN_GRACE_MS = Symbol('SHUTDOWN_GRACE_MS');

/**
 * Lets the API stop without cutting answers short: on close (SIGTERM through enableShutdownHooks) it stops accepting
 * connections, closes the idle ones, answers what is in flight with `Connection: close`, and waits for those answers
 * (NDJSON streams included) for at most API_SHUTDOWN_GRACE_MS; then it destroys what is left, so a stream still
 * running ends truncated (never complete-looking) and the process exits within the bound.
 *
 * Provided by the root module: Nest runs the root's onModuleDestroy first, so the draining happens before any
 * other module lets go of what a request needs (the report verifier's worker; the database closes last).
 */
@Injectable()
export class GracefulShutdown implements OnModuleDestroy {
  private readonly logger = new Logger('Shutdown');
  private readonly inFlight = new Set<Response>();
  private draining = false;
  private idle?: () => void;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(SHUTDOWN_GRACE_MS) private readonly graceMs: number,
  ) {}

  /** Middleware (mounted first, in bootstrap.ts): counts the request until its answer ends. */
  track(req: Request, res: Response, next: NextFunction): void {
    this.inFlight.add(res);
    if (this.draining) res.setHeader('Connection', 'close');
    res.once('close', () => {
      this.inFlight.delete(res);
      if (this.inFlight.size === 0) this.idle?.();
    });
    next();
  }

  async onModuleDestroy(): Promise<void> {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server?.listening) return;
    this.draining = true;
    server.close(); // no new connection; Nest's own close, later, finds it closed
    server.closeIdleConnections();
    for (const res of this.inFlight) if (!res.headersSent) res.setHeader('Connection', 'close');
    if (this.inFlight.size === 0) return;
    const started = Date.now();
    const count = this.inFlight.size;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      new Promise<true>((resolve) => (this.idle = () => resolve(true))),
      new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), this.graceMs))),
    ]);
    clearTimeout(timer);
    if (drained) {
      this.logger.log(`stopping: ${count} requests in flight answered in ${Date.now() - started} ms`);
      return;
    }
    this.logger.warn(`stopping: ${this.inFlight.size} of ${count} requests still in flight after ${this.graceMs} ms (API_SHUTDOWN_GRACE_MS); closing their connections`);
    server.closeAllConnections();
  }
}
