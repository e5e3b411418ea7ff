import { eventIdOf } from '../facts/provenance';
import { TestingModule } from '@nestjs/testing';
import { KafkaPosition, TraceEvent, makeEvent } from '@trace/contracts';
import { mediumModule } from '@trace/platform/testing';
import { assembleGenealogy } from '../backward/assemble-genealogy';
import { BackwardTracer } from '../backward/backward-tracer';
import { fetchedOf, storeOf } from '../testing/fake-graph';
import { GenealogyModule } from '../genealogy.module';
import { SITE_WIDE } from '../genealogy.types';
import { GraphWriteRepository } from '../write/graph-write.repository';
import { graphWritesFor, mergeGraphWrites } from '../write/graph-writes';
import { judgeWithReads } from './authority-judge';
import { AuthorityRepository } from './authority.repository';
import { authorityReaderOf } from './fake-authority';
import { bucketId, bucketOf } from '../storage/lot-uses';

const t = (m: number): string => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();
const ev = (type: TraceEvent['type'], data: object, m: number, eventId: string): TraceEvent =>
  makeEvent(type, data as never, { occurredAt: t(m), eventId }) as TraceEvent;
const at = (i: number): KafkaPosition => ({ topic: 'medium', partition: 0, offset: String(i) });

// Every brand event type, with optional fields and nested lines, on a split alternate reel under a limited deviation.
const events: TraceEvent[] = [
  ev('MaterialReceived', { receiptId: 'R1', vendorId: 'V1', manufacturer: 'Murata', mpn: 'GRM1', internalPartNumber: 'CAP-1', vendorLotCode: 'L1', receivedAt: t(0), uom: 'pcs', packages: [{ lotId: 'OK', quantity: 100 }] }, 0, 'rcv-ok'),
  ev('MaterialReceived', { receiptId: 'R2', vendorId: 'V1', manufacturer: 'Kemet', mpn: 'ALT1', internalPartNumber: 'CAP-1', vendorLotCode: 'L2', receivedAt: t(0), uom: 'pcs', packages: [{ lotId: 'ALT', quantity: 100 }] }, 0, 'rcv-alt'),
  ev('LotSplit', { sourceLotId: 'ALT', newLots: [{ lotId: 'ALT-1', quantity: 50 }, { lotId: 'ALT-2', quantity: 50 }] }, 1, 'split'),
  ev('PartApproved', { brand: 'Acme', approvalId: 'A1', internalPartNumber: 'CAP-1', manufacturer: 'Murata', mpn: 'GRM1', vendorIds: ['V1'], reason: 'qualified' }, 1, 'pa'),
  ev('PartApprovalWithdrawn', { brand: 'Acme', approvalId: 'A1', reason: 'EOL' }, 30, 'pw'),
  ev('DeviationApproved', { brand: 'Acme', deviationId: 'D1', internalPartNumber: 'CAP-1', manufacturer: 'Kemet', mpn: 'ALT1', productPartNumbers: ['P1'], workOrders: ['W1'], maxQuantity: 3, validFrom: t(0), validUntil: t(50), approvedBy: 'q', reason: 'shortage' }, 1, 'da'),
  ev('DeviationRevoked', { brand: 'Acme', deviationId: 'D1', reason: 'done' }, 40, 'dr'),
  ev('BomReleased', { brand: 'Acme', productPartNumber: 'P1', revision: 'A', effectiveFrom: t(0), lines: [{ internalPartNumber: 'CAP-1', quantity: 3, refDes: ['C1', 'C2', 'C3'] }, { internalPartNumber: 'PCB', quantity: 1 }] }, 0, 'bom'),
  ev('UnitStarted', { serial: 'S1', brand: 'Acme', productPartNumber: 'P1', workOrder: 'W1' }, 2, 's1'),
  ev('UnitStarted', { serial: 'S2', brand: 'Acme', productPartNumber: 'P1', workOrder: 'W1' }, 2, 's2'),
  ev('MaterialInstalled', { serial: 'S1', lotId: 'ALT-1', quantity: 2, refDes: ['C1', 'C2'] }, 3, 'i1'),
  ev('MaterialInstalled', { serial: 'S2', lotId: 'ALT-2', quantity: 2, refDes: ['C1', 'C2'] }, 4, 'i2'),
  ev('MaterialInstalled', { serial: 'S2', lotId: 'OK', quantity: 1, refDes: ['C4'] }, 5, 'i3'),
];

