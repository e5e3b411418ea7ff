// The part copies (partCopyWrites) where the database or the data push back: a refused copy, one event id naming two
// approvals, one id under many IPNs. Each case is judged against the same data without the copies (as before them).
import { SITE_WIDE } from '../genealogy.types';
import { TraceEvent, makeEvent } from '@trace/contracts';
import { assembleGenealogy } from '../backward/assemble-genealogy';
import { FakeStore, readerOf as graphReaderOf, storeOf, withoutPartCopies } from '../testing/fake-graph';
import { FactView } from '../facts/visibility';
import { GraphFetcher } from '../backward/graph-fetcher';
import type { Genealogy } from '../genealogy.types';
import { judgeWithReads } from './authority-judge';
import { brandApprovals } from './brand-lists';
import { MAX_COPIED_IPNS, partCopyWrites } from './authority-writes';
import type { BrandApprovalDoc } from './authority.documents';
import { authorityReaderOf } from './fake-authority';
import { EventRecorder } from '../write/event-recorder';
import { applyGraphWrites, prepareGraphWrites, refusedWrites, type GraphStore } from '../write/apply-graph-writes';

const t = (m: number): string => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();
let seq = 0;
const ev = <T extends TraceEvent['type']>(type: T, data: Extract<TraceEvent, { type: T }>['data'], o: { at: number; id?: string }): TraceEvent =>
  makeEvent(type, data as never, { occurredAt: t(o.at), eventId: o.id ?? `ev-${type}-${++seq}` }) as TraceEvent;
const receive = (lotId: string, ipn = 'CAP-1'): TraceEvent =>
  ev('MaterialReceived', { receiptId: `GR-${lotId}`, vendorId: 'V1', manufacturer: 'Murata', mpn: 'GRM1', internalPartNumber: ipn, vendorLotCode: `VL-${lotId}`, receivedAt: t(0), uom: 'pcs', packages: [{ lotId, quantity: 1000 }] }, { at: 0, id: `rcv-${lotId}` });
const approve = (approvalId: string, ipn: string, at: number, id: string): TraceEvent =>
  ev('PartApproved', { brand: 'Acme', approvalId, internalPartNumber: ipn, manufacturer: 'Murata', mpn: 'GRM1' }, { at, id });
const withdraw = (approvalId: string, at: number, id: string): TraceEvent => ev('PartApprovalWithdrawn', { brand: 'Acme', approvalId, reason: 'EOL' }, { at, id });
const start = (serial: string): TraceEvent => ev('UnitStarted', { serial, brand: 'Acme', productPartNumber: 'P1', workOrder: 'WO1' }, { at: 2, id: `start-${serial}` });
const install = (serial: string, lotId: string, at: number): TraceEvent => ev('MaterialInstalled', { serial, lotId, quantity: 1, refDes: ['C1'] }, { at, id: `inst-${serial}-${lotId}` });
const base = (): TraceEvent[] => [ev('VendorRegistered', { vendorId: 'V1', name: 'Distri', country: 'DE', status: 'approved' }, { at: 0, id: 'vr-V1' }), receive('REEL-OK')];

const verdict = async (store: FakeStore, serial: string): Promise<string | undefined> => {
  const graph = await new GraphFetcher(graphReaderOf(store) as never).fetchMany([serial], SITE_WIDE);
  const reader = authorityReaderOf(store);
  const g: Genealogy = await judgeWithReads(reader, assembleGenealogy(serial, graph), SITE_WIDE, graph.view ?? new FactView(reader));
  return g.unit.materials[0]?.judgement?.verdict;
};

