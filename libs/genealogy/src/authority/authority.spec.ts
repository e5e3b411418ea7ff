import { eventIdOf } from '../facts/provenance';
import { BrandScope, SITE_WIDE } from '../genealogy.types';
import { TraceEvent, makeEvent, vendorLotId } from '@trace/contracts';
import { assembleGenealogy } from '../backward/assemble-genealogy';
import { FakeStore, fetchedOf, readerOf as graphReaderOf, shuffledStoreOf, snapshotOf, storeOf, withoutPartCopies } from '../testing/fake-graph';
import { FactView, visibleReader } from '../facts/visibility';
import type { Timed } from '../storage/graph.documents';
import { GraphFetcher } from '../backward/graph-fetcher';
import type { Flag, Genealogy, Installation } from '../genealogy.types';
import { judgeManyWithReads, judgeWithReads } from './authority-judge';
import { brandApprovals, brandDeviations } from './brand-lists';
import { deviationReport } from './deviation-report';
import { authorityReaderOf } from './fake-authority';

// A small world: one vendor, the approved capacitor (Murata GRM1) and an alternate (Kemet ALT1) for the brand's
// internal part CAP-1, each on its own reel; units of brand Acme, product P1, work order WO1 unless told.
const t = (m: number): string => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();
type Opts = { at: number; id?: string };
let seq = 0;
const ev = <T extends TraceEvent['type']>(type: T, data: Extract<TraceEvent, { type: T }>['data'], o: Opts): TraceEvent =>
  makeEvent(type, data as never, { occurredAt: t(o.at), eventId: o.id ?? `ev-${type}-${++seq}` }) as TraceEvent;

const receive = (lotId: string, mpn: string, manufacturer: string, vendorId = 'V1', ipn = 'CAP-1', quantity = 1000): TraceEvent =>
  ev('MaterialReceived', { receiptId: `GR-${lotId}`, vendorId, manufacturer, mpn, internalPartNumber: ipn, vendorLotCode: `VL-${lotId}`, receivedAt: t(0), uom: 'pcs', packages: [{ lotId, quantity }] }, { at: 0, id: `rcv-${lotId}` });
const base = (): TraceEvent[] => [
  ev('VendorRegistered', { vendorId: 'V1', name: 'Distri', country: 'DE', status: 'approved' }, { at: 0, id: 'vr-V1' }),
  ev('VendorRegistered', { vendorId: 'V2', name: 'Broker', country: 'US', status: 'approved' }, { at: 0, id: 'vr-V2' }),
  receive('REEL-OK', 'GRM1', 'Murata'),
  receive('REEL-ALT', 'ALT1', 'Kemet'),
  receive('REEL-V2', 'GRM1', 'Murata', 'V2'),
];
const start = (serial: string, at: number, o: { brand?: string; product?: string; wo?: string } = {}): TraceEvent =>
  ev('UnitStarted', { serial, brand: o.brand ?? 'Acme', productPartNumber: o.product ?? 'P1', workOrder: o.wo ?? 'WO1' }, { at, id: `start-${serial}` });
const install = (serial: string, lotId: string, at: number, quantity = 1, refDes = ['C1'], id?: string): TraceEvent =>
  ev('MaterialInstalled', { serial, lotId, quantity, refDes }, { at, id: id ?? `inst-${serial}-${lotId}-${at}` });
const approve = (approvalId: string, at: number, o: { mpn?: string; manufacturer?: string; vendorIds?: string[]; brand?: string; ipn?: string } = {}): TraceEvent =>
  ev('PartApproved', { brand: o.brand ?? 'Acme', approvalId, internalPartNumber: o.ipn ?? 'CAP-1', manufacturer: o.manufacturer ?? 'Murata', mpn: o.mpn ?? 'GRM1', ...(o.vendorIds ? { vendorIds: o.vendorIds } : {}) }, { at, id: `appr-${approvalId}` });
const deviate = (deviationId: string, at: number, o: { from: number; until: number; max?: number; products?: string[]; workOrders?: string[]; brand?: string }): TraceEvent =>
  ev('DeviationApproved', {
    brand: o.brand ?? 'Acme', deviationId, internalPartNumber: 'CAP-1', manufacturer: 'Kemet', mpn: 'ALT1',
    ...(o.products ? { productPartNumbers: o.products } : {}), ...(o.workOrders ? { workOrders: o.workOrders } : {}), ...(o.max !== undefined ? { maxQuantity: o.max } : {}),
    validFrom: t(o.from), validUntil: t(o.until), approvedBy: 'j.doe@acme.example', reason: 'Murata shortage',
  }, { at, id: `dev-${deviationId}` });

const readerOf = authorityReaderOf;

async function judged(events: TraceEvent[], serial: string, scope: BrandScope = SITE_WIDE) {
  const store = storeOf(events);
  const reader = readerOf(store);
  const g = await judgeWithReads(reader, assembleGenealogy(serial, fetchedOf(store)), scope);
  return { g, reader };
}
const materialOf = (g: Genealogy, lotId: string): Installation => {
  const all: Installation[] = [];
  const walk = (u: Genealogy['unit']): void => { all.push(...u.materials); u.subAssemblies.forEach((s) => walk(s.unit)); };
  walk(g.unit);
  return all.find((m) => m.lotId === lotId)!;
};
const authorityFlags = (g: Genealogy): Flag[] => g.summary.flags.filter((f) => f.rule !== undefined);

