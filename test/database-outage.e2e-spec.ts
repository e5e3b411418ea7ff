import { TraceEvent, TOPICS, makeEvent } from '@trace/contracts';
import { DisposableMongo, disposableMongo } from './support/disposable-mongo';
import { TestWorld, sleep } from './support/harness';

const units = (from: number, count: number): TraceEvent[] =>
  Array.from({ length: count }, (_, i) => {
    const serial = `SN-${from + i}`;
    return [
      makeEvent('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'P-1', workOrder: 'WO-1' }),
      makeEvent('MaterialInstalled', { serial, lotId: 'REEL-1', quantity: 1, refDes: ['R1'] }),
    ];
  }).flat();

describe('the database down mid-stream', () => {
  let mongo: DisposableMongo;
  let world: TestWorld;

  beforeAll(async () => {
    mongo = await disposableMongo();
    world = new TestWorld('outage');
    Object.assign(world.env, { MONGO_URL: mongo.url });
    await world.createTopics();
    await world.startIngest();
  });
  afterAll(async () => {
    await world?.close();
    await mongo?.dispose();
  });

  it('is not poison: the ingest commits nothing while it is down, then resumes and loses nothing', async () => {
    await world.produce(units(0, 50));
    await world.waitForIngest();

    await mongo.stop();
    await world.produce(units(50, 50));
    // Long enough for several failed attempts (server selection gives up after 5 s, backoff up to 2 s).
    await sleep(12_000);
    // Read to the dead-letter topic's end offset: every letter produced so far, none missed by a late reader.
    const deadLetters = await world.readDeadLetters();
    expect(deadLetters.map((l) => l.headers?.['dlq.reason']?.toString())).toEqual([]); // an outage is not a reason to dead-letter anything
    const committed = await world.committedOffset(TOPICS.production);
    const end = await world.endOffset(TOPICS.production);
    expect(committed).toBeLessThan(end);

    await mongo.start();
    await world.waitForIngest(90_000);
    const db = await world.db();
    const serials = (await db.collection('units').find({}, { projection: { _id: 1 } }).toArray()).map((u) => u._id);
    expect(serials).toHaveLength(100);
  });
});
