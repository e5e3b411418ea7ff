/**
 * `npm run -s bench:web [-- --runs 5 --rows 100000]` (and the "Web app" section of `npm run bench`): the web app in Debian's chromium (playwright-core), against a
 * stand-in of the API that serves prepared answers at once, so that what is measured is the page, not the graph:
 *
 * 1. a genealogy of 5,000 nodes (1,250 units in four levels, 3,750 installed materials, each on its own package lot):
 *    time from the answer's last byte (Resource Timing `responseEnd`) until the tree is drawn and the main thread is
 *    free (the end of the last long task that began before the tree showed or within 500 ms of it); then "Expand all"
 *    (every unit open, the units in view drawn) and scrolling to the last of the 1,250 units;
 * 2. a where-used stream of 100,000 rows (NDJSON, sent in 1,000-row chunks as fast as the socket takes them): every
 *    long task (PerformanceObserver 'longtask', > 50 ms) and the longest gap between animation frames while it runs.
 *
 * Each against a floor measured in the same page: the genealogy against reading and parsing its own JSON (`fetch` +
 * `JSON.parse`, nothing drawn), the stream against reading its bytes to the end (no parsing, nothing drawn); and the
 * 5,000-node genealogy against its budget, interactive within a second of its answer.
 *
 * `npm run bench` runs it as its section "Web app" (benchWeb); on its own it prints the median and range over the runs.
 */
import { createReadStream, existsSync, rmSync, statSync } from 'node:fs';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { buildWebApp, launchChromium } from '../test/support/browser';

const SERIAL = 'BIG-0001';
const LOT = 'REEL-BIG';

const p = (n: number) => ({ eventId: `e-${n}`, type: 'MaterialInstalled', source: 'bench/line', occurredAt: '2026-11-02T06:00:00.000Z', topic: 'trace.production.v1', partition: 0, offset: String(n) });

/** 1,250 units (1 + 10 + 10·12 + 120·9.4…) with three materials each: 5,000 nodes. */
function bigGenealogy(): string {
  let units = 0;
  let n = 0;
  const lots: unknown[] = [];
  const unit = (serial: string, depth: number, fanout: number[]): Record<string, unknown> => {
    units += 1;
    const materials = [0, 1, 2].map((i) => {
      const lotId = `LOT-${serial}-${i}`;
      lots.push({ lotId, known: true, status: 'released', statusHistory: [], origin: 'received', receipt: { receiptId: `GR-${i % 50}`, vendorLotId: `VL-${i % 100}`, quantity: 1000, uom: 'pcs', receivedAt: '2026-11-01', provenance: p(++n) }, sources: [], vendorLotIds: [`VL-${(units + i) % 100}`] });
      return { lotId, quantity: 1, refDes: [`R${i + 1}`], lotStatus: 'released', vendorLotIds: [`VL-${(units + i) % 100}`], provenance: p(++n), judgement: { verdict: 'APPROVED', parts: [] } };
    });
    const width = fanout[depth] ?? 0;
    const subAssemblies: unknown[] = [];
    for (let c = 0; c < width && units < 1_250; c += 1) subAssemblies.push({ refDes: `J${c + 1}`, provenance: p(++n), unit: unit(`${serial}.${c + 1}`, depth + 1, fanout) });
    return { serial, started: true, brand: 'Acme', productPartNumber: `P-${depth}`, workOrder: 'WO-1', shipped: false, shipments: [], provenance: p(++n), materials, subAssemblies };
  };
  const top = unit(SERIAL, 0, [10, 12, 10]);
  const vendorLots = Array.from({ length: 100 }, (_, i) => ({ vendorLotId: `VL-${i}`, vendorId: `V-${i % 10}`, mpn: `MPN-${i}`, vendorLotCode: `C${i}`, manufacturer: 'Maker', internalPartNumber: `IPN-${i}` }));
  const vendors = Array.from({ length: 10 }, (_, i) => ({ vendorId: `V-${i}`, registered: true, name: `Vendor ${i}`, status: 'approved' }));
  const body = JSON.stringify({ serial: SERIAL, unit: top, lots, vendorLots, vendors, summary: { units, installations: units * 3, flags: [] }, gaps: [], roundTrips: 4 });
  if (units + units * 3 !== 5_000) throw new Error(`the genealogy has ${units} units, not 1,250`);
  return body;
}

const row = (i: number): string =>
  `${JSON.stringify({ lotId: LOT, serial: `B-${i}`, topSerial: `S-${Math.floor(i / 4)}`, brand: 'Acme', productPartNumber: 'GW-100', shipped: i % 3 === 0, shipments: [], path: [{ kind: 'lot', id: LOT }, { kind: 'serial', id: `B-${i}`, via: 'installed' }] })}\n`;

