import { TraceEvent } from '@trace/contracts';
import { testEvents } from '@trace/contracts/testing';
import { readerOf, storeOf } from '../testing/fake-graph';
import { SITE_WIDE } from '../genealogy.types';
import { ParentUnits, Use, readClimb } from './climb';
import type { ReachedWithBuckets } from './lineage';
import type { UnitDoc } from '../storage/graph.documents';
import { whereUsedOfLot } from './where-used';
import type { WhereUsedRow } from './where-used.types';

const t = (m: number) => new Date(Date.UTC(2026, 10, 1, 8, m)).toISOString();
const ev = testEvents('c', { minute: 0 });

// Bad data: A is built into B and B into A (a cycle the ingest accepts); B is also built into TOP, a proper top. Board X
// is built into A, board Y into B, both holding REEL. X's climb (X, A, B) is cut at A, so it finds B's tops without A's;
// Y's climb (Y, B, A) is cut at B, so it finds A's tops without B's. Whichever climbs first, what it found above its
// board is cut short and wrong for the other.
function cycle(): TraceEvent[] {
  return [
    ev('MaterialReceived', { receiptId: 'RC', vendorId: 'V', manufacturer: 'M', mpn: 'CAP', internalPartNumber: 'C', vendorLotCode: 'VC', receivedAt: t(0), uom: 'pcs', packages: [{ lotId: 'REEL', quantity: 100 }] }),
    ev('MaterialInstalled', { serial: 'X', lotId: 'REEL', quantity: 1, refDes: ['C1'] }, 1),
    ev('MaterialInstalled', { serial: 'Y', lotId: 'REEL', quantity: 1, refDes: ['C1'] }, 1),
    ev('UnitAssembled', { serial: 'A', childSerial: 'X' }, 2),
    ev('UnitAssembled', { serial: 'B', childSerial: 'Y' }, 2),
    ev('UnitAssembled', { serial: 'B', childSerial: 'A' }, 3),
    ev('UnitAssembled', { serial: 'A', childSerial: 'B' }, 4),
    ev('UnitAssembled', { serial: 'TOP', childSerial: 'B' }, 5),
  ];
}
const rowsOf = async (batching?: { buckets: number; serials: number }): Promise<string[]> => {
  const w = (await whereUsedOfLot(readerOf(storeOf(cycle())), 'REEL', SITE_WIDE, batching))!;
  const out: string[] = [];
  for await (const r of w.rows({}, SITE_WIDE)) out.push(line(r));
  return out.sort();
};
const line = (r: WhereUsedRow) => `${r.serial}>${r.topSerial} via ${r.path.filter((p) => p.kind === 'serial').map((p) => p.id).join(',')}`;

describe('the climb to the top-level units', () => {
  // A cycle ends the climb where it would repeat: X's ends at B's other parent (TOP); Y's at A, whose only parent (B)
  // is the one it climbs from, so A is where that chain stops.
  const expected = ['X>TOP via X,A,B,TOP', 'Y>A via Y,B,A', 'Y>TOP via Y,B,TOP'];

  it('keeps nothing a cycle cut short for a later use climbing through the same units, in one batch', async () => {
    expect(await rowsOf()).toEqual(expected);
  });

  it('keeps nothing a cycle cut short for a use of a later batch', async () => {
    expect(await rowsOf({ buckets: 1, serials: 1 })).toEqual(expected);
  });
});

describe('the parent units an answer holds', () => {
  it('holds each parent read for the answer up to its cap, then drops the oldest first', () => {
    const parents = new ParentUnits(3);
    const doc = (serial: string) => ({ _id: serial }) as UnitDoc;
    for (const s of ['P1', 'P2', 'P3']) parents.set(s, doc(s));
    expect(['P1', 'P2', 'P3'].map((s) => parents.get(s)?._id)).toEqual(['P1', 'P2', 'P3']);
    parents.set('P4', null);
    expect(parents.get('P1')).toBeUndefined();
    expect(parents.get('P4')).toBeNull();
    expect(parents.get('P2')?._id).toBe('P2');
  });

  it('holds by default the systems of a 100,000-board answer of systems of four (25,000), each read once', () => {
    const parents = new ParentUnits();
    for (let i = 0; i < 25_000; i++) parents.set(`S${i}`, null);
    expect(parents.get('S0')).toBeNull();
  });
});

describe('climbs read side by side', () => {
  it('read a parent two batches in flight want once, and both climb through it', async () => {
    // Boards S1-B0..3 in system S1 and S2-B0..3 in S2; two batches of boards of both systems climb at the same time.
    const events: TraceEvent[] = [];
    for (const system of ['S1', 'S2']) {
      for (let b = 0; b < 4; b++) {
        events.push(ev('MaterialInstalled', { serial: `${system}-B${b}`, lotId: 'REEL', quantity: 1, refDes: ['C1'] }, 1));
        events.push(ev('UnitAssembled', { serial: system, childSerial: `${system}-B${b}` }, 2));
      }
    }
    const reader = readerOf(storeOf(events));
    // Each read answers a little later, as a database does: the second batch asks for the parents while the first's read is in flight.
    const slow = { ...reader, findParentUnits: async (ids: string[]) => (await new Promise((r) => setTimeout(r, 20)), reader.findUnits(ids)) };
    const lot = { lotId: 'REEL', path: [], buckets: [], splicePoints: [], known: true, siteFact: true, status: 'released' } as unknown as ReachedWithBuckets;
    const uses = (serials: string[]): Use[] => serials.map((serial) => ({ lot, bucket: 'b', serial }));
    const parents = new ParentUnits();
    const stats = { roundTrips: 0 };
    const [a, b] = await Promise.all([
      readClimb(slow, uses(['S1-B0', 'S2-B0']), false, stats, parents),
      readClimb(slow, uses(['S1-B1', 'S2-B1']), false, stats, parents),
    ]);
    const systemReads = reader.reads.filter((r) => r.collection === 'units').flatMap((r) => r.ids).filter((id) => !id.includes('-'));
    expect(systemReads.sort()).toEqual(['S1', 'S2']);
    for (const units of [a, b]) expect([units.get('S1')?._id, units.get('S2')?._id]).toEqual(['S1', 'S2']);
    expect(a.get('S1')).toBe(b.get('S1'));
  });
});