// $set with dotted paths over a FakeStore, as a GraphStore (what GraphWriteRepository gives applyGraphWrites); `refuse`
// says which updates the database refuses as too large (code 17419). A bulk is unordered, as the repository's: every
// other operation is applied, and the error names each refused one by its index.
function fakeGraphStore(store: FakeStore, refuse: (collection: string, set: Record<string, unknown>) => boolean): GraphStore {
  return {
    bulkUpsert: async (collection, ops) => {
      const writeErrors: { code: number; index: number }[] = [];
      (ops as any[]).forEach((op, index) => {
        const { filter, update } = op.updateOne;
        if (refuse(collection, update.$set)) return void writeErrors.push({ code: 17419, index });
        const c = (store[collection] ??= new Map());
        const doc = c.get(filter._id) ?? { _id: filter._id };
        for (const [path, value] of Object.entries(update.$set as Record<string, unknown>)) {
          const parts = path.split('.');
          let o: any = doc;
          for (const p of parts.slice(0, -1)) o = o[p] ??= {};
          o[parts.at(-1)!] = structuredClone(value);
        }
        c.set(filter._id, doc);
      });
      if (writeErrors.length > 0) {
        throw Object.assign(new Error('BulkWriteError: Resulting document after update is larger than 16777216'), { name: 'MongoBulkWriteError', code: 17419, writeErrors });
      }
    },
    readUnits: async (ids) => ids.flatMap((id) => (store.units?.get(id) ? [store.units.get(id) as any] : [])),
    readAuthority: async (collection, ids) => ids.flatMap((id) => (store[collection]?.get(id) ? [structuredClone(store[collection]!.get(id)) as any] : [])),
  };
}