function serve(root: string, genealogy: string, ROWS: number): Promise<{ url: string; close: () => void }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml' };
  const json = (res: ServerResponse, body: unknown): void => void res.writeHead(200, { 'content-type': 'application/json' }).end(typeof body === 'string' ? body : JSON.stringify(body));
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname === '/v1/session') return json(res, { keyId: 'k', role: 'auditor', brands: '*', csrfToken: 't', expiresAt: '2099-01-01', idleExpiresAt: '2099-01-01' });
    if (url.pathname === '/v1/freshness') return json(res, { lag: 0 });
    if (url.pathname === `/v1/serials/${SERIAL}/genealogy`) return json(res, genealogy);
    if (url.pathname === `/v1/lots/${LOT}/where-used` && url.searchParams.get('format') !== 'ndjson') return json(res, { lots: [{ lotId: LOT, known: true, status: 'released', path: [] }], total: ROWS, items: [] });
    if (url.pathname === `/v1/lots/${LOT}/where-used`) {
      res.writeHead(200, { 'content-type': 'application/x-ndjson' });
      let i = 0;
      const more = (): void => {
        while (i < ROWS) {
          let chunk = '';
          for (const end = Math.min(ROWS, i + 1_000); i < end; i += 1) chunk += row(i);
          if (!res.write(chunk)) return void res.once('drain', more);
        }
        res.end();
      };
      return more();
    }
    const file = normalize(join(root, url.pathname));
    const path = file.startsWith(root) && existsSync(file) && statSync(file).isFile() ? file : join(root, 'index.html');
    res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' });
    createReadStream(path).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, close: () => server.close() })));
}

// Installed before the app's own scripts: long tasks, when the tree first shows, and the longest gap between frames.
const PROBE = `
  window.__bench = { longTasks: [], treeAt: null, maxFrameGap: 0, frames: 0 };
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__bench.longTasks.push({ start: e.startTime, duration: e.duration }); }).observe({ type: 'longtask', buffered: true });
  new MutationObserver(() => { if (window.__bench.treeAt === null && document.querySelector('[role=tree] [role=treeitem]')) window.__bench.treeAt = performance.now(); }).observe(document, { childList: true, subtree: true });
  let last = performance.now();
  const frame = (t) => { window.__bench.maxFrameGap = Math.max(window.__bench.maxFrameGap, t - last); window.__bench.frames++; last = t; requestAnimationFrame(frame); };
  requestAnimationFrame(frame);
`;

interface Probe {
  longTasks: { start: number; duration: number }[];
  treeAt: number | null;
  maxFrameGap: number;
  frames: number;
}

export const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const fmt = (xs: number[], unit = 'ms'): string => `median ${median(xs).toFixed(0)} ${unit} (${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)})`;

/** Every run's figures, in ms (counts for streamLongCount). */
export interface WebFigures {
  runs: number;
  rows: number;
  genealogyBytes: number;
  treeDrawn: number[];
  interactive: number[];
  /** fetch + JSON.parse of the same genealogy in the page, nothing drawn: the floor of "answer -> interactive". */
  parseFloor: number[];
  expandAll: number[];
  scrollEnd: number[];
  streamTotal: number[];
  /** The same stream read to its end in the page, bytes only: the floor of "page load to count". */
  streamFloor: number[];
  streamLongest: number[];
  streamLongCount: number[];
  streamFrameGap: number[];
}

