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
 * `npm run bench` runs it as its section "Web app" (benchWeb); on its own it prints the median and range over the runs
 * and writes them, every run's figure and the load average to bench/results/<time>-<sha>-web[-<label>].json
 * (`--label before`). BENCH_WEB_ROOT=<dir> measures an app built there (`npm run -s build:web -- --outDir <dir>`, e.g.
 * of another commit) instead of building this tree's, so that two builds can be measured in turn in one session;
 * BENCH_WEB_TRACE=<dir> writes a Chromium trace of each lot page's load and stream there (lot-<run>.json).
 */
import { createReadStream, existsSync, rmSync, statSync } from 'node:fs';
import { loadavg } from 'node:os';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { buildWebApp, launchChromium } from '../test/support/browser';
import { BenchResult, Metric, commitInfo, machineInfo, writeResultFile } from './results';

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

// Installed before the app's own scripts: long tasks, when the tree first shows, and the longest gap between frames;
// for a where-used stream, also when it runs (from the count's first showing, when the page starts the stream, to the
// final count), so that its gaps are told from those of the page's load before it.
const PROBE = `
  window.__bench = { longTasks: [], treeAt: null, maxFrameGap: 0, frames: 0, streamFrom: null, streamTo: null, streamFrameGap: 0, loadFrameGap: 0, countPainted: null };
  new PerformanceObserver((list) => { for (const e of list.getEntries()) window.__bench.longTasks.push({ start: e.startTime, duration: e.duration }); }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => { for (const e of list.getEntries()) if (e.identifier === 'where-used-count' && window.__bench.countPainted === null) window.__bench.countPainted = e.renderTime || e.loadTime; }).observe({ type: 'element', buffered: true });
  new MutationObserver(() => {
    const b = window.__bench;
    if (b.treeAt === null && document.querySelector('[role=tree] [role=treeitem]')) b.treeAt = performance.now();
    const count = document.querySelector('[role=status][aria-label="Where-used count"]');
    if (count && b.streamFrom === null) {
      b.streamFrom = performance.now();
      count.setAttribute('elementtiming', 'where-used-count'); // before its first paint: Element Timing tells when that was
    }
    if (count && b.streamTo === null && !count.textContent.includes('streaming')) b.streamTo = performance.now();
  }).observe(document, { childList: true, subtree: true, characterData: true });
  let last = performance.now();
  const frame = (t) => {
    const b = window.__bench;
    b.maxFrameGap = Math.max(b.maxFrameGap, t - last);
    if (b.streamFrom !== null && t > b.streamFrom && (b.streamTo === null || last < b.streamTo)) b.streamFrameGap = Math.max(b.streamFrameGap, t - last);
    else if (b.streamFrom === null || t <= b.streamFrom) b.loadFrameGap = Math.max(b.loadFrameGap, t - last);
    b.frames++;
    last = t;
    requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
`;

interface Probe {
  longTasks: { start: number; duration: number }[];
  treeAt: number | null;
  maxFrameGap: number;
  frames: number;
  streamFrom: number | null;
  streamTo: number | null;
  /** When the where-used count was first painted (Element Timing's renderTime), not only put in the DOM. */
  countPainted: number | null;
  /** The longest gap between frames that overlaps the stream (streamFrom to streamTo). */
  streamFrameGap: number;
  /** The longest gap between frames before the stream began: the page's load. */
  loadFrameGap: number;
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
  /** The longest gap between animation frames while the stream runs (from the count's first showing to the final count). */
  streamFrameGap: number[];
  /** The same before the stream began (navigation, the app's scripts, the first render): information, not the stream's. */
  loadFrameGap: number[];
  /** The longest gap over the whole page, load and stream (what this bench measured before 2026-12-02): information. */
  pageFrameGap: number[];
  /** The lot page's load: from navigation until the page is drawn (its where-used count first showing). */
  lotShown: number[];
  /** The same until the count is painted on the screen (Element Timing): the work of the frame that draws it included. */
  lotPainted: number[];
  /** The longest long task (> 50 ms, 0 if none) that began before the lot page was drawn: its load's longest freeze. */
  loadLongest: number[];
}

