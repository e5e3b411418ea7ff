import { assembleGenealogy, diamondLattice, fetchedOf, storeOf } from '@trace/genealogy/testing';
import { epcisDocument } from './epcis';
import { buildGenealogyReport } from './genealogy-report';
import { renderCsv } from './report-csv';

const context = { generatedAt: '2026-11-03T08:00:00.000Z', consumerGroup: 'trace-ingest', consumerLag: 0 };
const outputs = (depth: number) => {
  const lattice = diamondLattice(`B${depth}`, depth);
  const genealogy = assembleGenealogy(lattice.top, fetchedOf(storeOf(lattice.events)));
  const report = buildGenealogyReport(genealogy, context);
  const epcis = epcisDocument(genealogy, context.generatedAt) as { epcisBody: { eventList: unknown[] } };
  return { lattice, report, epcis, sizes: { epcis: JSON.stringify(epcis).length, report: JSON.stringify(report).length, csv: renderCsv(report).length } };
};

describe('reports and EPCIS of a unit built into two parents at every level', () => {
  it('grow with the depth of the lattice (EPCIS linearly; report and CSV as units times path length), never with its 2^depth paths', () => {
    const [d10, d20, d40] = [outputs(10).sizes, outputs(20).sizes, outputs(40).sizes];
    expect(d20.epcis / d10.epcis).toBeLessThan(2.5);
    expect(d40.epcis / d20.epcis).toBeLessThan(2.5);
    // Each BOM row names its path from the top and its lot lineage, both as long as the graph is deep.
    for (const k of ['report', 'csv'] as const) {
      expect(d20[k] / d10[k]).toBeLessThan(5);
      expect(d40[k] / d20[k]).toBeLessThan(5);
    }
  });

  it('lists each installation once in the BOM and each unit once in EPCIS, the second parent by reference', () => {
    const { lattice, report, epcis } = outputs(10);
    expect(report.bom).toHaveLength(lattice.units.length);
    const commissioned = epcis.epcisBody.eventList.filter((e) => (e as { bizStep?: string }).bizStep === 'commissioning');
    expect(commissioned).toHaveLength(lattice.units.length);
    // Every assembly is still an event of its own: 2 into the top, 4 per level below.
    expect(epcis.epcisBody.eventList.filter((e) => (e as { type: string }).type === 'AggregationEvent')).toHaveLength(2 + 4 * 9);
    expect(report.tree.subAssemblies[1]!.subAssemblies[0]!.shown).toBe('elsewhere');
    expect(report.gaps.filter((g) => g.code === 'UNIT_IN_TWO_PARENTS')).toHaveLength(2 * 9);
  });

  it('tells a lot merged from a lattice of merges once per ancestor', () => {
    const { report } = outputs(12);
    const lineage = report.bom.find((r) => r.serial === 'B12-L0')!.lotLineage;
    expect(lineage.length).toBeLessThan(5_000);
    expect(lineage).toContain('(see above)');
  });
});