describe('brand authority: rule 1, the approved parts', () => {
  it('approves a part whose approval for the IPN, manufacturer and MPN was in force at the installation', async () => {
    const { g } = await judged([...base(), approve('A1', 1), start('U1', 2), install('U1', 'REEL-OK', 3)], 'U1');
    expect(materialOf(g, 'REEL-OK').judgement).toMatchObject({ verdict: 'APPROVED', parts: [{ verdict: 'APPROVED', approvalId: 'A1', internalPartNumber: 'CAP-1', mpn: 'GRM1', vendorId: 'V1' }] });
    expect(authorityFlags(g)).toEqual([]);
  });

  it("names each part's vendor lots, sorted, after the verdict's other fields, in the judgement and its flag", async () => {
    const events = [
      ...base(), receive('REEL-Z', 'GRM1', 'Murata'), receive('REEL-A', 'GRM1', 'Murata'), approve('A1', 1, { vendorIds: ['V1'] }),
      ev('LotMerged', { sourceLotIds: ['REEL-Z', 'REEL-V2', 'REEL-A'], lotId: 'REEL-MIX' }, { at: 1, id: 'merge-vl' }),
      start('U1', 2), install('U1', 'REEL-MIX', 3),
    ];
    const { g } = await judged(events, 'U1');
    const vl = (vendorId: string, lotId: string): string => vendorLotId({ vendorId, mpn: 'GRM1', vendorLotCode: `VL-${lotId}` });
    const parts = materialOf(g, 'REEL-MIX').judgement!.parts;
    expect(parts.map((p) => [p.vendorId, p.verdict, p.vendorLotIds])).toEqual([['V1', 'APPROVED', [vl('V1', 'REEL-A'), vl('V1', 'REEL-Z')]], ['V2', 'NOT_ON_AVL', [vl('V2', 'REEL-V2')]]]);
    // The answer's bytes: vendorLotIds last, as every answer gave it since it was a copy of the judgement with them.
    expect(Object.keys(parts[0]!)).toEqual(['verdict', 'vendorId', 'internalPartNumber', 'manufacturer', 'mpn', 'approvalId', 'vendorLotIds']);
    expect(authorityFlags(g)).toEqual([expect.objectContaining({ code: 'NOT_ON_AVL', vendorId: 'V2', vendorLotIds: [vl('V2', 'REEL-V2')] })]);
  });

  it('does not approve material bought from a vendor the approval does not name', async () => {
    const { g } = await judged([...base(), approve('A1', 1, { vendorIds: ['V1'] }), start('U1', 2), install('U1', 'REEL-V2', 3)], 'U1');
    expect(materialOf(g, 'REEL-V2').judgement?.verdict).toBe('NOT_ON_AVL');
    expect(authorityFlags(g)).toEqual([expect.objectContaining({ code: 'NOT_ON_AVL', serial: 'U1', lotId: 'REEL-V2', vendorId: 'V2', rule: 'AVL', internalPartNumber: 'CAP-1', mpn: 'GRM1' })]);
  });

  it('says the brand has not spoken (AVL_MISSING) when it approved nothing for the IPN by then, and NOT_ON_AVL once it approved another part', async () => {
    const missing = await judged([...base(), approve('A1', 5), start('U1', 2), install('U1', 'REEL-OK', 3)], 'U1');
    expect(materialOf(missing.g, 'REEL-OK').judgement?.verdict).toBe('AVL_MISSING');
    expect(authorityFlags(missing.g)).toEqual([expect.objectContaining({ code: 'AVL_MISSING', serial: 'U1', lotId: 'REEL-OK' })]);
    const other = await judged([...base(), approve('A1', 1), start('U1', 2), install('U1', 'REEL-ALT', 3)], 'U1');
    expect(materialOf(other.g, 'REEL-ALT').judgement?.verdict).toBe('NOT_ON_AVL');
  });

  it('applies a withdrawal from its time on, not before', async () => {
    const events = [
      ...base(), approve('A1', 1), start('U1', 2), install('U1', 'REEL-OK', 3), start('U2', 2), install('U2', 'REEL-OK', 6),
      ev('PartApprovalWithdrawn', { brand: 'Acme', approvalId: 'A1', reason: 'EOL' }, { at: 5, id: 'wd-A1' }),
    ];
    expect(materialOf((await judged(events, 'U1')).g, 'REEL-OK').judgement?.verdict).toBe('APPROVED');
    expect(materialOf((await judged(events, 'U2')).g, 'REEL-OK').judgement?.verdict).toBe('NOT_ON_AVL');
  });
});

