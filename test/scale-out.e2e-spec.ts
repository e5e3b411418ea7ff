import { INestMicroservice } from '@nestjs/common';
import { TraceEvent, makeEvent } from '@trace/contracts';
import { startIngest } from '../apps/ingest/src/bootstrap';
import { TestWorld } from './support/harness';

const SERIALS = 300;

function production(): TraceEvent[] {
  return Array.from({ length: SERIALS }, (_, s) => {
    const serial = `SN-${s}`;
    return [
      makeEvent('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'P-1', workOrder: 'WO-1' }),
      ...Array.from({ length: 5 }, (__, i) => makeEvent('MaterialInstalled', { serial, lotId: `REEL-${i}`, quantity: 1, refDes: [`R${i}`] })),
    ];
  }).flat();
}

describe('two ingest instances in one consumer group', () => {
  const world = new TestWorld('scaleout');
  const instances: INestMicroservice[] = [];

  afterAll(async () => {
    await Promise.all(instances.map((i) => i.close()));
    await world.close();
  });

  it('share the partitions and end with the whole graph, once', async () => {
    await world.createTopics();
    instances.push(await startIngest(world.env), await startIngest({ ...world.env, KAFKA_CLIENT_ID: `${world.env.KAFKA_CLIENT_ID}-2` }));
    await world.produce(production());
    await world.waitForIngest();

    const db = await world.db();
    const units = await db.collection('units').find({}).toArray();
    expect(units).toHaveLength(SERIALS);
    for (const u of units) expect(Object.keys(u.installs ?? {})).toHaveLength(5);

    // Both instances took part: the group has two members, each with partitions of its own.
    const admin = world.kafka.admin();
    await admin.connect();
    const { groups } = await admin.describeGroups([world.env.KAFKA_GROUP_ID!]);
    await admin.disconnect();
    expect(groups[0]?.members).toHaveLength(2);
  });
});
