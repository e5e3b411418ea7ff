import * as fs from 'node:fs';
import { MessageChannel, Worker } from 'node:worker_threads';

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
// of JSON) cannot hold its packets back: only the delay it was asked for is added. Every chunk, in either direction of
// any connection, joins one FIFO with its due time (arrival + delay); as the delay is the same for all, due times rise
// along the queue, so chunks leave in arrival order (FIFO per direction).
// Node's timers fire no sooner than 1 ms and a wait under it would have to be spun out, burning a core the API and the
// database share with the proxy (a hop adds latency, not CPU). So a second thread, the clock, sleeps in Atomics.wait
// (sub-millisecond timeouts) until just before the head of the queue is due (CLOCK_SPIN_MS), watches the time to it,
// then posts a message that wakes the proxy's event loop, which sits idle in epoll meanwhile. The proxy asks the clock
// for one wake-up at a time: it writes the head's due time and bumps a generation counter; the clock, having posted,
// waits for the next generation.
const SHARED = `
const control = new Int32Array(workerData.shared, 0, 2); // [generation, stop]
const dueAt = new BigInt64Array(workerData.shared, 8, 1); // hrtime ns of the wake-up asked for
let task = '';
try { task = require('node:fs').readlinkSync('/proc/thread-self'); } catch {}
`;

const PROXY = `
const net = require('node:net');
const { parentPort, workerData } = require('node:worker_threads');
${SHARED}
const { upstreamHost, upstreamPort, clock } = workerData;
const delayNs = BigInt(Math.round(workerData.delayMs * 1e6));
const held = []; // { to, chunk (null: end), due }
let first = 0; // index of the head in held
let asked = false;

const askClock = () => {
  if (asked || first === held.length) return;
  asked = true;
  Atomics.store(dueAt, 0, held[first].due);
  Atomics.add(control, 0, 1);
  Atomics.notify(control, 0);
};
clock.on('message', () => {
  asked = false;
  const t = process.hrtime.bigint();
  while (first < held.length && held[first].due <= t) {
    const { to, chunk } = held[first];
    held[first++] = undefined;
    if (to.destroyed) continue;
    if (chunk === null) to.end();
    else to.write(chunk);
  }
  if (first > 1024 && first * 2 > held.length) held.splice(0, first), (first = 0);
  askClock();
});
const hold = (to, chunk) => {
  held.push({ to, chunk, due: process.hrtime.bigint() + delayNs });
  askClock();
};

// Half-open sockets: a side's end is held and passed on after the data before it, and the other direction stays open
// for the answer still on its way. An error on either side resets both.
const server = net.createServer({ noDelay: true, allowHalfOpen: true }, (client) => {
  const upstream = net.connect({ host: upstreamHost, port: upstreamPort, noDelay: true, allowHalfOpen: true });
  const reset = () => { client.destroy(); upstream.destroy(); };
  for (const [from, to] of [[client, upstream], [upstream, client]]) {
    from.on('data', (chunk) => hold(to, chunk));
    from.on('end', () => hold(to, null));
    from.on('error', reset);
    from.on('close', (hadError) => hadError && reset());
  }
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage({ port: server.address().port, task }));
`;

const CLOCK = `
const { parentPort, workerData } = require('node:worker_threads');
${SHARED}
parentPort.postMessage({ task });
const { proxy, spinMs } = workerData;
while (Atomics.load(control, 1) === 0) {
  const generation = Atomics.load(control, 0);
  const due = Atomics.load(dueAt, 0);
  const wait = due === 0n ? Infinity : Number(due - process.hrtime.bigint()) / 1e6;
  if (wait > spinMs) {
    Atomics.wait(control, 0, generation, wait - spinMs); // a new generation, the stop, or near the due time
    continue;
  }
  while (process.hrtime.bigint() < due);
  proxy.postMessage(null);
  Atomics.wait(control, 0, generation); // until the proxy asks for the next wake-up (or stops)
}
`;

/**
 * How long before a due time the clock stops sleeping and watches the time instead: Atomics.wait wakes ~0.1 ms late
 * (the kernel's timer slack, 50 us, then the scheduler), which made a round trip 1.46 ms for 0.5 ms each way, against
 * 1.2 ms with this and 1.1 ms spinning throughout (the old proxy, at 0.4-0.65 of a core while pings were in flight,
 * against 0.2): a bounded spin of at most this per wake-up, on the clock's thread, never on the proxy's event loop.
 */
const CLOCK_SPIN_MS = 0.15;

/** Starts a delaying proxy to `upstream` (host:port) on a free port of 127.0.0.1. */
export async function startDelayProxy(upstream: { host: string; port: number }, delayMs: number): Promise<DelayProxy> {
  if (!(delayMs >= 0)) throw new Error(`the proxy's delay must be a number of milliseconds >= 0, not ${delayMs}`);
  const shared = new SharedArrayBuffer(16);
  const { port1, port2 } = new MessageChannel();
  const started = (w: Worker): Promise<{ port?: number; task: string }> =>
    new Promise((resolve, reject) => {
      w.once('message', resolve);
      w.once('error', reject);
    });
  const clock = new Worker(CLOCK, { eval: true, workerData: { shared, proxy: port1, spinMs: CLOCK_SPIN_MS }, transferList: [port1] });
  const worker = new Worker(PROXY, {
    eval: true,
    workerData: { shared, clock: port2, upstreamHost: upstream.host, upstreamPort: upstream.port, delayMs },
    transferList: [port2],
  });
  const [c, p] = await Promise.all([started(clock), started(worker)]);
  const control = new Int32Array(shared, 0, 2);
  return {
    port: p.port!,
    delayMs,
    cpuMs: () => threadCpuMs([p.task, c.task]),
    close: async () => {
      Atomics.store(control, 1, 1);
      Atomics.notify(control, 0);
      await Promise.all([worker.terminate(), clock.terminate()]);
    },
  };
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
