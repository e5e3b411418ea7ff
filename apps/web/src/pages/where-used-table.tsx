import { createColumnHelper, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { useVirtualizer } from '@tanstack/react-virtual';
import { memo, useRef } from 'react';
import type { WhereUsedRow } from '../api-types';
import { Link, serialPath } from '../router';
import { stepLabel } from '../paths';

const column = createColumnHelper<WhereUsedRow>();
const inWords = (ids: string[]): string => (ids.length <= 2 ? ids.join(' or ') : `${ids.slice(0, -1).join(', ')} or ${ids.at(-1)}`);
const columns = [
  column.accessor('topSerial', { header: 'Top-level unit', cell: (c) => <Link to={serialPath(c.getValue())}>{c.getValue()}</Link> }),
  column.accessor('brand', { header: 'Brand', cell: (c) => c.getValue() ?? '' }),
  column.accessor('productPartNumber', { header: 'Product', cell: (c) => c.getValue() ?? '' }),
  column.accessor('shipped', { header: 'Shipped', cell: (c) => (c.getValue() ? c.row.original.shipments.map((s) => `${s.shipmentId} to ${s.customer}`).join(', ') || 'yes' : 'no') }),
  column.accessor('serial', { header: 'Installed in', cell: (c) => <Link to={serialPath(c.getValue())}>{c.getValue()}</Link> }),
  // A candidate row says so in words: the serial holds this lot or the other packages of a splice grey zone.
  column.accessor((r) => (r.candidate ? `${r.lotId} (candidate: ${inWords(r.candidateLotIds ?? [r.lotId])})` : r.lotId), { id: 'lotId', header: 'Lot installed' }),
  column.accessor((r) => r.path.map(stepLabel).join(' → '), { id: 'path', header: 'Path' }),
];

const ROW_HEIGHT = 32;

/**
 * Where-used rows as a table that draws only the rows in view: TanStack Virtual picks the rows, and TanStack Table
 * makes the row model of those rows only (building it over all 100,000 rows on every redraw of a stream took over a
 * second each time: bench/web.bench.ts). A stream's redraw adds rows below the view, so the rows in view are drawn
 * again only when they are other rows (RowsInView). Grid semantics keep the row count readable by screen readers.
 */
export function WhereUsedTable({ rows, label }: { rows: WhereUsedRow[]; label: string }) {
  const scroller = useRef<HTMLDivElement>(null);
  const virtualizer = useVirtualizer({ count: rows.length, getScrollElement: () => scroller.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtualizer.getVirtualItems();
  const first = items[0]?.index ?? 0;
  const end = (items[items.length - 1]?.index ?? -1) + 1;
  const before = items[0]?.start ?? 0;
  const after = virtualizer.getTotalSize() - (items[items.length - 1]?.end ?? 0);
  return (
    <div ref={scroller} className="virtual-scroll">
      <table aria-label={label} aria-rowcount={rows.length + 1} className="where-used">
        <thead>
          <tr aria-rowindex={1}>
            {HEADERS.map((h) => (
              <th key={h}>{h}</th>
            ))}
          </tr>
        </thead>
        <tbody>
          {before > 0 && (
            <tr aria-hidden="true">
              <td style={{ height: before }} colSpan={columns.length} />
            </tr>
          )}
          <RowsInView rows={rows.slice(first, end)} first={first} />
          {after > 0 && (
            <tr aria-hidden="true">
              <td style={{ height: after }} colSpan={columns.length} />
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}

const HEADERS = columns.map((c) => String(c.header));

/** The rows in view, `first` the index of the first: drawn again only when they are other rows, or come at another place. */
const RowsInView = memo(
  function RowsInView({ rows, first }: { rows: WhereUsedRow[]; first: number }) {
    const table = useReactTable({ data: rows, columns, getCoreRowModel: getCoreRowModel(), getRowId: (_, i) => String(first + i) });
    return table.getRowModel().rows.map((row, i) => (
      <tr key={row.id} aria-rowindex={first + i + 2} className={row.original.removed ? 'removed' : undefined} style={{ height: ROW_HEIGHT }}>
        {row.getVisibleCells().map((cell) => (
          <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
        ))}
      </tr>
    ));
  },
  (a, b) => a.first === b.first && a.rows.length === b.rows.length && a.rows.every((r, i) => r === b.rows[i]),
);