describe('brand authority: rule 2, deviations', () => {
  it('covers an alternate part within the deviation validity, product and work order, and nothing outside them', async () => {
    const events = [
      ...base(), approve('A1', 1), deviate('D1', 1, { from: 2, until: 10, products: ['P1'], workOrders: ['WO1'] }),
      start('IN', 2), install('IN', 'REEL-ALT', 4),
      start('LATE', 2), install('LATE', 'REEL-ALT', 11),
      start('OTHER-P', 2, { product: 'P2' }), install('OTHER-P', 'REEL-ALT', 4),
      start('OTHER-WO', 2, { wo: 'WO2' }), install('OTHER-WO', 'REEL-ALT', 4),
    ];
    const inside = (await judged(events, 'IN')).g;
    expect(materialOf(inside, 'REEL-ALT').judgement).toMatchObject({ verdict: 'UNDER_DEVIATION', parts: [{ deviationId: 'D1', count: 1 }] });
    expect(authorityFlags(inside)).toEqual([expect.objectContaining({ code: 'UNDER_DEVIATION', serial: 'IN', deviationId: 'D1', count: 1, lotId: 'REEL-ALT' })]);
    for (const serial of ['LATE', 'OTHER-P', 'OTHER-WO']) expect(materialOf((await judged(events, serial)).g, 'REEL-ALT').judgement?.verdict).toBe('NOT_ON_AVL');
  });

  it('applies a revocation from its time on, not before', async () => {
    const events = [
      ...base(), approve('A1', 1), deviate('D1', 1, { from: 1, until: 20 }),
      start('U1', 2), install('U1', 'REEL-ALT', 3), start('U2', 2), install('U2', 'REEL-ALT', 7),
      ev('DeviationRevoked', { brand: 'Acme', deviationId: 'D1', reason: 'Murata back in stock' }, { at: 5, id: 'rv-D1' }),
    ];
    expect(materialOf((await judged(events, 'U1')).g, 'REEL-ALT').judgement?.verdict).toBe('UNDER_DEVIATION');
    expect(materialOf((await judged(events, 'U2')).g, 'REEL-ALT').judgement?.verdict).toBe('NOT_ON_AVL');
  });

  it.each([['forward', false], ['backward', true]])('exhausts a deviation quantity across units in occurredAt order, the event id breaking ties, through a split reel (delivered %s)', async (_order, backward) => {
    // 2 pieces each; max 5: U-A (t3) and U-B (t4, event "b") fit, U-C (t4, event "c") and U-D (t5) exceed.
    const built = [
      ...base(), approve('A1', 1), deviate('D1', 1, { from: 1, until: 20, max: 5 }),
      ev('LotSplit', { sourceLotId: 'REEL-ALT', newLots: [{ lotId: 'ALT-1', quantity: 500 }, { lotId: 'ALT-2', quantity: 500 }] }, { at: 1, id: 'split-alt' }),
      start('U-A', 2), install('U-A', 'REEL-ALT', 3, 2, ['C1', 'C2'], 'i-a'),
      // U-C's reel is read before U-B's: only the event id puts U-B first.
      start('U-C', 2), install('U-C', 'ALT-1', 4, 2, ['C1', 'C2'], 'i-c'),
      start('U-B', 2), install('U-B', 'ALT-2', 4, 2, ['C1', 'C2'], 'i-b'),
      start('U-D', 2), install('U-D', 'ALT-1', 5, 2, ['C1', 'C2'], 'i-d'),
    ];
    const events = backward ? built.reverse() : built;
    const verdicts: Record<string, unknown> = {};
    for (const serial of ['U-A', 'U-B', 'U-C', 'U-D']) {
      const { g } = await judged(events, serial);
      const j = g.unit.materials[0]!.judgement!;
      verdicts[serial] = [j.verdict, j.parts[0]!.count];
    }
    expect(verdicts).toEqual({ 'U-A': ['UNDER_DEVIATION', 2], 'U-B': ['UNDER_DEVIATION', 4], 'U-C': ['DEVIATION_EXCEEDED', 6], 'U-D': ['DEVIATION_EXCEEDED', 8] });
    const { g } = await judged(events, 'U-C');
    expect(authorityFlags(g)).toEqual([expect.objectContaining({ code: 'DEVIATION_EXCEEDED', serial: 'U-C', deviationId: 'D1', count: 6, maxQuantity: 5 })]);
  });

  it('counts only the brand\'s own units against its deviation', async () => {
    const events = [
      ...base(), deviate('D1', 1, { from: 1, until: 20, max: 2 }),
      start('OTHER', 2, { brand: 'Initech' }), install('OTHER', 'REEL-ALT', 3, 2),
      start('MINE', 2), install('MINE', 'REEL-ALT', 4, 2),
    ];
    const { g, reader } = await judged(events, 'MINE');
    expect(materialOf(g, 'REEL-ALT').judgement).toMatchObject({ verdict: 'UNDER_DEVIATION', parts: [{ count: 2 }] });
    // The count reads the brand's own use buckets: another brand's unit on the same reel is never read.
    expect(reader.reads.filter((r) => r.collection === 'lotUses' || r.collection === 'lotUseIndex')).toEqual([]);
    expect(reader.reads.filter((r) => r.collection === 'units').flatMap((r) => r.ids)).toEqual(['MINE']);
    expect(reader.reads.filter((r) => r.collection === 'lotBrandUseIndex').flatMap((r) => r.ids.map((id) => JSON.parse(id)[1]))).toEqual(['Acme']);
  });
});

describe('brand authority: the BOM revision in force at the unit start', () => {
  const bom = (revision: string, from: number, lines: { internalPartNumber: string; quantity: number; refDes?: string[] }[], at = 0): TraceEvent =>
    ev('BomReleased', { brand: 'Acme', productPartNumber: 'P1', revision, effectiveFrom: t(from), lines }, { at, id: `bom-${revision}` });

  it('flags a line short of its quantity, a part not on the BOM and a reference designator not on its line', async () => {
    const events = [
      ...base(), receive('REEL-R', 'RC0603', 'Yageo', 'V1', 'RES-1'), approve('A1', 1), approve('A2', 1, { ipn: 'RES-1', manufacturer: 'Yageo', mpn: 'RC0603' }),
      bom('A', 0, [{ internalPartNumber: 'CAP-1', quantity: 3, refDes: ['C1', 'C2', 'C3'] }]),
      start('U1', 2), install('U1', 'REEL-OK', 3, 2, ['C1', 'C9']), install('U1', 'REEL-R', 3, 1, ['R1']),
    ];
    const { g } = await judged(events, 'U1');
    expect(authorityFlags(g).map((f) => f.difference)).toEqual([
      { kind: 'LINE_SHORT', internalPartNumber: 'CAP-1', required: 3, installed: 2 },
      { kind: 'REFDES_NOT_ON_LINE', internalPartNumber: 'CAP-1', refDes: ['C9'], lotIds: ['REEL-OK'] },
      { kind: 'NOT_ON_BOM', internalPartNumber: 'RES-1', lotIds: ['REEL-R'] },
    ]);
    expect(authorityFlags(g)[0]).toMatchObject({ code: 'BOM_MISMATCH', rule: 'BOM', serial: 'U1', revision: 'A', productPartNumber: 'P1' });
  });

  it('judges a unit against the revision in force when it started: a revision released mid-run applies to units started after it', async () => {
    const events = [
      ...base(), approve('A1', 1),
      bom('A', 0, [{ internalPartNumber: 'CAP-1', quantity: 1 }]),
      bom('B', 5, [{ internalPartNumber: 'CAP-1', quantity: 2 }], 5),
      start('EARLY', 2), install('EARLY', 'REEL-OK', 6, 1),
      start('LATE', 6), install('LATE', 'REEL-OK', 7, 1),
    ];
    expect(authorityFlags((await judged(events, 'EARLY')).g)).toEqual([]);
    expect(authorityFlags((await judged(events, 'LATE')).g)).toEqual([
      expect.objectContaining({ code: 'BOM_MISMATCH', revision: 'B', difference: { kind: 'LINE_SHORT', internalPartNumber: 'CAP-1', required: 2, installed: 1 } }),
    ]);
  });
});

