import type { LineageEdge, LotLineage, Provenance } from './api-types';
import { layoutLineage, lineageGraph } from './lineage-graph';

const p: Provenance = { eventId: 'e', type: 'LotSplit', source: 's', occurredAt: '2026-01-01T00:00:00Z', topic: 't', partition: 0, offset: '1' };
const vl = JSON.stringify(['V-MURATA', 'GRM188', 'M2345']);
const edge = (from: LineageEdge['from'], to: string, via: LineageEdge['via'], quantity?: number): LineageEdge => ({ from, to, via, ...(quantity !== undefined ? { quantity } : {}), provenance: p });
const lineage: LotLineage = {
  lotId: 'REEL-C1A',
  status: 'hold',
  statusHistory: [],
  lots: [
    { lotId: 'REEL-C1A', relation: 'self', known: true, status: 'hold', origin: 'split' },
    { lotId: 'REEL-C1', relation: 'source', known: true, status: 'released', origin: 'received' },
    { lotId: 'REEL-M', relation: 'derived', known: true, status: 'released', origin: 'merge' },
  ],
  vendorLots: [{ vendorLotId: vl, vendorId: 'V-MURATA', mpn: 'GRM188', vendorLotCode: 'M2345', known: true }],
  edges: [edge({ kind: 'vendorLot', id: vl }, 'REEL-C1', 'received', 4000), edge({ kind: 'lot', id: 'REEL-C1' }, 'REEL-C1A', 'split', 1000), edge({ kind: 'lot', id: 'REEL-C1A' }, 'REEL-M', 'merge')],
  roundTrips: 3,
};

describe('the lineage graph', () => {
  it('has a linked box for every lot and vendor lot and an arrow for every flow, in words', () => {
    const { nodes, links } = lineageGraph(lineage);
    expect(nodes.map((n) => [n.label, n.to, n.relation])).toEqual([
      ['Vendor lot M2345', '/vendor-lots/V-MURATA/GRM188/M2345', 'receipt'],
      ['Lot REEL-C1A', '/lots/REEL-C1A', 'self'],
      ['Lot REEL-C1', '/lots/REEL-C1', 'source'],
      ['Lot REEL-M', '/lots/REEL-M', 'derived'],
    ]);
    expect(links).toEqual([
      { from: `vendorLot:${vl}`, to: 'lot:REEL-C1', label: 'received 4000' },
      { from: 'lot:REEL-C1', to: 'lot:REEL-C1A', label: 'split 1000' },
      { from: 'lot:REEL-C1A', to: 'lot:REEL-M', label: 'merge' },
    ]);
  });

  it('lays the flow out left to right: receipt, source, the lot, what was made of it', () => {
    const laid = layoutLineage(lineageGraph(lineage));
    const x = Object.fromEntries(laid.nodes.map((n) => [n.label, n.x]));
    expect(x['Vendor lot M2345']!).toBeLessThan(x['Lot REEL-C1']!);
    expect(x['Lot REEL-C1']!).toBeLessThan(x['Lot REEL-C1A']!);
    expect(x['Lot REEL-C1A']!).toBeLessThan(x['Lot REEL-M']!);
    expect(laid.width).toBeGreaterThan(3 * 180);
    expect(laid.links.every((l) => l.points.length >= 2)).toBe(true);
  });
});
