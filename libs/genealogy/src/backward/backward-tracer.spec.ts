import { TraceEvent } from '@trace/contracts';
import { testEvents } from '@trace/contracts/testing';
import { assembleGenealogy } from './assemble-genealogy';
import { BackwardTracer } from './backward-tracer';
import { GraphFetcher } from './graph-fetcher';
import { diamondLattice, fetchedOf, readerOf, storeOf } from '../testing/fake-graph';
import { BrandScope, SITE_WIDE, UnitNode } from '../genealogy.types';
import { whereUsedOfLot } from '../forward/where-used';
import type { WhereUsedRow } from '../forward/where-used.types';

const acme: BrandScope = { kind: 'brands', brands: ['Acme'] };
const collect = async (rows: AsyncGenerator<WhereUsedRow>): Promise<WhereUsedRow[]> => {
  const out: WhereUsedRow[] = [];
  for await (const r of rows) out.push(r);
  return out;
};
const tracerOver = (events: TraceEvent[]) => {
  const reader = readerOf(storeOf(events));
  return { reader, tracer: new BackwardTracer(new GraphFetcher(reader as never)), fetcher: new GraphFetcher(reader as never), unitReads: () => reader.reads.filter((r) => r.collection === 'units').flatMap((r) => r.ids) };
};
const size = (v: unknown): number => JSON.stringify(v).length;
const nodes = (u: UnitNode): UnitNode[] => [u, ...u.subAssemblies.flatMap((s) => nodes(s.unit))];

describe('bounded graphs: a unit built into two parents at every level', () => {
  it('tells each unit once, in full under its first parent and by reference under the other', () => {
    const lattice = diamondLattice('D', 12);
    const g = assembleGenealogy(lattice.top, fetchedOf(storeOf(lattice.events)));
    expect(g.summary.units).toBe(2 * 12 + 1);
    expect(g.summary.installations).toBe(2 * 12 + 1);
    const full = nodes(g.unit).filter((u) => !u.shownElsewhere);
    expect(full.map((u) => u.serial).sort()).toEqual([...lattice.units].sort());
    const refs = nodes(g.unit).filter((u) => u.shownElsewhere);
    expect(refs.every((u) => u.materials.length === 0 && u.subAssemblies.length === 0)).toBe(true);
  });

  it('shows each shared sub-assembly as a UNIT_IN_TWO_PARENTS gap naming both parents', () => {
    const lattice = diamondLattice('D', 6);
    const g = assembleGenealogy(lattice.top, fetchedOf(storeOf(lattice.events)));
    const conflicts = g.gaps.filter((x) => x.code === 'UNIT_IN_TWO_PARENTS');
    // Level 1 hangs under the top only; every unit below it sits in both units of the level above.
    expect(conflicts.map((c) => c.id).sort()).toEqual(lattice.units.filter((s) => !/-L[01]/.test(s)).sort());
    expect(conflicts.find((c) => c.id === 'D-L3a')?.referencedBy).toEqual(['D-L2a', 'D-L2b']);
  });

  it('grows the answer linearly with the depth, not with the 2^depth paths', () => {
    const answer = (depth: number) => {
      const lattice = diamondLattice(`S${depth}`, depth);
      return size(assembleGenealogy(lattice.top, fetchedOf(storeOf(lattice.events))));
    };
    const [d10, d20, d40] = [answer(10), answer(20), answer(40)];
    expect(d40 / d20).toBeLessThan(2.5);
    expect(d20 / d10).toBeLessThan(2.5);
    expect(d40).toBeLessThan(400_000);
  });

  it('reads every unit of the lattice once, one level per round trip', async () => {
    const lattice = diamondLattice('R', 15);
    const { fetcher, unitReads } = tracerOver(lattice.events);
    const graph = await fetcher.fetchMany([lattice.top], SITE_WIDE);
    expect(unitReads().sort()).toEqual([...lattice.units].sort());
    expect(graph.roundTrips).toBeGreaterThanOrEqual(16);
    expect(graph.roundTrips).toBeLessThanOrEqual(15 + 5);
  });

  it('answers where-used with one row per serial and top, reading each unit once', async () => {
    const lattice = diamondLattice('W', 15);
    const reader = readerOf(storeOf(lattice.events));
    const answer = await whereUsedOfLot(reader, lattice.bottomLot, SITE_WIDE);
    const rows = await collect(answer!.rows({}, SITE_WIDE));
    expect(rows).toHaveLength(lattice.units.length);
    expect(new Set(rows.map((r) => r.topSerial))).toEqual(new Set([lattice.top]));
    const unitReads = reader.reads.filter((r) => r.collection === 'units').flatMap((r) => r.ids);
    expect(unitReads.length).toBe(new Set(unitReads).size);
    expect(size(rows)).toBeLessThan(200_000);
  });
});

const ev = testEvents('b');

