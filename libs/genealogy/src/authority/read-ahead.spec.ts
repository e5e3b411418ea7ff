import { TraceEvent, makeEvent } from '@trace/contracts';
import { assembleGenealogy } from '../backward/assemble-genealogy';
import { BackwardTracer } from '../backward/backward-tracer';
import { GraphFetcher } from '../backward/graph-fetcher';
import { SITE_WIDE, type BrandScope, type Genealogy, type Installation } from '../genealogy.types';
import { readerOf as graphReaderOf, storeOf, withoutPartCopies } from '../testing/fake-graph';
import { AuthorityJudge, judgeWithReads } from './authority-judge';
import { authorityReaderOf } from './fake-authority';
import { brandPartId } from './authority.documents';
import { AuthorityReadAhead } from './read-ahead';
import type { FactView } from '../facts/visibility';

// A unit with a sub-assembly: the walk reads units, then lots and the child, then vendor lots: levels enough for the
// judgement's reads to start before the walk ends.
const t = (m: number): string => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();
const ev = <T extends TraceEvent['type']>(type: T, data: Extract<TraceEvent, { type: T }>['data'], at: number, id: string): TraceEvent =>
  makeEvent(type, data as never, { occurredAt: t(at), eventId: id }) as TraceEvent;
const receive = (lotId: string, mpn: string, manufacturer: string): TraceEvent =>
  ev('MaterialReceived', { receiptId: `GR-${lotId}`, vendorId: 'V1', manufacturer, mpn, internalPartNumber: 'CAP-1', vendorLotCode: `VL-${lotId}`, receivedAt: t(0), uom: 'pcs', packages: [{ lotId, quantity: 1000 }] }, 0, `rcv-${lotId}`);
const world = (): TraceEvent[] => [
  ev('VendorRegistered', { vendorId: 'V1', name: 'Distri', country: 'DE', status: 'approved' }, 0, 'vr-V1'),
  receive('REEL-OK', 'GRM1', 'Murata'),
  receive('REEL-ALT', 'ALT1', 'Kemet'),
  ev('PartApproved', { brand: 'Acme', approvalId: 'A1', internalPartNumber: 'CAP-1', manufacturer: 'Murata', mpn: 'GRM1' }, 1, 'appr-A1'),
  ev('UnitStarted', { serial: 'TOP', brand: 'Acme', productPartNumber: 'P1', workOrder: 'WO1' }, 2, 'start-TOP'),
  ev('UnitStarted', { serial: 'SUB', brand: 'Acme', productPartNumber: 'P2', workOrder: 'WO1' }, 2, 'start-SUB'),
  ev('MaterialInstalled', { serial: 'SUB', lotId: 'REEL-OK', quantity: 1, refDes: ['C1'] }, 3, 'inst-SUB'),
  ev('MaterialInstalled', { serial: 'TOP', lotId: 'REEL-ALT', quantity: 1, refDes: ['C2'] }, 3, 'inst-TOP'),
  ev('UnitAssembled', { serial: 'TOP', childSerial: 'SUB', refDes: 'J1' }, 4, 'asm-SUB'),
];
const retract = (eventId: string, at: number): TraceEvent => ev('EventRetracted', { retractedEventId: eventId, reason: 'published by mistake' }, at, `retract-${eventId}`);

/** The tracer as the API wires it, over one fake store read by both the walk and the judgement, every read in order. */
function tracerOver(events: TraceEvent[], wrap: (reader: ReturnType<typeof authorityReaderOf>) => object = (r) => r) {
  const store = storeOf(events);
  const graph = graphReaderOf(store);
  const authority = authorityReaderOf(store);
  const order: string[] = [];
  graph.reads.push = (...rs) => (order.push(...rs.map((r) => r.collection)), Array.prototype.push.apply(graph.reads, rs));
  authority.reads.push = (...rs) => (order.push(...rs.map((r) => r.collection)), Array.prototype.push.apply(authority.reads, rs));
  const judge = new AuthorityJudge(wrap(authority) as never, graph as never);
  return { tracer: new BackwardTracer(new GraphFetcher(graph as never), judge), store, order };
}
/** The same answer judged the way it was before any read ahead: the walk, then the judgement's reads. */
async function judgedAfterTheWalk(events: TraceEvent[], serial: string, scope: BrandScope = SITE_WIDE): Promise<Genealogy> {
  const store = storeOf(events);
  const graph = await new GraphFetcher(graphReaderOf(store) as never).fetchMany([serial], scope);
  return judgeWithReads(authorityReaderOf(store), assembleGenealogy(serial, graph), scope, graph.view);
}
const materials = (g: Genealogy): Installation[] => {
  const all: Installation[] = [];
  const walk = (u: Genealogy['unit']): void => (all.push(...u.materials), u.subAssemblies.forEach((s) => walk(s.unit)));
  walk(g.unit);
  return all;
};