/** The web app's figures: `runs` runs of each measure, a where-used stream of `rows` rows. */
export async function benchWeb({ runs: RUNS, rows: ROWS, log = (line: string) => void process.stdout.write(`[bench:web] ${line}\n`) }: { runs: number; rows: number; log?: (line: string) => void }): Promise<WebFigures> {
  const prebuilt = process.env.BENCH_WEB_ROOT;
  const root = prebuilt ?? buildWebApp();
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
  const loadFrameGap: number[] = [];
  const pageFrameGap: number[] = [];
  const lotShown: number[] = [];
  const lotPainted: number[] = [];
  const loadLongest: number[] = [];
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
      // BENCH_WEB_TRACE=<dir>: a Chromium trace of each lot page's load and stream (DevTools' Performance panel opens it;
      // a forced layout is a Layout event with a stack), to <dir>/lot-<run>.json.
      const trace = process.env.BENCH_WEB_TRACE ? join(process.env.BENCH_WEB_TRACE, `lot-${run + 1}.json`) : undefined;
      if (trace) await browser.startTracing(lot, { path: trace, screenshots: false, categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'disabled-by-default-devtools.timeline.stack', 'v8.execute', 'blink.user_timing'] });
      const t0 = Date.now();
      await lot.goto(`${server.url}/lots/${LOT}`);
      const count = lot.getByRole('status', { name: 'Where-used count' });
      await count.getByText(new RegExp(`^${ROWS.toLocaleString('en').replace(/,/g, '')} rows`)).waitFor({ timeout: 120_000 });
      streamTotal.push(Date.now() - t0);
      if (trace) await browser.stopTracing();
      const s = (await lot.evaluate('window.__bench')) as Probe;
      if (s.streamFrom === null || s.streamTo === null) throw new Error('the probe never saw the where-used count begin and end');
      const during = s.longTasks.filter((t) => t.start + t.duration > s.streamFrom! && t.start < s.streamTo!);
      streamLongest.push(Math.max(0, ...during.map((t) => t.duration)));
      streamLongCount.push(during.length);
      streamFrameGap.push(s.streamFrameGap);
      loadFrameGap.push(s.loadFrameGap);
      pageFrameGap.push(s.maxFrameGap);
      lotShown.push(s.streamFrom);
      if (s.countPainted === null) throw new Error('Element Timing never told when the where-used count was painted');
      lotPainted.push(s.countPainted);
      loadLongest.push(Math.max(0, ...s.longTasks.filter((t) => t.start < s.streamFrom!).map((t) => t.duration)));
      if (process.env.BENCH_WEB_VERBOSE) process.stdout.write(`[bench:web] stream ${Math.round(s.streamFrom)}-${Math.round(s.streamTo)} ms after navigation; long tasks [start, ms]: ${JSON.stringify(s.longTasks.map((t) => [Math.round(t.start), Math.round(t.duration)]))}\n`);
      await c2.close();
      log(`run ${run + 1}/${RUNS}: tree ${treeDrawn.at(-1)!.toFixed(0)} ms, interactive ${interactive.at(-1)!.toFixed(0)} ms, expand all ${expanded.toFixed(0)} ms, scroll to the last unit ${scrolled.toFixed(0)} ms; stream ${streamTotal.at(-1)} ms, longest task ${streamLongest.at(-1)!.toFixed(0)} ms (${streamLongCount.at(-1)} long tasks), longest frame gap ${streamFrameGap.at(-1)!.toFixed(0)} ms (${loadFrameGap.at(-1)!.toFixed(0)} ms in the page's load before it, drawn ${lotShown.at(-1)!.toFixed(0)} ms after navigation, painted at ${lotPainted.at(-1)!.toFixed(0)} ms, its longest task ${loadLongest.at(-1)!.toFixed(0)} ms)`);
    }
  } finally {
    await browser.close();
    server.close();
    if (!prebuilt) rmSync(root, { recursive: true, force: true });
  }
  return { runs: RUNS, rows: ROWS, genealogyBytes: genealogy.length, treeDrawn, interactive, parseFloor, expandAll, scrollEnd, streamTotal, streamFloor, streamLongest, streamLongCount, streamFrameGap, loadFrameGap, pageFrameGap, lotShown, lotPainted, loadLongest };
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const arg = (name: string): string | undefined => {
    const i = args.indexOf(`--${name}`);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const startedAt = new Date();
  const loadAtStart = loadavg()[0]!;
  const commit = commitInfo();
  const web = await benchWeb({ runs: Number(arg('runs') ?? 5), rows: Number(arg('rows') ?? 100_000) });
  const { runs: RUNS, rows: ROWS, genealogyBytes, treeDrawn, interactive, parseFloor, expandAll, scrollEnd, streamTotal, streamFloor, streamLongest, streamLongCount, streamFrameGap, loadFrameGap, pageFrameGap, lotShown, lotPainted, loadLongest } = web;
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
    `  longest gap between frames:        ${fmt(streamFrameGap)}  runs: ${streamFrameGap.map((x) => x.toFixed(0)).join(', ')}`,
    `  the same in the page's load before: ${fmt(loadFrameGap)}  runs: ${loadFrameGap.map((x) => x.toFixed(0)).join(', ')}`,
    `  the same over the whole page:      ${fmt(pageFrameGap)}  runs: ${pageFrameGap.map((x) => x.toFixed(0)).join(', ')}`,
    `the lot page's load (before the stream):`,
    `  navigation -> page drawn:          ${fmt(lotShown)}  runs: ${lotShown.map((x) => x.toFixed(0)).join(', ')}`,
    `  navigation -> count painted:       ${fmt(lotPainted)}  runs: ${lotPainted.map((x) => x.toFixed(0)).join(', ')}`,
    `  longest long task before it:       ${fmt(loadLongest)}  runs: ${loadLongest.map((x) => x.toFixed(0)).join(', ')}`,
  ];
  const loadAtEnd = loadavg()[0]!;
  const metric = (id: string, label: string, value: number, unit: string, goal?: string): Metric => ({ id, label, value, unit, better: 'lower', ...(goal ? { goal } : {}) });
  const result: BenchResult & { runs: WebFigures; builtApp: string } = {
    format: 1,
    mode: ROWS >= 100_000 ? 'full' : 'quick',
    startedAt: startedAt.toISOString(),
    seconds: Math.round((Date.now() - startedAt.getTime()) / 1000),
    commit,
    machine: { ...machineInfo(), loadAverage1m: { start: loadAtStart, end: loadAtEnd } },
    backends: { kind: 'local', kafka: 'none', mongo: 'none' },
    datasets: { web: { runs: RUNS, streamRows: ROWS, genealogyNodes: 5_000, genealogyBytes } },
    metrics: [
      metric('web.genealogy.interactive', 'web: 5,000-node genealogy, answer -> interactive', median(interactive), 'ms'),
      metric('web.stream.total', `web: where-used stream of ${ROWS} rows, page load to count`, median(streamTotal), 'ms'),
      metric('web.stream.frame_gap', 'web: where-used stream, longest gap between frames', median(streamFrameGap), 'ms'),
      metric('web.stream.frame_gap_over_budget', 'web: where-used stream, longest frame gap / 100 ms', median(streamFrameGap) / 100, 'x', '<= 1'),
      metric('web.stream.load_frame_gap', 'web: the lot page, longest frame gap in its load before the stream', median(loadFrameGap), 'ms'),
      metric('web.lot.shown', 'web: the lot page, navigation -> page drawn (its where-used count first showing)', median(lotShown), 'ms'),
      metric('web.lot.painted', 'web: the lot page, navigation -> its where-used count painted (Element Timing)', median(lotPainted), 'ms'),
      metric('web.lot.load_longest_task', 'web: the lot page, longest long task before it is drawn (0: none over 50 ms)', median(loadLongest), 'ms'),
      metric('web.stream.page_frame_gap', 'web: the lot page, longest frame gap over load and stream', median(pageFrameGap), 'ms'),
      metric('web.stream.long_tasks', 'web: where-used stream, long tasks (> 50 ms)', median(streamLongCount), 'tasks'),
      metric('web.stream.longest_task', 'web: where-used stream, longest long task', median(streamLongest), 'ms'),
    ],
    notMeasured: [{ what: 'every section but the web app', why: 'bench/web.bench.ts runs this section alone' }],
    table: out.join('\n'),
    runs: web,
    builtApp: process.env.BENCH_WEB_ROOT ? `BENCH_WEB_ROOT=${process.env.BENCH_WEB_ROOT}` : 'this tree, built',
  };
  const label = arg('label');
  const file = writeResultFile(startedAt, `${commit.short}-web${label ? `-${label}` : ''}`, result);
  process.stdout.write(`${out.join('\n')}\nload ${loadAtStart.toFixed(1)} -> ${loadAtEnd.toFixed(1)}; results: ${file}\n`);
}

if (require.main === module) main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[bench:web] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
