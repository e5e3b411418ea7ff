import { TOPICS, TraceEvent, makeEvent } from '@trace/contracts';
import { TestWorld, sleep } from './support/harness';

/** One sample of the Prometheus text format: a series name, its labels and its value. */
interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

async function scrape(url: string): Promise<{ samples: Sample[]; text: string }> {
  const res = await fetch(url);
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toContain('text/plain');
  const text = await res.text();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m) continue;
    const labels: Record<string, string> = {};
    for (const l of (m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[l[1]!] = l[2]!;
    samples.push({ name: m[1]!, labels, value: Number(m[3]) });
  }
  return { samples, text };
}

/** The sum of a series over the samples whose labels include `labels`. */
const sum = (samples: Sample[], name: string, labels: Record<string, string> = {}): number =>
  samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)).reduce((n, s) => n + s.value, 0);

describe('Prometheus metrics of the ingest and the API', () => {
  const world = new TestWorld('metrics');
  const ns = `${world.id}-`;
  const SERIALS = 12;
  const INSTALLS = 5;
  const GARBAGE = 3;
  const events: TraceEvent[] = [];
  for (let s = 0; s < SERIALS; s++) {
    const serial = `${ns}SN-${s}`;
    events.push(makeEvent('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'P-1', workOrder: `${ns}WO` }));
    for (let i = 0; i < INSTALLS; i++) events.push(makeEvent('MaterialInstalled', { serial, lotId: `${ns}REEL-${i}`, quantity: 1, refDes: [`R${i}`] }));
  }

  beforeAll(async () => {
    world.env.METRICS_PORT = '0';
    await world.createTopics();
    await world.startIngest();
    await world.startApi();
  });
  afterAll(() => world.close());

  it('counts a known stream by topic and type, its dead letters by reason, and shows no lag once it is recorded', async () => {
    const url = world.metricsUrls().ingest;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const before = (await scrape(url)).samples;
    await world.produce(events);
    await world.produceRaw(Array.from({ length: GARBAGE }, (_, i) => ({ topic: TOPICS.production, key: `${ns}G${i}`, value: `{"not json ${i}` })));
    await world.waitForIngest();
    const after = (await scrape(url)).samples;
    const delta = (name: string, labels: Record<string, string> = {}): number => sum(after, name, labels) - sum(before, name, labels);

    expect(delta('trace_ingest_events_total', { topic: TOPICS.production, type: 'UnitStarted' })).toBe(SERIALS);
    expect(delta('trace_ingest_events_total', { topic: TOPICS.production, type: 'MaterialInstalled' })).toBe(SERIALS * INSTALLS);
    expect(delta('trace_ingest_events_total')).toBe(SERIALS * (1 + INSTALLS));
    expect(delta('trace_ingest_dead_letters_total', { topic: TOPICS.production, reason: 'INVALID_JSON' })).toBe(GARBAGE);
    expect(delta('trace_ingest_dead_letters_total')).toBe(GARBAGE);
    expect(delta('trace_ingest_retries_total')).toBe(0);
    expect(delta('trace_ingest_batch_duration_seconds_count', { topic: TOPICS.production, outcome: 'recorded' })).toBeGreaterThan(0);
    expect(delta('trace_ingest_db_write_duration_seconds_count', { outcome: 'ok' })).toBeGreaterThan(0);
    const lag = after.filter((s) => s.name === 'trace_ingest_consumer_lag' && s.labels.topic === TOPICS.production);
    expect(lag.length).toBeGreaterThan(0);
    expect(lag.every((s) => s.value === 0 && /^\d+$/.test(s.labels.partition!))).toBe(true);
    expect(sum(after, 'process_resident_memory_bytes')).toBeGreaterThan(0); // the default process metrics
  });

  it('times API requests by route pattern and status, never by URL, and counts NDJSON rows', async () => {
    await world.waitForIngest();
    const url = world.metricsUrls().api;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(url).not.toBe(world.metricsUrls().ingest);
    const before = (await scrape(url)).samples;
    const route = '/v1/serials/:serial/genealogy';
    for (let s = 0; s < 4; s++) expect((await world.get(`/v1/serials/${encodeURIComponent(`${ns}SN-${s}`)}/genealogy`)).status).toBe(200);
    expect((await world.get(`/v1/serials/${encodeURIComponent(`${ns}NO-SUCH`)}/genealogy`)).status).toBe(404);
    const streamed = await world.get(`/v1/lots/${encodeURIComponent(`${ns}REEL-0`)}/where-used?format=ndjson`);
    expect(streamed.status).toBe(200);
    expect(streamed.text.trim().split('\n')).toHaveLength(SERIALS);
    const { samples: after, text } = await scrape(url);
    const delta = (name: string, labels: Record<string, string> = {}): number => sum(after, name, labels) - sum(before, name, labels);

    expect(delta('trace_http_request_duration_seconds_count', { method: 'GET', route, status: '200' })).toBe(4);
    expect(delta('trace_http_request_duration_seconds_count', { method: 'GET', route, status: '404' })).toBe(1);
    expect(delta('trace_http_ndjson_rows_total', { route: '/v1/lots/:lotId/where-used' })).toBe(SERIALS);
    expect(text).not.toContain(ns); // no serial, lot or other caller input in any label
    expect(sum(after, 'trace_http_requests_in_flight')).toBe(0);
  });

  it('counts report jobs by state and outcome', async () => {
    const url = world.metricsUrls().api;
    const before = (await scrape(url)).samples;
    const started = await world.post<{ id: string }>('/v1/reports', { serials: [`${ns}SN-0`, `${ns}SN-1`] });
    expect(started.status).toBe(202);
    const deadline = Date.now() + 60_000;
    const status = async (): Promise<string> => (await world.get<{ status: string }>(`/v1/reports/${started.body.id}`)).body.status;
    while (!['done', 'failed'].includes(await status()) && Date.now() < deadline) await sleep(100);
    expect(await status()).toBe('done');
    const after = (await scrape(url)).samples;
    expect(sum(after, 'trace_report_jobs_ended_total', { outcome: 'done' }) - sum(before, 'trace_report_jobs_ended_total', { outcome: 'done' })).toBe(1);
    expect(sum(after, 'trace_report_jobs', { state: 'running' })).toBe(0);
    expect(sum(after, 'trace_report_jobs', { state: 'queued' })).toBe(0);
  });

  it('serves /metrics only on its own port, not on the public one', async () => {
    const res = await fetch(`${world.apiUrl}/metrics`);
    expect(res.status).toBe(404); // with or without the built web app (its fallback page leaves /metrics alone)
    expect(await res.text()).not.toContain('trace_http_request_duration_seconds');
  });
});
