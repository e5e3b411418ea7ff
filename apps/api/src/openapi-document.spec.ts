import { NestFactory } from '@nestjs/core';
import type { OpenAPIObject } from '@nestjs/swagger';
import { loadEnv } from '@trace/platform';
import { ApiEnv } from './api.config';
import { ApiModule } from './api.module';
import { openApiDocument } from './bootstrap';

// The OpenAPI document built from the decorators in Nest's preview mode (no provider made: no database or broker).
describe('the OpenAPI document', () => {
  let document: OpenAPIObject;

  beforeAll(async () => {
    const app = await NestFactory.create(ApiModule.forRoot(loadEnv(ApiEnv, {})), { preview: true, logger: false, abortOnError: false });
    document = openApiDocument(app);
    await app.close();
  });

  it('declares X-Request-Id once, as a header every operation takes and every answer carries', () => {
    expect(document.components?.parameters?.RequestId).toMatchObject({ name: 'X-Request-Id', in: 'header', required: false });
    expect(document.components?.headers?.RequestId).toMatchObject({ required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9._:-]{1,128}$' } });
    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      Object.entries(item as Record<string, { parameters?: unknown[]; responses?: Record<string, { headers?: Record<string, unknown> }> }>).map(([method, op]) => ({ at: `${method} ${path}`, op })),
    );
    expect(operations.length).toBeGreaterThan(20);
    for (const { at, op } of operations) {
      expect({ at, refs: op.parameters?.filter((p) => JSON.stringify(p) === '{"$ref":"#/components/parameters/RequestId"}').length }).toEqual({ at, refs: 1 });
      for (const [status, response] of Object.entries(op.responses ?? {})) {
        expect({ at, status, header: response.headers?.['X-Request-Id'] }).toEqual({ at, status, header: { $ref: '#/components/headers/RequestId' } });
      }
    }
  });
});
