import { INestApplication, ValidationPipe } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { DocumentBuilder, OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import { loadEnv, logLevels } from '@trace/platform';
import { ApiEnv } from './api.config';
import { ApiModule } from './api.module';
import { PUBLIC_EXTENSION } from './auth/auth.decorators';
import { setCursorSecret } from './where-used/paging';
import { serveWebApp } from './web/web-app';

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
  // Public routes need no key: say so, instead of inheriting the document-wide bearer requirement.
  for (const item of Object.values(document.paths)) {
    for (const op of Object.values(item) as { [PUBLIC_EXTENSION]?: boolean; security?: unknown[] }[]) {
      if (op && typeof op === 'object' && op[PUBLIC_EXTENSION]) op.security = [];
    }
  }
  return document;
}

/** Creates the API app (not listening yet) from the given environment. */
export async function createApi(environment: NodeJS.ProcessEnv = process.env): Promise<{ app: NestExpressApplication; env: ApiEnv }> {
  const env = loadEnv(ApiEnv, environment);
  if (env.CURSOR_SECRET) setCursorSecret(env.CURSOR_SECRET);
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(env), {
    logger: logLevels(env.LOG_LEVEL),
    abortOnError: false,
    cors: env.CORS_ORIGINS ? { origin: env.CORS_ORIGINS.split(',') } : false,
  });
  app.disable('x-powered-by');
  // The Swagger UI needs inline scripts and styles; everything else gets helmet's defaults.
  app.use(helmet({ contentSecurityPolicy: false }));
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
