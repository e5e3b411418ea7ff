import { Logger } from '@nestjs/common';
import { SOURCE_TOPICS, TOPICS, makeEvent, retractionMessage, toMessage } from '@trace/contracts';
import { gatewayAuthority, gatewayScenario } from '@trace/contracts/testing';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { emptyFaultSummary } from '../apps/simulator/src/faults';
import { simulatedMessages } from '../apps/simulator/src/simulation';
import { PART_COPY_FIELDS } from '../libs/genealogy/src/authority/authority-writes';
import { TestWorld } from './support/harness';

/** Runs the CLI as an operator does (its own process), with the world's environment and `env` on top. */
function cli(world: TestWorld, args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const root = join(__dirname, '..');
  const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', '-r', 'tsconfig-paths/register', 'apps/cli/src/main.ts', ...args], {
    cwd: root,
    env: { ...world.env, TS_NODE_PROJECT: join(root, 'tsconfig.json'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** The world's MongoDB URL with `db` as the database in its path (query kept). */
const urlOf = (base: string, db: string): string => base.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]+)\/?[^?]*(\?.*)?$/, (_, hosts: string, query?: string) => `${hosts}/${db}${query ?? ''}`);

describe('a graph rebuilt from the trace topics', () => {
  const world = new TestWorld('rebuild');
  const warnings: string[] = [];
  const faults = emptyFaultSummary();
  const bom = makeEvent('BomReleased', { brand: 'Acme', productPartNumber: 'rb-GW100', revision: 'A', effectiveFrom: '2026-11-01T00:00:00Z', lines: [{ internalPartNumber: 'rb-CAP-1', quantity: 2, refDes: ['C1', 'C2'] }] });
  // A simulated run with duplicates, reordering and invalid messages, and the demo's gateway with its brand's
  // authority, so every collection of the graph (derived and brand ones included) has documents.
  const messages = [
    ...simulatedMessages({ seed: 11, units: 40, partsPerBoard: 30, brands: 3 }, { duplicates: 0.02, reorder: 0.05, invalid: 0.01 }, faults),
    ...[...gatewayScenario('rb-').events, ...gatewayAuthority('rb-'), bom].map((e) => toMessage(e)),
    // A retraction, so that the retractions are rebuilt too (the BOM's facts stay in the graph, out of every answer).
    retractionMessage(bom, 'released for the wrong product'),
  ];
  const vendorTopic = world.topic(TOPICS.vendor);
  let deadLetters = 0;

  beforeAll(async () => {
    // A trace topic someone created by hand with a retention of one day, before the ingest ever ran.
    const admin = world.kafka.admin();
    await admin.connect();
    await admin.createTopics({ waitForLeaders: true, topics: [{ topic: vendorTopic, numPartitions: 3, configEntries: [{ name: 'retention.ms', value: '86400000' }] }] });
    await admin.disconnect();
    await world.createTopics();
    const warn = jest.spyOn(Logger.prototype, 'warn');
    await world.startIngest();
    warnings.push(...warn.mock.calls.map((c) => String(c[0])));
    warn.mockRestore();
    for (let i = 0; i < messages.length; i += 1_000) await world.produceRaw(messages.slice(i, i + 1_000));
    await world.waitForIngest(180_000);
    deadLetters = (await world.readDeadLetters()).length;
  }, 300_000);
  afterAll(() => world.close());

  it('is warned about by the ingest at start when a trace topic has a finite retention, naming the topic and the setting, and no other topic', () => {
    const perishable = warnings.filter((w) => w.startsWith('trace topic '));
    expect(perishable).toHaveLength(1);
    expect(perishable[0]).toContain(`trace topic ${vendorTopic} `);
    expect(perishable[0]).toContain('retention.ms=86400000');
  });

  it("has the live graph's digest, counts the messages the live ingest dead-lettered without publishing them again, and leaves a target with a graph alone", async () => {
    const invalid = Object.values(faults.invalid).reduce((a, b) => a + b, 0);
    expect(invalid).toBeGreaterThan(0);
    expect(deadLetters).toBe(invalid);

    const live = await cli(world, ['graph', 'digest']);
    expect(live.stderr).toBe('');
    expect(live.code).toBe(0);
    const target = urlOf(world.env.MONGO_URL!, `${world.env.MONGO_DB!}_rebuilt`);
    const rebuilt = await cli(world, ['graph', 'rebuild', '--target', target]);
    expect({ code: rebuilt.code, stderr: rebuilt.stderr }).toMatchObject({ code: 0, stderr: expect.stringContaining(`from ${messages.length} messages`) });
    expect(rebuilt.stderr).toContain(`${invalid} invalid`);
    expect(rebuilt.stdout).toBe(live.stdout);

    // Every collection of the graph is in the digest, and the demo's and the simulation's data fill every one of them.
    const lines = live.stdout.trim().split('\n').map((l) => l.split(/\s+/));
    expect(lines.at(-1)![0]).toBe('graph');
    expect(lines.slice(0, -1).filter(([, n]) => n === '0').map(([c]) => c)).toEqual([]);
    expect((await world.readDeadLetters()).length).toBe(deadLetters);

    // Its group has committed the end offsets it stopped at: an ingest of the new graph with that group goes on from there.
    const group = /consumer group (\S+)/.exec(rebuilt.stderr)![1]!;
    const admin = world.kafka.admin();
    await admin.connect();
    try {
      for (const topic of SOURCE_TOPICS.map((t) => world.topic(t))) {
        const [committed] = await admin.fetchOffsets({ groupId: group, topics: [topic] });
        const ends = (await admin.fetchTopicOffsets(topic)).filter((p) => Number(p.high) > 0);
        expect(committed!.partitions.filter((p) => Number(p.offset) >= 0).map((p) => [p.partition, p.offset]).sort()).toEqual(ends.map((p) => [p.partition, p.high]).sort());
      }
    } finally {
      await admin.disconnect();
    }

    const again = await cli(world, ['graph', 'rebuild', '--target', target]);
    expect(again.code).toBe(3);
    expect(again.stderr).toContain('holds a graph already');
    expect(again.stdout).toBe('');
  }, 240_000);

  it('recopies the own documents to parts written without their copies (graph recopy): the graph as written with them', async () => {
    const before = await cli(world, ['graph', 'digest']);
    // The parts as a graph written before the copies holds them: their digest is another.
    const db = await world.db();
    await db.collection('brand_parts').updateMany({}, { $unset: Object.fromEntries(PART_COPY_FIELDS.map((f) => [f, ''])) });
    expect((await cli(world, ['graph', 'digest'])).stdout).not.toBe(before.stdout);
    const recopied = await cli(world, ['graph', 'recopy']);
    expect(recopied).toMatchObject({ code: 0, stdout: expect.stringMatching(/^recopied [1-9]\d* approvals and [1-9]\d* deviations to their parts' documents in /) });
    expect(recopied.stderr).toContain('own documents');
    expect((await cli(world, ['graph', 'digest'])).stdout).toBe(before.stdout);
    const nowhere = await cli(world, ['graph', 'recopy'], { MONGO_URL: 'mongodb://127.0.0.1:1/nowhere' });
    expect(nowhere).toMatchObject({ code: 5, stdout: '', stderr: expect.stringContaining('cannot reach the database at mongodb://127.0.0.1:1/nowhere') });
  }, 120_000);

  it('says which of the brokers and the target it cannot reach, each with its own exit status', async () => {
    const [noBroker, noDatabase] = await Promise.all([
      cli(world, ['graph', 'rebuild', '--target', urlOf(world.env.MONGO_URL!, `${world.env.MONGO_DB!}_nobroker`)], { KAFKA_BROKERS: '127.0.0.1:1' }),
      cli(world, ['graph', 'rebuild', '--target', 'mongodb://127.0.0.1:1/nowhere']),
    ]);
    expect(noBroker).toMatchObject({ code: 4, stdout: '', stderr: expect.stringContaining('cannot reach the Kafka brokers at 127.0.0.1:1') });
    expect(noDatabase).toMatchObject({ code: 5, stdout: '', stderr: expect.stringContaining('cannot reach the database at mongodb://127.0.0.1:1/nowhere') });
  }, 120_000);
});
