import { TraceEvent, makeEvent } from '@trace/contracts';
import { CSV_COLUMNS, GenealogyReport, verifyReport } from '@trace/reports';
import { TestWorld, sleep } from './support/harness';

// Two boards get the wrong reel at C1 (REEL-WRONG instead of REEL-RIGHT). The operator retracts the wrong installation
// and installs the right reel. For LATE-BOARD the retraction is delivered after the event it retracts, for EARLY-BOARD
// before it. LATE-BOARD is also reworked: U1 from REEL-U1 is replaced from REEL-NEW at minute 10-11.

const t = (minute: number): string => new Date(Date.UTC(2026, 10, 5, 6, minute)).toISOString();
const ev = <T extends TraceEvent['type']>(type: T, data: Extract<TraceEvent, { type: T }>['data'], minute: number, eventId: string): TraceEvent =>
  makeEvent(type, data as never, { occurredAt: t(minute), eventId, source: 'site1/smt-line-1' }) as TraceEvent;
const receive = (lotId: string, vendorId: string): TraceEvent =>
  ev('MaterialReceived', { receiptId: `R-${lotId}`, vendorId, manufacturer: 'M', mpn: `MPN-${lotId}`, internalPartNumber: 'CAP-1', vendorLotCode: `VL-${lotId}`, receivedAt: t(0), uom: 'pcs', packages: [{ lotId, quantity: 1000 }] }, 0, `rcv-${lotId}`);