describe('brand authority: order, brands and need-to-know', () => {
  const world = (): TraceEvent[] => [
    ...base(), approve('A1', 1, { vendorIds: ['V1'] }), deviate('D1', 1, { from: 1, until: 20, max: 3 }),
    ev('PartApprovalWithdrawn', { brand: 'Acme', approvalId: 'A1', reason: 'EOL' }, { at: 9, id: 'wd-A1' }),
    ev('DeviationRevoked', { brand: 'Acme', deviationId: 'D1', reason: 'done' }, { at: 12, id: 'rv-D1' }),
    ev('BomReleased', { brand: 'Acme', productPartNumber: 'P1', revision: 'A', effectiveFrom: t(0), lines: [{ internalPartNumber: 'CAP-1', quantity: 4 }] }, { at: 0, id: 'bom-A' }),
    ev('LotMerged', { sourceLotIds: ['REEL-OK', 'REEL-V2'], lotId: 'REEL-MIX' }, { at: 1, id: 'merge' }),
    start('U1', 2), install('U1', 'REEL-OK', 3), install('U1', 'REEL-ALT', 4, 2), install('U1', 'REEL-MIX', 5), install('U1', 'REEL-ALT', 10, 2, ['C5']),
    start('U0', 2), install('U0', 'REEL-ALT', 3, 1),
  ];
  const withoutPositions = (g: unknown): unknown => JSON.parse(JSON.stringify(g, (k, v) => (k === 'partition' || k === 'offset' ? undefined : v)));

  it('ends in the same judgement whatever the order of delivery, duplicates included', async () => {
    const expected = withoutPositions((await judged(world(), 'U1')).g);
    let seed = 11;
    const random = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let round = 0; round < 10; round++) {
      const shuffled = world().sort(() => random() - 0.5);
      const { g } = await judged([...shuffled, ...shuffled.slice(0, 6)], 'U1');
      expect(withoutPositions(g)).toEqual(expected);
    }
    const g = expected as Genealogy;
    expect(g.unit.materials.map((m) => m.judgement?.verdict)).toEqual(['APPROVED', 'UNDER_DEVIATION', 'NOT_ON_AVL', 'DEVIATION_EXCEEDED']);
    expect(g.unit.materials.map((m) => m.judgement?.parts.at(-1)?.count)).toEqual([undefined, 3, undefined, 5]); // U0's piece came first
    // The merged reel holds the approved vendor's part and another vendor's: judged per part, the worst counts.
    expect(g.unit.materials[2]!.judgement!.parts.map((p) => [p.vendorId, p.verdict])).toEqual([['V1', 'APPROVED'], ['V2', 'NOT_ON_AVL']]);
  });

  it('judges the same reel differently for two brands with different approved parts', async () => {
    const events = [
      ...base(), approve('A1', 1), approve('I1', 1, { brand: 'Initech', mpn: 'OTHER' }),
      start('ACME-1', 2), install('ACME-1', 'REEL-OK', 3), start('INITECH-1', 2, { brand: 'Initech' }), install('INITECH-1', 'REEL-OK', 3),
    ];
    expect(materialOf((await judged(events, 'ACME-1')).g, 'REEL-OK').judgement?.verdict).toBe('APPROVED');
    expect(materialOf((await judged(events, 'INITECH-1')).g, 'REEL-OK').judgement?.verdict).toBe('NOT_ON_AVL');
  });

  it('reads brand documents only for the brands of units the caller may see', async () => {
    const events = [
      ...base(), approve('A1', 1), approve('I1', 1, { brand: 'Initech' }),
      start('TOP', 2), install('TOP', 'REEL-OK', 3), start('SUB', 2, { brand: 'Initech' }), install('SUB', 'REEL-OK', 3),
      ev('UnitAssembled', { serial: 'TOP', childSerial: 'SUB' }, { at: 4, id: 'asm' }),
    ];
    const { g, reader } = await judged(events, 'TOP', { kind: 'brands', brands: ['Acme'] });
    const brandReads = reader.reads.filter((r) => r.collection.startsWith('brand')).flatMap((r) => r.ids.map((id) => JSON.parse(id)[0]));
    expect(brandReads.length).toBeGreaterThan(0);
    expect(new Set(brandReads)).toEqual(new Set(['Acme']));
    expect(materialOf(g, 'REEL-OK').judgement?.verdict).toBe('APPROVED');
  });

  it('costs two round trips for the brand documents (then their retractions), none more without a limited deviation', async () => {
    const store = storeOf([...base(), approve('A1', 1), start('U1', 2), install('U1', 'REEL-OK', 3)]);
    const before = assembleGenealogy('U1', fetchedOf(store));
    const trips = before.roundTrips;
    const g = await judgeWithReads(readerOf(store), before, SITE_WIDE);
    expect(g.roundTrips - trips).toBe(2);
  });

  it("counts a limited deviation with a forward walk: the part's receipts and their buckets, each lot level, uses, units; in roundTrips for site-wide callers only", async () => {
    const store = storeOf([
      ...base(), approve('A1', 1), deviate('D1', 1, { from: 1, until: 20, max: 5 }),
      ev('LotSplit', { sourceLotId: 'REEL-ALT', newLots: [{ lotId: 'ALT-1', quantity: 500 }] }, { at: 1, id: 'split' }),
      start('U1', 2), install('U1', 'ALT-1', 3),
    ]);
    const site = readerOf(store);
    const before = assembleGenealogy('U1', fetchedOf(store)).roundTrips;
    expect((await judgeWithReads(site, assembleGenealogy('U1', fetchedOf(store)), SITE_WIDE)).roundTrips - before).toBe(2 + 2 + 2 + 1 + 1);
    // A read of facts is followed by the read of the retractions of events not asked about before (the usage walk's
    // are not counted): the split lot names the split of its source. The approval's and deviation's own documents are
    // not read: the part's document holds what the judgement needs of them.
    expect(site.reads.map((r) => r.collection)).toEqual([
      'brandParts', 'brandBoms', 'retractions',
      'partReceipts', 'partReceiptBuckets', 'lots', 'lotBrandUseIndex', 'retractions', 'lots', 'lotBrandUseIndex', 'lotBrandUses', 'units', 'retractions',
    ]);
    const scoped = await judgeWithReads(readerOf(store), assembleGenealogy('U1', fetchedOf(store)), { kind: 'brands', brands: ['Acme'] });
    expect(scoped.roundTrips - before).toBe(2);
    expect(scoped.unit.materials[0]!.judgement).toMatchObject({ verdict: 'UNDER_DEVIATION', parts: [{ count: 1 }] });
  });
});