describe('brand authority: the part copies under a refusal, a reused event id, an id under many IPNs', () => {
  it("takes a refused copy's marks off the part: the withdrawal is recorded, and the judgement reads the approval's own document", async () => {
    const store = storeOf([...base(), approve('A1', 'CAP-1', 1, 'appr-A1'), start('U1'), install('U1', 'REEL-OK', 7)]);
    expect(await verdict(store, 'U1')).toBe('APPROVED');
    // The copy to the part's document is refused (say, the part's document over 16 MB); the own document's write is not.
    const graph = fakeGraphStore(store, (collection, set) => collection === 'brandParts' && Object.keys(set).some((k) => k.startsWith('withdrawals.')));
    const recorder = new EventRecorder({ apply: (writes: never) => applyGraphWrites(graph, prepareGraphWrites(writes)) } as never);
    const result = await recorder.record([{ event: withdraw('A1', 5, 'wd-A1'), position: { topic: 'trace.brand.v1', partition: 0, offset: '99' } }]);
    expect(result).toEqual({ recorded: 1, refused: [] });
    expect(Object.keys(store.brandApprovals!.get(JSON.stringify(['Acme', 'A1']))!.withdrawals ?? {})).toHaveLength(1);
    expect((await brandApprovals(authorityReaderOf(store), 'Acme', Date.parse(t(30)))).map((a) => a.state)).toEqual(['WITHDRAWN']);
    expect(await verdict(withoutPartCopies(store), 'U1')).toBe('NOT_ON_AVL');
    expect(await verdict(store, 'U1')).toBe('NOT_ON_AVL');
  });

  it('marks not copied only the part that refused its copy, and copies to the others of the same batch', async () => {
    const store = storeOf([
      ...base(), receive('REEL-R', 'RES-1'), approve('A1', 'CAP-1', 1, 'appr-A1'), approve('A2', 'RES-1', 1, 'appr-A2'),
      start('U1'), install('U1', 'REEL-OK', 7), start('U2'), install('U2', 'REEL-R', 7),
    ]);
    expect([await verdict(store, 'U1'), await verdict(store, 'U2')]).toEqual(['APPROVED', 'APPROVED']);
    const partOf = (ipn: string) => store.brandParts!.get(JSON.stringify(['Acme', ipn]))!;
    // CAP-1's document refuses the copy of A1's withdrawal; RES-1's takes A2's, in the same bulk.
    const graph = fakeGraphStore(store, (collection, set) => collection === 'brandParts' && set.internalPartNumber === 'CAP-1' && Object.keys(set).some((k) => k.startsWith('withdrawals.')));
    const recorder = new EventRecorder({ apply: (writes: never) => applyGraphWrites(graph, prepareGraphWrites(writes)) } as never);
    const at = (offset: string) => ({ topic: 'trace.brand.v1', partition: 0, offset });
    expect(await recorder.record([{ event: withdraw('A1', 5, 'wd-A1'), position: at('98') }, { event: withdraw('A2', 5, 'wd-A2'), position: at('99') }])).toEqual({ recorded: 2, refused: [] });
    expect(Object.values(partOf('CAP-1').notCopiedApprovals ?? {})).toEqual(['A1']);
    expect(Object.keys(partOf('CAP-1').withdrawals ?? {})).toHaveLength(0);
    expect(Object.values(partOf('RES-1').notCopiedApprovals ?? {})).toEqual([]); // its copy landed: judged from it
    expect(Object.keys(partOf('RES-1').withdrawals ?? {})).toHaveLength(1);
    expect([await verdict(store, 'U1'), await verdict(store, 'U2')]).toEqual(['NOT_ON_AVL', 'NOT_ON_AVL']);
    const legacy = withoutPartCopies(store);
    expect([await verdict(legacy, 'U1'), await verdict(legacy, 'U2')]).toEqual(['NOT_ON_AVL', 'NOT_ON_AVL']);
  });

  it("keeps two approvals' withdrawals of one part apart when one event id names both", async () => {
    const reel2 = ev('MaterialReceived', { receiptId: 'GR-R2', vendorId: 'V1', manufacturer: 'Kemet', mpn: 'K2', internalPartNumber: 'CAP-1', vendorLotCode: 'VL-R2', receivedAt: t(0), uom: 'pcs', packages: [{ lotId: 'REEL-K', quantity: 1000 }] }, { at: 0, id: 'rcv-K' });
    const events = [
      ...base(), reel2, approve('A1', 'CAP-1', 1, 'appr-A1'), ev('PartApproved', { brand: 'Acme', approvalId: 'A2', internalPartNumber: 'CAP-1', manufacturer: 'Kemet', mpn: 'K2' }, { at: 1, id: 'appr-A2' }),
      withdraw('A1', 5, 'wd-same'), withdraw('A2', 5, 'wd-same'), start('U1'), install('U1', 'REEL-OK', 7), start('U2'), install('U2', 'REEL-K', 7),
    ];
    const store = storeOf(events);
    expect([await verdict(store, 'U1'), await verdict(store, 'U2')]).toEqual(['NOT_ON_AVL', 'NOT_ON_AVL']);
    const legacy = withoutPartCopies(store);
    expect([await verdict(legacy, 'U1'), await verdict(legacy, 'U2')]).toEqual(['NOT_ON_AVL', 'NOT_ON_AVL']);
  });

  it(`copies an id named under at most ${MAX_COPIED_IPNS} IPNs, and judges one named under more from its own document`, async () => {
    const named = (n: number): TraceEvent[] => [
      ...base(), ...Array.from({ length: n }, (_, i) => approve('BLANKET', i === 0 ? 'CAP-1' : `IPN-${i}`, 1 + i / 100, `appr-B-${i}`)),
      withdraw('BLANKET', 5, 'wd-B'), start('U1'), install('U1', 'REEL-OK', 3), start('U2'), install('U2', 'REEL-OK', 7),
    ];
    for (const n of [MAX_COPIED_IPNS, MAX_COPIED_IPNS + 1]) {
      const store = storeOf(named(n));
      const part = store.brandParts!.get(JSON.stringify(['Acme', 'CAP-1']))!;
      expect(Object.values(part.copiedApprovals ?? {})).toEqual(['BLANKET']); // copied while under the cap
      expect(Object.values(part.notCopiedApprovals ?? {})).toEqual(n > MAX_COPIED_IPNS ? ['BLANKET'] : []);
      expect(Object.keys(part.approvalsElsewhere ?? {})).toHaveLength(MAX_COPIED_IPNS - 1); // copied while under the cap: kept, and no longer used
      expect([await verdict(store, 'U1'), await verdict(store, 'U2')]).toEqual(['APPROVED', 'NOT_ON_AVL']);
    }
  });

  // Two batches each write an approval's own document, read it back and write its copies; the copies of the batch that
  // read first may land last. The older copy holds fewer facts: a mark it sets again must not make the part judged from it.
  const ownDoc = (store: FakeStore, approvalId: string): BrandApprovalDoc => structuredClone(store.brandApprovals!.get(JSON.stringify(['Acme', approvalId]))) as BrandApprovalDoc;
  const landLate = (store: FakeStore, doc: BrandApprovalDoc): Promise<unknown> =>
    fakeGraphStore(store, () => false).bulkUpsert('brandParts', partCopyWrites(doc).map((w) => ({ updateOne: { filter: { _id: w.id }, update: { $set: w.set }, upsert: true } })) as never);

  it(`keeps an id named under more than ${MAX_COPIED_IPNS} IPNs not copied when an older copy, read under the cap, lands after`, async () => {
    // BLANKET under CAP-1 and 15 other IPNs (batch A), then under one more IPN with an earlier time (batch B): the first
    // approval under the id names IPN-EARLY, so nothing is approved under it for CAP-1.
    const underCap = [...base(), ...Array.from({ length: MAX_COPIED_IPNS }, (_, i) => approve('BLANKET', i === 0 ? 'CAP-1' : `IPN-${i}`, 2, `appr-B-${i}`))];
    const readByA = ownDoc(storeOf(underCap), 'BLANKET');
    const store = storeOf([...underCap, approve('BLANKET', 'IPN-EARLY', 1, 'appr-B-early'), start('U1'), install('U1', 'REEL-OK', 7)]);
    expect(await verdict(store, 'U1')).toBe('AVL_MISSING');
    await landLate(store, readByA);
    expect(Object.keys(store.brandParts!.get(JSON.stringify(['Acme', 'CAP-1']))!.approvalsElsewhere ?? {})).toHaveLength(MAX_COPIED_IPNS - 1); // the copy lacks IPN-EARLY
    expect(await verdict(store, 'U1')).toBe('AVL_MISSING');
  });

  it('keeps a refused copy\'s id not copied when an older copy of its document lands after the refusal', async () => {
    const store = storeOf([...base(), approve('A1', 'CAP-1', 1, 'appr-A1'), start('U1'), install('U1', 'REEL-OK', 7)]);
    const readBeforeWithdrawal = ownDoc(store, 'A1');
    const graph = fakeGraphStore(store, (collection, set) => collection === 'brandParts' && Object.keys(set).some((k) => k.startsWith('withdrawals.')));
    const recorder = new EventRecorder({ apply: (writes: never) => applyGraphWrites(graph, prepareGraphWrites(writes)) } as never);
    expect(await recorder.record([{ event: withdraw('A1', 5, 'wd-A1'), position: { topic: 'trace.brand.v1', partition: 0, offset: '99' } }])).toEqual({ recorded: 1, refused: [] });
    await landLate(store, readBeforeWithdrawal); // the approval's copy, read before the withdrawal: no withdrawal in it
    expect(Object.keys(store.brandParts!.get(JSON.stringify(['Acme', 'CAP-1']))!.withdrawals ?? {})).toHaveLength(0);
    expect(await verdict(store, 'U1')).toBe('NOT_ON_AVL');
  });
});

