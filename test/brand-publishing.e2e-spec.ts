import { randomBytes } from 'node:crypto';
import { makeEvent, TOPICS, TraceEvent } from '@trace/contracts';
import { sleep, TestWorld } from './support/harness';

// A brand publishing its authority through the API: the approver role's rules, the contract's validation, and each
// publication reaching Kafka (acks=all, the brand as key, the correlation id in the header), the access log, and the
// judgement of the units the ingest then records.
type Verdicts = Record<string, string | undefined>;
type Material = { lotId: string; judgement?: { verdict: string; parts: { deviationId?: string; count?: number; approvalId?: string }[] } };

describe('brand authority published through the API', () => {
  const w = new TestWorld('brandpub');
  const ns = `p${randomBytes(3).toString('hex')}-`;
  const brand = `${ns}Acme`;
  const other = `${ns}Initech`;
  const keys: Record<string, string> = {};
  let approverKeyId = '';

  beforeAll(async () => {
    await Promise.all([w.startIngest(), w.startApi()]);
    const made = await Promise.all([
      w.createKey('approver', [brand]),
      w.createKey('approver', [other]),
      w.createKey('approver', '*'),
      w.createKey('approver', [brand, other]),
      w.createKey('quality', [brand]),
      w.createKey('auditor', [brand]),
      w.createKey('admin', '*'),
    ]);
    [keys.approver, keys.otherApprover, keys.siteApprover, keys.twoBrandApprover, keys.quality, keys.auditor, keys.admin] = made.map((k) => k.key);
    approverKeyId = made[0]!.id;
  });
  afterAll(() => w.close());

  const later = (iso: string, ms: number): string => new Date(Date.parse(iso) + ms).toISOString();
  const hourAgo = (): string => new Date(Date.now() - 3_600_000).toISOString();
  const dayAhead = (): string => new Date(Date.now() + 86_400_000).toISOString();
  const approval = (id: string, ipn: string, manufacturer: string, mpn: string) => ({ approvalId: id, internalPartNumber: ipn, manufacturer, mpn, vendorIds: ['V1'] });
  const deviation = (id: string, maxQuantity = 2) => ({
    deviationId: id, internalPartNumber: `${ns}CAP-1`, manufacturer: 'Kemet', mpn: 'ALT1', productPartNumbers: ['GW-1'], maxQuantity,
    validFrom: hourAgo(), validUntil: dayAhead(), approvedBy: 'quality@acme.example', reason: 'Murata shortage',
  });
  const bom = () => ({ productPartNumber: 'GW-1', revision: 'A', effectiveFrom: hourAgo(), lines: [{ internalPartNumber: `${ns}CAP-1`, quantity: 2, refDes: ['C1', 'C2'] }, { internalPartNumber: `${ns}RES-1`, quantity: 1, refDes: ['R1'] }] });
  /** Every route with a valid body, for the brand in the path. */
  const routes = (b: string): [string, unknown][] => [
    [`/v1/brands/${b}/approved-parts`, approval('A-X', `${ns}CAP-1`, 'Murata', 'GRM1')],
    [`/v1/brands/${b}/approved-parts/A-X/withdraw`, { reason: 'end of life' }],
    [`/v1/brands/${b}/deviations`, deviation('D-X')],
    [`/v1/brands/${b}/deviations/D-X/revoke`, { reason: 'back in stock' }],
    [`/v1/brands/${b}/boms`, bom()],
  ];

  /** The brand events on this world's topic that `wanted` picks, with their key and header: `expected` of them, or all within `waitMs`. */
  const brandEvents = async (wanted: (e: TraceEvent) => boolean, expected: number, waitMs = 30_000): Promise<{ key: string; header: string; event: TraceEvent }[]> => {
    const consumer = w.kafka.consumer({ groupId: `brand-reader-${w.id}-${randomBytes(3).toString('hex')}` });
    const seen: { key: string; header: string; event: TraceEvent }[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: w.topic(TOPICS.brand), fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const event = JSON.parse(message.value!.toString()) as TraceEvent;
          if (wanted(event)) seen.push({ key: message.key!.toString(), header: message.headers?.['correlation-id']?.toString() ?? '', event });
        },
      });
      const deadline = Date.now() + waitMs;
      while (seen.length < expected && Date.now() < deadline) await sleep(100);
      return seen;
    } finally {
      await consumer.disconnect();
    }
  };

  const verdicts = async (serial: string): Promise<{ verdicts: Verdicts; materials: Material[] }> => {
    const { status, body } = await w.get(`/v1/serials/${serial}/genealogy`);
    expect(status).toBe(200);
    const materials = body.unit.materials as Material[];
    return { verdicts: Object.fromEntries(materials.map((m) => [m.lotId, m.judgement?.verdict])), materials };
  };

  it('refuses every publishing route to a site-wide approver, another brand\'s approver, a two-brand approver and every other role, and publishes nothing', async () => {
    const refused = [keys.siteApprover, keys.otherApprover, keys.twoBrandApprover, keys.quality, keys.auditor, keys.admin, w.key];
    for (const [path, body] of routes(brand)) {
      for (const key of refused) expect({ path, status: (await w.post(path, body, key)).status }).toEqual({ path, status: 403 });
      expect((await w.post(path, body, null)).status).toBe(401);
    }
    // The other brand's own approver is refused on this brand's routes, and this brand's on the other's.
    for (const [path, body] of routes(other)) expect((await w.post(path, body, keys.approver)).status).toBe(403);
    const names = (e: TraceEvent): string | undefined => (e.data as { approvalId?: string; deviationId?: string }).approvalId ?? (e.data as { deviationId?: string }).deviationId;
    expect(await brandEvents((e) => names(e) === 'A-X' || names(e) === 'D-X' || (e.type === 'BomReleased' && e.data.brand === other), 1, 5_000)).toEqual([]);
  });

  it('validates each body by the contract\'s rules and publishes nothing it refuses', async () => {
    const bad: [string, unknown][] = [
      [`/v1/brands/${brand}/approved-parts`, { ...approval('A-1', `${ns}CAP-1`, 'Murata', 'GRM1'), mpn: undefined }],
      [`/v1/brands/${brand}/approved-parts`, { ...approval('A-1', `${ns}CAP-1`, 'Murata', 'GRM1'), brand }], // the path names the brand
      [`/v1/brands/${brand}/approved-parts`, { ...approval('A-1', `${ns}CAP-1`, 'Murata', 'GRM1'), vendorIds: ['V1', 'V1'] }],
      [`/v1/brands/${brand}/approved-parts/A-1/withdraw`, {}],
      [`/v1/brands/${brand}/deviations`, { ...deviation('D-1'), validUntil: hourAgo(), validFrom: dayAhead() }],
      [`/v1/brands/${brand}/deviations`, { ...deviation('D-1'), maxQuantity: 0 }],
      [`/v1/brands/${brand}/deviations`, { ...deviation('D-1'), validFrom: '2026-11-10T08:00:00' }], // no offset
      [`/v1/brands/${brand}/deviations/D-1/revoke`, { reason: '' }],
      [`/v1/brands/${brand}/boms`, { ...bom(), lines: [] }],
      [`/v1/brands/${brand}/boms`, { ...bom(), lines: [{ internalPartNumber: 'X', quantity: 1 }, { internalPartNumber: 'X', quantity: 2 }] }],
      [`/v1/brands/${brand}/boms`, { ...bom(), lines: [{ internalPartNumber: 'X', quantity: -1 }] }],
    ];
    for (const [path, body] of bad) expect({ path, body, status: (await w.post(path, body, keys.approver)).status }).toEqual({ path, body, status: 400 });
  });

  it('publishes each act to trace.brand.v1 keyed by the brand, logs it, and the ingest judges the units by it from its time on', async () => {
    const correlationId = `${ns}corr-1`;
    const post = async (path: string, body: unknown): Promise<TraceEvent> => {
      const res = await fetch(`${w.apiUrl}${path}`, { method: 'POST', headers: w.headers(keys.approver, { 'content-type': 'application/json', 'x-correlation-id': correlationId }), body: JSON.stringify(body) });
      const answer = (await res.json()) as TraceEvent;
      expect({ path, status: res.status }).toEqual({ path, status: 202 });
      return answer;
    };
    const capApproval = await post(`/v1/brands/${brand}/approved-parts`, approval('A-CAP', `${ns}CAP-1`, 'Murata', 'GRM1'));
    expect(capApproval).toMatchObject({ type: 'PartApproved', source: 'api/brands', correlationId, data: { brand, approvalId: 'A-CAP', internalPartNumber: `${ns}CAP-1`, vendorIds: ['V1'] } });
    await post(`/v1/brands/${brand}/approved-parts`, approval('A-RES', `${ns}RES-1`, 'Yageo', 'RC0603'));
    await post(`/v1/brands/${brand}/deviations`, deviation('D1', 2));
    const released = await post(`/v1/brands/${brand}/boms`, bom());
    expect(released.data).toMatchObject({ brand, revision: 'A', lines: [{ quantity: 2, refDes: ['C1', 'C2'] }, { quantity: 1 }] });

    const published = await brandEvents((e) => e.correlationId === correlationId, 4);
    expect(published.map((p) => p.event.type)).toEqual(['PartApproved', 'PartApproved', 'DeviationApproved', 'BomReleased']);
    expect(published.every((p) => p.key === brand && p.header === correlationId)).toBe(true);
    expect(published[0]!.event).toEqual(capApproval);

    // The shop floor, after the publications: each installation after the approvals it is judged by.
    const t = (ms: number): string => later(released.occurredAt, ms);
    const ev = <T extends TraceEvent['type']>(type: T, data: Extract<TraceEvent, { type: T }>['data'], at: string): TraceEvent => makeEvent(type, data as never, { occurredAt: at }) as TraceEvent;
    const lot = (s: string): string => `${ns}${s}`;
    const receive = (lotId: string, ipn: string, manufacturer: string, mpn: string): TraceEvent =>
      ev('MaterialReceived', { receiptId: `GR-${lotId}`, vendorId: 'V1', manufacturer, mpn, internalPartNumber: ipn, vendorLotCode: `VL-${lotId}`, receivedAt: t(0), uom: 'pcs', packages: [{ lotId, quantity: 1000 }] }, t(0));
    const unit = (serial: string, at: string, installs: [string, number, string[]][]): TraceEvent[] => [
      ev('UnitStarted', { serial, brand, productPartNumber: 'GW-1', workOrder: 'WO-1' }, at),
      ...installs.map(([lotId, quantity, refDes]) => ev('MaterialInstalled', { serial, lotId, quantity, refDes }, at)),
    ];
    const s = (name: string): string => `${ns}${name}`;
    await w.produce([
      ev('VendorRegistered', { vendorId: 'V1', name: 'Distri', country: 'DE', status: 'approved' }, t(0)),
      receive(lot('REEL-OK'), `${ns}CAP-1`, 'Murata', 'GRM1'), receive(lot('REEL-ALT'), `${ns}CAP-1`, 'Kemet', 'ALT1'), receive(lot('REEL-R'), `${ns}RES-1`, 'Yageo', 'RC0603'),
      ...unit(s('U1'), t(1), [[lot('REEL-OK'), 2, ['C1', 'C2']], [lot('REEL-R'), 1, ['R1']]]),
      ...unit(s('U2'), t(2), [[lot('REEL-ALT'), 2, ['C1', 'C2']], [lot('REEL-R'), 1, ['R1']]]),
      ...unit(s('U3'), t(3), [[lot('REEL-ALT'), 2, ['C1', 'C2']], [lot('REEL-R'), 1, ['R1']]]),
      // U2 is built into a system that ships: the deviation's recall scope reaches the customer.
      ev('UnitStarted', { serial: s('SYS-1'), brand, productPartNumber: 'SYS', workOrder: 'WO-2' }, t(4)),
      ev('UnitAssembled', { serial: s('SYS-1'), childSerial: s('U2'), refDes: 'J1' }, t(5)),
      ev('UnitShipped', { serial: s('SYS-1'), shipmentId: s('SH-1'), customer: 'Globex' }, t(6)),
      ev('UnitShipped', { serial: s('U3'), shipmentId: s('SH-2'), customer: 'Northwind' }, t(6)),
      ev('UnitShipped', { serial: s('U1'), shipmentId: s('SH-2'), customer: 'Northwind' }, t(7)),
    ]);
    await w.waitForIngest();
    const u1 = await verdicts(s('U1'));
    expect(u1.verdicts).toEqual({ [lot('REEL-OK')]: 'APPROVED', [lot('REEL-R')]: 'APPROVED' });
    expect(u1.materials.find((m) => m.lotId === lot('REEL-OK'))!.judgement!.parts[0]!.approvalId).toBe('A-CAP');
    expect((await verdicts(s('U2'))).materials.find((m) => m.lotId === lot('REEL-ALT'))!.judgement).toMatchObject({ verdict: 'UNDER_DEVIATION', parts: [{ deviationId: 'D1', count: 2 }] });
    expect((await verdicts(s('U3'))).materials.find((m) => m.lotId === lot('REEL-ALT'))!.judgement).toMatchObject({ verdict: 'DEVIATION_EXCEEDED', parts: [{ deviationId: 'D1', count: 4 }] });
    const bomFlags = (await w.get(`/v1/serials/${s('U1')}/genealogy`)).body.summary.flags.filter((f: { code: string }) => f.code === 'BOM_MISMATCH');
    expect(bomFlags).toEqual([]); // built to the revision released through the API

    // The deviation and its recall scope: every serial under it with its top-level unit and shipments; the pieces beyond it.
    const d1 = await w.get(`/v1/brands/${brand}/deviations/D1`, keys.approver);
    expect(d1.status).toBe(200);
    expect(d1.body).toMatchObject({ brand, deviationId: 'D1', state: 'IN_FORCE', maxQuantity: 2, piecesUsed: 4, piecesLeft: 0, approvedBy: 'quality@acme.example' });
    expect(d1.body.serials).toEqual([
      { serial: s('U2'), productPartNumber: 'GW-1', workOrder: 'WO-1', pieces: 2, topSerial: s('SYS-1'), shipments: [{ shipmentId: s('SH-1'), customer: 'Globex', at: t(6) }] },
      { serial: s('U3'), productPartNumber: 'GW-1', workOrder: 'WO-1', pieces: 2, topSerial: s('U3'), shipments: [{ shipmentId: s('SH-2'), customer: 'Northwind', at: t(6) }] },
    ]);
    expect(d1.body.installations.map((i: { serial: string; count: number }) => [i.serial, i.count])).toEqual([[s('U2'), 2], [s('U3'), 4]]);
    expect(d1.body.exceeded).toEqual([expect.objectContaining({ serial: s('U3'), lotId: lot('REEL-ALT'), quantity: 2, count: 4, at: t(3) })]);
    expect((await w.get(`/v1/brands/${brand}/deviations/D1`)).body).toEqual(d1.body); // a site-wide key sees every brand

    // The report (JSON, CSV) and EPCIS give the same judgement per BOM line.
    const json = await w.get(`/v1/serials/${s('U3')}/report?format=json`);
    expect(json.status).toBe(200);
    const rows = (json.body.bom as { packageLot: string; judgement: string }[]).map((r) => [r.packageLot, r.judgement]);
    expect(rows.sort()).toEqual([[lot('REEL-ALT'), 'DEVIATION_EXCEEDED D1 4/2'], [lot('REEL-R'), 'APPROVED A-RES']].sort());
    const csv = (await w.get(`/v1/serials/${s('U3')}/report?format=csv`)).text.trim().split('\r\n');
    const column = csv[0]!.split(',').indexOf('judgement');
    expect(column).toBeGreaterThan(-1);
    expect(csv.slice(1).map((line) => line.split(',')[column]).sort()).toEqual(['APPROVED A-RES', 'DEVIATION_EXCEEDED D1 4/2']);
    const epcis = await w.get(`/v1/serials/${s('U3')}/epcis`);
    const installing = (epcis.body.epcisBody.eventList as { bizStep?: string; 'ems:judgement'?: string }[]).filter((e) => e.bizStep === 'installing');
    expect(installing.map((e) => e['ems:judgement']).sort()).toEqual(['APPROVED A-RES', 'DEVIATION_EXCEEDED D1 4/2']);

    // A shipment's compliance: every unit's materials judged (through its sub-assemblies), a verdict per unit.
    const sh1 = await w.get(`/v1/shipments/${s('SH-1')}/compliance`, keys.approver);
    expect(sh1.status).toBe(200);
    expect(sh1.body.units).toEqual([expect.objectContaining({ serial: s('SYS-1'), customer: 'Globex', verdict: 'CONFORMING_UNDER_DEVIATIONS', bomDifferences: [] })]);
    expect(sh1.body.units[0].materials.map((m: { serial: string; lotId: string; judgement: { verdict: string } }) => [m.serial, m.lotId, m.judgement.verdict]).sort()).toEqual(
      [[s('U2'), lot('REEL-ALT'), 'UNDER_DEVIATION'], [s('U2'), lot('REEL-R'), 'APPROVED']].sort(),
    );
    const sh2 = await w.get(`/v1/shipments/${s('SH-2')}/compliance`);
    expect(sh2.body.units.map((u: { serial: string; verdict: string }) => [u.serial, u.verdict])).toEqual([[s('U1'), 'CONFORMING'], [s('U3'), 'NOT_CONFORMING']]);
    const foreignShipment = await w.get(`/v1/shipments/${s('SH-2')}/compliance`, keys.otherApprover);
    const neverShipped = await w.get(`/v1/shipments/${s('SH-NEVER')}/compliance`, keys.otherApprover);
    expect([foreignShipment.status, neverShipped.status]).toEqual([404, 404]);
    expect(foreignShipment.text.replace(s('SH-2'), s('SH-NEVER'))).toBe(neverShipped.text);

    // A withdrawal and a revocation apply from their publication on, not before.
    const withdrawn = await post(`/v1/brands/${brand}/approved-parts/A-RES/withdraw`, { reason: 'end of life' });
    const revoked = await post(`/v1/brands/${brand}/deviations/D1/revoke`, { reason: 'Murata back in stock' });
    expect(withdrawn.data).toEqual({ brand, approvalId: 'A-RES', reason: 'end of life' });
    expect(revoked.data).toEqual({ brand, deviationId: 'D1', reason: 'Murata back in stock' });
    await w.produce(unit(s('U4'), later(revoked.occurredAt, 1), [[lot('REEL-ALT'), 1, ['C1']], [lot('REEL-OK'), 1, ['C2']], [lot('REEL-R'), 1, ['R1']]]));
    await w.waitForIngest();
    expect((await verdicts(s('U4'))).verdicts).toEqual({ [lot('REEL-ALT')]: 'NOT_ON_AVL', [lot('REEL-OK')]: 'APPROVED', [lot('REEL-R')]: 'NOT_ON_AVL' });
    expect((await verdicts(s('U2'))).verdicts).toEqual({ [lot('REEL-ALT')]: 'UNDER_DEVIATION', [lot('REEL-R')]: 'APPROVED' });
    const revokedD1 = (await w.get(`/v1/brands/${brand}/deviations/D1`, keys.approver)).body;
    expect(revokedD1).toMatchObject({ state: 'REVOKED', revoked: { at: revoked.occurredAt, reason: 'Murata back in stock' }, piecesUsed: 4 }); // U4's piece came after the revocation

    // Another brand's key learns nothing: the same 404 as a deviation never published.
    const unknown = await w.get(`/v1/brands/${brand}/deviations/NEVER`, keys.approver);
    const foreign = await w.get(`/v1/brands/${brand}/deviations/D1`, keys.otherApprover);
    const foreignUnknown = await w.get(`/v1/brands/${brand}/deviations/NEVER`, keys.otherApprover);
    expect(unknown.status).toBe(404);
    expect(foreign).toEqual({ ...foreignUnknown, text: foreign.text.replace('"D1"', '"NEVER"'), body: { ...foreignUnknown.body, message: foreign.body.message } });
    expect(foreign.body.message).toBe(`deviation "D1" of brand "${brand}" is not known`);

    // Every publication is in the access log, with the approver's key and the correlation id.
    const log = await w.get(`/v1/access-log?keyId=${approverKeyId}&limit=100`, keys.admin);
    expect(log.status).toBe(200);
    const posts = (log.body.items as { method: string; path: string; status: number; correlationId?: string }[]).filter((e) => e.method === 'POST' && e.status === 202);
    expect(posts.map((e) => e.path).sort()).toEqual(
      [`/v1/brands/${brand}/approved-parts`, `/v1/brands/${brand}/approved-parts`, `/v1/brands/${brand}/approved-parts/A-RES/withdraw`, `/v1/brands/${brand}/boms`, `/v1/brands/${brand}/deviations`, `/v1/brands/${brand}/deviations/D1/revoke`].sort(),
    );
    expect(posts.every((e) => e.correlationId === correlationId)).toBe(true);
  });

  it('describes every brand route in the OpenAPI document, with its body and answer', async () => {
    const { body } = await w.get('/docs-json', null);
    const ops: [string, string, string][] = [
      ['/v1/brands/{brand}/approved-parts', 'post', 'PartApprovalRequestDto'],
      ['/v1/brands/{brand}/approved-parts/{approvalId}/withdraw', 'post', 'ReasonRequestDto'],
      ['/v1/brands/{brand}/deviations', 'post', 'DeviationRequestDto'],
      ['/v1/brands/{brand}/deviations/{deviationId}/revoke', 'post', 'RevocationRequestDto'],
      ['/v1/brands/{brand}/boms', 'post', 'BomRequestDto'],
    ];
    for (const [path, method, request] of ops) {
      const op = body.paths[path]?.[method];
      expect({ path, request: op?.requestBody?.content?.['application/json']?.schema?.$ref }).toEqual({ path, request: `#/components/schemas/${request}` });
      expect(Object.keys(op.responses)).toEqual(expect.arrayContaining(['202', '400', '403']));
    }
    expect(Object.keys(body.components.schemas.DeviationRequestDto.properties)).toEqual(expect.arrayContaining(['deviationId', 'maxQuantity', 'validFrom', 'validUntil', 'approvedBy']));
    expect(body.components.schemas.BomRequestDto.properties.lines.items.$ref).toBe('#/components/schemas/BomLineDto');
    expect(body.paths['/v1/brands/{brand}/deviations/{deviationId}'].get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/DeviationReportDto');
    expect(body.paths['/v1/shipments/{shipmentId}/compliance'].get.responses['200'].content['application/json'].schema.$ref).toBe('#/components/schemas/ShipmentComplianceDto');
    expect(body.components.schemas.UnitComplianceDto.properties.verdict.enum).toEqual(['CONFORMING', 'CONFORMING_UNDER_DEVIATIONS', 'NOT_CONFORMING']);
  });
});
