import { useMemo } from 'react';
import type { LotLineage } from '../api-types';
import { type LaidOut, NODE_HEIGHT, NODE_WIDTH, layoutLineage, lineageGraph } from '../lineage-graph';
import { Link } from '../router';

/**
 * A lot's lineage drawn as a graph (dagre's layered layout, left to right: receipt, sources, the lot, the lots made of
 * it), every box a link; and the same as a list, the text alternative a screen reader walks.
 */
export function LineageView({ lineage }: { lineage: LotLineage }) {
  const graph = useMemo(() => lineageGraph(lineage), [lineage]);
  const laid = useMemo(() => layoutLineage(graph), [graph]);
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  return (
    <>
      <LineageSvg laid={laid} lotId={lineage.lotId} />
      <h3 className="sr-only">Lineage as a list</h3>
      <ul aria-label={`Lineage of ${lineage.lotId} as a list`} className="lineage-list">
        {graph.links.map((l, i) => {
          const from = byId.get(l.from)!;
          const to = byId.get(l.to)!;
          return (
            <li key={i}>
              <Link to={from.to}>{from.label}</Link> — {l.label} → <Link to={to.to}>{to.label}</Link>
            </li>
          );
        })}
        {graph.links.length === 0 && <li>No receipt, split or merge recorded for this lot.</li>}
      </ul>
    </>
  );
}

function LineageSvg({ laid, lotId }: { laid: LaidOut; lotId: string }) {
  const path = (points: { x: number; y: number }[]): string => points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
  return (
    <div className="lineage-graph">
      <svg role="group" aria-label={`Lineage graph of ${lotId}`} width={laid.width} height={laid.height} viewBox={`0 0 ${laid.width} ${laid.height}`}>
        <defs>
          <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse">
            <path d="M 0 0 L 10 5 L 0 10 z" className="arrow-head" />
          </marker>
        </defs>
        {laid.links.map((l, i) => {
          const mid = l.points[Math.floor(l.points.length / 2)];
          return (
            <g key={i} className="edge" aria-hidden="true">
              <path d={path(l.points)} markerEnd="url(#arrow)" />
              {mid && (
                <text x={mid.x} y={mid.y - 4} textAnchor="middle">
                  {l.label}
                </text>
              )}
            </g>
          );
        })}
        {laid.nodes.map((n) => (
          <Link key={n.id} to={n.to} aria-label={`${n.label}, ${n.detail}`} className={`node node-${n.relation} ${n.status ? `status-${n.status}` : ''}`}>
            <rect x={n.x - NODE_WIDTH / 2} y={n.y - NODE_HEIGHT / 2} width={NODE_WIDTH} height={NODE_HEIGHT} rx={6} />
            <text x={n.x} y={n.y - 4} textAnchor="middle" className="node-label">
              {n.label.length > 26 ? `${n.label.slice(0, 25)}…` : n.label}
            </text>
            <text x={n.x} y={n.y + 13} textAnchor="middle" className="node-detail">
              {n.detail.length > 25 ? `${n.detail.slice(0, 24)}…` : n.detail}
            </text>
          </Link>
        ))}
      </svg>
    </div>
  );
}