describe('brand authority in a real database', () => {
  let moduleRef: TestingModule;
  beforeEach(async () => {
    moduleRef = await mediumModule([GenealogyModule]);
  });
  afterEach(() => moduleRef.close());

  it('stores what the brand writes say, so the judgement read from the database equals the one made without it, replays included', async () => {
    const delivered = events.map((event, i) => ({ event, position: at(i) }));
    const writer = moduleRef.get(GraphWriteRepository);
    await writer.apply(mergeGraphWrites(delivered.flatMap(graphWritesFor)));
    for (const message of [...delivered].reverse()) await writer.apply(graphWritesFor(message));

    const fromDatabase = await moduleRef.get(BackwardTracer).trace('S2', SITE_WIDE);
    const store = storeOf(events);
    const withoutDatabase = await judgeWithReads(authorityReaderOf(store), assembleGenealogy('S2', fetchedOf(store)), SITE_WIDE);
    const strip = (g: unknown): unknown => JSON.parse(JSON.stringify(g, (k, v) => (k === 'offset' || k === 'topic' || k === 'roundTrips' ? undefined : v)));
    expect(strip(fromDatabase)).toEqual(strip(withoutDatabase));
    expect(fromDatabase!.unit.materials.map((m) => [m.lotId, m.judgement?.verdict, m.judgement?.parts[0]?.count])).toEqual([
      ['ALT-2', 'DEVIATION_EXCEEDED', 4],
      ['OK', 'APPROVED', undefined],
    ]);
    expect(fromDatabase!.summary.flags.map((f) => f.code)).toEqual(['VENDOR_STATUS_UNKNOWN', 'DEVIATION_EXCEEDED', 'BOM_MISMATCH', 'BOM_MISMATCH']); // C4 not on its line; no PCB
  });

  it("copies a withdrawal delivered before its approval, and one after, to the part's document, so the judgement reads no approval's own document", async () => {
    const writer = moduleRef.get(GraphWriteRepository);
    const byId = new Map(events.map((e) => [e.eventId, e]));
    const later = ev('PartApprovalWithdrawn', { brand: 'Acme', approvalId: 'A1', reason: 'again' }, 31, 'pw2');
    // The withdrawal first, alone in its batch; the rest; then a second withdrawal in a batch of its own.
    const batches = [[byId.get('pw')!], events.filter((e) => e.eventId !== 'pw'), [later]];
    let offset = 0;
    for (const batch of batches) await writer.apply(mergeGraphWrites(batch.map((event) => ({ event, position: at(offset++) })).flatMap(graphWritesFor)));
    const [part] = await moduleRef.get(AuthorityRepository).findBrandParts([JSON.stringify(['Acme', 'CAP-1'])]);
    expect(Object.values(part!.withdrawals ?? {}).map((w) => eventIdOf(w.prov)).sort()).toEqual(['pw', 'pw2']);
    const reads: string[] = [];
    const repo = moduleRef.get(AuthorityRepository);
    const spy = jest.spyOn(repo, 'findBrandApprovals').mockImplementation((ids) => (reads.push(...ids), Promise.resolve([])));
    const g = await moduleRef.get(BackwardTracer).trace('S2', SITE_WIDE);
    spy.mockRestore();
    expect(reads).toEqual([]);
    expect(g!.unit.materials.map((m) => [m.lotId, m.judgement?.verdict])).toEqual([['ALT-2', 'DEVIATION_EXCEEDED'], ['OK', 'APPROVED']]);
  });

  it("keys each document by _id alone: one per (brand, IPN), approval, deviation, (brand, product) and part, the part's receipts in its buckets", async () => {
    await moduleRef.get(GraphWriteRepository).apply(mergeGraphWrites(events.map((event, i) => ({ event, position: at(i) })).flatMap(graphWritesFor)));
    const repo = moduleRef.get(AuthorityRepository);
    const [parts, approvals, deviations, boms, receipts] = await Promise.all([
      repo.findBrandParts([JSON.stringify(['Acme', 'CAP-1'])]),
      repo.findBrandApprovals([JSON.stringify(['Acme', 'A1'])]),
      repo.findBrandDeviations([JSON.stringify(['Acme', 'D1'])]),
      repo.findBrandBoms([JSON.stringify(['Acme', 'P1'])]),
      repo.findPartReceipts([JSON.stringify(['CAP-1', 'Kemet', 'ALT1'])]),
    ]);
    expect(Object.values(parts[0]!.approvals ?? {})).toHaveLength(1);
    expect(Object.values(parts[0]!.deviations ?? {})).toHaveLength(1);
    expect(Object.values(approvals[0]!.withdrawals ?? {})).toEqual([expect.objectContaining({ reason: 'EOL' })]);
    expect(Object.values(deviations[0]!.revocations ?? {})).toEqual([expect.objectContaining({ reason: 'done' })]);
    // What the judgement needs of them, copied to the part's document after they were written (partCopyWrites).
    expect(Object.values(parts[0]!.withdrawals ?? {}).map((w) => [w.approvalId, eventIdOf(w.prov)])).toEqual([['A1', 'pw']]);
    expect(Object.values(parts[0]!.revocations ?? {}).map((r) => [r.deviationId, eventIdOf(r.prov)])).toEqual([['D1', 'dr']]);
    expect(Object.values(parts[0]!.copiedApprovals ?? {})).toEqual(['A1']);
    expect(Object.values(parts[0]!.copiedDeviations ?? {})).toEqual(['D1']);
    expect(Object.values(boms[0]!.revisions ?? {})[0]!.lines).toEqual([{ internalPartNumber: 'CAP-1', quantity: 3, refDes: ['C1', 'C2', 'C3'] }, { internalPartNumber: 'PCB', quantity: 1 }]);
    // The part's document lists its buckets; the receipt is in the one its vendor lot hashes to.
    const vendorLot = JSON.stringify(['V1', 'ALT1', 'L2']);
    expect(Object.values(receipts[0]!.buckets ?? {})).toEqual([bucketOf(vendorLot)]);
    const [bucket] = await repo.findPartReceiptBuckets([bucketId(receipts[0]!._id, bucketOf(vendorLot))]);
    expect(Object.values(bucket!.receipts ?? {})).toEqual([{ vendorLotId: vendorLot, vendorId: 'V1', lotIds: ['ALT'] }]);
  });
});
