import { ChildProcess } from 'node:child_process';
import { request } from 'node:http';
import { join } from 'node:path';
import { TraceEvent, makeEvent } from '@trace/contracts';
import { TestWorld, sleep } from './support/harness';

async function waitForExit(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  return new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
}

/** A process stopped by SIGTERM as asked: Nest closes the app, then raises the signal again (or exits 0). */
const stoppedCleanly = ({ code, signal }: { code: number | null; signal: NodeJS.Signals | null }): boolean => signal === 'SIGTERM' || code === 0;

describe('a SIGTERM of the ingest mid-stream', () => {
  const world = new TestWorld('sigterm_ingest');
  const SERIALS = 300;
  const INSTALLS = 10;
  const events: TraceEvent[] = [];
  for (let s = 0; s < SERIALS; s++) {
    const serial = `SN-${String(s).padStart(5, '0')}`;
    events.push(makeEvent('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'P-1', workOrder: 'WO-1' }));
    for (let i = 0; i < INSTALLS; i++) events.push(makeEvent('MaterialInstalled', { serial, lotId: `REEL-${i}`, quantity: 1, refDes: [`R${i}`] }));
  }
  let ingest: ChildProcess | undefined;
  let log = '';
  const spawn = (): ChildProcess => {
    const child = world.spawnIngest();
    child.stdout?.on('data', (d: Buffer) => (log += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (log += d.toString()));
    return child;
  };

  beforeAll(async () => {
    world.env.LOG_LEVEL = 'log'; // its "stopped consuming" line
    await world.createTopics();
  });
  afterAll(async () => {
    ingest?.kill('SIGKILL');
    await world.close();
  });

  it('stops promptly, commits what it recorded, and after a restart the graph is complete and exact', async () => {
    ingest = spawn();
    const db = await world.db();
    const slice = Math.ceil(events.length / 8);
    let recordedAtSignal = 0;
    let exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }> | undefined;
    let stopMs = 0;
    for (let i = 0; i < events.length; i += slice) {
      await world.produce(events.slice(i, i + slice));
      if (i === slice * 3) {
        const deadline = Date.now() + 60_000;
        while ((recordedAtSignal = await db.collection('units').countDocuments()) === 0 && Date.now() < deadline) await sleep(50);
        const signalled = Date.now();
        ingest.kill('SIGTERM');
        exit = waitForExit(ingest).then((e) => ((stopMs = Date.now() - signalled), e));
      }
    }
    const stopped = await exit!;
    expect(recordedAtSignal).toBeGreaterThan(0); // the signal did land mid-stream
    expect(recordedAtSignal).toBeLessThan(SERIALS);
    expect(stoppedCleanly(stopped)).toBe(true);
    expect(stopMs).toBeLessThan(10_000 + 5_000); // INGEST_SHUTDOWN_TIMEOUT_MS (default 10 s) and the rest of the close
    expect(log).toMatch(/stopped consuming in \d+ ms/);
    expect(await world.committedOffset('trace.production.v1')).toBeGreaterThan(0); // what was recorded was committed

    ingest = spawn();
    await world.waitForIngest(90_000).catch((e: Error) => {
      throw new Error(`${e.message}\ningest log:\n${log.slice(-3000)}`);
    });
    const units = await db.collection('units').find({}).toArray();
    expect(units).toHaveLength(SERIALS);
    for (const u of units) {
      expect((Object.values(u.starts ?? {}) as { brand: string }[]).map((c) => c.brand)).toEqual(['Acme']);
      const installs = Object.values(u.installs ?? {}) as { lotId: string }[];
      expect(installs.map((x) => x.lotId).sort()).toEqual(Array.from({ length: INSTALLS }, (_, i) => `REEL-${i}`).sort());
    }
    expect(await world.committedOffset('trace.production.v1')).toBe(await world.endOffset('trace.production.v1'));
  });
});

describe('a SIGTERM of the API with streams in flight', () => {
  const world = new TestWorld('sigterm_api');
  const SERIALS = 4_000; // NDJSON rows of one lot: far more than the socket buffers hold, so a stream not read stays in flight
  let api: ChildProcess | undefined;

  beforeAll(async () => {
    await world.createTopics();
    await world.startIngest();
    await world.startApi(); // the key; the API under test is a process of its own
    const events: TraceEvent[] = [];
    for (let s = 0; s < SERIALS; s++) {
      const serial = `${world.id}-SN-${s}`;
      events.push(makeEvent('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'P-1', workOrder: 'WO-1' }));
      events.push(makeEvent('MaterialInstalled', { serial, lotId: `${world.id}-REEL`, quantity: 1, refDes: ['R1'] }));
    }
    await world.produce(events);
    await world.waitForIngest(120_000);
  });
  afterAll(async () => {
    api?.kill('SIGKILL');
    await world.close();
  });

  it('refuses new connections, finishes the streams in flight, closes what is left at the grace bound, and exits', async () => {
    const GRACE_MS = 8_000;
    const spawned = world.spawnApi({ API_SHUTDOWN_GRACE_MS: String(GRACE_MS) });
    api = spawned.child;
    const url = await spawned.url;
    const path = `/v1/lots/${world.id}-REEL/where-used?format=ndjson`;
    const open = async () => {
      const res = await fetch(`${url}${path}`, { headers: world.headers() });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      const first = await reader.read(); // the stream has begun; nothing more is read for now
      return { reader, text: Buffer.from(first.value ?? []).toString() };
    };
    const readRest = async (stream: { reader: ReadableStreamDefaultReader<Uint8Array>; text: string }): Promise<{ text: string; failed: boolean }> => {
      let text = stream.text;
      try {
        for (;;) {
          const { done, value } = await stream.reader.read();
          if (done) return { text, failed: false };
          text += Buffer.from(value).toString();
        }
      } catch {
        return { text, failed: true };
      }
    };
    // A request whose body never ends: in flight until the grace bound, whatever the machine's speed.
    const unfinished = request(`${url}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '1000' } });
    const unfinishedEnd = new Promise<string>((resolve) => {
      unfinished.once('error', (e: Error) => resolve(`error: ${e.message}`));
      unfinished.once('response', (res) => resolve(`answered ${res.statusCode}`));
    });
    unfinished.write('{"key": "');
    const read = await open();

    const signalled = Date.now();
    api.kill('SIGTERM');
    const exit = waitForExit(api).then((e) => ({ ...e, ms: Date.now() - signalled }));
    await sleep(300);
    await expect(fetch(`${url}/health`)).rejects.toThrow(); // no new connection once stopping

    const complete = await readRest(read);
    expect(complete.failed).toBe(false);
    const rows = complete.text.trim().split('\n').map((l) => JSON.parse(l) as { serial: string });
    expect(new Set(rows.map((r) => r.serial)).size).toBe(SERIALS); // every row, once
    expect(rows).toHaveLength(SERIALS);

    const stopped = await exit;
    expect(stoppedCleanly(stopped)).toBe(true);
    expect(stopped.ms).toBeGreaterThanOrEqual(GRACE_MS - 100); // it waited for the request never finished...
    expect(stopped.ms).toBeLessThan(GRACE_MS + 5_000); // ...for the bound, not longer
    expect(await unfinishedEnd).toMatch(/^error: /); // its connection closed at the bound, no answer made up
    expect(spawned.log()).toMatch(/1 of 2 requests still in flight after 8000 ms/);
  });
});

describe('a stop whose close hook hangs', () => {
  const world = new TestWorld('sigterm_hang');
  const HANG = join(__dirname, 'support', 'hang-mongo-close.ts'); // the database's close never answers
  const EXIT_MS = 2_000;
  const children: ChildProcess[] = [];

  beforeAll(async () => {
    world.env.LOG_LEVEL = 'log';
    await world.createTopics();
  });
  afterAll(async () => {
    for (const c of children) c.kill('SIGKILL');
    await world.close();
  });

  /** SIGTERM, then the exit, or 'still running' well after the deadline (what it was before the deadline existed). */
  const stop = async (child: ChildProcess) => {
    const signalled = Date.now();
    child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const exit = await Promise.race([waitForExit(child), new Promise<'still running'>((resolve) => (timer = setTimeout(() => resolve('still running'), EXIT_MS + 15_000)))]);
    clearTimeout(timer);
    return { exit, ms: Date.now() - signalled };
  };
  const errorLine = (log: string, variable: string): unknown =>
    log
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: string; msg: string })
      .find((l) => l.msg.includes(`did not end within ${EXIT_MS} ms (${variable})`))?.level;

  it('ends the API at API_SHUTDOWN_EXIT_MS with an error line and status 1', async () => {
    const spawned = world.spawnApi({ API_SHUTDOWN_GRACE_MS: '200', API_SHUTDOWN_EXIT_MS: String(EXIT_MS) }, [HANG]);
    children.push(spawned.child);
    await spawned.url;
    const { exit, ms } = await stop(spawned.child);
    expect(exit).toEqual({ code: 1, signal: null });
    expect(ms).toBeGreaterThanOrEqual(EXIT_MS - 100);
    expect(errorLine(spawned.log(), 'API_SHUTDOWN_EXIT_MS')).toBe('error');
  });

  it('ends the ingest at INGEST_SHUTDOWN_EXIT_MS with an error line and status 1', async () => {
    const child = world.spawnIngest({ INGEST_SHUTDOWN_TIMEOUT_MS: '200', INGEST_SHUTDOWN_EXIT_MS: String(EXIT_MS) }, [HANG]);
    children.push(child);
    let log = '';
    const consuming = new Promise<void>((resolve, reject) => {
      const seen = (d: Buffer): void => {
        log += d.toString();
        if (/consuming .* as group/.test(log)) resolve();
      };
      child.stdout?.on('data', seen);
      child.stderr?.on('data', seen);
      child.once('exit', (code, signal) => reject(new Error(`the ingest exited (${code ?? signal}) before it consumed:\n${log.slice(-3000)}`)));
    });
    await consuming;
    const { exit, ms } = await stop(child);
    expect(exit).toEqual({ code: 1, signal: null });
    expect(ms).toBeGreaterThanOrEqual(EXIT_MS - 100);
    expect(errorLine(log, 'INGEST_SHUTDOWN_EXIT_MS')).toBe('error');
  });
});
