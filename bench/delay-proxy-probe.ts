/**
 * `npx ts-node --transpile-only bench/delay-proxy-probe.ts [--delay 0.5] [--rounds 3] [--other <delay-proxy.ts>]`: the delaying
 * proxy alone, in front of an echo server on the loopback (no database, no API): the round trip it adds (ping-pong of
 * one byte, median of 300, through the proxy minus direct) and its CPU, the share of a core while those pings are in
 * flight and the milliseconds to stream 50 MiB each way. With `--other`, a second version of `delay-proxy.ts` (e.g. from
 * `git archive <commit> | tar -x -C /tmp/x`) measured in the same minutes, each round in a child process of its own,
 * who goes first alternating. Prints one line a round and writes bench/results/<timestamp>-delay-proxy-probe.json.
 */
import { execFileSync } from 'node:child_process';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { DelayProxy } from './delay-proxy';
import { startEchoServer } from './echo-server';
import { commitInfo, machineInfo, writeResultFile } from './results';

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

interface Probe {
  addedRttMs: number;
  minRttMs: number;
  pingCpuShare: number;
  streamMs: number;
  streamCpuMs: number;
}

/** One measurement of the proxy in `modulePath`, in this process. */
async function probe(modulePath: string, delayMs: number): Promise<Probe> {
  const { startDelayProxy } = (await import(modulePath)) as { startDelayProxy: (u: { host: string; port: number }, d: number) => Promise<DelayProxy> };
  const echo = await startEchoServer();
  const proxy = await startDelayProxy({ host: '127.0.0.1', port: echo.port }, delayMs);
  const connect = async (port: number): Promise<net.Socket> => {
    const s = net.connect({ host: '127.0.0.1', port, noDelay: true });
    await new Promise((resolve) => s.once('connect', resolve));
    return s;
  };
  const pings = async (port: number): Promise<number[]> => {
    const s = await connect(port);
    const xs: number[] = [];
    for (let i = 0; i < 300; i++) {
      const t0 = nowMs();
      await new Promise<void>((resolve) => {
        s.once('data', () => resolve());
        s.write('x');
      });
      xs.push(nowMs() - t0);
    }
    s.destroy();
    return xs;
  };
  try {
    const direct = await pings(echo.port);
    const [cpu0, t0] = [proxy.cpuMs(), nowMs()];
    const via = await pings(proxy.port);
    const pingCpuShare = (proxy.cpuMs() - cpu0) / (nowMs() - t0);
    const s = await connect(proxy.port);
    const total = 50 * 2 ** 20;
    const chunk = Buffer.alloc(64 * 1024, 1);
    const [cpu1, t1] = [proxy.cpuMs(), nowMs()];
    await new Promise<void>((resolve) => {
      let got = 0;
      s.on('data', (d: Buffer) => (got += d.length) >= total && resolve());
      void (async () => {
        for (let sent = 0; sent < total; sent += chunk.length) if (!s.write(chunk)) await new Promise((r) => s.once('drain', r));
      })();
    });
    const streamMs = nowMs() - t1;
    const streamCpuMs = proxy.cpuMs() - cpu1;
    s.destroy();
    return { addedRttMs: median(via) - median(direct), minRttMs: Math.min(...via), pingCpuShare, streamMs, streamCpuMs };
  } finally {
    await proxy.close();
    await echo.close();
  }
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string): string | undefined => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
  const child = opt('child');
  const delayMs = Number(opt('delay') ?? 0.5);
  if (child) return void process.stdout.write(`${JSON.stringify(await probe(child, delayMs))}\n`);
  const rounds = Number(opt('rounds') ?? 3);
  const other = opt('other');
  const sides: Record<string, string> = { this: path.join(__dirname, 'delay-proxy.ts'), ...(other ? { other: path.resolve(other) } : {}) };
  const samples: Record<string, Probe[]> = {};
  const startedAt = new Date().toISOString();
  const loadAtStart = os.loadavg()[0]!;
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? Object.keys(sides) : Object.keys(sides).reverse();
    for (const side of order) {
      const tsNode = [require.resolve('ts-node/dist/bin'), '--transpile-only', '-P', path.join(__dirname, '..', 'tsconfig.json')];
      const out = execFileSync(process.execPath, [...tsNode, __filename, '--child', sides[side]!, '--delay', String(delayMs)], { encoding: 'utf8' });
      const p = JSON.parse(out.trim().split('\n').pop()!) as Probe;
      (samples[side] ??= []).push(p);
      process.stdout.write(`${side.padEnd(5)} round ${r + 1}: added round trip ${p.addedRttMs.toFixed(3)} ms (least ${p.minRttMs.toFixed(3)}), CPU ${p.pingCpuShare.toFixed(2)} of a core while pinging, ${p.streamCpuMs} ms CPU to stream 50 MiB each way in ${p.streamMs.toFixed(0)} ms\n`);
    }
  }
  const commit = commitInfo();
  const file = writeResultFile(startedAt, `${commit.short}-delay-proxy-probe`, { format: 1, startedAt, commit, machine: { ...machineInfo(), loadAverage1m: { start: loadAtStart, end: os.loadavg()[0]! } }, delayMs, sides, samples });
  process.stdout.write(`load ${loadAtStart.toFixed(1)} -> ${os.loadavg()[0]!.toFixed(1)}; results: ${path.relative(process.cwd(), file)}\n`);
}

main().catch((e) => {
  process.stderr.write(`${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