describe('brand authority: judging many answers at once', () => {
  // Two brands on the same reels; Acme's units under a limited deviation (D1, 3 pieces) and an unlimited one (D2, product P2).
  const world = (): TraceEvent[] => [
    ...base(), approve('A1', 1), approve('I1', 1, { brand: 'Initech' }),
    deviate('D1', 1, { from: 1, until: 20, max: 3, products: ['P1'] }), deviate('D2', 1, { from: 1, until: 20, products: ['P2'] }),
    deviate('D9', 1, { from: 1, until: 20, max: 1, brand: 'Initech' }),
    start('A-1', 2), install('A-1', 'REEL-ALT', 3, 2), install('A-1', 'REEL-OK', 3),
    start('A-2', 2), install('A-2', 'REEL-ALT', 4, 2),
    start('A-3', 2, { product: 'P2' }), install('A-3', 'REEL-ALT', 5, 2),
    start('A-4', 2, { product: 'P2' }), install('A-4', 'REEL-ALT', 6, 1), install('A-4', 'REEL-V2', 6),
    start('I-1', 2, { brand: 'Initech' }), install('I-1', 'REEL-ALT', 3, 1), start('I-2', 2, { brand: 'Initech' }), install('I-2', 'REEL-ALT', 4, 1),
    start('EMPTY', 2),
  ];
  const serials = ['A-1', 'A-2', 'A-3', 'A-4', 'I-1', 'I-2', 'EMPTY'];
  const strip = (g: unknown): unknown => JSON.parse(JSON.stringify(g, (k, v) => (k === 'roundTrips' ? undefined : v)));

  it.each([['site-wide', SITE_WIDE], ['scoped to Acme', { kind: 'brands', brands: ['Acme'] } as BrandScope]])('judges each answer as it is judged alone (%s)', async (_name, scope) => {
    const store = storeOf(world());
    const alone = await Promise.all(serials.map(async (s) => strip(await judgeWithReads(readerOf(store), assembleGenealogy(s, fetchedOf(store)), scope))));
    const many = await judgeManyWithReads(readerOf(store), serials.map((s) => assembleGenealogy(s, fetchedOf(store))), scope);
    expect(many.map(strip)).toEqual(alone);
    // The counts an answer alone would make: A-3's unlimited deviation counts A-3's own pieces only, A-2 exceeds D1.
    const verdicts = many.map((g) => g.unit.materials.map((m) => [m.judgement?.verdict, m.judgement?.parts[0]?.count]));
    expect(verdicts.slice(0, 4)).toEqual([
      [['UNDER_DEVIATION', 2], ['APPROVED', undefined]],
      [['DEVIATION_EXCEEDED', 4]],
      [['UNDER_DEVIATION', 2]],
      [['UNDER_DEVIATION', 1], ['APPROVED', undefined]],
    ]);
  });

  it('reads each kind of brand document once for the whole batch, and the forward count once', async () => {
    const store = storeOf(world());
    const reader = readerOf(store);
    const many = await judgeManyWithReads(reader, serials.map((s) => assembleGenealogy(s, fetchedOf(store))), SITE_WIDE);
    const kinds = reader.reads.map((r) => r.collection);
    for (const kind of ['brandParts', 'brandBoms', 'partReceipts', 'partReceiptBuckets', 'lotBrandUses', 'units']) expect(kinds.filter((k) => k === kind)).toHaveLength(1);
    // Written with the parts' copies: no approval's or deviation's own document is read; without them, each kind once.
    expect(kinds.filter((k) => k === 'brandApprovals' || k === 'brandDeviations')).toEqual([]);
    const legacy = authorityReaderOf(withoutPartCopies(store));
    await judgeManyWithReads(legacy, serials.map((s) => assembleGenealogy(s, fetchedOf(store))), SITE_WIDE);
    expect(legacy.reads.map((r) => r.collection).filter((k) => k === 'brandApprovals' || k === 'brandDeviations')).toEqual(['brandApprovals', 'brandDeviations']);
    expect(reader.reads.find((r) => r.collection === 'brandParts')!.ids.map((id) => JSON.parse(id)[0])).toEqual(['Acme', 'Initech']);
    // One batch costs what one answer under a limited deviation costs: two for the brand documents, receipts and their buckets, one lot level, uses, units.
    const one = await judgeWithReads(readerOf(store), assembleGenealogy('A-1', fetchedOf(store)), SITE_WIDE);
    expect(many[0]!.roundTrips).toBe(one.roundTrips);
    expect(many[0]!.roundTrips - assembleGenealogy('A-1', fetchedOf(store)).roundTrips).toBe(2 + 2 + 1 + 1 + 1);
  });
});