// Acme's HOST holds a sub-assembly of Globex (GLX-SUB), which holds a reel, a sub-sub-assembly and was shipped.
function withForeignSubAssembly(): TraceEvent[] {
  return [
    ev('MaterialReceived', { receiptId: 'R1', vendorId: 'V', manufacturer: 'M', mpn: 'MPN', internalPartNumber: 'I', vendorLotCode: 'L', receivedAt: '2026-11-01T08:00:00Z', uom: 'pcs', packages: [{ lotId: 'REEL-OWN', quantity: 10 }] }),
    ev('MaterialReceived', { receiptId: 'R2', vendorId: 'V', manufacturer: 'M', mpn: 'MPN', internalPartNumber: 'I', vendorLotCode: 'L2', receivedAt: '2026-11-01T08:00:00Z', uom: 'pcs', packages: [{ lotId: 'REEL-GLX', quantity: 10 }] }),
    ev('UnitStarted', { serial: 'HOST', brand: 'Acme', productPartNumber: 'P-HOST', workOrder: 'WO-A' }),
    ev('MaterialInstalled', { serial: 'HOST', lotId: 'REEL-OWN', quantity: 1, refDes: ['C1'] }),
    ev('UnitStarted', { serial: 'GLX-SUB', brand: 'Globex', productPartNumber: 'GX-SUB', workOrder: 'WO-G' }),
    ev('MaterialInstalled', { serial: 'GLX-SUB', lotId: 'REEL-GLX', quantity: 1, refDes: ['C9'] }),
    ev('UnitStarted', { serial: 'GLX-DEEP', brand: 'Globex', productPartNumber: 'GX-DEEP', workOrder: 'WO-G' }),
    ev('UnitAssembled', { serial: 'GLX-SUB', childSerial: 'GLX-DEEP' }),
    ev('UnitShipped', { serial: 'GLX-SUB', shipmentId: 'SHP-G', customer: 'Globex Retail' }),
    ev('UnitAssembled', { serial: 'HOST', childSerial: 'GLX-SUB', refDes: 'J1' }),
    ev('UnitStarted', { serial: 'GLX-TOP', brand: 'Globex', productPartNumber: 'GX-TOP', workOrder: 'WO-G' }),
    ev('UnitAssembled', { serial: 'GLX-TOP', childSerial: 'GLX-DEEP' }),
  ];
}

describe('need-to-know in the backward walk', () => {
  it("shows another brand's sub-assembly by serial and product only, and never reads what it holds", async () => {
    const { tracer, reader, unitReads } = tracerOver(withForeignSubAssembly());
    const g = await tracer.trace('HOST', acme);
    const sub = g!.unit.subAssemblies[0]!;
    expect(sub.refDes).toBe('J1');
    expect(sub.unit).toEqual({ serial: 'GLX-SUB', started: true, productPartNumber: 'GX-SUB', withheld: true, shipped: false, shipments: [], materials: [], subAssemblies: [] });
    const text = JSON.stringify(g);
    for (const secret of ['Globex', 'REEL-GLX', 'SHP-G', 'WO-G', 'GLX-DEEP']) expect(text).not.toContain(secret);
    expect(unitReads().sort()).toEqual(['GLX-SUB', 'HOST']);
    expect(reader.reads.filter((r) => r.collection === 'lots').flatMap((r) => r.ids)).toEqual(['REEL-OWN']);
  });

  it('still shows a site-wide caller the other brand\'s sub-assembly in full', async () => {
    const { tracer } = tracerOver(withForeignSubAssembly());
    const g = await tracer.trace('HOST', SITE_WIDE);
    expect(g!.unit.subAssemblies[0]!.unit).toMatchObject({ brand: 'Globex', shipped: true, materials: [expect.objectContaining({ lotId: 'REEL-GLX' })] });
  });

  it("answers another brand's serial after one read of its unit, as it answers an unknown serial", async () => {
    const lattice = diamondLattice('G', 8, 'Globex');
    const { tracer, reader } = tracerOver(lattice.events);
    expect(await tracer.trace(lattice.top, acme)).toBeNull();
    expect(reader.reads.filter((r) => r.ids.length > 0)).toEqual([{ collection: 'units', ids: [lattice.top] }]);
    expect(await tracer.trace('NEVER-EXISTED', acme)).toBeNull();
  });
});

describe('a disqualified unit (UnitDisqualified)', () => {
  const dq = testEvents('dq');
  const start = dq('UnitStarted', { serial: 'SCRAP-1', brand: 'Acme', productPartNumber: 'P', workOrder: 'WO' }, 0);
  const install = dq('MaterialInstalled', { serial: 'SCRAP-1', lotId: 'REEL-DQ', quantity: 1, refDes: ['C1'] }, 1);
  const scrapped = dq('UnitDisqualified', { serial: 'SCRAP-1', reason: 'CFX UnitsDisqualified: DefectiveRepairNotPossible' }, 5);

  it('says so in the genealogy, with the reason and the event, and keeps what was built into it', async () => {
    const g = await tracerOver([start, install, scrapped]).tracer.trace('SCRAP-1', SITE_WIDE);
    expect(g!.unit.disqualifications).toEqual([{ reason: 'CFX UnitsDisqualified: DefectiveRepairNotPossible', provenance: expect.objectContaining({ eventId: scrapped.eventId, type: 'UnitDisqualified' }) }]);
    expect(g!.unit.materials.map((m) => m.lotId)).toEqual(['REEL-DQ']);
  });

  it('says nothing of it for a unit never disqualified, or once the disqualification is retracted', async () => {
    expect((await tracerOver([start, install]).tracer.trace('SCRAP-1', SITE_WIDE))!.unit.disqualifications).toBeUndefined();
    const retract = dq('EventRetracted', { retractedEventId: scrapped.eventId, reason: 'the wrong panel was scanned' }, 6);
    const reader = readerOf(storeOf([start, install, scrapped, retract]));
    const g = await new BackwardTracer(new GraphFetcher(reader as never)).trace('SCRAP-1', SITE_WIDE);
    expect(g!.unit.disqualifications).toBeUndefined();
  });
});
