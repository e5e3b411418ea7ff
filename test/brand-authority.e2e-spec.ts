import { makeEvent, TraceEvent } from '@trace/contracts';
import { TestWorld } from './support/harness';

// Brand authority through Kafka: two brands, an AVL each, a deviation of Acme's that runs out and is revoked, an
// approval withdrawn, and a BOM revision released mid-run. Every expectation holds in a world fed in order (the
// brand's events last) and in one fed newest first across all topics with every third event twice.
const at = (minute: number): string => new Date(Date.UTC(2026, 10, 10, 6, minute)).toISOString();
const ev = <T extends TraceEvent['type']>(type: T, data: Extract<TraceEvent, { type: T }>['data'], minute: number, eventId: string): TraceEvent =>
  makeEvent(type, data as never, { occurredAt: at(minute), eventId, source: type.startsWith('Part') || type.startsWith('Deviation') || type === 'BomReleased' ? 'acme/plm' : 'site1/mes' }) as TraceEvent;
const receive = (lotId: string, vendorId: string, ipn: string, manufacturer: string, mpn: string): TraceEvent =>
  ev('MaterialReceived', { receiptId: `GR-${lotId}`, vendorId, manufacturer, mpn, internalPartNumber: ipn, vendorLotCode: `VL-${lotId}`, receivedAt: at(0), uom: 'pcs', packages: [{ lotId, quantity: 1000 }] }, 0, `rcv-${lotId}`);
const start = (serial: string, minute: number, brand = 'Acme', product = 'GW-1'): TraceEvent =>
  ev('UnitStarted', { serial, brand, productPartNumber: product, workOrder: 'WO-1' }, minute, `start-${serial}`);
const install = (serial: string, lotId: string, quantity: number, refDes: string[], minute: number, eventId = `inst-${serial}-${lotId}`): TraceEvent =>
  ev('MaterialInstalled', { serial, lotId, quantity, refDes }, minute, eventId);

