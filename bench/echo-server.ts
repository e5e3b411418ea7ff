import * as net from 'node:net';

// An echo server on the loopback, what the delaying proxy (delay-proxy.ts) stands in front of when it is measured alone
// (delay-proxy-probe.ts) and tested (test/delay-proxy.spec.ts): every byte back as it came, then its end after a
// half-close.

export interface EchoServer {
  port: number;
  /** When each chunk arrived, on process.hrtime's clock in milliseconds (as the callers' own). */
  arrivals: number[];
  /** Closes the server and every socket it holds. */
  close(): Promise<void>;
}

export async function startEchoServer(): Promise<EchoServer> {
  const arrivals: number[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer({ noDelay: true }, (s) => {
    sockets.add(s);
    s.on('data', () => arrivals.push(Number(process.hrtime.bigint()) / 1e6));
    s.pipe(s);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as net.AddressInfo).port,
    arrivals,
    close: () => new Promise<void>((resolve) => (sockets.forEach((s) => s.destroy()), server.close(() => resolve()))),
  };
}
