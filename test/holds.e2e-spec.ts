import { randomBytes } from 'node:crypto';
import { TOPICS } from '@trace/contracts';
import { gatewayScenario } from '@trace/contracts/testing';
import { sleep, TestWorld } from './support/harness';

describe('holds over real Kafka and MongoDB', () => {
  const w = new TestWorld('holds');
  const scenario = gatewayScenario();

  beforeAll(async () => {
    await Promise.all([w.startIngest(), w.startApi()]);
    await w.produce(scenario.events);
    await w.waitForIngest();
  });
  afterAll(() => w.close());

  /** Every LotStatusChanged on this world's lot topic carrying the correlation id. */
  const statusEvents = async (correlationId: string, expected: number): Promise<{ lotId: string; status: string; header: string }[]> => {
    const consumer = w.kafka.consumer({ groupId: `hold-reader-${w.id}-${randomBytes(3).toString('hex')}` });
    const seen: { lotId: string; status: string; header: string }[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: w.topic(TOPICS.lot), fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const e = JSON.parse(message.value!.toString());
          if (e.type === 'LotStatusChanged' && e.correlationId === correlationId) {
            seen.push({ lotId: e.data.lotId, status: e.data.status, header: message.headers?.['correlation-id']?.toString() ?? '' });
          }
        },
      });
      const deadline = Date.now() + 30_000;
      while (seen.length < expected && Date.now() < deadline) await sleep(100);
      return seen;
    } finally {
      await consumer.disconnect();
    }
  };

  it('holds a reel and every package split from it: events on the topic, the status in the answers, the recall scope', async () => {
    const { status, body } = await w.post('/v1/lots/REEL-C1/hold', { reason: 'cracked capacitors on field returns' });
    expect(status).toBe(202);
    expect(body.events.map((e: { lotId: string }) => e.lotId)).toEqual(['REEL-C1', 'REEL-C1A', 'REEL-C1B']);
    expect(body.recallScope).toEqual({ rows: 2, units: 2, shippedUnits: 1 });

    const seen = await statusEvents(body.correlationId, 3);
    expect(seen.map((e) => `${e.lotId}:${e.status}`).sort()).toEqual(['REEL-C1:hold', 'REEL-C1A:hold', 'REEL-C1B:hold']);
    expect(seen.every((e) => e.header === body.correlationId)).toBe(true);

    await w.waitForIngest();
    const whereUsed = await w.get('/v1/lots/REEL-C1/where-used');
    expect(whereUsed.body.lots.map((l: { lotId: string; status: string }) => `${l.lotId}:${l.status}`)).toEqual(['REEL-C1:hold', 'REEL-C1A:hold', 'REEL-C1B:hold']);
    const genealogy = await w.get(`/v1/serials/${scenario.ids.top}/genealogy`);
    expect(genealogy.body.summary.flags).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'LOT_NOT_RELEASED', lotId: 'REEL-C1A', serials: [scenario.ids.sub] })]));
  });

  it('releases them the same way', async () => {
    const { status, body } = await w.post('/v1/lots/REEL-C1/release', { reason: 'supplier 8D closed: not our lot' });
    expect(status).toBe(202);
    expect(await statusEvents(body.correlationId, 3)).toHaveLength(3);
    await w.waitForIngest();
    const whereUsed = await w.get('/v1/lots/REEL-C1/where-used');
    expect(whereUsed.body.lots.every((l: { status: string }) => l.status === 'released')).toBe(true);
  });

  it('holds every package of a vendor lot', async () => {
    const { status, body } = await w.post('/v1/vendor-lots/hold', { vendorId: 'V-SHADY', mpn: 'CRCW060322R0FKEA', vendorLotCode: 'S1', reason: 'counterfeit' });
    expect(status).toBe(202);
    expect(body.events.map((e: { lotId: string }) => e.lotId)).toEqual(['REEL-S1', 'REEL-S2', 'REEL-SM']);
    expect(body.recallScope).toEqual({ rows: 1, units: 1, shippedUnits: 1 });
  });

  it('refuses a hold without a reason (400), of an unknown lot (404), and by an auditor (403)', async () => {
    expect((await w.post('/v1/lots/REEL-C1/hold', {})).status).toBe(400);
    expect((await w.post('/v1/lots/NO-SUCH-LOT/hold', { reason: 'x' })).status).toBe(404);
    const auditor = await w.createKey('auditor', '*');
    expect((await w.post('/v1/lots/REEL-C1/hold', { reason: 'x' }, auditor.key)).status).toBe(403);
  });
});
