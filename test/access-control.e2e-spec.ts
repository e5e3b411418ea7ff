import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gatewayScenario } from '@trace/contracts/testing';
import { TestWorld } from './support/harness';

const run = promisify(execFile);

describe('need-to-know: keys, roles, brand scope and the access log', () => {
  const world = new TestWorld('access');
  const acme = gatewayScenario(); // brand Acme
  const keys: Record<string, { key: string; id: string }> = {};

  beforeAll(async () => {
    await Promise.all([world.startIngest(), world.startApi()]);
    await world.produce(acme.events);
    await world.waitForIngest();
    keys.acmeAuditor = await world.createKey('auditor', ['Acme'], 'acme audit');
    keys.globex = await world.createKey('quality', ['Globex'], 'globex quality');
    keys.admin = await world.createKey('admin', '*', 'ops');
  });
  afterAll(() => world.close());

  const genealogy = `/v1/serials/${acme.ids.top}/genealogy`;

  it('refuses a request without a key, with a malformed key, and with an unknown key (401)', async () => {
    expect((await world.get(genealogy, null)).status).toBe(401);
    expect((await world.get(genealogy, 'not-a-key')).status).toBe(401);
    expect((await world.get(genealogy, 'trk_0123456789abcdef_' + 'A'.repeat(43))).status).toBe(401);
  });

  it('lets a key of the brand read its own serial, and a site-wide key read everything', async () => {
    expect((await world.get(genealogy, keys.acmeAuditor!.key)).status).toBe(200);
    expect((await world.get(genealogy)).status).toBe(200);
  });

  it('answers a serial of another brand exactly as a serial that never existed', async () => {
    const foreign = await world.get(genealogy, keys.globex!.key);
    const missing = await world.get('/v1/serials/NEVER-EXISTED/genealogy', keys.globex!.key);
    expect(foreign.status).toBe(404);
    expect(foreign.text.replace(acme.ids.top, 'X')).toBe(missing.text.replace('NEVER-EXISTED', 'X'));
  });

  it('forbids roles that may not do something (403): admin reading data, quality reading the access log', async () => {
    expect((await world.get(genealogy, keys.admin!.key)).status).toBe(403);
    expect((await world.get('/v1/access-log', world.key)).status).toBe(403);
  });

  it('stops a revoked key at once', async () => {
    const k = await world.createKey('quality', '*', 'short-lived');
    expect((await world.get(genealogy, k.key)).status).toBe(200);
    const res = await fetch(`${world.apiUrl}/v1/keys/${k.id}`, { method: 'DELETE', headers: world.headers(keys.admin!.key) });
    expect(res.status).toBe(204);
    expect((await world.get(genealogy, k.key)).status).toBe(401);
  });

  it('lists keys to an admin without their secrets', async () => {
    const { status, text } = await world.get('/v1/keys', keys.admin!.key);
    expect(status).toBe(200);
    expect(text).toContain(keys.globex!.id);
    for (const k of Object.values(keys)) expect(text).not.toContain(k.key.slice(-43));
  });

  it('records every data request in the access log, with who, what, status and item count, and never a key', async () => {
    await world.get(genealogy, keys.acmeAuditor!.key);
    await world.get('/v1/serials/NOPE/genealogy', keys.acmeAuditor!.key);
    await new Promise((r) => setTimeout(r, 300)); // the log is written once each response has finished
    const { status, body, text } = await world.get(`/v1/access-log?keyId=${keys.acmeAuditor!.id}&limit=10`, keys.admin!.key);
    expect(status).toBe(200);
    const [newest, previous] = body.items;
    expect(newest).toMatchObject({ keyId: keys.acmeAuditor!.id, role: 'auditor', scope: ['Acme'], method: 'GET', path: '/v1/serials/NOPE/genealogy', status: 404, items: null });
    expect(previous).toMatchObject({ path: genealogy, status: 200, items: 1 });
    const all = await world.get('/v1/access-log?limit=1000', keys.admin!.key);
    for (const k of [...Object.values(keys).map((x) => x.key), world.key]) {
      expect(text + all.text).not.toContain(k.slice(-43));
    }
    expect(all.body.items.some((e: { status: number; keyId: string | null }) => e.status === 401 && e.keyId === null)).toBe(true);
  });

  it('refuses strings that look like MongoDB operators (400)', async () => {
    expect((await world.get(`${genealogy}?serial[$ne]=x`)).status).toBe(400);
    const body = await world.post('/v1/keys', { role: 'quality', brands: [{ $ne: null }] }, keys.admin!.key);
    expect(body.status).toBe(400);
  });

  it('refuses unknown fields in a body (400)', async () => {
    const res = await world.post('/v1/keys', { role: 'quality', allBrands: true, isRoot: true }, keys.admin!.key);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toContain('isRoot');
  });

  it('declares the bearer scheme on every endpoint of the OpenAPI document but the public health check', async () => {
    const { body } = await world.get('/docs-json', null);
    expect(body.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const operations = Object.entries(body.paths as Record<string, Record<string, { security?: unknown[] }>>).flatMap(([path, ops]) =>
      Object.entries(ops).map(([method, op]) => ({ path, method, public: (op as Record<string, unknown>)['x-public'] === true, security: op.security ?? body.security })),
    );
    expect(operations.length).toBeGreaterThan(5);
    expect(operations.filter((op) => op.public).map((op) => op.path)).toContain('/health');
    for (const op of operations) {
      expect({ ...op, security: op.public ? [] : [{ bearer: [] }] }).toEqual(op);
    }
    // Every operation the document calls public really answers without a key.
    for (const op of operations.filter((o) => o.public && o.method === 'get' && !o.path.includes('{'))) {
      expect({ path: op.path, status: (await world.get(op.path, null)).status }).toEqual({ path: op.path, status: 200 });
    }
  });

  it('sends security headers', async () => {
    const res = await fetch(`${world.apiUrl}/health`);
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('x-powered-by')).toBeNull();
  });

  it('bounds a brand admin by its own scope: keys made, listed and revoked, and log entries read, within its brands only', async () => {
    const acmeAdmin = await world.createKey('admin', ['Acme'], 'acme admin');
    const globexReader = await world.createKey('auditor', ['Globex'], 'globex reader');
    await world.get(genealogy, keys.acmeAuditor!.key);
    await world.get(genealogy, globexReader.key);

    for (const body of [{ role: 'quality', allBrands: true }, { role: 'quality', brands: ['Globex'] }, { role: 'admin', brands: ['Acme', 'Globex'] }]) {
      const refused = await world.post('/v1/keys', body, acmeAdmin.key);
      expect({ body, status: refused.status }).toEqual({ body, status: 403 });
    }
    const made = await world.post('/v1/keys', { role: 'auditor', brands: ['Acme'] }, acmeAdmin.key);
    expect(made.status).toBe(201);
    expect(made.body.info.brands).toEqual(['Acme']);

    const listed = (await world.get('/v1/keys', acmeAdmin.key)).body.map((k: { id: string }) => k.id);
    expect(listed).toEqual(expect.arrayContaining([keys.acmeAuditor!.id, acmeAdmin.id, made.body.info.id]));
    for (const id of [keys.globex!.id, keys.admin!.id, globexReader.id]) expect(listed).not.toContain(id);

    const foreign = await fetch(`${world.apiUrl}/v1/keys/${globexReader.id}`, { method: 'DELETE', headers: world.headers(acmeAdmin.key) });
    const unknown = await fetch(`${world.apiUrl}/v1/keys/0123456789abcdef`, { method: 'DELETE', headers: world.headers(acmeAdmin.key) });
    expect(foreign.status).toBe(404);
    expect((await foreign.text()).replace(globexReader.id, 'X')).toBe((await unknown.text()).replace('0123456789abcdef', 'X'));
    expect((await world.get(genealogy, globexReader.key)).status).toBe(404); // still works: not revoked (a Globex key sees no Acme serial)

    const log = (await world.get('/v1/access-log?limit=1000', acmeAdmin.key)).body.items as { keyId: string | null }[];
    expect(log.some((e) => e.keyId === keys.acmeAuditor!.id)).toBe(true);
    expect(log.every((e) => e.keyId !== null && listed.includes(e.keyId))).toBe(true);
    expect((await world.get(`/v1/access-log?keyId=${globexReader.id}`, acmeAdmin.key)).body.items).toEqual([]);
    expect((await world.get(`/v1/access-log?keyId=${globexReader.id}`, keys.admin!.key)).body.items.length).toBeGreaterThan(0);
  });

  it('records and serves a request whose query names hold a NUL or a dot, and records the refused $-name too', async () => {
    const marker = `m${Date.now()}`;
    const path = '/v1/analysis/commonality?%00=1&a.b=2';
    const served = await world.post(path, { serials: [acme.ids.top] }, keys.acmeAuditor!.key);
    expect(served.status).toBe(200);
    const refused = await world.post('/v1/analysis/commonality?%24where=1&m=' + marker, { serials: [acme.ids.top] }, keys.acmeAuditor!.key);
    expect(refused.status).toBe(400);
    await new Promise((r) => setTimeout(r, 300));
    const [newest] = (await world.get(`/v1/access-log?keyId=${keys.acmeAuditor!.id}&limit=1`, keys.admin!.key)).body.items;
    expect(newest).toMatchObject({ method: 'POST', path: '/v1/analysis/commonality', query: [['\u0000', '1'], ['a.b', '2']], status: 200, items: 1 });
    // Refused before the key was read: recorded without one.
    const all = (await world.get('/v1/access-log?limit=100', keys.admin!.key)).body.items as { query: [string, string][] }[];
    expect(all.find((e) => e.query.some(([k, v]) => k === 'm' && v === marker))).toMatchObject({ keyId: null, query: [['$where', '1'], ['m', marker]], status: 400 });
  });

  it('counts the rows of streamed and paged where-used answers in the access log', async () => {
    const ndjson = await world.get('/v1/lots/REEL-C1/where-used?format=ndjson', keys.acmeAuditor!.key);
    const rows = ndjson.text.trim().split('\n').length;
    expect(rows).toBeGreaterThan(0);
    const page = await world.get('/v1/vendors/V-SHADY/exposure?limit=1', keys.acmeAuditor!.key);
    expect(page.status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    const log = (await world.get(`/v1/access-log?keyId=${keys.acmeAuditor!.id}&limit=2`, keys.admin!.key)).body.items;
    expect(log).toEqual([
      expect.objectContaining({ path: '/v1/vendors/V-SHADY/exposure', status: 200, items: page.body.items.length }),
      expect.objectContaining({ path: '/v1/lots/REEL-C1/where-used', status: 200, items: rows }),
    ]);
  });

  it('records an unauthenticated request in a bounded form, saying it was cut', async () => {
    const marker = `m${Date.now()}`;
    expect((await world.get(`/v1/serials/${marker}${'p'.repeat(5_000)}/genealogy?q=${'v'.repeat(5_000)}&r=1`, null)).status).toBe(401);
    await new Promise((r) => setTimeout(r, 300));
    const entry = (await world.get('/v1/access-log?limit=200', keys.admin!.key)).body.items.find((e: { path: string }) => e.path.startsWith(`/v1/serials/${marker}`));
    expect(entry).toMatchObject({ keyId: null, status: 401, truncated: true });
    expect(JSON.stringify(entry).length).toBeLessThan(1_000);
  });

  it('refuses a body nested thousands deep with 400, not 500', async () => {
    const deep = `{"serials":${'['.repeat(5_000)}${']'.repeat(5_000)}}`;
    const res = await world.post('/v1/analysis/commonality', deep, keys.acmeAuditor!.key);
    expect(res.status).toBe(400);
    expect(res.body.message).toContain('nests deeper');
  });

  it('refuses access-log bounds its ids cannot represent (after 2106-02-07T06:28:15Z) with 400 instead of wrapping to 1970', async () => {
    expect((await world.get('/v1/access-log?since=2106-02-07T06:28:15Z', keys.admin!.key)).status).toBe(200);
    for (const q of ['since=2106-02-07T06:28:16Z', 'until=2200-01-01T00:00:00Z', 'since=2107-01-01T00:00:00.000Z']) {
      const res = await world.get(`/v1/access-log?${q}`, keys.admin!.key);
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
    }
  });

  it('marks data answers no-store, without an ETag, with a strict Content-Security-Policy, and gives the API reference a policy its page loads under', async () => {
    for (const [path, key] of [[genealogy, world.key], ['/v1/serials/NOPE/genealogy', world.key], ['/health', null]] as const) {
      const res = await fetch(`${world.apiUrl}${path}`, { headers: world.headers(key) });
      expect({ path, cache: res.headers.get('cache-control'), etag: res.headers.get('etag'), csp: res.headers.get('content-security-policy') }).toEqual({
        path,
        cache: 'no-store',
        etag: null, // never revalidated (no-store), so never hashed
        csp: "default-src 'none';frame-ancestors 'none';base-uri 'none';form-action 'none'",
      });
    }
    const docs = await fetch(`${world.apiUrl}/docs`);
    expect(docs.status).toBe(200);
    const csp = docs.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    const html = await docs.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>\s*\S/); // no inline script, which the policy would block
    const scripts = [...html.matchAll(/<script[^>]*\bsrc="([^"]+)"/g)].map((m) => m[1]!);
    expect(scripts.length).toBeGreaterThan(0);
    for (const src of scripts) expect({ src, status: (await fetch(new URL(src, `${world.apiUrl}/docs`))).status }).toEqual({ src, status: 200 });
  });

  it('creates, lists and revokes keys from the command line, printing a new key alone on its last line', async () => {
    const root = join(__dirname, '..');
    const env = { ...process.env, MONGO_URL: world.env.MONGO_URL, MONGO_DB: world.env.MONGO_DB, MONGO_WRITE_CONCERN: '1', TS_NODE_PROJECT: join(root, 'tsconfig.json') };
    const cli = (...args: string[]) =>
      run(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/cli/src/main.ts', ...args], { cwd: root, env });
    const created = await cli('keys', 'create', '--role', 'auditor', '--brand', 'Acme', '--brand', 'Initech');
    const key = created.stdout.trim().split('\n').at(-1)!;
    expect(key).toMatch(/^trk_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
    expect((await world.get(genealogy, key)).status).toBe(200);
    const listed = await cli('keys', 'list');
    expect(listed.stdout).toContain('auditor, brands Acme, Initech');
    expect(listed.stdout).not.toContain(key.slice(-43));
    await cli('keys', 'revoke', key);
    expect((await world.get(genealogy, key)).status).toBe(401);
    await expect(cli('keys', 'create', '--role', 'root', '--all-brands')).rejects.toMatchObject({ code: 2 });
  });
});

describe('per-key rate limits on the expensive routes', () => {
  const world = new TestWorld('ratelimit');

  beforeAll(async () => {
    Object.assign(world.env, { RATE_LIMIT_EXPENSIVE: '3', RATE_LIMIT_WINDOW_MS: '60000' });
    await world.startApi();
  });
  afterAll(() => world.close());

  it('answers 429 with Retry-After once a key has used its window, counting each key apart and leaving cheap routes alone', async () => {
    const other = await world.createKey('auditor', '*', 'a second caller');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await world.get('/v1/lots/NO-SUCH-LOT/where-used')).status);
    expect(statuses).toEqual([404, 404, 404, 429]);
    const limited = await fetch(`${world.apiUrl}/v1/analysis/commonality`, { method: 'POST', headers: world.headers(world.key, { 'content-type': 'application/json' }), body: '{"serials":["SN-1"]}' });
    expect(limited.status).toBe(429);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
    expect((await world.get('/v1/lots/NO-SUCH-LOT/where-used', other.key)).status).toBe(404); // another key has its own count
    expect((await world.get('/v1/serials/SN-1/genealogy')).status).toBe(404); // not an expensive route
  });

  it('declares 429 on the expensive routes and 503 on every /v1 route in the OpenAPI document', async () => {
    const { body } = await world.get('/docs-json', null);
    expect(Object.keys(body.paths['/v1/lots/{lotId}/where-used'].get.responses)).toEqual(expect.arrayContaining(['429', '503']));
    expect(Object.keys(body.paths['/v1/lots/{lotId}/hold'].post.responses)).toEqual(expect.arrayContaining(['429', '503']));
    expect(Object.keys(body.paths['/v1/serials/{serial}/genealogy'].get.responses)).not.toContain('429');
    expect(Object.keys(body.paths['/v1/serials/{serial}/genealogy'].get.responses)).toContain('503');
  });
});
