import { DynamicModule } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { LoggerModule } from 'nestjs-pino';
import pino, { Level, LoggerOptions } from 'pino';
import pretty from 'pino-pretty';
import type { PlatformEnv } from '../platform.config';

/** pino's level for each LOG_LEVEL (Nest's names, kept for the configuration). */
const PINO_LEVELS: Record<PlatformEnv['LOG_LEVEL'], Level> = { error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' };

/** Headers whose values are secrets (a key, a session): never written to a log line, at any level. */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
];

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/**
 * The request's id, answered in X-Request-Id: the one already answered (an HTTP app sets it first, before the body is
 * read, so a body refused by the parser carries it too), else the caller's X-Request-Id when well-formed, else a new one.
 */
export function requestId(req: IncomingMessage, res: ServerResponse): string {
  const answered = res.getHeader('X-Request-Id');
  if (typeof answered === 'string') return answered;
  const given = req.headers['x-request-id'];
  const id = typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
  res.setHeader('X-Request-Id', id);
  return id;
}

/** What an HTTP app adds to the line that ends each request (the API: the key id and the correlation id). */
export type RequestLogProps = (req: IncomingMessage, res: ServerResponse) => Record<string, unknown>;

/** The pino options of an app: JSON lines with the level's name and an ISO time, secrets redacted. */
export function pinoOptions(env: Pick<PlatformEnv, 'LOG_LEVEL'>, name: string): LoggerOptions {
  return {
    name,
    level: PINO_LEVELS[env.LOG_LEVEL],
    timestamp: pino.stdTimeFunctions.isoTime,
    // "level":"error", not 50: a person or a grep reads the line as it is.
    formatters: { level: (label) => ({ level: label }) },
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
}

/**
 * Structured logs through nestjs-pino: every Nest `Logger` call of the app becomes one JSON line (LOG_FORMAT=json),
 * or a line for people (LOG_FORMAT=pretty, through pino-pretty: the demo). An HTTP app also gets one line per
 * request (pino-http) with its request id (the caller's X-Request-Id when well-formed, else a new one, answered in
 * X-Request-Id), method, route, status and duration; `props` adds the app's own fields to it.
 */
export function loggingModule(env: Pick<PlatformEnv, 'LOG_LEVEL' | 'LOG_FORMAT'>, name: string, props?: RequestLogProps): DynamicModule {
  const options = {
    ...pinoOptions(env, name),
    genReqId: requestId,
    // A 5xx is the service's failure; 503 (a dependency out of reach, answered with Retry-After) is expected in an outage.
    customLogLevel: (_req: IncomingMessage, res: ServerResponse, error?: Error): Level =>
      error || (res.statusCode >= 500 && res.statusCode !== 503) ? 'error' : res.statusCode === 503 ? 'warn' : 'info',
    // The line says what happened in words (the structured req and res fields stay beside it in JSON).
    customSuccessMessage: (req: IncomingMessage, res: ServerResponse, responseTime: number): string => `${req.method} ${req.url} ${res.statusCode} in ${Math.round(responseTime)} ms`,
    customErrorMessage: (req: IncomingMessage, res: ServerResponse, error: Error): string => `${req.method} ${req.url} ${res.statusCode}: ${error.message}`,
    ...(props ? { customProps: props } : {}),
  };
  // For people, the message alone (the request line says method, URL, status and time); JSON keeps every field.
  const stream = env.LOG_FORMAT === 'pretty' ? pretty({ colorize: process.stdout.isTTY, sync: true, ignore: 'pid,hostname,context,req,res,responseTime', messageFormat: '{if context}[{context}] {end}{msg}' }) : pino.destination({ fd: 1, sync: true });
  return LoggerModule.forRoot({ pinoHttp: [options, stream] });
}