describe('the judgement reads ahead while the walk goes on', () => {
  it('asks for the brand documents before the walk has read its last level, and judges exactly as after the walk', async () => {
    const { tracer, order } = tracerOver(world());
    const g = (await tracer.trace('TOP', SITE_WIDE))!;
    const firstParts = order.indexOf('brandParts');
    const lastWalk = Math.max(order.lastIndexOf('vendorLots'), order.lastIndexOf('lots'));
    expect(firstParts).toBeGreaterThanOrEqual(0);
    expect(firstParts).toBeLessThan(lastWalk);
    // The part's document holds what the judgement needs of its approvals: their own documents are not read.
    expect(order.filter((c) => c === 'brandApprovals')).toEqual([]);
    expect(g).toEqual(await judgedAfterTheWalk(world(), 'TOP'));
    expect(materials(g).map((m) => m.judgement?.verdict).sort()).toEqual(['APPROVED', 'NOT_ON_AVL']);
  });

  it('reads ahead the approvals\' own documents for parts written before the copies, and judges the same', async () => {
    const events = [...world(), ev('PartApprovalWithdrawn', { brand: 'Acme', approvalId: 'A1', reason: 'EOL' }, 2, 'wd-A1')];
    const { tracer, store, order } = tracerOver(events);
    const copied = (await tracer.trace('TOP', SITE_WIDE))!;
    Object.assign(store, withoutPartCopies(store));
    order.length = 0;
    const legacy = (await tracer.trace('TOP', SITE_WIDE))!;
    expect(order.indexOf('brandParts')).toBeGreaterThanOrEqual(0);
    expect(order.indexOf('brandApprovals')).toBeGreaterThan(order.indexOf('brandParts'));
    expect(materials(legacy).find((m) => m.lotId === 'REEL-OK')!.judgement!.verdict).toBe('NOT_ON_AVL');
    const strip = (g: Genealogy): unknown => ({ ...g, roundTrips: undefined });
    expect(strip(legacy)).toEqual(strip(copied));
  });

  it('applies a retracted approval whose retraction was read ahead, in either order of delivery', async () => {
    for (const events of [[...world(), retract('appr-A1', 5)], [retract('appr-A1', 5), ...world()]]) {
      const g = (await tracerOver(events).tracer.trace('TOP', SITE_WIDE))!;
      expect(materials(g).find((m) => m.lotId === 'REEL-OK')!.judgement!.verdict).toBe('AVL_MISSING');
      expect(g).toEqual(await judgedAfterTheWalk(events, 'TOP'));
    }
  });

  it('reads again what a read ahead failed to read: the same judgement, never one without the documents', async () => {
    let failures = 1;
    const { tracer } = tracerOver(world(), (r) => ({
      ...r,
      findBrandParts: (ids: string[]) => (failures-- > 0 ? Promise.reject(new Error('connection reset')) : r.findBrandParts(ids)),
    }));
    const g = (await tracer.trace('TOP', SITE_WIDE))!;
    expect(g).toEqual(await judgedAfterTheWalk(world(), 'TOP'));
    expect(materials(g).find((m) => m.lotId === 'REEL-OK')!.judgement!.verdict).toBe('APPROVED');
  });

  it('fails the answer when the brand documents cannot be read at all', async () => {
    const { tracer } = tracerOver(world(), (r) => ({ ...r, findBrandParts: () => Promise.reject(new Error('connection reset')) }));
    await expect(tracer.trace('TOP', SITE_WIDE)).rejects.toThrow('connection reset');
  });

  it('reads nothing ahead for a serial outside the caller\'s scope', async () => {
    const { tracer, order } = tracerOver([...world(), ev('UnitStarted', { serial: 'OTHER', brand: 'Globex', productPartNumber: 'P9', workOrder: 'WO9' }, 2, 'start-OTHER')]);
    expect(await tracer.trace('OTHER', { kind: 'brands', brands: ['Acme'] })).toBeNull();
    expect(order.filter((c) => c.startsWith('brand'))).toEqual([]);
  });

  it("works out each part's authority while the walk goes on, retractions read ahead applied, and the judgement takes it", async () => {
    const authorityAfterTheWalk = async (events: TraceEvent[]) => {
      const store = storeOf(events);
      const reader = authorityReaderOf(store);
      let ahead: AuthorityReadAhead | undefined;
      const onLevel = (level: { units: readonly never[]; vendorLots: readonly never[] }, view: FactView): void =>
        (ahead ??= new AuthorityReadAhead(reader, SITE_WIDE, view)).level(level.units, level.vendorLots);
      await new GraphFetcher(graphReaderOf(store) as never).fetchMany(['TOP'], SITE_WIDE, undefined, onLevel as never);
      for (let i = 0; i < 5; i++) await new Promise((resolve) => setImmediate(resolve)); // the reads ahead settle
      const [part] = await reader.findBrandParts([brandPartId('Acme', 'CAP-1')]);
      return ahead!.reader.partAuthority!(part!);
    };
    expect(await authorityAfterTheWalk(world())).toEqual({
      approvals: [{ approvalId: 'A1', internalPartNumber: 'CAP-1', manufacturer: 'Murata', mpn: 'GRM1', from: Date.parse(t(1)) }],
      deviations: [],
    });
    expect(await authorityAfterTheWalk([...world(), retract('appr-A1', 5)])).toEqual({ approvals: [], deviations: [] });

    // The judgement judges by what was worked out (here: told that nothing was approved), not by working it out again.
    const store = storeOf(world());
    const graph = await new GraphFetcher(graphReaderOf(store) as never).fetchMany(['TOP'], SITE_WIDE);
    const told = { ...authorityReaderOf(store), partAuthority: () => ({ approvals: [], deviations: [] }) };
    const g = await judgeWithReads(told, assembleGenealogy('TOP', graph), SITE_WIDE, graph.view);
    expect(materials(g).find((m) => m.lotId === 'REEL-OK')!.judgement!.verdict).toBe('AVL_MISSING');
  });
});