const shopFloor: TraceEvent[] = [
  ev('VendorRegistered', { vendorId: 'V1', name: 'Distri', country: 'DE', status: 'approved' }, 0, 'vr-V1'),
  ev('VendorRegistered', { vendorId: 'V2', name: 'Broker', country: 'US', status: 'approved' }, 0, 'vr-V2'),
  ev('VendorStatusChanged', { vendorId: 'V2', status: 'disqualified', reason: 'site audit failed' }, 5, 'vs-V2'),
  receive('REEL-OK', 'V1', 'CAP-1', 'Murata', 'GRM1'),
  receive('REEL-ALT', 'V1', 'CAP-1', 'Kemet', 'ALT1'),
  receive('REEL-R', 'V1', 'RES-1', 'Yageo', 'RC0603'),
  receive('TRAY-X', 'V2', 'IC-9', 'TI', 'MSP430'),
  ev('LotSplit', { sourceLotId: 'REEL-ALT', newLots: [{ lotId: 'ALT-1', quantity: 500 }, { lotId: 'ALT-2', quantity: 500 }] }, 1, 'split-alt'),
  // Built to revision A: conforming, everything approved.
  start('U1', 10), install('U1', 'REEL-OK', 2, ['C1', 'C2'], 11), install('U1', 'REEL-R', 1, ['R1'], 12),
  // The alternate under deviation D1 (2 of 4 pieces); a resistor placed where the BOM has none.
  start('U2', 20), install('U2', 'ALT-1', 2, ['C1', 'C2'], 21), install('U2', 'REEL-R', 1, ['R9'], 22),
  // Initech's unit holds the same reels: its own AVL judges them, and its pieces never count against Acme's deviation.
  start('N1', 20, 'Initech'), install('N1', 'REEL-OK', 1, ['C1'], 23), install('N1', 'ALT-1', 2, ['C2', 'C3'], 23),
  // Same instant: the event id decides that U4 (pieces 3-4) comes before U3 (pieces 5-6, beyond the 4 approved),
  // though U3 sorts first by serial, was started first and sits on the reel read first.
  start('U3', 24), install('U3', 'ALT-1', 2, ['C1', 'C2'], 26, 'inst-b-U3'), install('U3', 'REEL-R', 1, ['R1'], 31),
  start('U4', 25), install('U4', 'ALT-2', 2, ['C1', 'C2'], 26, 'inst-a-U4'), install('U4', 'REEL-R', 1, ['R1'], 27),
  // Started after revision B (3 capacitors): two are short of it.
  start('U5', 45), install('U5', 'REEL-OK', 2, ['C1', 'C2'], 46), install('U5', 'REEL-R', 1, ['R1'], 29),
  // After the revocation of D1: the alternate is not approved any more.
  start('U6', 50), install('U6', 'ALT-2', 2, ['C1', 'C2'], 61), install('U6', 'REEL-R', 1, ['R1'], 28),
  // Another product, outside D1's scope; and a part Acme never approved anything for.
  start('U7', 20, 'Acme', 'GW-2'), install('U7', 'ALT-1', 1, ['C1'], 21), install('U7', 'TRAY-X', 1, ['U1'], 21),
];
const brand: TraceEvent[] = [
  ev('PartApproved', { brand: 'Acme', approvalId: 'A-CAP', internalPartNumber: 'CAP-1', manufacturer: 'Murata', mpn: 'GRM1', vendorIds: ['V1'] }, 1, 'pa-A-CAP'),
  ev('PartApproved', { brand: 'Acme', approvalId: 'A-RES', internalPartNumber: 'RES-1', manufacturer: 'Yageo', mpn: 'RC0603' }, 1, 'pa-A-RES'),
  ev('PartApprovalWithdrawn', { brand: 'Acme', approvalId: 'A-RES', reason: 'end of life' }, 30, 'pw-A-RES'),
  ev('PartApproved', { brand: 'Initech', approvalId: 'I-CAP', internalPartNumber: 'CAP-1', manufacturer: 'Kemet', mpn: 'ALT1' }, 1, 'pa-I-CAP'),
  ev('DeviationApproved', {
    brand: 'Acme', deviationId: 'D1', internalPartNumber: 'CAP-1', manufacturer: 'Kemet', mpn: 'ALT1', productPartNumbers: ['GW-1'], maxQuantity: 4,
    validFrom: at(0), validUntil: at(100), approvedBy: 'quality@acme.example', reason: 'Murata shortage',
  }, 2, 'da-D1'),
  ev('DeviationRevoked', { brand: 'Acme', deviationId: 'D1', reason: 'Murata back in stock' }, 60, 'dr-D1'),
  ev('BomReleased', { brand: 'Acme', productPartNumber: 'GW-1', revision: 'A', effectiveFrom: at(0), lines: [{ internalPartNumber: 'CAP-1', quantity: 2, refDes: ['C1', 'C2', 'C3'] }, { internalPartNumber: 'RES-1', quantity: 1, refDes: ['R1'] }] }, 0, 'bom-A'),
  ev('BomReleased', { brand: 'Acme', productPartNumber: 'GW-1', revision: 'B', effectiveFrom: at(40), lines: [{ internalPartNumber: 'CAP-1', quantity: 3, refDes: ['C1', 'C2', 'C3'] }, { internalPartNumber: 'RES-1', quantity: 1, refDes: ['R1'] }] }, 40, 'bom-B'),
];

type Material = { lotId: string; judgement?: { verdict: string; parts: { deviationId?: string; count?: number; approvalId?: string }[] } };
type Flag = { code: string; serial?: string; lotId?: string; rule?: string; deviationId?: string; count?: number; maxQuantity?: number; revision?: string; difference?: unknown };
const withoutPositions = (g: unknown): unknown =>
  JSON.parse(JSON.stringify(g, (k, v) => (k === 'partition' || k === 'offset' || k === 'roundTrips' ? undefined : v)));

