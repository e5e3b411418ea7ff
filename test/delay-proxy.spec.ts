import * as net from 'node:net';
import { DelayProxy, startDelayProxy } from '../bench/delay-proxy';
import { EchoServer, startEchoServer } from '../bench/echo-server';

// The bench's delaying proxy (bench/delay-proxy.ts) in front of an echo server on the loopback: it must add at least its
// delay in each direction, and pass every byte on in order, a half-close after the data before it.

const nowMs = (): number => Number(process.hrtime.bigint()) / 1e6;

const connect = (port: number): Promise<net.Socket> =>
  new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port, noDelay: true, allowHalfOpen: true }, () => resolve(s));
    s.once('error', reject);
  });

describe('the delaying proxy', () => {
  let echo: EchoServer;
  let proxy: DelayProxy | undefined;
  beforeEach(async () => {
    echo = await startEchoServer();
  });
  afterEach(async () => {
    await proxy?.close();
    proxy = undefined;
    await echo.close();
  });

  it.each([0.5, 20])('holds every chunk at least %p ms on the way there and again on the way back', async (delayMs) => {
    proxy = await startDelayProxy({ host: '127.0.0.1', port: echo.port }, delayMs);
    const s = await connect(proxy.port);
    const there: number[] = [];
    const back: number[] = [];
    for (let i = 0; i < 20; i++) {
      const sent = nowMs();
      await new Promise<void>((resolve) => {
        s.once('data', () => resolve());
        s.write('x');
      });
      const got = nowMs();
      const arrived = echo.arrivals.at(-1)!;
      there.push(arrived - sent);
      back.push(got - arrived);
    }
    s.destroy();
    expect(echo.arrivals).toHaveLength(20);
    expect(Math.min(...there)).toBeGreaterThanOrEqual(delayMs);
    expect(Math.min(...back)).toBeGreaterThanOrEqual(delayMs);
  });

  it('passes every byte of each connection on in order, both ways, then the half-close after them', async () => {
    proxy = await startDelayProxy({ host: '127.0.0.1', port: echo.port }, 0.5);
    const port = proxy.port;
    const roundTrip = async (seed: number): Promise<{ sent: Buffer; got: Buffer }> => {
      const s = await connect(port);
      const chunks: Buffer[] = [];
      for (let i = 0; i < 300; i++) chunks.push(Buffer.alloc(1 + ((i * 37 + seed) % 3000), `${seed}:${i};`));
      const received: Buffer[] = [];
      const ended = new Promise<void>((resolve, reject) => {
        s.on('data', (d: Buffer) => received.push(d));
        s.once('end', resolve);
        s.once('error', reject);
      });
      for (const c of chunks) {
        s.write(c);
        if (c.length % 7 === 0) await new Promise((r) => setImmediate(r)); // some chunks apart, some coalesced
      }
      s.end(); // half-close: the echo comes back, then the echo server's end
      await ended;
      s.destroy();
      return { sent: Buffer.concat(chunks), got: Buffer.concat(received) };
    };
    const results = await Promise.all([1, 2, 3].map(roundTrip));
    for (const { sent, got } of results) {
      expect(got.length).toBe(sent.length);
      expect(got.equals(sent)).toBe(true);
    }
  });

  it('refuses a delay that is not a number of milliseconds >= 0', async () => {
    await expect(startDelayProxy({ host: '127.0.0.1', port: echo.port }, -1)).rejects.toThrow("the proxy's delay must be a number of milliseconds >= 0, not -1");
    await expect(startDelayProxy({ host: '127.0.0.1', port: echo.port }, Number.NaN)).rejects.toThrow('not NaN');
  });
});
