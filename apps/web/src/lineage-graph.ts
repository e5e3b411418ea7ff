import dagre from '@dagrejs/dagre';
import type { LotLineage } from './api-types';
import { lotPath, vendorLotKeyOf, vendorLotPath } from './paths';

/** One box of the lineage drawing: a package lot or a vendor lot, each a link to its page. */
export interface LineageNode {
  id: string;
  kind: 'lot' | 'vendorLot';
  /** The words in the box, and the link's accessible name. */
  label: string;
  detail: string;
  to: string;
  relation: 'self' | 'source' | 'derived' | 'receipt';
  status?: string;
}
export interface LineageLink {
  from: string;
  to: string;
  /** The edge in words: "received 4000", "split 1000", "merge". */
  label: string;
}

const nodeId = (kind: 'lot' | 'vendorLot', id: string): string => `${kind}:${id}`;

/** The lineage as boxes and arrows (material flows from the receipt, left, to the lots made of it, right). */
export function lineageGraph(lineage: LotLineage): { nodes: LineageNode[]; links: LineageLink[] } {
  const nodes: LineageNode[] = [
    ...lineage.vendorLots.map((v): LineageNode => {
      const key = vendorLotKeyOf(v.vendorLotId) ?? v;
      return { id: nodeId('vendorLot', v.vendorLotId), kind: 'vendorLot', label: `Vendor lot ${v.vendorLotCode}`, detail: `${v.mpn} · ${v.vendorId}`, to: vendorLotPath(key), relation: 'receipt' };
    }),
    ...lineage.lots.map(
      (l): LineageNode => ({
        id: nodeId('lot', l.lotId),
        kind: 'lot',
        label: `Lot ${l.lotId}`,
        detail: l.known ? `${l.origin} · ${l.status}` : 'never recorded',
        to: lotPath(l.lotId),
        relation: l.relation,
        status: l.status,
      }),
    ),
  ];
  const links = lineage.edges.map(
    (e): LineageLink => ({ from: nodeId(e.from.kind, e.from.id), to: nodeId('lot', e.to), label: e.quantity !== undefined ? `${e.via} ${e.quantity}` : e.via }),
  );
  return { nodes, links };
}

export const NODE_WIDTH = 180;
export const NODE_HEIGHT = 44;

export interface LaidOut {
  width: number;
  height: number;
  nodes: (LineageNode & { x: number; y: number })[];
  links: (LineageLink & { points: { x: number; y: number }[] })[];
}

/** Positions from dagre (layered layout, left to right): node centres and each edge's polyline. */
export function layoutLineage({ nodes, links }: { nodes: LineageNode[]; links: LineageLink[] }): LaidOut {
  const g = new dagre.graphlib.Graph({ multigraph: true });
  g.setGraph({ rankdir: 'LR', nodesep: 16, ranksep: 100, marginx: 8, marginy: 8 });
  for (const n of nodes) g.setNode(n.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  links.forEach((l, i) => g.setEdge(l.from, l.to, {}, String(i)));
  dagre.layout(g);
  const size = g.graph();
  return {
    width: Math.ceil(size.width ?? 0),
    height: Math.ceil(size.height ?? 0),
    nodes: nodes.map((n) => ({ ...n, x: g.node(n.id).x, y: g.node(n.id).y })),
    links: links.map((l, i) => ({ ...l, points: g.edge(l.from, l.to, String(i)).points ?? [] })),
  };
}
