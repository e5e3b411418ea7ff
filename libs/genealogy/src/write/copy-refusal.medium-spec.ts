// A part's document that refuses the copy of an approval's withdrawal, in a real database: the batch is recorded, that
// part gets the id marked not copied (its judgement reads the approval's own document), and the other part written
// in the same unordered bulk keeps the copy it took, unmarked. The refusal is a PathNotViable (code 28), the one a
// server gives a `$set` under a field that is not an object; a document over 16 MB is refused the same way, by index.
import { TestingModule } from '@nestjs/testing';
import { KafkaPosition, TraceEvent, makeEvent } from '@trace/contracts';
import { mediumModule } from '@trace/platform/testing';
import { GenealogyModule } from '../genealogy.module';
import { AuthorityRepository } from '../authority/authority.repository';
import { GraphWriteRepository } from './graph-write.repository';
import { graphWritesFor, mergeGraphWrites } from './graph-writes';

const t = (m: number): string => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();
const ev = (type: TraceEvent['type'], data: object, m: number, eventId: string): TraceEvent => makeEvent(type, data as never, { occurredAt: t(m), eventId }) as TraceEvent;
const at = (i: number): KafkaPosition => ({ topic: 'medium', partition: 0, offset: String(i) });
const writesOf = (events: TraceEvent[], from: number) => mergeGraphWrites(events.map((event, i) => ({ event, position: at(from + i) })).flatMap(graphWritesFor));
const partId = (ipn: string): string => JSON.stringify(['Acme', ipn]);

describe('a part that refuses its copy, in a real database', () => {
  let moduleRef: TestingModule;
  beforeEach(async () => {
    moduleRef = await mediumModule([GenealogyModule]);
  });
  afterEach(() => moduleRef.close());

  it('is marked not copied alone; the other part of the same bulk keeps its copy', async () => {
    const writer = moduleRef.get(GraphWriteRepository);
    const authority = moduleRef.get(AuthorityRepository);
    await writer.apply(
      writesOf(
        [
          ev('PartApproved', { brand: 'Acme', approvalId: 'A1', internalPartNumber: 'CAP-1', manufacturer: 'Murata', mpn: 'GRM1' }, 1, 'pa1'),
          ev('PartApproved', { brand: 'Acme', approvalId: 'A2', internalPartNumber: 'RES-1', manufacturer: 'Yageo', mpn: 'RC1' }, 1, 'pa2'),
        ],
        0,
      ),
    );
    // CAP-1's document as no ingest writes it: its withdrawals a string, so a `$set` of withdrawals.<key> is refused.
    await authority.models.brandParts.collection.updateOne({ _id: partId('CAP-1') as never }, { $set: { withdrawals: 'not an object' } });

    await writer.apply(
      writesOf(
        [
          ev('PartApprovalWithdrawn', { brand: 'Acme', approvalId: 'A1', reason: 'EOL' }, 3, 'pw1'),
          ev('PartApprovalWithdrawn', { brand: 'Acme', approvalId: 'A2', reason: 'EOL' }, 3, 'pw2'),
        ],
        2,
      ),
    );

    const [cap, res] = await authority.findBrandParts([partId('CAP-1'), partId('RES-1')]);
    expect(Object.values(cap!.notCopiedApprovals ?? {})).toEqual(['A1']);
    expect(cap!.withdrawals).toBe('not an object');
    expect(Object.values(res!.notCopiedApprovals ?? {})).toEqual([]);
    expect(Object.values(res!.withdrawals ?? {}).map((w) => w.approvalId)).toEqual(['A2']);
    // Both own documents hold their withdrawal: the events are recorded whatever their parts refused.
    const own = await authority.findBrandApprovals([JSON.stringify(['Acme', 'A1']), JSON.stringify(['Acme', 'A2'])]);
    expect(own.map((a) => Object.keys(a.withdrawals ?? {}).length)).toEqual([1, 1]);
  });
});
