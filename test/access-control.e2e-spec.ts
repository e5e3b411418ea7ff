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