describe("brand authority: the approver's lists", () => {
  const world = (): TraceEvent[] => [
    ...base(), approve('A1', 1), approve('A2', 1, { mpn: 'GRM2' }), approve('I1', 1, { brand: 'Initech' }),
    ev('PartApprovalWithdrawn', { brand: 'Acme', approvalId: 'A2', reason: 'EOL' }, { at: 5, id: 'wd-A2' }),
    deviate('D1', 1, { from: 1, until: 20, max: 3 }), deviate('D2', 1, { from: 30, until: 40 }), deviate('D3', 1, { from: 1, until: 20 }),
    ev('DeviationRevoked', { brand: 'Acme', deviationId: 'D3', reason: 'done' }, { at: 6, id: 'rv-D3' }),
    deviate('D9', 1, { from: 1, until: 20, brand: 'Initech' }),
    start('U1', 2), install('U1', 'REEL-ALT', 3, 2), start('U2', 2), install('U2', 'REEL-ALT', 4, 2),
    start('I-1', 2, { brand: 'Initech' }), install('I-1', 'REEL-ALT', 3, 5),
  ];
  const now = Date.parse(t(10));

  it('lists every approval of the brand with its state, and nothing of another brand', async () => {
    const reader = readerOf(storeOf(world()));
    const list = await brandApprovals(reader, 'Acme', now);
    expect(list.map((a) => [a.approvalId, a.state, a.mpn, a.withdrawn?.reason])).toEqual([['A1', 'IN_FORCE', 'GRM1', undefined], ['A2', 'WITHDRAWN', 'GRM2', 'EOL']]);
    expect(await brandApprovals(reader, 'Nobody', now)).toEqual([]);
  });

  it('lists every deviation of the brand with its state and the pieces used and left, counted as the judgement counts them', async () => {
    const reader = readerOf(storeOf(world()));
    const list = await brandDeviations(reader, 'Acme', now);
    expect(list.map((d) => [d.deviationId, d.state, d.piecesUsed, d.piecesLeft])).toEqual([
      ['D1', 'IN_FORCE', 4, 0],
      ['D2', 'NOT_YET_IN_FORCE', 0, undefined],
      ['D3', 'REVOKED', 0, undefined],
    ]);
    expect(list[2]!.revoked).toEqual({ at: t(6), reason: 'done' });
    // Initech's 5 pieces on the same reel are never read.
    expect(reader.reads.filter((r) => r.collection === 'units').flatMap((r) => r.ids).sort()).toEqual(['U1', 'U2']);
    expect((await brandDeviations(reader, 'Initech', Date.parse(t(25)))).map((d) => [d.deviationId, d.state, d.piecesUsed])).toEqual([['D9', 'EXPIRED', 5]]);
  });

  it('lists neither a retracted approval nor a retracted deviation, and undoes a retracted withdrawal or revocation', async () => {
    const retract = (eventId: string) => ev('EventRetracted', { retractedEventId: eventId, reason: 'published by mistake' }, { at: 7, id: `retract-${eventId}` });
    const reader = readerOf(storeOf([...world(), retract('appr-A1'), retract('wd-A2'), retract('dev-D2'), retract('rv-D3')]));
    expect((await brandApprovals(reader, 'Acme', now)).map((a) => [a.approvalId, a.state])).toEqual([['A2', 'IN_FORCE']]);
    expect((await brandDeviations(reader, 'Acme', now)).map((d) => [d.deviationId, d.state])).toEqual([['D1', 'IN_FORCE'], ['D3', 'IN_FORCE']]);
  });
});

