import { INestApplication, Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { TraceEvent, makeEvent } from '@trace/contracts';
import { createApi } from '../apps/api/src/bootstrap';
import { ReportJobRunner } from '../apps/api/src/reports/report-job.runner';
import { TestWorld, sleep } from './support/harness';

type Job = { id: string; status: string; total: number; done: number; notFound: string[]; rows: number; bytes: number; error?: string; result?: string };

/** Events of units of one brand, each with `materials` installed materials (one lot each), in their own namespace. */
function unitsWith(ns: string, units: { serial: string; materials: number }[]): TraceEvent[] {
  let n = 0;
  const opts = () => ({ eventId: `${ns}e${++n}`, occurredAt: new Date(Date.UTC(2026, 10, 20) + n * 1000).toISOString(), source: 'site1/jobs' });
  const most = Math.max(...units.map((u) => u.materials));
  const events: TraceEvent[] = [
    makeEvent('VendorRegistered', { vendorId: `${ns}V`, name: 'Job Parts', country: 'DE', status: 'approved' }, opts()),
    makeEvent('MaterialReceived', {
      receiptId: `${ns}GR`, vendorId: `${ns}V`, manufacturer: 'Bulk', mpn: 'MPN-1', internalPartNumber: 'IPN-1', vendorLotCode: 'L1', dateCode: '2540', countryOfOrigin: 'DE',
      receivedAt: opts().occurredAt, uom: 'pcs', packages: Array.from({ length: most }, (_, k) => ({ lotId: `${ns}R${k}`, quantity: 1000 })),
    }, opts()),
  ];
  for (const { serial, materials } of units) {
    events.push(makeEvent('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'JOB-1', workOrder: `${ns}WO` }, opts()));
    for (let m = 0; m < materials; m++) events.push(makeEvent('MaterialInstalled', { serial, lotId: `${ns}R${m}`, quantity: 1, refDes: [`R${m}`] }, opts()));
  }
  return events;
}

describe('report jobs: distinct serials, quotas, expiry, and jobs of stopped instances', () => {
  const world = new TestWorld('report_jobs');
  const instances: INestApplication[] = [];
  const ns = `${world.id}-`;
  const small = `${ns}SMALL`; // 20 installed materials: a CSV of about 7 KB
  const large = `${ns}LARGE`; // 100: about 35 KB

  /** Another API instance on the world's database and broker, with settings of its own. */
  const startInstance = async (settings: Record<string, string>): Promise<{ app: INestApplication; url: string }> => {
    const { app } = await createApi({ ...world.env, ...settings });
    await app.listen(0, '127.0.0.1');
    instances.push(app);
    return { app, url: `http://127.0.0.1:${(app.getHttpServer().address() as { port: number }).port}` };
  };
  const call = async <T = Job>(url: string, method: 'GET' | 'POST', path: string, key: string, body?: unknown): Promise<{ status: number; body: T; headers: Headers }> => {
    const res = await fetch(`${url}${path}`, { method, headers: world.headers(key, { 'content-type': 'application/json' }), ...(body ? { body: JSON.stringify(body) } : {}) });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T, headers: res.headers };
  };
  const waitForJob = async (url: string, id: string, key: string, until = (j: Job) => j.status === 'done' || j.status === 'failed', timeoutMs = 60_000): Promise<Job> => {
    for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await sleep(50)) {
      const { status, body } = await call(url, 'GET', `/v1/reports/${id}`, key);
      expect(status).toBe(200);
      if (until(body)) return body;
    }
    throw new Error(`report job ${id} did not get there within ${timeoutMs} ms`);
  };
  const newKey = async (): Promise<{ key: string; id: string }> => world.createKey('quality', '*');

  beforeAll(async () => {
    await Promise.all([world.startIngest(), world.startApi()]);
    await world.produce(unitsWith(ns, [{ serial: small, materials: 20 }, { serial: large, materials: 100 }]));
    await world.waitForIngest();
  });
  afterAll(async () => {
    await Promise.allSettled(instances.map((app) => app.close()));
    await world.close();
  });

  it('refuses a list with a repeated serial (400), naming the serials given more than once', async () => {
    const res = await world.post<{ message: string[] }>('/v1/reports', { serials: [small, 'B', small, 'C', 'C', 'D'] });
    expect(res.status).toBe(400);
    expect(res.body.message).toContain(`serials must be distinct: 2 serial(s) given more than once (${JSON.stringify(small)}, "C")`);
    expect((await world.post('/v1/reports', { serials: [small, 'B', 'C'] })).status).toBe(202);
  });

  describe("a key's quota", () => {
    let q = { url: '' };
    const limits = { maxJob: 16_384, maxStored: 20_480 };
    beforeAll(async () => {
      q = await startInstance({
        REPORT_JOBS_MAX_ACTIVE_PER_KEY: '1',
        REPORT_JOBS_MAX_KEPT_PER_KEY: '3',
        REPORT_JOB_MAX_BYTES: String(limits.maxJob),
        REPORT_JOBS_MAX_STORED_BYTES_PER_KEY: String(limits.maxStored),
      });
    });

    it('refuses a second job while the first is queued or running (429)', async () => {
      const { key } = await newKey();
      const first = await call(q.url, 'POST', '/v1/reports', key, { serials: Array.from({ length: 10_000 }, (_, i) => `${ns}NONE-${i}`) });
      expect(first.status).toBe(202);
      const second = await call<{ message: string }>(q.url, 'POST', '/v1/reports', key, { serials: [small] });
      expect((await call(q.url, 'GET', `/v1/reports/${first.body.id}`, key)).body.status).not.toBe('done'); // so the refusal was for this reason
      expect(second).toMatchObject({ status: 429, body: { statusCode: 429, message: 'this key already has 1 report job(s) queued or running (at most 1): wait for one to end' } });
      expect(await waitForJob(q.url, first.body.id, key)).toMatchObject({ status: 'done', done: 10_000 });
      expect((await call(q.url, 'POST', '/v1/reports', key, { serials: [small] })).status).toBe(202); // room again
    });

    it('refuses a job when the stored results would pass the quota (429 with Retry-After), counting an active job at its largest', async () => {
      const { key } = await newKey();
      const first = await call(q.url, 'POST', '/v1/reports', key, { serials: [small] });
      const done = await waitForJob(q.url, first.body.id, key);
      expect(done).toMatchObject({ status: 'done', rows: 20 });
      expect(done.bytes + limits.maxJob).toBeGreaterThan(limits.maxStored); // what the refusal needs
      const second = await call<{ message: string }>(q.url, 'POST', '/v1/reports', key, { serials: [small] });
      expect(second.status).toBe(429);
      expect(second.body.message).toBe(`this key's report jobs hold ${done.bytes} bytes; a new job needs room for ${limits.maxJob} within ${limits.maxStored}: wait until older results expire`);
      expect(Number(second.headers.get('retry-after'))).toBeGreaterThan(80_000); // the default expiry, 24 h after the first
    });

    it('fails a job whose result would pass REPORT_JOB_MAX_BYTES, and deletes what it had written', async () => {
      const { key } = await newKey();
      const started = await call(q.url, 'POST', '/v1/reports', key, { serials: [large] });
      const job = await waitForJob(q.url, started.body.id, key);
      expect(job).toMatchObject({ status: 'failed', bytes: 0, error: expect.stringContaining(`the result would be larger than ${limits.maxJob} bytes (REPORT_JOB_MAX_BYTES)`) });
      const db = await world.db();
      expect(await db.collection('report_chunks').countDocuments({ _id: { $regex: `^${job.id}:` } } as never)).toBe(0);
    });

    it('refuses a job beyond the number of jobs a key keeps (429)', async () => {
      const { key } = await newKey();
      for (let i = 0; i < 3; i++) {
        const started = await call(q.url, 'POST', '/v1/reports', key, { serials: [`${ns}NONE`] });
        expect(started.status).toBe(202);
        await waitForJob(q.url, started.body.id, key);
      }
      const fourth = await call<{ message: string }>(q.url, 'POST', '/v1/reports', key, { serials: [`${ns}NONE`] });
      expect(fourth.status).toBe(429);
      expect(fourth.body.message).toMatch(/^this key already keeps 3 report job\(s\) \(at most 3\); each is deleted 86400 s after it was created$/);
    });
  });

  it('deletes a job and its result once it expired, even where TTL indexes are ignored', async () => {
    const t = await startInstance({ REPORT_JOB_TTL_SECONDS: '2', REPORT_JOB_MAINTENANCE_MS: '300' });
    const { key } = await newKey();
    const started = await call(t.url, 'POST', '/v1/reports', key, { serials: [small] });
    const job = await waitForJob(t.url, started.body.id, key);
    expect(job.status).toBe('done');
    expect((await fetch(`${t.url}${job.result!}`, { headers: world.headers(key) })).status).toBe(200);
    const db = await world.db();
    const stored = async () => ({
      jobs: await db.collection('report_jobs').countDocuments({ _id: job.id } as never),
      chunks: await db.collection('report_chunks').countDocuments({ _id: { $regex: `^${job.id}:` } } as never),
    });
    expect(await stored()).toEqual({ jobs: 1, chunks: 2 });
    await sleep(2_000);
    expect((await call(t.url, 'GET', `/v1/reports/${job.id}`, key)).status).toBe(404); // gone for its owner at once
    for (const deadline = Date.now() + 10_000; Date.now() < deadline && (await stored()).jobs > 0; ) await sleep(100);
    expect(await stored()).toEqual({ jobs: 0, chunks: 0 }); // and from the database within a few maintenance rounds
  });

  it('resumes at start a job left running by a stopped instance, from its first serial, and fails one cut short three times', async () => {
    const owner = await newKey();
    // An instance that stops (cleanly) in the middle of a job: it gives up its lease.
    const s = await startInstance({ REPORT_JOB_LEASE_MS: '1000' });
    const serials = [small, ...Array.from({ length: 9_999 }, (_, i) => `${ns}GONE-${i}`)];
    const started = await call(s.url, 'POST', '/v1/reports', owner.key, { serials });
    await waitForJob(s.url, started.body.id, owner.key, (j) => j.done > 0);
    await s.app.close();
    const db = await world.db();
    const left = await db.collection('report_jobs').findOne({ _id: started.body.id } as never);
    expect(left).toMatchObject({ status: 'running' });
    expect(left!.done).toBeLessThan(10_000);

    // Two jobs of an instance that was killed: leases that ran out, one job on its third run already.
    const killed = (id: string, attempts: number) => ({
      _id: id, ownerKeyId: owner.id, scope: { kind: 'site' }, format: 'csv', serials: [small], status: 'running', done: 0, notFound: [], rows: 0, chunks: 0, chunkMark: 0, bytes: 0,
      createdAt: new Date(), expiresAt: new Date(Date.now() + 3_600_000), leaseOwner: 'killed-instance', leaseUntil: new Date(Date.now() - 1_000), attempts,
    });
    const [again, tooOften] = [`rj-${randomBytes(12).toString('hex')}`, `rj-${randomBytes(12).toString('hex')}`];
    await db.collection('report_jobs').insertMany([killed(again!, 1), killed(tooOften!, 3)] as never[]);
    await db.collection('report_job_registry').updateOne({ _id: 'active' } as never, { $addToSet: { ids: { $each: [again, tooOften] } } } as never, { upsert: true });

    // Giving up on a job is an error a monitor must see: captured here so that it is checked, not printed.
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    const r = await startInstance({});
    await r.app.get(ReportJobRunner).maintain(); // already done once at start; waits for it if still under way
    const resumed = await waitForJob(r.url, started.body.id, owner.key);
    expect(resumed).toMatchObject({ status: 'done', total: 10_000, done: 10_000, rows: 20 });
    expect(resumed.notFound).toHaveLength(9_999); // from the first serial again: nothing counted twice
    expect(new Set(resumed.notFound).size).toBe(9_999);
    expect(await waitForJob(r.url, again!, owner.key)).toMatchObject({ status: 'done', rows: 20 });
    expect(await waitForJob(r.url, tooOften!, owner.key)).toMatchObject({ status: 'failed', error: 'given up after 3 runs that did not finish (the API instances running them stopped)' });
    const logged = errors.mock.calls.map((call) => String(call[0]));
    errors.mockRestore();
    expect(logged).toContain(`report job ${tooOften!}: 3 runs were cut short; failing it`);
    const csv = Buffer.from(await (await fetch(`${r.url}${resumed.result!}`, { headers: world.headers(owner.key) })).arrayBuffer());
    const verified = await fetch(`${r.url}/v1/reports/verify`, { method: 'POST', headers: world.headers(owner.key, { 'content-type': 'application/octet-stream' }), body: csv });
    expect(await verified.json()).toMatchObject({ valid: true, format: 'csv' });
  });
});