describe('refusedWrites: which copies of an unordered bulk its error names', () => {
  const copy = (ipn: string) => ({ collection: 'brandParts' as const, id: JSON.stringify(['Acme', ipn]), set: { internalPartNumber: ipn } });
  const writes = [copy('A'), copy('B'), copy('C')];
  const bulkError = (extra: object) => Object.assign(new Error('refused'), { name: 'MongoBulkWriteError', code: 28, ...extra });

  it('gives the writes at the indexes of the write errors, each once, in order', () => {
    expect(refusedWrites(writes, bulkError({ writeErrors: [{ code: 28, index: 2 }, { code: 28, index: 0 }, { code: 28, index: 2 }] }))).toEqual([writes[0], writes[2]]);
  });

  it('gives every write when the error does not say which', () => {
    expect(refusedWrites(writes, bulkError({}))).toBe(writes); // the driver refusing a document before sending
    expect(refusedWrites(writes, bulkError({ writeErrors: [] }))).toBe(writes);
    expect(refusedWrites(writes, bulkError({ writeErrors: [{ code: 28, index: 1 }], writeConcernError: { code: 100 } }))).toBe(writes);
    expect(refusedWrites(writes, bulkError({ writeErrors: [{ code: 28, index: 3 }] }))).toBe(writes);
    expect(refusedWrites(writes, bulkError({ writeErrors: [{ code: 28 }] }))).toBe(writes);
    expect(refusedWrites([...writes, { ...copy('D'), collection: 'units' as const }], bulkError({ writeErrors: [{ code: 28, index: 0 }] }))).toHaveLength(4); // two bulks: indexes of which?
  });
});