describe("brand authority: withdrawals and revocations on the part's document", () => {
  const withdraw = (approvalId: string, at: number, id: string, brand = 'Acme'): TraceEvent => ev('PartApprovalWithdrawn', { brand, approvalId, reason: 'EOL' }, { at, id });
  const revoke = (deviationId: string, at: number, id: string): TraceEvent => ev('DeviationRevoked', { brand: 'Acme', deviationId, reason: 'done' }, { at, id });
  const retract = (eventId: string, at: number): TraceEvent => ev('EventRetracted', { retractedEventId: eventId, reason: 'published by mistake' }, { at, id: `retract-${eventId}` });
  const reel = (lotId: string, ipn: string): TraceEvent => receive(lotId, 'GRM1', 'Murata', 'V1', ipn);
  const reused = (deviationId: string, ipn: string, at: number): TraceEvent =>
    ev('DeviationApproved', { brand: 'Acme', deviationId, internalPartNumber: ipn, manufacturer: 'Kemet', mpn: 'ALT1', validFrom: t(1), validUntil: t(20), approvedBy: 'q', reason: 'shortage' }, { at, id: `dev-${deviationId}-${ipn}` });
  // A1 approved for CAP-1, withdrawn at 5 and again at 8 (the first counts); A2 approved for CAP-2 at 1, then under the
  // same id for CAP-3 at 2 (the first holds: CAP-3 has none), D3 likewise for CAP-2's alternate and then CAP-3's; D1 on
  // CAP-1's alternate, revoked at 6; Initech withdraws its
  // own A1 at 2. Units installed at 3 (before every end) and at 7 (after them).
  const world = (): TraceEvent[] => [
    ...base(), reel('REEL-2', 'CAP-2'), reel('REEL-3', 'CAP-3'), receive('REEL-ALT3', 'ALT1', 'Kemet', 'V1', 'CAP-3'),
    reused('D3', 'CAP-2', 1), reused('D3', 'CAP-3', 2),
    approve('A1', 1), ev('PartApproved', { brand: 'Acme', approvalId: 'A2', internalPartNumber: 'CAP-2', manufacturer: 'Murata', mpn: 'GRM1' }, { at: 1, id: 'appr-A2-cap2' }),
    ev('PartApproved', { brand: 'Acme', approvalId: 'A2', internalPartNumber: 'CAP-3', manufacturer: 'Murata', mpn: 'GRM1' }, { at: 2, id: 'appr-A2-cap3' }),
    ev('PartApproved', { brand: 'Initech', approvalId: 'A1', internalPartNumber: 'CAP-1', manufacturer: 'Murata', mpn: 'GRM1' }, { at: 1, id: 'appr-initech-A1' }),
    deviate('D1', 1, { from: 1, until: 20 }),
    withdraw('A1', 5, 'wd-A1'), withdraw('A1', 8, 'wd-A1-again'), revoke('D1', 6, 'rv-D1'), withdraw('A1', 2, 'wd-initech-A1', 'Initech'),
    start('EARLY', 2), install('EARLY', 'REEL-OK', 3), install('EARLY', 'REEL-ALT', 3), install('EARLY', 'REEL-2', 3), install('EARLY', 'REEL-3', 3), install('EARLY', 'REEL-ALT3', 3),
    start('LATE', 2), install('LATE', 'REEL-OK', 7), install('LATE', 'REEL-ALT', 7),
    start('ACME', 2), install('ACME', 'REEL-OK', 3), start('INITECH', 2, { brand: 'Initech' }), install('INITECH', 'REEL-OK', 3),
  ];
  const serials = ['EARLY', 'LATE', 'ACME', 'INITECH'];
  const verdictsOf = (g: Genealogy): [string, string | undefined][] =>
    g.unit.materials.map((m): [string, string | undefined] => [m.lotId, m.judgement?.verdict]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  /** Each serial judged as the API judges it (the walk's view, retractions and asOf), with the reads of its judgement. */
  const judgedIn = async (store: FakeStore, serial: string, asOf?: Date) => {
    const graph = await new GraphFetcher(graphReaderOf(store) as never).fetchMany([serial], SITE_WIDE, asOf);
    const reader = readerOf(store);
    const g = await judgeWithReads(reader, assembleGenealogy(serial, graph), SITE_WIDE, graph.view ?? new FactView(reader, asOf));
    return { g, kinds: reader.reads.map((r) => r.collection) };
  };
  const verdicts = async (store: FakeStore, asOf?: Date) => Promise.all(serials.map(async (s) => verdictsOf((await judgedIn(store, s, asOf)).g)));
  const EXPECTED = [
    [['REEL-2', 'APPROVED'], ['REEL-3', 'AVL_MISSING'], ['REEL-ALT', 'UNDER_DEVIATION'], ['REEL-ALT3', 'AVL_MISSING'], ['REEL-OK', 'APPROVED']],
    [['REEL-ALT', 'NOT_ON_AVL'], ['REEL-OK', 'NOT_ON_AVL']],
    [['REEL-OK', 'APPROVED']],
    [['REEL-OK', 'NOT_ON_AVL']],
  ];

  it("judges withdrawals, revocations, an approval and a deviation id reused for another IPN and another brand's withdrawal from the part's document alone", async () => {
    const store = storeOf(world());
    expect(await verdicts(store)).toEqual(EXPECTED);
    for (const s of serials) expect((await judgedIn(store, s)).kinds.filter((k) => k === 'brandApprovals' || k === 'brandDeviations')).toEqual([]);
    // Each brand's part holds its own brand's withdrawals only: Initech's withdrawal of its A1 is not on Acme's CAP-1.
    const withdrawals = (brand: string) => Object.values(store.brandParts!.get(JSON.stringify([brand, 'CAP-1']))!.withdrawals ?? {}).map((w) => eventIdOf((w as Timed).prov)).sort();
    expect(withdrawals('Acme')).toEqual(['wd-A1', 'wd-A1-again']);
    expect(withdrawals('Initech')).toEqual(['wd-initech-A1']);
  });

  it('judges documents written before the copies from the approvals\' and deviations\' own documents, the same', async () => {
    const legacy = withoutPartCopies(storeOf(world()));
    expect(await verdicts(legacy)).toEqual(EXPECTED);
    expect((await judgedIn(legacy, 'EARLY')).kinds).toEqual(expect.arrayContaining(['brandApprovals', 'brandDeviations']));
  });

  it('writes the same part documents in any order of delivery and any number of replays', async () => {
    const expected = snapshotOf(storeOf(world()), ['brandParts']);
    expect(expected).toContain('copiedApprovals');
    for (const seed of [3, 17, 101, 4242]) {
      const shuffled = shuffledStoreOf(world(), seed, 9);
      expect(snapshotOf(shuffled, ['brandParts'])).toEqual(expected);
      expect(await verdicts(shuffled)).toEqual(EXPECTED);
    }
  });

  it("reports a revoked deviation from the part's document without reading another approval's or deviation's own document, as it reports it from documents written before the copies", async () => {
    const reportOf = async (store: FakeStore) => {
      const reader = readerOf(store);
      const report = await deviationReport(visibleReader(reader, new FactView(reader)), 'Acme', 'D1', SITE_WIDE, Date.parse(t(30)));
      return { report, own: reader.reads.filter((r) => r.collection === 'brandApprovals' || r.collection === 'brandDeviations').flatMap((r) => r.ids) };
    };
    const copied = await reportOf(storeOf(world()));
    const legacy = await reportOf(withoutPartCopies(storeOf(world())));
    expect(copied.report?.revoked?.at).toBe(t(6));
    expect(JSON.stringify(copied.report)).toBe(JSON.stringify(legacy.report));
    // Only the deviation's own document, which names its part: no read of what the part's copies hold.
    expect(copied.own).toEqual([JSON.stringify(['Acme', 'D1'])]);
    expect(legacy.own).toEqual(expect.arrayContaining([JSON.stringify(['Acme', 'A1'])]));
  });

  it('does not apply a retracted withdrawal or revocation, and lets the later approval or deviation under a reused id hold once the first is retracted', async () => {
    for (const make of [storeOf, (es: TraceEvent[]) => withoutPartCopies(storeOf(es))]) {
      const store = make([...world(), retract('wd-A1', 9), retract('rv-D1', 9), retract('appr-A2-cap2', 9), retract('dev-D3-CAP-2', 9)]);
      const [early, late] = await verdicts(store);
      expect(early).toEqual([['REEL-2', 'AVL_MISSING'], ['REEL-3', 'APPROVED'], ['REEL-ALT', 'UNDER_DEVIATION'], ['REEL-ALT3', 'UNDER_DEVIATION'], ['REEL-OK', 'APPROVED']]);
      // The second withdrawal (at 8) still ends A1, after LATE's installation at 7; D1 is no longer revoked.
      expect(late).toEqual([['REEL-ALT', 'UNDER_DEVIATION'], ['REEL-OK', 'APPROVED']]);
    }
  });

  it('judges as of a moment after a withdrawal with it, and as of a moment before it as things stood then', async () => {
    for (const make of [storeOf, (es: TraceEvent[]) => withoutPartCopies(storeOf(es))]) {
      const store = make(world());
      // As of 7:30 LATE's installations are there and A1 was withdrawn at 5: not approved. As of 4, neither is yet.
      const [, late] = await verdicts(store, new Date(Date.parse(t(7)) + 30_000));
      expect(late).toEqual([['REEL-ALT', 'NOT_ON_AVL'], ['REEL-OK', 'NOT_ON_AVL']]);
      const [early, lateBefore] = await verdicts(store, new Date(Date.parse(t(4))));
      expect(early).toEqual(EXPECTED[0]);
      expect(lateBefore).toEqual([]);
    }
  });
});

describe('brand authority: retractions', () => {
  // Judged as the API judges: the walk sees the retractions, and the judgement reads through the same view.
  const traced = async (events: TraceEvent[], serial: string) => {
    const store = storeOf(events);
    const graph = await new GraphFetcher(graphReaderOf(store) as never).fetch(serial);
    return judgeWithReads(readerOf(store), assembleGenealogy(serial, graph), SITE_WIDE, graph.view);
  };
  const retract = (eventId: string, at: number) => ev('EventRetracted', { retractedEventId: eventId, reason: 'published by mistake' }, { at, id: `retract-${eventId}` });

  it('does not count a retracted installation toward a deviation\'s quantity', async () => {
    const built = [
      ...base(), approve('A1', 1), deviate('D1', 1, { from: 1, until: 20, max: 2 }),
      start('U-A', 2), install('U-A', 'REEL-ALT', 3, 2, ['C1', 'C2'], 'i-a'),
      start('U-B', 2), install('U-B', 'REEL-ALT', 4, 2, ['C1', 'C2'], 'i-b'),
    ];
    expect((await traced(built, 'U-B')).unit.materials[0]!.judgement!.verdict).toBe('DEVIATION_EXCEEDED');
    for (const events of [[...built, retract('i-a', 5)], [retract('i-a', 5), ...built]]) {
      expect((await traced(events, 'U-B')).unit.materials[0]!.judgement).toMatchObject({ verdict: 'UNDER_DEVIATION', parts: [{ count: 2 }] });
    }
  });

  it('does not apply a retracted approval, nor a retracted withdrawal', async () => {
    const built = [...base(), approve('A1', 1), start('U1', 2), install('U1', 'REEL-OK', 3)];
    expect((await traced([...built, retract('appr-A1', 4)], 'U1')).unit.materials[0]!.judgement!.verdict).toBe('AVL_MISSING');
    const withdrawn = [...built, ev('PartApprovalWithdrawn', { brand: 'Acme', approvalId: 'A1', reason: 'x' }, { at: 2, id: 'wd-A1' })];
    expect((await traced(withdrawn, 'U1')).unit.materials[0]!.judgement!.verdict).not.toBe('APPROVED');
    expect((await traced([...withdrawn, retract('wd-A1', 4)], 'U1')).unit.materials[0]!.judgement!.verdict).toBe('APPROVED');
  });

  it('does not apply a retracted deviation', async () => {
    const built = [...base(), approve('A1', 1), deviate('D1', 1, { from: 1, until: 20 }), start('U1', 2), install('U1', 'REEL-ALT', 3)];
    expect((await traced(built, 'U1')).unit.materials[0]!.judgement!.verdict).toBe('UNDER_DEVIATION');
    expect((await traced([...built, retract('dev-D1', 4)], 'U1')).unit.materials[0]!.judgement!.verdict).toBe('NOT_ON_AVL');
  });
});

describe('brand authority: an alternate part installed in place of a BOM part (bomPartNumber)', () => {
  // REEL-ALT2 is received as its own part CAP-2 (Kemet ALT1); the line installed it in place of the BOM line CAP-1.
  const alternate = (serial: string, at: number): TraceEvent =>
    ev('MaterialInstalled', { serial, lotId: 'REEL-ALT2', quantity: 1, refDes: ['C1'], bomPartNumber: 'CAP-1' }, { at, id: `alt-${serial}` });
  const world = (): TraceEvent[] => [
    ...base(), receive('REEL-ALT2', 'ALT1', 'Kemet', 'V1', 'CAP-2'), approve('A1', 1), approve('A-CAP2', 1, { ipn: 'CAP-2', manufacturer: 'Kemet', mpn: 'ALT1' }),
    ev('BomReleased', { brand: 'Acme', productPartNumber: 'P1', revision: 'A', effectiveFrom: t(0), lines: [{ internalPartNumber: 'CAP-1', quantity: 1, refDes: ['C1'] }] }, { at: 0, id: 'bom-alt' }),
  ];

  it('judges it against the BOM line it replaced: not approved there, though approved as its own part', async () => {
    const { g } = await judged([...world(), start('U1', 2), alternate('U1', 3)], 'U1');
    expect(materialOf(g, 'REEL-ALT2')).toMatchObject({ bomPartNumber: 'CAP-1', judgement: { verdict: 'NOT_ON_AVL', parts: [{ internalPartNumber: 'CAP-1', manufacturer: 'Kemet', mpn: 'ALT1' }] } });
    // It fills its BOM line: no NOT_ON_BOM for CAP-2, no short CAP-1 line.
    expect(authorityFlags(g).map((f) => f.code)).toEqual(['NOT_ON_AVL']);
  });

  it('is under deviation when the brand granted one from that BOM line', async () => {
    const { g } = await judged([...world(), deviate('D1', 1, { from: 0, until: 100 }), start('U1', 2), alternate('U1', 3)], 'U1');
    expect(materialOf(g, 'REEL-ALT2').judgement).toMatchObject({ verdict: 'UNDER_DEVIATION', parts: [{ deviationId: 'D1', internalPartNumber: 'CAP-1' }] });
  });
});