/** The web app's figures: `runs` runs of each measure, a where-used stream of `rows` rows. */
export async function benchWeb({ runs: RUNS, rows: ROWS, log = (line: string) => void process.stdout.write(`[bench:web] ${line}\n`) }: { runs: number; rows: number; log?: (line: string) => void }): Promise<WebFigures> {
  const root = buildWebApp();
  const genealogy = bigGenealogy();
  const server = await serve(root, genealogy, ROWS);
  const browser = await launchChromium();
  const interactive: number[] = [];
  const treeDrawn: number[] = [];
  const expandAll: number[] = [];
  const scrollEnd: number[] = [];
  const streamTotal: number[] = [];
  const streamLongest: number[] = [];
  const streamLongCount: number[] = [];
  const streamFrameGap: number[] = [];
  const parseFloor: number[] = [];
  const streamFloor: number[] = [];
  try {
    for (let run = 0; run < RUNS; run += 1) {
      const context = await browser.newContext({ viewport: { width: 1360, height: 900 } });
      const page = await context.newPage();
      await page.addInitScript(PROBE);
      await page.goto(`${server.url}/serials/${SERIAL}`);
      await page.getByRole('heading', { level: 1, name: `Serial ${SERIAL}` }).waitFor();
      await page.getByRole('table', { name: `Materials of ${SERIAL}` }).waitFor();
      await page.waitForTimeout(1_000); // a quiet second: any long task of the first render is in by now
      const g = (await page.evaluate(`({ probe: window.__bench, responseEnd: performance.getEntriesByType('resource').find((e) => e.name.includes('/genealogy')).responseEnd })`)) as { probe: Probe; responseEnd: number };
      const treeAt = g.probe.treeAt!;
      const busyUntil = Math.max(treeAt, ...g.probe.longTasks.filter((t) => t.start >= g.responseEnd - 1 && t.start <= treeAt + 500).map((t) => t.start + t.duration));
      treeDrawn.push(treeAt - g.responseEnd);
      interactive.push(busyUntil - g.responseEnd);
      // Expand all: until every unit is in the tree (aria-setsize 1,250) and drawn; then scrolling to the last unit.
      const [expanded, scrolled] = (await page.evaluate(`(async () => {
        const frame = () => new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        const t0 = performance.now();
        [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === 'Expand all').click();
        while (document.querySelector('[role=treeitem]')?.getAttribute('aria-setsize') !== '1250') await new Promise((r) => setTimeout(r, 1));
        await frame();
        const t1 = performance.now();
        for (let i = 0; i < 50 && !document.querySelector('[role=treeitem][aria-posinset="1250"]'); i++) { window.scrollTo(0, document.documentElement.scrollHeight); await frame(); }
        if (!document.querySelector('[role=treeitem][aria-posinset="1250"]')) throw new Error('the last unit was never drawn');
        return [t1 - t0, performance.now() - t1];
      })()`)) as [number, number];
      scrollEnd.push(scrolled);
      expandAll.push(expanded);
      parseFloor.push((await page.evaluate(`(async () => {
        const res = await fetch('/v1/serials/${SERIAL}/genealogy');
        const text = await res.text();
        const t0 = performance.now();
        JSON.parse(text);
        return performance.now() - t0;
      })()`)) as number);
      streamFloor.push((await page.evaluate(`(async () => {
        const t0 = performance.now();
        const reader = (await fetch('/v1/lots/${LOT}/where-used?format=ndjson')).body.getReader();
        while (!(await reader.read()).done);
        return performance.now() - t0;
      })()`)) as number);
      await context.close();

      const c2 = await browser.newContext({ viewport: { width: 1360, height: 900 } });
      const lot = await c2.newPage();
      await lot.addInitScript(PROBE);
      const t0 = Date.now();
      await lot.goto(`${server.url}/lots/${LOT}`);
      const count = lot.getByRole('status', { name: 'Where-used count' });
      await count.getByText(new RegExp(`^${ROWS.toLocaleString('en').replace(/,/g, '')} rows`)).waitFor({ timeout: 120_000 });
      streamTotal.push(Date.now() - t0);
      const s = (await lot.evaluate('window.__bench')) as Probe;
      streamLongest.push(Math.max(0, ...s.longTasks.map((t) => t.duration)));
      streamLongCount.push(s.longTasks.length);
      streamFrameGap.push(s.maxFrameGap);
      if (process.env.BENCH_WEB_VERBOSE) process.stdout.write(`[bench:web] long tasks: ${JSON.stringify(s.longTasks.map((t) => [Math.round(t.start), Math.round(t.duration)]))}\n`);
      await c2.close();
      log(`run ${run + 1}/${RUNS}: tree ${treeDrawn.at(-1)!.toFixed(0)} ms, interactive ${interactive.at(-1)!.toFixed(0)} ms, expand all ${expanded.toFixed(0)} ms, scroll to the last unit ${scrolled.toFixed(0)} ms; stream ${streamTotal.at(-1)} ms, longest task ${streamLongest.at(-1)!.toFixed(0)} ms (${streamLongCount.at(-1)} long tasks), longest frame gap ${streamFrameGap.at(-1)!.toFixed(0)} ms`);
    }
  } finally {
    await browser.close();
    server.close();
    rmSync(root, { recursive: true, force: true });
  }
  return { runs: RUNS, rows: ROWS, genealogyBytes: genealogy.length, treeDrawn, interactive, parseFloor, expandAll, scrollEnd, streamTotal, streamFloor, streamLongest, streamLongCount, streamFrameGap };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string, fallback: number): number => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? Number(args[i + 1]) : fallback;
  };
  const { runs: RUNS, rows: ROWS, genealogyBytes, treeDrawn, interactive, parseFloor, expandAll, scrollEnd, streamTotal, streamFloor, streamLongest, streamLongCount, streamFrameGap } = await benchWeb({ runs: arg('runs', 5), rows: arg('rows', 100_000) });
  const out = [
    `genealogy of 5,000 nodes (${(genealogyBytes / 1024 / 1024).toFixed(1)} MiB of JSON), ${RUNS} runs:`,
    `  answer -> tree drawn:              ${fmt(treeDrawn)}`,
    `  answer -> interactive:             ${fmt(interactive)}`,
    `  floor: JSON.parse of the answer:   ${fmt(parseFloor)}`,
    `  Expand all (1,250 units open):     ${fmt(expandAll)}`,
    `  then scrolled to the last unit:    ${fmt(scrollEnd)}`,
    `where-used stream of ${ROWS.toLocaleString('en')} rows:`,
    `  whole stream, page load to count:  ${fmt(streamTotal)}`,
    `  floor: the stream's bytes read:    ${fmt(streamFloor)}`,
    `  longest long task:                 ${fmt(streamLongest)}`,
    `  long tasks (> 50 ms) per stream:   ${fmt(streamLongCount, '')}`,
    `  longest gap between frames:        ${fmt(streamFrameGap)}`,
  ];
  process.stdout.write(`${out.join('\n')}\n`);
}

if (require.main === module) main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bench:web] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