const site = [receive('REEL-WRONG', 'V-WRONG'), receive('REEL-RIGHT', 'V-RIGHT'), receive('REEL-U1', 'V-U1'), receive('REEL-NEW', 'V-NEW')];
const board = (serial: string): { build: TraceEvent[]; wrong: TraceEvent; retraction: TraceEvent; fix: TraceEvent } => {
  const wrong = ev('MaterialInstalled', { serial, lotId: 'REEL-WRONG', quantity: 1, refDes: ['C1'] }, 2, `${serial}-wrong`);
  return {
    build: [ev('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'B-1', workOrder: 'WO-1' }, 1, `${serial}-start`), wrong],
    wrong,
    retraction: ev('EventRetracted', { retractedEventId: wrong.eventId, reason: `wrong reel scanned at C1 of ${serial}` }, 3, `${serial}-retract`),
    fix: ev('MaterialInstalled', { serial, lotId: 'REEL-RIGHT', quantity: 1, refDes: ['C1'] }, 4, `${serial}-fix`),
  };
};
const late = board('LATE-BOARD');
const early = board('EARLY-BOARD');
const rework = [
  ev('MaterialInstalled', { serial: 'LATE-BOARD', lotId: 'REEL-U1', quantity: 1, refDes: ['U1'] }, 5, 'late-u1'),
  ev('MaterialRemoved', { serial: 'LATE-BOARD', lotId: 'REEL-U1', refDes: ['U1'], reason: 'failed ICT' }, 10, 'late-u1-out'),
  ev('MaterialInstalled', { serial: 'LATE-BOARD', lotId: 'REEL-NEW', quantity: 1, refDes: ['U1'] }, 11, 'late-u1-new'),
];

type Material = { lotId: string; retracted?: boolean; retraction?: { reason: string; provenance: { eventId: string; type: string; topic: string } } };
const lotsOf = (body: { unit: { materials: Material[] } }): string[] => body.unit.materials.map((m) => m.lotId);
const serialsOf = (body: { items: { serial: string }[] }): string[] => body.items.map((r) => r.serial).sort();

describe('retractions and answers as of a moment, over real Kafka and MongoDB', () => {
  const w = new TestWorld('retract');
  let reportBeforeRetraction: Buffer;

  beforeAll(async () => {
    await Promise.all([w.startIngest(), w.startApi()]);
    // EARLY-BOARD's retraction goes first, alone, and is recorded before the event it retracts exists.
    await w.produce([early.retraction], [early.wrong]);
    await w.waitForIngest();
    await w.produce([...site, ...late.build, ...early.build, ...rework]);
    await w.waitForIngest();
    // A report made before LATE-BOARD's correction: signed evidence of what the service said then.
    reportBeforeRetraction = await download('/v1/serials/LATE-BOARD/report?format=json');
    await w.produce([late.retraction, late.fix, early.fix]);
    await w.waitForIngest();
  });
  afterAll(() => w.close());

  const download = async (path: string): Promise<Buffer> => {
    const res = await fetch(`${w.apiUrl}${path}`, { headers: w.headers() });
    expect(res.status).toBe(200);
    return Buffer.from(await res.arrayBuffer());
  };

  it('leaves the retracted installation out of the genealogy, whether the retraction came after or before it', async () => {
    for (const [serial, expected] of [['LATE-BOARD', ['REEL-RIGHT', 'REEL-NEW']], ['EARLY-BOARD', ['REEL-RIGHT']]] as const) {
      const { status, body } = await w.get(`/v1/serials/${serial}/genealogy`);
      expect(status).toBe(200);
      expect(lotsOf(body)).toEqual(expected);
      expect(body.summary.vendors.map((v: { vendorId: string }) => v.vendorId)).not.toContain('V-WRONG');
    }
  });

  it('shows it with history=true, marked retracted with the reason and the retraction\'s provenance', async () => {
    for (const b of [late, early]) {
      const { body } = await w.get(`/v1/serials/${(b.wrong.data as { serial: string }).serial}/genealogy?history=true`);
      const wrong = (body.unit.materials as Material[]).find((m) => m.lotId === 'REEL-WRONG');
      expect(wrong).toMatchObject({
        retracted: true,
        retraction: { reason: (b.retraction.data as { reason: string }).reason, provenance: { eventId: b.retraction.eventId, type: 'EventRetracted', topic: 'trace.production.v1' } },
      });
      expect((body.unit.materials as Material[]).filter((m) => m.retracted)).toHaveLength(1);
    }
  });

  it('keeps the retracted facts stored: the graph is not changed, reading decides', async () => {
    const db = await w.db();
    const unit = await db.collection('units').findOne({ _id: 'LATE-BOARD' as never });
    expect(Object.values(unit!.installs as Record<string, { lotId: string }>).map((i) => i.lotId)).toContain('REEL-WRONG');
    expect(await db.collection('retractions').findOne({ _id: late.wrong.eventId as never })).not.toBeNull();
  });

  it('agrees in where-used of both reels: the wrong one is in no board, the right one in both', async () => {
    const wrong = await w.get('/v1/lots/REEL-WRONG/where-used');
    expect(wrong.status).toBe(200);
    expect(wrong.body.total).toBe(0);
    expect(serialsOf((await w.get('/v1/lots/REEL-RIGHT/where-used')).body)).toEqual(['EARLY-BOARD', 'LATE-BOARD']);
    const history = await w.get('/v1/lots/REEL-WRONG/where-used?history=true');
    expect(history.body.items.map((r: { serial: string; retracted?: boolean; removed: boolean }) => `${r.serial}:${r.removed}:${r.retracted}`).sort()).toEqual(['EARLY-BOARD:true:true', 'LATE-BOARD:true:true']);
    const exposure = await w.get('/v1/vendors/V-WRONG/exposure?total=true');
    expect(exposure.body.counts.units).toBe(0);
  });

  it('agrees in the reports (JSON, CSV, PDF), and a report made before the retraction stays as it was, still valid', async () => {
    const json = JSON.parse((await download('/v1/serials/LATE-BOARD/report?format=json')).toString('utf8')) as GenealogyReport;
    expect(json.bom.map((r) => r.packageLot).sort()).toEqual(['REEL-NEW', 'REEL-RIGHT']);
    const csv = (await download('/v1/serials/LATE-BOARD/report?format=csv')).toString('utf8');
    expect(csv).toContain('REEL-RIGHT');
    expect(csv).not.toContain('REEL-WRONG');
    const pdf = await download('/v1/serials/EARLY-BOARD/report?format=pdf');
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');

    const before = JSON.parse(reportBeforeRetraction.toString('utf8')) as GenealogyReport;
    expect(before.bom.map((r) => r.packageLot)).toContain('REEL-WRONG');
    const { body: keys } = await w.get('/v1/reports/keys', null);
    expect(verifyReport(reportBeforeRetraction, keys)).toMatchObject({ valid: true });
  });

  it('carries the correction in EPCIS the EPCIS way: the installation with an error declaration', async () => {
    const { status, body } = await w.get('/v1/serials/LATE-BOARD/epcis');
    expect(status).toBe(200);
    const events = body.epcisBody.eventList as { 'ems:sourceEventId': string; errorDeclaration?: Record<string, unknown> }[];
    const declared = events.filter((e) => e.errorDeclaration);
    expect(declared.map((e) => e['ems:sourceEventId'])).toEqual([late.wrong.eventId]);
    expect(declared[0]!.errorDeclaration).toMatchObject({ declarationTime: late.retraction.occurredAt, reason: 'did_not_occur', 'ems:reason': 'wrong reel scanned at C1 of LATE-BOARD' });
    expect(events.map((e) => e['ems:sourceEventId'])).toContain(late.fix.eventId);
  });

  it('answers as of a moment before and after the rework, in the genealogy, where-used and the report', async () => {
    const before = await w.get(`/v1/serials/LATE-BOARD/genealogy?asOf=${encodeURIComponent(t(7))}`);
    expect(lotsOf(before.body)).toEqual(['REEL-RIGHT', 'REEL-U1']);
    const during = await w.get(`/v1/serials/LATE-BOARD/genealogy?asOf=${encodeURIComponent('2026-11-05T07:10:30+01:00')}`);
    expect(lotsOf(during.body)).toEqual(['REEL-RIGHT']);
    const after = await w.get(`/v1/serials/LATE-BOARD/genealogy?asOf=${encodeURIComponent(t(12))}`);
    expect(lotsOf(after.body)).toEqual(['REEL-RIGHT', 'REEL-NEW']);

    expect(serialsOf((await w.get(`/v1/lots/REEL-U1/where-used?asOf=${encodeURIComponent(t(7))}`)).body)).toEqual(['LATE-BOARD']);
    expect((await w.get(`/v1/lots/REEL-U1/where-used?asOf=${encodeURIComponent(t(12))}`)).body.total).toBe(0);
    expect((await w.get(`/v1/lots/REEL-NEW/where-used?asOf=${encodeURIComponent(t(7))}`)).body.total).toBe(0);

    const report = JSON.parse((await download(`/v1/serials/LATE-BOARD/report?format=json&asOf=${encodeURIComponent(t(7))}`)).toString('utf8')) as GenealogyReport;
    expect(report.header.asOf).toBe(t(7));
    expect(report.bom.map((r) => r.packageLot).sort()).toEqual(['REEL-RIGHT', 'REEL-U1']);
    const csv = (await download(`/v1/serials/LATE-BOARD/report?format=csv&asOf=${encodeURIComponent(t(7))}`)).toString('utf8').split('\r\n');
    expect(csv.slice(0, 2)).toEqual([`# as of ${t(7)}: the units as built then (facts that happened at or before it, as corrected since)`, CSV_COLUMNS.join(',')]);
  });

  it('answers a serial as of before it was started as an unknown one, for a brand\'s key', async () => {
    const acme = (await w.createKey('quality', ['Acme'], 'acme')).key;
    const asOf = encodeURIComponent(t(0));
    const [old, never] = [await w.get(`/v1/serials/LATE-BOARD/genealogy?asOf=${asOf}`, acme), await w.get(`/v1/serials/NEVER-EXISTED/genealogy?asOf=${asOf}`, acme)];
    expect(old.status).toBe(404);
    expect(old.text.replace('LATE-BOARD', 'X')).toBe(never.text.replace('NEVER-EXISTED', 'X'));
  });

  it('makes report jobs as of a moment', async () => {
    const started = await w.post('/v1/reports', { serials: ['LATE-BOARD'], asOf: t(7) });
    expect(started.status).toBe(202);
    expect(started.body.asOf).toBe(t(7));
    let job = started.body;
    for (let i = 0; i < 100 && job.status !== 'done' && job.status !== 'failed'; i++) {
      await sleep(200);
      job = (await w.get(`/v1/reports/${started.body.id}`)).body;
    }
    expect(job.status).toBe('done');
    const csv = (await download(job.result)).toString('utf8');
    expect(csv.split('\r\n')[0]).toBe(`# as of ${t(7)}: the units as built then (facts that happened at or before it, as corrected since)`);
    expect(csv).toContain('REEL-U1');
    expect(csv).not.toContain('REEL-NEW');
  });

  it('refuses an asOf that is not a real instant with an offset, with a clear message (400)', async () => {
    for (const bad of ['2026-02-30T08:00:00Z', '2026-11-05T06:00:00', 'yesterday']) {
      for (const path of [`/v1/serials/LATE-BOARD/genealogy`, `/v1/lots/REEL-U1/where-used`, `/v1/vendors/V-U1/exposure`, `/v1/serials/LATE-BOARD/report`]) {
        const { status, text } = await w.get(`${path}?asOf=${encodeURIComponent(bad)}`);
        expect(status).toBe(400);
        expect(text).toContain('asOf must be a real ISO 8601 date-time with an offset');
      }
    }
    expect((await w.post('/v1/reports', { serials: ['LATE-BOARD'], asOf: '2026-13-01T00:00:00Z' })).status).toBe(400);
  });
});
