import { ChildProcess } from 'node:child_process';
import { TraceEvent, makeEvent } from '@trace/contracts';
import { TestWorld, sleep } from './support/harness';

const SERIALS = 400;
const INSTALLS_PER_SERIAL = 10;

function production(): TraceEvent[] {
  const events: TraceEvent[] = [];
  for (let s = 0; s < SERIALS; s++) {
    const serial = `SN-${String(s).padStart(5, '0')}`;
    events.push(makeEvent('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'P-1', workOrder: 'WO-1' }));
    for (let i = 0; i < INSTALLS_PER_SERIAL; i++) {
      events.push(makeEvent('MaterialInstalled', { serial, lotId: `REEL-${i}`, quantity: 1, refDes: [`R${i}`] }));
    }
  }
  return events;
}

async function waitForExit(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise((resolve) => child.once('exit', resolve));
}

describe('a SIGKILL of the ingest mid-stream', () => {
  const world = new TestWorld('crash');
  let ingest: ChildProcess | undefined;
  let log = '';
  const events = production();

  beforeAll(async () => {
    await world.createTopics();
  });
  afterAll(async () => {
    ingest?.kill('SIGKILL');
    await world.close();
  });

  it('loses nothing and duplicates nothing after a restart', async () => {
    // Produce in slices while the ingest runs, and kill it once part of the stream is recorded.
    ingest = world.spawnIngest();
    ingest.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    ingest.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    const db = await world.db();
    const slice = Math.ceil(events.length / 8);
    let recordedBeforeKill = 0;
    for (let i = 0; i < events.length; i += slice) {
      await world.produce(events.slice(i, i + slice));
      if (i === slice * 3) {
        const deadline = Date.now() + 60_000;
        while ((recordedBeforeKill = await db.collection('units').countDocuments()) === 0 && Date.now() < deadline) await sleep(50);
        ingest.kill('SIGKILL');
        await waitForExit(ingest);
      }
    }
    expect(recordedBeforeKill).toBeGreaterThan(0); // the kill did land mid-stream
    expect(recordedBeforeKill).toBeLessThan(SERIALS);

    ingest = world.spawnIngest();
    ingest.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    ingest.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    await world.waitForIngest(90_000).catch((e: Error) => {
      throw new Error(`${e.message}\ningest log:\n${log.slice(-3000)}`);
    });

    const units = await db.collection('units').find({}).toArray();
    expect(units).toHaveLength(SERIALS);
    for (const u of units) {
      expect((Object.values(u.starts ?? {}) as { brand: string }[]).map((c) => c.brand)).toEqual(['Acme']);
      const installs = Object.values(u.installs ?? {}) as { lotId: string }[];
      expect(installs.map((x) => x.lotId).sort()).toEqual(Array.from({ length: INSTALLS_PER_SERIAL }, (_, i) => `REEL-${i}`).sort());
    }
  });
});
