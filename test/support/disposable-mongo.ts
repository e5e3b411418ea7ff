import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A MongoDB-wire server of this test's own, to stop and start at will (a database outage), unlike the
 * shared one. The local stand-in with an H2 file backend keeps its data across a clean stop; where a
 * Docker engine exists and no local jars do, a mongo:7 container (paused and unpaused) stands in.
 */
export interface DisposableMongo {
  url: string;
  stop(): Promise<void>;
  start(): Promise<void>;
  dispose(): Promise<void>;
}

const ROOT = join(__dirname, '..', '..');

/**
 * `backend: 'memory'` (or `'compact'`, the same with each document held as its BSON bytes) for a fast throwaway
 * server (the medium tier); the default `h2` file survives a clean stop. `heap` (e.g. `'160m'`) caps the local
 * stand-in's JVM heap (a container ignores it).
 */
export async function disposableMongo(backend: 'h2' | 'memory' | 'compact' = 'h2', options: { heap?: string } = {}): Promise<DisposableMongo> {
  const { existsSync, readdirSync } = await import('node:fs');
  const lib = join(ROOT, '.stack', 'lib');
  if (existsSync(lib) && readdirSync(lib).some((f) => f.startsWith('mongo-java-server'))) return localMongo(lib, backend, options.heap);
  try {
    return await containerMongo();
  } catch (error) {
    throw new Error(
      `no disposable MongoDB: no mongo-java-server jars in .stack/lib (run npm run stack:setup) and no Docker engine (${String(error)})`,
    );
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

async function localMongo(lib: string, backend: 'h2' | 'memory' | 'compact', heap: string | undefined): Promise<DisposableMongo> {
  const port = await freePort();
  const file = join(mkdtempSync(join(tmpdir(), 'trace-outage-')), 'db.mv');
  let child: ChildProcess | undefined;
  const start = async (): Promise<void> => {
    child = spawn('java', [...(heap ? [`-Xmx${heap}`] : []), '-cp', `${lib}/*`, join(ROOT, 'test', 'stack', 'MongoLauncher.java'), '127.0.0.1', String(port), backend === 'h2' ? `h2:${file}` : backend], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`mongo-java-server did not start within 60 s:\n${out}`)), 60_000);
      child!.stdout!.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child!.stderr!.on('data', (d: Buffer) => (out += d.toString()));
      child!.once('exit', (code) => reject(new Error(`mongo-java-server exited with ${code}:\n${out}`)));
    });
  };
  const stop = async (): Promise<void> => {
    const c = child;
    if (!c || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((r) => c.once('exit', r));
    c.kill('SIGTERM'); // a clean stop: the H2 file keeps every acknowledged write
    await exited;
  };
  await start();
  return { url: `mongodb://127.0.0.1:${port}`, start, stop, dispose: stop };
}

async function containerMongo(): Promise<DisposableMongo> {
  const { MongoDBContainer } = await import('@testcontainers/mongodb');
  const { getContainerRuntimeClient } = await import('testcontainers');
  const container = await new MongoDBContainer('mongo:7').start();
  const client = await getContainerRuntimeClient();
  const handle = client.container.getById(container.getId());
  return {
    url: `${container.getConnectionString()}/?directConnection=true`,
    stop: async () => void (await handle.pause()),
    start: async () => void (await handle.unpause()),
    dispose: async () => void (await container.stop()),
  };
}