describe('brand authority over real Kafka and MongoDB', () => {
  const ordered = new TestWorld('brand');
  const shuffled = new TestWorld('brand_shuffled');
  const worlds = [['in order', ordered], ['reversed with duplicates', shuffled]] as const;

  beforeAll(async () => {
    await Promise.all([ordered.startIngest(), shuffled.startIngest(), ordered.startApi(), shuffled.startApi()]);
    await ordered.produce([...shopFloor, ...brand]);
    const reversed = [...shopFloor, ...brand].reverse();
    await shuffled.produce([...reversed, ...reversed.filter((_, i) => i % 3 === 0)]);
    await Promise.all([ordered.waitForIngest(), shuffled.waitForIngest()]);
  });
  afterAll(async () => Promise.all([ordered.close(), shuffled.close()]));

  const genealogy = async (w: TestWorld, serial: string): Promise<{ materials: Material[]; flags: Flag[] }> => {
    const { status, body } = await w.get(`/v1/serials/${serial}/genealogy`);
    expect(status).toBe(200);
    return { materials: body.unit.materials, flags: body.summary.flags.filter((f: Flag) => f.rule !== undefined) };
  };
  const verdicts = (materials: Material[]): Record<string, string | undefined> => Object.fromEntries(materials.map((m) => [m.lotId, m.judgement?.verdict]));

  describe.each(worlds)('delivered %s', (_name, w) => {
    it('approves what the brand approved and flags nothing on a conforming unit', async () => {
      const u1 = await genealogy(w, 'U1');
      expect(verdicts(u1.materials)).toEqual({ 'REEL-OK': 'APPROVED', 'REEL-R': 'APPROVED' });
      expect(u1.materials[0]!.judgement!.parts[0]!.approvalId).toBe('A-CAP');
      expect(u1.flags).toEqual([]);
    });

    it('counts a deviation over the brand\'s units in occurredAt order, the event id breaking ties, and flags the pieces beyond it', async () => {
      const [u2, u3, u4] = await Promise.all([genealogy(w, 'U2'), genealogy(w, 'U3'), genealogy(w, 'U4')]);
      expect(u2.materials[0]!.judgement).toMatchObject({ verdict: 'UNDER_DEVIATION', parts: [{ deviationId: 'D1', count: 2 }] });
      expect(u4.materials[0]!.judgement).toMatchObject({ verdict: 'UNDER_DEVIATION', parts: [{ deviationId: 'D1', count: 4 }] });
      expect(u3.materials[0]!.judgement).toMatchObject({ verdict: 'DEVIATION_EXCEEDED', parts: [{ deviationId: 'D1', count: 6 }] });
      expect(u2.flags).toContainEqual(expect.objectContaining({ code: 'UNDER_DEVIATION', serial: 'U2', lotId: 'ALT-1', deviationId: 'D1', count: 2, maxQuantity: 4 }));
      expect(u4.flags).toEqual([expect.objectContaining({ code: 'UNDER_DEVIATION', serial: 'U4', lotId: 'ALT-2', deviationId: 'D1', count: 4, maxQuantity: 4, rule: 'AVL' })]);
      expect(u3.flags).toContainEqual(expect.objectContaining({ code: 'DEVIATION_EXCEEDED', serial: 'U3', lotId: 'ALT-1', deviationId: 'D1', count: 6, maxQuantity: 4, rule: 'AVL' }));
    });

    it('applies a withdrawal from its time on, not before', async () => {
      const [u2, u3, u4] = await Promise.all([genealogy(w, 'U2'), genealogy(w, 'U3'), genealogy(w, 'U4')]);
      expect(verdicts(u2.materials)['REEL-R']).toBe('APPROVED'); // minute 22, withdrawn at 30
      expect(verdicts(u4.materials)['REEL-R']).toBe('APPROVED'); // minute 27
      expect(verdicts(u3.materials)['REEL-R']).toBe('NOT_ON_AVL'); // minute 31
      expect(u3.flags).toContainEqual(expect.objectContaining({ code: 'NOT_ON_AVL', serial: 'U3', lotId: 'REEL-R', internalPartNumber: 'RES-1' }));
    });

    it('applies a revocation from its time on, not before, and keeps a deviation to the products it names', async () => {
      const [u6, u7] = await Promise.all([genealogy(w, 'U6'), genealogy(w, 'U7')]);
      expect(verdicts(u6.materials)['ALT-2']).toBe('NOT_ON_AVL'); // minute 61, revoked at 60 (U4 at 26 was under it)
      expect(verdicts(u7.materials)['ALT-1']).toBe('NOT_ON_AVL'); // product GW-2, D1 names GW-1 only
    });

    it('says apart when the brand never approved anything for the internal part number', async () => {
      const u7 = await genealogy(w, 'U7');
      expect(verdicts(u7.materials)['TRAY-X']).toBe('AVL_MISSING');
      expect(u7.flags).toContainEqual(expect.objectContaining({ code: 'AVL_MISSING', serial: 'U7', lotId: 'TRAY-X', internalPartNumber: 'IC-9' }));
    });

    it('judges the same reels differently for two brands with different approved parts', async () => {
      const n1 = await genealogy(w, 'N1');
      expect(verdicts(n1.materials)).toEqual({ 'REEL-OK': 'NOT_ON_AVL', 'ALT-1': 'APPROVED' });
      expect(verdicts((await genealogy(w, 'U1')).materials)['REEL-OK']).toBe('APPROVED');
    });

    it('checks each unit against the BOM revision in force at its start: a revision released mid-run applies to units started after it', async () => {
      const [u2, u5, u6] = await Promise.all([genealogy(w, 'U2'), genealogy(w, 'U5'), genealogy(w, 'U6')]);
      expect(u2.flags.filter((f) => f.code === 'BOM_MISMATCH')).toEqual([
        expect.objectContaining({ serial: 'U2', revision: 'A', difference: { kind: 'REFDES_NOT_ON_LINE', internalPartNumber: 'RES-1', refDes: ['R9'], lotIds: ['REEL-R'] } }),
      ]);
      expect(u5.flags.filter((f) => f.code === 'BOM_MISMATCH')).toEqual([
        expect.objectContaining({ serial: 'U5', revision: 'B', difference: { kind: 'LINE_SHORT', internalPartNumber: 'CAP-1', required: 3, installed: 2 } }),
      ]);
      expect(u6.flags.filter((f) => f.code === 'BOM_MISMATCH')).toEqual([expect.objectContaining({ revision: 'B' })]); // started at 50: B
    });

    it('keeps today\'s flags beside the brand\'s', async () => {
      const { body } = await w.get('/v1/serials/U7/genealogy');
      expect(body.summary.flags.map((f: Flag) => f.code)).toEqual(['VENDOR_NOT_APPROVED', 'NOT_ON_AVL', 'AVL_MISSING']);
      expect(body.summary.flags[0]).toMatchObject({ vendorId: 'V2', serials: ['U7'] }); // the site's own vendor status, as before
    });
  });

  it('ends in the same answers whatever the order of delivery', async () => {
    for (const serial of ['U1', 'U2', 'U3', 'U4', 'U5', 'U6', 'U7', 'N1']) {
      const [a, b] = await Promise.all([ordered.get(`/v1/serials/${serial}/genealogy`), shuffled.get(`/v1/serials/${serial}/genealogy`)]);
      expect(withoutPositions(b.body)).toEqual(withoutPositions(a.body));
    }
  });

  it('describes the judgement and the new flags in its OpenAPI document', async () => {
    const { body } = await ordered.get('/docs-json');
    expect(body.components.schemas.FlagDto.properties.code.enum).toEqual(expect.arrayContaining(['NOT_ON_AVL', 'UNDER_DEVIATION', 'DEVIATION_EXCEEDED', 'AVL_MISSING', 'BOM_MISMATCH']));
    expect(body.components.schemas.FlagDto.properties).toHaveProperty('deviationId');
    expect(JSON.stringify(body.components.schemas.InstallationDto.properties.judgement)).toContain('#/components/schemas/MaterialJudgementDto');
    expect(body.components.schemas.MaterialJudgementDto.properties.verdict.enum).toEqual(['APPROVED', 'UNDER_DEVIATION', 'NOT_JUDGED', 'AVL_MISSING', 'DEVIATION_EXCEEDED', 'NOT_ON_AVL']);
  });

  it('tells a key scoped to another brand nothing: the same 404 as for a serial that never existed', async () => {
    const initech = (await ordered.createKey('auditor', ['Initech'])).key;
    const [foreign, unknown] = await Promise.all([ordered.get('/v1/serials/U4/genealogy', initech), ordered.get('/v1/serials/NO-SUCH/genealogy', initech)]);
    expect(foreign.status).toBe(404);
    expect(foreign.text.replace('U4', 'X')).toBe(unknown.text.replace('NO-SUCH', 'X'));
    const own = await ordered.get('/v1/serials/N1/genealogy', initech);
    expect(own.body.summary.flags.filter((f: Flag) => f.rule !== undefined).map((f: Flag) => f.code)).toEqual(['NOT_ON_AVL']);
  });
});
