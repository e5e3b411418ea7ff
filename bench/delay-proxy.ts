import * as fs from 'node:fs';
import { Worker } from 'node:worker_threads';

/** A TCP proxy that holds every chunk for a fixed time in each direction: a network hop in front of a server. */
export interface DelayProxy {
  /** The port it listens on, on 127.0.0.1. */
  port: number;
  /** The delay added in each direction, ms. */
  delayMs: number;
  /**
   * CPU time (user + system) the proxy's threads have used so far, ms, from /proc/<pid>/task/<tid>/stat (10 ms ticks):
   * a hop should add latency, not load on the machine. NaN where /proc has no per-thread figures.
   */
  cpuMs(): number;
  close(): Promise<void>;
}

// The proxy runs in a worker thread of its own, so that the bench's own work (an in-process API serialising megabytes
// of JSON) cannot hold its packets back: only the delay it was asked for is added. Node's timers fire no sooner than
// 1 ms, so a remaining wait under a millisecond is spun out on setImmediate, which still lets the socket I/O through.
// Chunks leave in arrival order (each direction is a FIFO with one due time per chunk).
const WORKER = `
const fs = require('node:fs');
const net = require('node:net');
const { parentPort, workerData } = require('node:worker_threads');
const { upstreamHost, upstreamPort, delayMs } = workerData;
const now = () => Number(process.hrtime.bigint()) / 1e6;

function delayedPipe(from, to) {
  const queue = [];
  let scheduled = false;
  const flush = () => {
    scheduled = false;
    const t = now();
    while (queue.length > 0 && queue[0].due <= t) to.write(queue.shift().chunk);
    if (queue.length > 0) schedule(queue[0].due - t);
  };
  const schedule = (wait) => {
    if (scheduled) return;
    scheduled = true;
    if (wait > 1.5) setTimeout(flush, wait - 1);
    else setImmediate(flush);
  };
  from.on('data', (chunk) => {
    queue.push({ chunk, due: now() + delayMs });
    schedule(delayMs);
  });
  from.on('end', () => {
    const finish = () => (queue.length > 0 ? setTimeout(finish, delayMs + 1) : to.end());
    finish();
  });
}

const server = net.createServer({ noDelay: true }, (client) => {
  const upstream = net.connect({ host: upstreamHost, port: upstreamPort, noDelay: true });
  const close = () => { client.destroy(); upstream.destroy(); };
  client.on('error', close);
  upstream.on('error', close);
  client.on('close', close);
  upstream.on('close', close);
  delayedPipe(client, upstream);
  delayedPipe(upstream, client);
});
let task = '';
try { task = fs.readlinkSync('/proc/thread-self'); } catch {}
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port, task }));
`;

/** Starts a delaying proxy to `upstream` (host:port) on a free port of 127.0.0.1. */
export async function startDelayProxy(upstream: { host: string; port: number }, delayMs: number): Promise<DelayProxy> {
  if (!(delayMs >= 0)) throw new Error(`the proxy's delay must be a number of milliseconds >= 0, not ${delayMs}`);
  const worker = new Worker(WORKER, { eval: true, workerData: { upstreamHost: upstream.host, upstreamPort: upstream.port, delayMs } });
  const { port, task } = await new Promise<{ port: number; task: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return { port, delayMs, cpuMs: () => threadCpuMs([task]), close: async () => void (await worker.terminate()) };
}

/** User + system CPU of threads named by their /proc/thread-self link (`<pid>/task/<tid>`), ms; NaN if unreadable. */
function threadCpuMs(tasks: string[]): number {
  let ticks = 0;
  for (const task of tasks) {
    try {
      // Fields after the command's closing parenthesis: state is the 3rd field of the line, utime the 14th, stime the 15th.
      const fields = fs.readFileSync(`/proc/${task}/stat`, 'utf8').split(') ').pop()!.split(' ');
      ticks += Number(fields[11]) + Number(fields[12]);
    } catch {
      return Number.NaN;
    }
  }
  return ticks * 10; // USER_HZ is 100 on Linux (getconf CLK_TCK)
}

/** The host and port of a mongodb:// URL with one host. */
export function hostOf(url: string): { host: string; port: number } {
  const m = /^mongodb:\/\/(?:[^@/]*@)?([^:/,?]+)(?::(\d+))?[/?]?/.exec(url);
  if (!m) throw new Error(`the delaying proxy needs a mongodb:// URL with a single host, not ${url}`);
  return { host: m[1]!, port: Number(m[2] ?? 27017) };
}
