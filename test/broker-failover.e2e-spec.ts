import { ConfigResourceTypes } from 'kafkajs';
import { TOPICS, TraceEvent, makeEvent } from '@trace/contracts';
import { readTopicToEnd } from '@trace/platform';
import { KafkaCluster, ensureJars, startKafkaCluster } from './stack/local-stack';
import { TestWorld } from './support/harness';

// The only test on a three-broker cluster (its own, from the local stack's jars): six ports from
// TEST_KAFKA_CLUSTER_PORT on (default 29100), the database of the other tests.
const BASE_PORT = Number(process.env.TEST_KAFKA_CLUSTER_PORT ?? 29100);

describe('a SIGKILL of a partition leader in a three-broker cluster mid-stream', () => {
  const SERIALS = 150;
  const INSTALLS = 5;
  const HOLDS = 5;
  let cluster: KafkaCluster;
  let world: TestWorld;
  const events: TraceEvent[] = [];
  for (let s = 0; s < SERIALS; s++) {
    const serial = `SN-${String(s).padStart(5, '0')}`;
    events.push(makeEvent('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'P-1', workOrder: 'WO-1' }));
    for (let i = 0; i < INSTALLS; i++) events.push(makeEvent('MaterialInstalled', { serial, lotId: `REEL-${i}`, quantity: 1, refDes: [`R${i}`] }));
  }

  beforeAll(async () => {
    await ensureJars();
    cluster = await startKafkaCluster({
      name: `${process.env.TEST_STACK_NAME ?? 'test'}-cluster`,
      nodes: [0, 1, 2].map((i) => ({ port: BASE_PORT + 2 * i, controllerPort: BASE_PORT + 2 * i + 1 })),
    });
    process.env.KAFKA_BROKERS = cluster.kafkaBrokers; // this file's world and apps use the cluster
    world = new TestWorld('failover');
    await world.createTopics();
    await world.startIngest();
    await world.startApi();
  }, 180_000);
  afterAll(async () => {
    await world?.close();
    await cluster?.stop();
  });

  it('creates the topics with three copies and min.insync.replicas=2', async () => {
    const admin = world.kafka.admin();
    await admin.connect();
    try {
      const topic = world.topic(TOPICS.production);
      const { topics } = await admin.fetchTopicMetadata({ topics: [topic] });
      expect(topics[0]!.partitions.every((p) => p.replicas.length === 3)).toBe(true);
      const { resources } = await admin.describeConfigs({ includeSynonyms: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configNames: ['min.insync.replicas'] }] });
      expect(resources[0]!.configEntries.find((e) => e.configName === 'min.insync.replicas')?.configValue).toBe('2');
    } finally {
      await admin.disconnect();
    }
  });

  it('keeps the graph complete and exact, and the holds published during the failover arrive once', async () => {
    const admin = world.kafka.admin();
    await admin.connect();
    const slice = Math.ceil(events.length / 6);
    let killed: number | undefined;
    const holds: string[] = [];
    try {
      for (let i = 0; i < events.length; i += slice) {
        await world.produce(events.slice(i, i + slice));
        if (i === slice * 2) {
          await world.waitForIngest(); // the lots exist, so that they can be held
          const { topics } = await admin.fetchTopicMetadata({ topics: [world.topic(TOPICS.production)] });
          killed = topics[0]!.partitions.find((p) => p.partitionId === 0)!.leader;
          await cluster.nodes.find((n) => n.id === killed)!.kill('SIGKILL');
          // Holds through the API while the partitions of the dead broker elect new leaders.
          for (let h = 0; h < HOLDS; h++) {
            const correlationId = `${world.id}-hold-${h}`;
            const res = await fetch(`${world.apiUrl}/v1/lots/REEL-${h}/hold`, {
              method: 'POST',
              headers: world.headers(undefined, { 'content-type': 'application/json', 'x-correlation-id': correlationId }),
              body: JSON.stringify({ reason: 'failover drill' }),
            });
            expect(res.status).toBe(202);
            holds.push(correlationId);
          }
        }
      }
      expect(killed).toBeDefined();
      await cluster.nodes.find((n) => n.id === killed)!.restart();
      await world.waitForIngest(120_000);

      const db = await world.db();
      const units = await db.collection('units').find({}).toArray();
      expect(units).toHaveLength(SERIALS);
      for (const u of units) {
        const installs = Object.values(u.installs ?? {}) as { lotId: string }[];
        expect(installs.map((x) => x.lotId).sort()).toEqual(Array.from({ length: INSTALLS }, (_, k) => `REEL-${k}`).sort());
      }
      const lotEvents = await readTopicToEnd(world.kafka, admin, world.topic(TOPICS.lot), `failover-reader-${world.id}`);
      const held = lotEvents.map((m) => JSON.parse(m.value!.toString()) as { type: string; correlationId?: string }).filter((e) => e.type === 'LotStatusChanged');
      for (const id of holds) expect(held.filter((e) => e.correlationId === id)).toHaveLength(1);
      expect(held).toHaveLength(HOLDS);
    } finally {
      await admin.disconnect();
    }
  });
});
