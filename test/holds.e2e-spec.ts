import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { CORRELATION_ID_HEADER, TOPICS } from '@trace/contracts';
import { gatewayScenario } from '@trace/contracts/testing';
import { sleep, TestWorld } from './support/harness';

describe('holds over real Kafka and MongoDB', () => {
  const w = new TestWorld('holds');
  let n = 0;

  beforeAll(() => Promise.all([w.startIngest(), w.startApi()]));
  afterAll(() => w.close());

  /** A scenario of this test's own (ids namespaced), recorded by the ingest: tests share nothing. */
  const ownScenario = async (): Promise<ReturnType<typeof gatewayScenario> & { id: (s: string) => string }> => {
    const ns = `h${++n}${randomBytes(2).toString('hex')}-`;
    const scenario = gatewayScenario(ns);
    await w.produce(scenario.events);
    await w.waitForIngest();
    return { ...scenario, id: (s: string) => `${ns}${s}` };
  };
  const lotStatuses = async (lotId: string): Promise<string[]> =>
    (await w.get(`/v1/lots/${lotId}/where-used`)).body.lots.map((l: { lotId: string; status: string }) => `${l.lotId}:${l.status}`);

  /** Every LotStatusChanged on this world's lot topic carrying the correlation id. */
  const statusEvents = async (correlationId: string, expected: number): Promise<{ lotId: string; status: string; header: string; keyId?: string }[]> => {
    const consumer = w.kafka.consumer({ groupId: `hold-reader-${w.id}-${randomBytes(3).toString('hex')}` });
    const seen: { lotId: string; status: string; header: string; keyId?: string }[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: w.topic(TOPICS.lot), fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const e = JSON.parse(message.value!.toString());
          if (e.type === 'LotStatusChanged' && e.correlationId === correlationId) {
            seen.push({ lotId: e.data.lotId, status: e.data.status, keyId: e.data.keyId, header: message.headers?.[CORRELATION_ID_HEADER]?.toString() ?? '' });
          }
        },
      });
      const deadline = Date.now() + 30_000;
      while (seen.length < expected && Date.now() < deadline) await sleep(100);
      return seen;
    } finally {
      await consumer.disconnect();
    }
  };

  it('holds a reel and every package split from it: events on the topic, the status in the answers, the recall scope', async () => {
    const s = await ownScenario();
    const { status, body } = await w.post(`/v1/lots/${s.id('REEL-C1')}/hold`, { reason: 'cracked capacitors on field returns' });
    expect(status).toBe(202);
    expect(body.events.map((e: { lotId: string }) => e.lotId)).toEqual([s.id('REEL-C1'), s.id('REEL-C1A'), s.id('REEL-C1B')]);
    expect(body.recallScope).toEqual({ rows: 2, units: 2, shippedUnits: 1 });

    const seen = await statusEvents(body.correlationId, 3);
    expect(seen.map((e) => `${e.lotId}:${e.status}`).sort()).toEqual([`${s.id('REEL-C1')}:hold`, `${s.id('REEL-C1A')}:hold`, `${s.id('REEL-C1B')}:hold`]);
    expect(seen.every((e) => e.header === body.correlationId)).toBe(true);

    await w.waitForIngest();
    expect(await lotStatuses(s.id('REEL-C1'))).toEqual([`${s.id('REEL-C1')}:hold`, `${s.id('REEL-C1A')}:hold`, `${s.id('REEL-C1B')}:hold`]);
    const genealogy = await w.get(`/v1/serials/${s.ids.top}/genealogy`);
    expect(genealogy.body.summary.flags).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'LOT_NOT_RELEASED', lotId: s.id('REEL-C1A'), serials: [s.ids.sub] })]));
  });

  it('releases a held reel and every package split from it', async () => {
    const s = await ownScenario();
    expect((await w.post(`/v1/lots/${s.id('REEL-C1')}/hold`, { reason: 'suspect' })).status).toBe(202);
    await w.waitForIngest();
    expect(await lotStatuses(s.id('REEL-C1'))).toEqual([`${s.id('REEL-C1')}:hold`, `${s.id('REEL-C1A')}:hold`, `${s.id('REEL-C1B')}:hold`]); // held first, so the release has something to undo

    const { status, body } = await w.post(`/v1/lots/${s.id('REEL-C1')}/release`, { reason: 'supplier 8D closed: not our lot' });
    expect(status).toBe(202);
    expect((await statusEvents(body.correlationId, 3)).map((e) => e.status)).toEqual(['released', 'released', 'released']);
    await w.waitForIngest();
    expect(await lotStatuses(s.id('REEL-C1'))).toEqual([`${s.id('REEL-C1')}:released`, `${s.id('REEL-C1A')}:released`, `${s.id('REEL-C1B')}:released`]);
  });

  it('holds every package of a vendor lot', async () => {
    const s = await ownScenario();
    const { status, body } = await w.post('/v1/vendor-lots/hold', { vendorId: s.ids.vendors.shady, mpn: 'CRCW060322R0FKEA', vendorLotCode: 'S1', reason: 'counterfeit' });
    expect(status).toBe(202);
    expect(body.events.map((e: { lotId: string }) => e.lotId)).toEqual([s.id('REEL-S1'), s.id('REEL-S2'), s.id('REEL-SM')]);
    expect(body.recallScope).toEqual({ rows: 1, units: 1, shippedUnits: 1 });
  });

  it('refuses a hold without a reason (400), of an unknown lot (404), and by an auditor (403)', async () => {
    const s = await ownScenario();
    expect((await w.post(`/v1/lots/${s.id('REEL-C1')}/hold`, {})).status).toBe(400);
    expect((await w.post('/v1/lots/NO-SUCH-LOT/hold', { reason: 'x' })).status).toBe(404);
    const auditor = await w.createKey('auditor', '*');
    expect((await w.post(`/v1/lots/${s.id('REEL-C1')}/hold`, { reason: 'x' }, auditor.key)).status).toBe(403);
  });

  it("lets no brand-scoped key hold or release, its own brand's lots included, and never lift the site's hold", async () => {
    const s = await ownScenario(); // every use is the brand Acme's
    const acme = await w.createKey('quality', ['Acme'], 'acme quality');
    const globex = await w.createKey('quality', ['Globex'], 'globex quality');
    const answers = [];
    for (const key of [acme.key, globex.key]) {
      for (const path of [`/v1/lots/${s.id('REEL-C1')}/hold`, `/v1/lots/${s.id('REEL-C1')}/release`, '/v1/lots/NO-SUCH-LOT/hold', '/v1/lots/NO-SUCH-LOT/release']) {
        answers.push(await w.post(path, { reason: 'brand asks' }, key));
      }
      answers.push(await w.post('/v1/vendor-lots/release', { vendorId: s.ids.vendors.shady, mpn: 'CRCW060322R0FKEA', vendorLotCode: 'S1', reason: 'x' }, key));
    }
    // The same answer whether the lot exists or not, is the brand's or not: nothing to learn about which lots exist.
    expect(new Set(answers.map((a) => `${a.status} ${a.text}`))).toEqual(new Set([`403 ${JSON.stringify({ message: 'only site-wide keys may do this', error: 'Forbidden', statusCode: 403 })}`]));

    expect((await w.post(`/v1/lots/${s.id('REEL-C1')}/hold`, { reason: 'site hold' })).status).toBe(202);
    await w.waitForIngest();
    expect((await w.post(`/v1/lots/${s.id('REEL-C1')}/release`, { reason: 'lift it' }, acme.key)).status).toBe(403);
    await w.waitForIngest();
    expect(await lotStatuses(s.id('REEL-C1'))).toEqual([`${s.id('REEL-C1')}:hold`, `${s.id('REEL-C1A')}:hold`, `${s.id('REEL-C1B')}:hold`]);
  });

  it('names the key and the correlation id that caused it in every event, and the access log links the request to them', async () => {
    const s = await ownScenario();
    const quality = await w.createKey('quality', '*', 'site quality engineer');
    const admin = await w.createKey('admin', '*');
    const correlationId = `ncr-${w.id}-${n}`;
    const res = await fetch(`${w.apiUrl}/v1/lots/${s.id('REEL-C2')}/hold`, {
      method: 'POST',
      headers: w.headers(quality.key, { 'content-type': 'application/json', 'x-correlation-id': correlationId }),
      body: JSON.stringify({ reason: 'NCR 17' }),
    });
    expect(res.status).toBe(202);
    expect(((await res.json()) as { correlationId: string }).correlationId).toBe(correlationId);
    expect(await statusEvents(correlationId, 1)).toEqual([{ lotId: s.id('REEL-C2'), status: 'hold', keyId: quality.id, header: correlationId }]);
    const log = await w.get(`/v1/access-log?keyId=${quality.id}`, admin.key);
    expect(log.body.items).toEqual([expect.objectContaining({ path: `/v1/lots/${s.id('REEL-C2')}/hold`, status: 202, correlationId })]);

    const bad = await fetch(`${w.apiUrl}/v1/lots/${s.id('REEL-C2')}/hold`, {
      method: 'POST',
      headers: w.headers(quality.key, { 'content-type': 'application/json', 'x-correlation-id': 'no spaces allowed' }),
      body: JSON.stringify({ reason: 'NCR 17' }),
    });
    expect(bad.status).toBe(400);
  });

  it('records a hold whose client hung up, with what it did: never served before its handler ran, served once it had', async () => {
    const quality = await w.createKey('quality', '*', 'hangs up');
    const admin = await w.createKey('admin', '*');
    const { port } = new URL(w.apiUrl);
    /** Sends a hold (all of it, or all but its last byte), then resets the connection before any answer. */
    const hangUp = async (lotId: string, { complete, afterMs }: { complete: boolean; afterMs: number }): Promise<void> => {
      const body = JSON.stringify({ reason: 'fire and forget' });
      const socket = connect(Number(port), '127.0.0.1');
      await new Promise<void>((resolve, reject) => {
        socket.once('connect', resolve);
        socket.once('error', reject);
      });
      const request =
        `POST /v1/lots/${lotId}/hold HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${quality.key}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      socket.write(complete ? request : request.slice(0, -1));
      await sleep(afterMs);
      socket.resetAndDestroy(); // RST: the server sees the client gone, not a half-close it could still answer
    };
    type Entry = { path: string; keyId: string | null; status: number | null; aborted?: boolean; items: number | null; correlationId?: string };
    const entryOf = async (path: string): Promise<Entry> => {
      for (const until = Date.now() + 20_000; ; await sleep(200)) {
        const items = (await w.get('/v1/access-log?limit=100', admin.key)).body.items as Entry[];
        const entry = items.find((e) => e.path === path);
        if ((entry && (entry.status !== null || entry.aborted)) || Date.now() > until) return entry!;
      }
    };

    // Gone before its body was complete: the handler never ran (nor the key check), nothing was held, and the log says so.
    const early = await ownScenario();
    const earlyLot = early.id('REEL-C2');
    await hangUp(earlyLot, { complete: false, afterMs: 300 });
    expect(await entryOf(`/v1/lots/${earlyLot}/hold`)).toMatchObject({ keyId: null, status: null, aborted: true, items: null });
    await sleep(500);
    await w.waitForIngest();
    expect(await lotStatuses(earlyLot)).toEqual([`${earlyLot}:released`]);

    // Gone a moment later: each time, the entry says what really happened to the lot. Hang up later and later until
    // once the client was gone while the hold was being published (served, and aborted).
    const outcomes: string[] = [];
    for (const afterMs of [5, 10, 15, 20, 30, 45, 60, 90]) {
      const s = await ownScenario();
      const lotId = s.id('REEL-C2');
      await hangUp(lotId, { complete: true, afterMs });
      const entry = await entryOf(`/v1/lots/${lotId}/hold`);
      await sleep(300);
      await w.waitForIngest();
      const statuses = await lotStatuses(lotId);
      if (entry.status === null) {
        expect({ entry, statuses }).toMatchObject({ entry: { aborted: true, items: null }, statuses: [`${lotId}:released`] });
        outcomes.push(`${afterMs} ms: never served`);
        continue;
      }
      expect({ entry, statuses }).toMatchObject({ entry: { keyId: quality.id, status: 202, items: 1 }, statuses: [`${lotId}:hold`] });
      expect(await statusEvents(entry.correlationId!, 1)).toEqual([expect.objectContaining({ lotId, keyId: quality.id, status: 'hold' })]);
      outcomes.push(`${afterMs} ms: served${entry.aborted ? ', aborted' : ''}`);
      if (entry.aborted) break;
    }
    expect(outcomes.at(-1)).toMatch(/served, aborted$/);
  });
});
