import { ArgumentsHost, Catch, Logger } from '@nestjs/common';
import { BaseExceptionFilter } from '@nestjs/core';
import type { Response } from 'express';

/** What a dependency outage looks like from here: the driver's errors for a server that cannot be reached. */
const DATABASE_ERRORS = new Set([
  'MongoServerSelectionError',
  'MongooseServerSelectionError',
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoNotConnectedError',
  'MongoTopologyClosedError',
  'MongoPoolClearedError',
]);
const BROKER_ERRORS = new Set(['KafkaJSConnectionError', 'KafkaJSNumberOfRetriesExceeded', 'KafkaJSRequestTimeoutError', 'KafkaJSBrokerNotFound', 'KafkaJSConnectionClosedError', 'PublishTimeoutError']);

/** The dependency an error says is unreachable, or undefined for any other error. */
export function unavailableCheck(error: unknown): 'database' | 'broker' | undefined {
  for (let e = error, depth = 0; e instanceof Error && depth < 5; e = e.cause, depth++) {
    if (DATABASE_ERRORS.has(e.name) || (e.name === 'MongooseError' && /buffering timed out|before initial connection/.test(e.message))) return 'database';
    if (BROKER_ERRORS.has(e.name)) return 'broker';
  }
  return undefined;
}

/** body-parser's error for a request whose client went away mid-body (raw-body's `request.aborted`). */
const isClientAbort = (error: unknown): boolean => typeof error === 'object' && error !== null && (error as { type?: unknown }).type === 'request.aborted';

/**
 * A database or broker that cannot be reached is `503` with the check that failed (as /health names it), not `500`:
 * the client may retry, a monitor sees an outage rather than a bug. Every other error goes to Nest's own handling.
 */
@Catch()
export class UnavailableFilter extends BaseExceptionFilter {
  private readonly logger = new Logger('Unavailable');

  override catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() === 'http' && isClientAbort(exception)) {
      // The client hung up before its body arrived: nobody to answer (the access log records the request on close).
      this.logger.debug(`the client closed the request before its body arrived: ${String(exception)}`);
      host.switchToHttp().getResponse<Response>().destroy();
      return;
    }
    const check = host.getType() === 'http' ? unavailableCheck(exception) : undefined;
    if (!check) return super.catch(exception, host);
    const res = host.switchToHttp().getResponse<Response>();
    this.logger.error(`${check} unavailable: ${String(exception)}`);
    if (res.headersSent) {
      res.destroy(exception as Error); // mid-stream: a truncated answer, never a complete-looking one
      return;
    }
    res
      .status(503)
      .setHeader('Retry-After', '5')
      .json({ statusCode: 503, error: 'Service Unavailable', message: `the ${check} is unavailable: try again shortly`, check });
  }
}
