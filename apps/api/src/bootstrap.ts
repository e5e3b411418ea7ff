import { INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import type { NextFunction, Request, Response } from 'express';
import helmet from 'helmet';
import { Logger as PinoLogger } from 'nestjs-pino';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { loadEnv, logLevels, requestId } from '@trace/platform';
import { ApiEnv } from './api.config';
import { ApiModule } from './api.module';
import { AccessLogMiddleware } from './common/auth/access-log.middleware';
import { PUBLIC_EXTENSION } from './common/auth/auth.decorators';
import { GracefulShutdown } from './common/graceful-shutdown';
import { HttpMetricsMiddleware } from './common/http-metrics.middleware';
import { serveWebApp } from './web/web-app';

type Components = NonNullable<OpenAPIObject['components']>;
const REQUEST_ID_DESCRIPTION = 'Request id: in every log line of the request; the caller\'s when 1-128 characters of A-Z a-z 0-9 . _ : -, else a new UUID';
/** X-Request-Id as the caller may send it: optional, and a malformed one is replaced, not refused. */
const REQUEST_ID_PARAMETER: NonNullable<Components['parameters']>[string] = { name: 'X-Request-Id', in: 'header', required: false, description: REQUEST_ID_DESCRIPTION, schema: { type: 'string' } };
/** X-Request-Id as every answer carries it (set before anything can refuse the request: createApi). */
const REQUEST_ID_HEADER: NonNullable<Components['headers']>[string] = { description: REQUEST_ID_DESCRIPTION, required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' } };

/** The OpenAPI document of the API (served at /docs and /docs-json). */
export function openApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('EMS traceability API')
    .setDescription(
      'Genealogy of electronics units built by an EMS for its brands: which vendors and lots went into a serial, ' +
        'through every sub-assembly, with the provenance of every fact. Facts come from shop-floor events on Kafka; ' +
        'see docs/event-contract.md.',
    )
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'An API key: `npm run -s cli -- keys create ...`' })
    .addSecurityRequirements('bearer')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  // Every answer carries X-Request-Id, the caller's when well-formed (loggingModule, in @trace/platform): declared once
  // in the components and referred to from every operation and every response below, not on each handler.
  document.components = {
    ...document.components,
    parameters: { ...document.components?.parameters, RequestId: REQUEST_ID_PARAMETER },
    headers: { ...document.components?.headers, RequestId: REQUEST_ID_HEADER },
  };
  // Public routes need no key: say so, instead of inheriting the document-wide bearer requirement. Every /v1 route
  // may answer 503 (a database, broker or access log out of reach: UnavailableFilter, AccessLogInterceptor), so it is
  // declared once here rather than on each handler.
  for (const [path, item] of Object.entries(document.paths)) {
    for (const op of Object.values(item) as { [PUBLIC_EXTENSION]?: boolean; security?: unknown[]; parameters?: unknown[]; responses?: Record<string, { headers?: Record<string, unknown>; [field: string]: unknown }> }[]) {
      if (!op || typeof op !== 'object') continue;
      if (op[PUBLIC_EXTENSION]) op.security = [];
      op.parameters = [...(op.parameters ?? []), { $ref: '#/components/parameters/RequestId' }];
      if (path.startsWith('/v1/') && op.responses && !op.responses['503']) {
        op.responses['503'] = {
          description: 'The database, the broker or the access log cannot be reached (`check` names which); retry after `Retry-After`',
          content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorDto' } } },
        };
      }
      for (const response of Object.values(op.responses ?? {})) response.headers = { ...response.headers, 'X-Request-Id': { $ref: '#/components/headers/RequestId' } };
    }
  }
  return document;
}

/** Content-Security-Policy of every answer but the API reference: nothing loads, runs or frames. */
export const DATA_CSP = { defaultSrc: ["'none'"], frameAncestors: ["'none'"], baseUri: ["'none'"], formAction: ["'none'"] };
/** Content-Security-Policy of the Swagger UI at /docs: its own scripts; inline styles and data: images, which it uses. */
export const DOCS_CSP = {
  defaultSrc: ["'self'"],
  scriptSrc: ["'self'"],
  styleSrc: ["'self'", "'unsafe-inline'"],
  imgSrc: ["'self'", 'data:'],
  connectSrc: ["'self'"],
  frameAncestors: ["'none'"],
  objectSrc: ["'none'"],
  baseUri: ["'self'"],
};

/** Creates the API app (not listening yet) from the given environment. */
export async function createApi(environment: NodeJS.ProcessEnv = process.env): Promise<{ app: NestExpressApplication; env: ApiEnv }> {
  const env = loadEnv(ApiEnv, environment);
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(env), {
    logger: logLevels(env.LOG_LEVEL), // until pino takes over, below (and if the app cannot be made)
    bufferLogs: true,
    abortOnError: false,
    cors: env.CORS_ORIGINS ? { origin: env.CORS_ORIGINS.split(',') } : false,
  });
  app.useLogger(app.get(PinoLogger));
  app.disable('x-powered-by');
  // No ETag: every data answer is no-store, so no client may revalidate it, and Express would hash each body for one
  // (SHA-1 over a 5 MB genealogy: several ms a request). The web app's files keep theirs (serveWebApp).
  app.set('etag', false);
  // First: every request gets its id (X-Request-Id, the same in its log line), and is counted until its answer ends
  // (for a graceful stop) and timed, whatever refuses it later (the body parser included).
  const shutdown = app.get(GracefulShutdown);
  const httpMetrics = app.get(HttpMetricsMiddleware);
  app.use((req: Request, res: Response, next: NextFunction) => {
    requestId(req, res);
    shutdown.track(req, res, () => httpMetrics.use(req, res, next));
  });
  // Data answers: nothing cached on the way, nothing in them may run or be framed. The Swagger UI (/docs) needs
  // its own scripts, inline styles and images, so it gets a policy of its own.
  const dataHeaders = helmet({ contentSecurityPolicy: { useDefaults: false, directives: DATA_CSP } });
  const docsHeaders = helmet({ contentSecurityPolicy: { useDefaults: false, directives: DOCS_CSP } });
  app.use((req: Request, res: Response, next: NextFunction) => {
    if (/^\/docs(?:[/-]|$)/.test(req.path)) return docsHeaders(req, res, next);
    res.setHeader('Cache-Control', 'no-store');
    return dataHeaders(req, res, next);
  });
  // The access log sees every request to /v1 first, before its body is read: one whose body never arrives is recorded too.
  const accessLog = app.get(AccessLogMiddleware);
  app.use('/v1', (req: Request, res: Response, next: NextFunction) => accessLog.use(req, res, next));
  app.useBodyParser('json', { limit: '1mb' });
  app.useGlobalPipes(new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }));
  app.enableShutdownHooks();
  SwaggerModule.setup('docs', app, () => openApiDocument(app), { jsonDocumentUrl: 'docs-json' });
  serveWebApp(app, env.WEB_ROOT || undefined); // the people's workspace at /, with its own strict CSP
  return { app, env };
}

/** Starts the API and resolves with its URL. */
export async function startApi(environment: NodeJS.ProcessEnv = process.env): Promise<{ app: NestExpressApplication; url: string }> {
  const { app, env } = await createApi(environment);
  await app.listen(env.API_PORT, env.API_HOST);
  const address = app.getHttpServer().address() as { port: number };
  return { app, url: `http://${env.API_HOST}:${address.port}` };
}
