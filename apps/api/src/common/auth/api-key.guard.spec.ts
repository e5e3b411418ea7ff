import { Controller, Get, INestApplication } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { ApiKeysRepository, Principal } from '@trace/access';
import request from 'supertest';
import { ApiKeyGuard } from './api-key.guard';
import { SessionAuthenticator } from './session-authenticator';
import { Public, Roles, SiteOnly } from './auth.decorators';

@Controller()
class ProbeController {
  @Public() @Get('open') open(): string {
    return 'open';
  }
  @Get('data') data(): string {
    return 'data';
  }
  @Roles('quality') @SiteOnly() @Get('act') act(): string {
    return 'act';
  }
}

const PRINCIPALS: Record<string, Principal> = {
  'site-quality': { keyId: 'k1', role: 'quality', scope: { kind: 'site' } },
  'acme-quality': { keyId: 'k2', role: 'quality', scope: { kind: 'brands', brands: ['Acme'] } },
  'site-admin': { keyId: 'k3', role: 'admin', scope: { kind: 'site' } },
  'site-auditor': { keyId: 'k4', role: 'auditor', scope: { kind: 'site' } },
};

describe('ApiKeyGuard', () => {
  let app: INestApplication;
  const seen: string[] = [];

  beforeAll(async () => {
    const keys = {
      authenticate: (key: string) => {
        seen.push(key);
        return Promise.resolve(PRINCIPALS[key] ?? null);
      },
    };
    const moduleRef = await Test.createTestingModule({
      controllers: [ProbeController],
      providers: [
        { provide: APP_GUARD, useClass: ApiKeyGuard },
        { provide: ApiKeysRepository, useValue: keys },
        // No browser here: without a bearer key there is no session cookie either (sessions have tests of their own).
        { provide: SessionAuthenticator, useValue: { hasCookie: () => false, principal: () => Promise.resolve(null) } },
      ],
    }).compile();
    app = moduleRef.createNestApplication({ logger: false });
    await app.init();
  });
  afterAll(() => app.close());

  const get = (path: string, key?: string) => {
    const r = request(app.getHttpServer()).get(path);
    return key === undefined ? r : r.set('authorization', `Bearer ${key}`);
  };

  it('lets anyone call a public route, without looking any key up', async () => {
    seen.length = 0;
    expect((await get('/open')).status).toBe(200);
    expect(seen).toEqual([]);
  });

  it('answers 401 without a key, with a header that is not a bearer key, and with a key it does not know', async () => {
    expect((await get('/data')).status).toBe(401);
    expect((await request(app.getHttpServer()).get('/data').set('authorization', 'Basic site-quality')).status).toBe(401);
    expect((await get('/data', 'nobody')).status).toBe(401);
  });

  it('lets quality and auditor keys read data and forbids admin keys (403)', async () => {
    expect((await get('/data', 'site-quality')).status).toBe(200);
    expect((await get('/data', 'site-auditor')).status).toBe(200);
    expect((await get('/data', 'site-admin')).status).toBe(403);
  });

  it('forbids a brand-scoped key a site-only route (403) and lets a site-wide key of the role through', async () => {
    const brand = await get('/act', 'acme-quality');
    expect(brand.status).toBe(403);
    expect(brand.body.message).toBe('only site-wide keys may do this');
    expect((await get('/act', 'site-quality')).status).toBe(200);
    expect((await get('/act', 'site-auditor')).status).toBe(403);
  });
});
