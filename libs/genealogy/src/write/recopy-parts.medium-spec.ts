// `graph recopy` (recopyParts) in a real database: parts written before the copies existed (their copy fields taken
// off, as such a graph holds them) are copied again from the own documents, an id under more IPNs than the cap is
// marked not copied, and the judgement then reads no approval's own document, with the same answer.
import { TestingModule } from '@nestjs/testing';
import { KafkaPosition, TraceEvent, makeEvent } from '@trace/contracts';
import { mediumModule } from '@trace/platform/testing';
import { BackwardTracer } from '../backward/backward-tracer';
import { GenealogyModule } from '../genealogy.module';
import { SITE_WIDE } from '../genealogy.types';
import { MAX_COPIED_IPNS, PART_COPY_FIELDS } from '../authority/authority-writes';
import { AuthorityRepository } from '../authority/authority.repository';
import { GraphWriteRepository } from './graph-write.repository';
import { graphWritesFor, mergeGraphWrites } from './graph-writes';
import { RECOPY_PAGE } from './recopy-parts';

const t = (m: number): string => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();
const ev = (type: TraceEvent['type'], data: object, m: number, eventId: string): TraceEvent => makeEvent(type, data as never, { occurredAt: t(m), eventId }) as TraceEvent;
const at = (i: number): KafkaPosition => ({ topic: 'medium', partition: 0, offset: String(i) });
const ipns = Array.from({ length: MAX_COPIED_IPNS + 1 }, (_, i) => `CAP-${i + 1}`);

// A withdrawn approval and a revoked deviation of CAP-1 (the unit's part, installed after both ended: NOT_ON_AVL), a
// blanket approval id named under one IPN more than the cap, and enough other approvals for two pages of them (three in all).
const events: TraceEvent[] = [
  ev('VendorRegistered', { vendorId: 'V1', name: 'Distri', country: 'DE', status: 'approved' }, 0, 'vr'),
  ev('MaterialReceived', { receiptId: 'R1', vendorId: 'V1', manufacturer: 'Murata', mpn: 'GRM1', internalPartNumber: 'CAP-1', vendorLotCode: 'L1', receivedAt: t(0), uom: 'pcs', packages: [{ lotId: 'REEL', quantity: 100 }] }, 0, 'rcv'),
  ev('PartApproved', { brand: 'Acme', approvalId: 'A1', internalPartNumber: 'CAP-1', manufacturer: 'Murata', mpn: 'GRM1' }, 1, 'pa'),
  ev('PartApprovalWithdrawn', { brand: 'Acme', approvalId: 'A1', reason: 'EOL' }, 3, 'pw'),
  ev('DeviationApproved', { brand: 'Acme', deviationId: 'D1', internalPartNumber: 'CAP-1', manufacturer: 'Murata', mpn: 'GRM1', validFrom: t(0), validUntil: t(50), approvedBy: 'q', reason: 'shortage' }, 1, 'da'),
  ev('DeviationRevoked', { brand: 'Acme', deviationId: 'D1', reason: 'done' }, 3, 'dr'),
  ...ipns.map((ipn, i) => ev('PartApproved', { brand: 'Acme', approvalId: 'BLANKET', internalPartNumber: ipn, manufacturer: 'Yageo', mpn: 'RC1' }, 1, `blanket-${i}`)),
  ...Array.from({ length: RECOPY_PAGE + 5 }, (_, i) => ev('PartApproved', { brand: 'Acme', approvalId: `OTHER-${i}`, internalPartNumber: `RES-${i}`, manufacturer: 'Yageo', mpn: 'RC2' }, 1, `other-${i}`)),
  ev('UnitStarted', { serial: 'S1', brand: 'Acme', productPartNumber: 'P1', workOrder: 'W1' }, 4, 's1'),
  ev('MaterialInstalled', { serial: 'S1', lotId: 'REEL', quantity: 1, refDes: ['C1'] }, 5, 'i1'),
];

describe('graph recopy in a real database', () => {
  let moduleRef: TestingModule;
  beforeEach(async () => {
    moduleRef = await mediumModule([GenealogyModule]);
  });
  afterEach(() => moduleRef.close());

  it("copies every own document to its parts again, marks an id under too many IPNs not copied, and the judgement then reads none of them", async () => {
    const writer = moduleRef.get(GraphWriteRepository);
    await writer.apply(mergeGraphWrites(events.map((event, i) => ({ event, position: at(i) })).flatMap(graphWritesFor)));
    const authority = moduleRef.get(AuthorityRepository);
    const asWritten = await moduleRef.get(BackwardTracer).trace('S1', SITE_WIDE);
    // The parts as a graph written before the copies holds them: no copy field at all.
    await authority.models.brandParts.collection.updateMany({}, { $unset: Object.fromEntries(PART_COPY_FIELDS.map((f) => [f, ''])) });
    const ownRead = async (): Promise<string[]> => {
      const reads: string[] = [];
      const approvals = authority.findBrandApprovals.bind(authority);
      const deviations = authority.findBrandDeviations.bind(authority);
      const spies = [
        jest.spyOn(authority, 'findBrandApprovals').mockImplementation((ids) => (reads.push(...ids), approvals(ids))),
        jest.spyOn(authority, 'findBrandDeviations').mockImplementation((ids) => (reads.push(...ids), deviations(ids))),
      ];
      const g = await moduleRef.get(BackwardTracer).trace('S1', SITE_WIDE);
      spies.forEach((s) => s.mockRestore());
      expect({ ...g!, roundTrips: 0 }).toEqual({ ...asWritten!, roundTrips: 0 }); // reading an own document is a round trip more
      return reads.sort();
    };
    expect(await ownRead()).toEqual([JSON.stringify(['Acme', 'A1']), JSON.stringify(['Acme', 'BLANKET']), JSON.stringify(['Acme', 'D1'])].sort());

    const pages: number[] = [];
    expect(await writer.ownAuthorityDocuments()).toBe(RECOPY_PAGE + 8);
    expect(await writer.recopyParts((n) => pages.push(n))).toEqual({ brandApprovals: RECOPY_PAGE + 7, brandDeviations: 1 });
    expect(pages).toEqual([RECOPY_PAGE, 7, 1]);

    const [cap1, cap17] = await authority.findBrandParts([JSON.stringify(['Acme', 'CAP-1']), JSON.stringify(['Acme', `CAP-${MAX_COPIED_IPNS + 1}`])]);
    expect(Object.values(cap1!.copiedApprovals ?? {})).toEqual(['A1']);
    expect(Object.values(cap1!.withdrawals ?? {}).map((w) => w.approvalId)).toEqual(['A1']);
    expect(Object.values(cap1!.copiedDeviations ?? {})).toEqual(['D1']);
    expect(Object.values(cap1!.revocations ?? {}).map((r) => r.deviationId)).toEqual(['D1']);
    expect(Object.values(cap17!.notCopiedApprovals ?? {})).toEqual(['BLANKET']);
    // Only the blanket id, marked not copied, is still read from its own document; A1 and D1 are judged from their copies.
    expect(await ownRead()).toEqual([JSON.stringify(['Acme', 'BLANKET'])]);
    expect(asWritten!.unit.materials.map((m) => m.judgement?.verdict)).toEqual(['NOT_ON_AVL']);

    // Again: the same documents (every copy is a $set keyed by its fact).
    const before = await authority.models.brandParts.collection.find({}).sort({ _id: 1 }).toArray();
    await writer.recopyParts();
    expect(await authority.models.brandParts.collection.find({}).sort({ _id: 1 }).toArray()).toEqual(before);
  });
});
