import { Logger } from '@nestjs/common';
import { DisposableMongo, disposableMongo } from './support/disposable-mongo';
import { TestWorld } from './support/harness';

describe('the API while its database is down', () => {
  let mongo: DisposableMongo;
  let world: TestWorld;

  beforeAll(async () => {
    mongo = await disposableMongo();
    world = new TestWorld('api_outage');
    Object.assign(world.env, { MONGO_URL: mongo.url });
    await world.startApi();
  });
  afterAll(async () => {
    await world?.close();
    await mongo?.dispose();
  });

  it('answers data requests 503 within a few seconds, naming the failed check, and serves again once it is back', async () => {
    expect((await world.get('/v1/serials/SN-1/genealogy')).status).toBe(404);
    // The outage must be raised as errors a monitor sees; captured here so that they are checked, not printed.
    const errors = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    await mongo.stop();
    for (const path of ['/v1/serials/SN-1/genealogy', '/v1/lots/REEL-1/where-used']) {
      const started = performance.now();
      const res = await world.get(path);
      const ms = performance.now() - started;
      expect({ path, status: res.status, body: res.body }).toEqual({
        path,
        status: 503,
        body: { statusCode: 503, error: 'Service Unavailable', message: 'the database is unavailable: try again shortly', check: 'database' },
      });
      expect(ms).toBeLessThan(5_000);
    }
    await mongo.start();
    const deadline = Date.now() + 30_000;
    let status = 0;
    while (Date.now() < deadline && (status = (await world.get('/v1/serials/SN-1/genealogy')).status) !== 404) await new Promise((r) => setTimeout(r, 500));
    expect(status).toBe(404);
    // Refused requests still complete their access-log entries on close, which fails while the database is down.
    const logged = errors.mock.calls.map((call) => String(call[0]));
    errors.mockRestore();
    expect(logged.some((line) => line.startsWith('database unavailable'))).toBe(true);
    expect(logged.some((line) => line.startsWith('ACCESS LOG WRITE FAILED'))).toBe(true);
  });
});
