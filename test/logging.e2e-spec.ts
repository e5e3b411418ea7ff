import { ChildProcess } from 'node:child_process';
import { TOPICS, makeEvent } from '@trace/contracts';
import { TestWorld } from './support/harness';

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

describe('structured logs of the API', () => {
  const world = new TestWorld('logging');
  let api: ChildProcess | undefined;
  let ingest: ChildProcess | undefined;
  let ingestLog = '';

  beforeAll(async () => {
    await world.createTopics();
    await world.startApi(); // makes the database and the key; the API under test is a process of its own, below
    ingest = world.spawnIngest(); // a process of its own, so that its log can be read as written
    ingest.stdout?.on('data', (d: Buffer) => (ingestLog += d.toString()));
    await world.produce([
      makeEvent('UnitStarted', { serial: `${world.id}-SN`, brand: 'Acme', productPartNumber: 'P-1', workOrder: 'WO-1' }),
      makeEvent('MaterialInstalled', { serial: `${world.id}-SN`, lotId: `${world.id}-REEL`, quantity: 1, refDes: ['R1'] }),
    ]);
    await world.produceRaw([{ topic: TOPICS.production, key: `${world.id}-G`, value: '{"not json', headers: { 'correlation-id': `${world.id}-corr-dl` } }]);
    await world.waitForIngest(90_000);
  });
  afterAll(async () => {
    if (api) await stop(api);
    if (ingest) await stop(ingest);
    await world.close();
  });

  it('writes one JSON object a line with the request id, key id and correlation id, and never a key or a cookie', async () => {
    const spawned = world.spawnApi({ LOG_LEVEL: 'debug' });
    api = spawned.child;
    const url = await spawned.url;
    const { key, id: keyId } = await world.createKey('quality', '*', 'logging test');
    const call = (path: string, init: RequestInit = {}): Promise<Response> => fetch(`${url}${path}`, init);

    const traced = await call(`/v1/serials/${world.id}-SN/genealogy`, { headers: { authorization: `Bearer ${key}`, 'x-request-id': `${world.id}-req-1` } });
    expect(traced.status).toBe(200);
    expect(traced.headers.get('x-request-id')).toBe(`${world.id}-req-1`);
    const anonymous = await call('/v1/serials/x/genealogy');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/); // none given: a new one
    // Bodies the parser refuses before any route is reached (malformed, too large) are answered with their id too.
    const post = (id: string, body: string) => call('/v1/session', { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': id }, body });
    const unparsed = await post(`${world.id}-req-bad`, '{"key": ');
    expect([unparsed.status, unparsed.headers.get('x-request-id')]).toEqual([400, `${world.id}-req-bad`]);
    const oversized = await post(`${world.id}-req-big`, JSON.stringify({ key: 'k'.repeat(1_100_000) }));
    expect([oversized.status, oversized.headers.get('x-request-id')]).toEqual([413, `${world.id}-req-big`]);
    const held = await call(`/v1/lots/${world.id}-REEL/hold`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'x-correlation-id': `${world.id}-corr-1` },
      body: JSON.stringify({ reason: 'suspect reel' }),
    });
    expect(held.status).toBe(202);
    const signIn = await call('/v1/session', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ key }) });
    expect(signIn.status).toBeLessThan(300);
    const cookie = signIn.headers.get('set-cookie')!.split(';')[0]!;
    const session = cookie.split('=')[1]!;
    expect(session.length).toBeGreaterThan(10);
    await call(`/v1/serials/${world.id}-SN/genealogy`, { headers: { cookie } });
    await stop(api);

    const lines = spawned.log().split('\n').filter((l) => l.trim() !== '');
    const entries = lines.map((l) => {
      try {
        return JSON.parse(l) as Record<string, any>;
      } catch {
        throw new Error(`a log line that is not JSON: ${l}`);
      }
    });
    expect(entries.every((e) => typeof e.level === 'string' && typeof e.time === 'string' && typeof e.msg === 'string')).toBe(true);
    const done = (id: string) => entries.find((e) => e.req?.id === id && e.res);
    const first = done(`${world.id}-req-1`);
    expect(first).toMatchObject({ level: 'info', keyId, res: { statusCode: 200 }, req: { method: 'GET', headers: { authorization: '[redacted]' } } });
    expect(typeof first!.responseTime).toBe('number');
    expect(entries.find((e) => e.correlationId === `${world.id}-corr-1`)).toMatchObject({ keyId, res: { statusCode: 202 } });
    expect(entries.find((e) => e.req?.headers?.cookie)).toMatchObject({ keyId, req: { headers: { cookie: '[redacted]' } } });
    const text = spawned.log();
    expect(text).not.toContain(key);
    expect(text).not.toContain(session);
  });

  it('gives the topic, partition, offset and correlation id of a dead letter as fields of its line', () => {
    const entries = ingestLog
      .split('\n')
      .filter((l) => l.trim() !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const letter = entries.find((e) => e.reason === 'INVALID_JSON');
    expect(letter).toMatchObject({ level: 'warn', name: 'ingest', topic: world.topic(TOPICS.production), correlationId: `${world.id}-corr-dl` });
    expect(typeof letter!.partition).toBe('number');
    expect(letter!.offset).toMatch(/^\d+$/);
  });
});
