import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { ApiError, apiJson, enc } from '../api';
import type { LotLineage, LotStatusChangeResult, SessionInfo, WhereUsedPage } from '../api-types';
import { lotPath, navigate } from '../router';
import { type WhereUsedFilters, filtersFromSearch, plural, whereUsedQuery } from '../where-used-filters';
import { whereUsedCsv } from '../where-used-csv';
import { useWhereUsedStream } from './use-where-used-stream';
import { WhereUsedTable } from './where-used-table';
import { Chunk, useChunk } from '../chunk';

// The lineage's drawing (dagre's layout, most of this page's code) is a chunk of its own, asked for as the page opens,
// beside the lineage's answer: the page draws and its where-used stream starts without evaluating it first.
const lineageChunk = new Chunk(() => import('./lot-lineage'));

/** A package lot: its status, lineage and status history, where-used streamed into a virtualized table, hold and release. */
export function LotPage({ lotId, search, session }: { lotId: string; search: string; session: SessionInfo }) {
  const filters = filtersFromSearch(search);
  const base = `/v1/lots/${enc(lotId)}/where-used`;
  const summary = useQuery({ queryKey: ['where-used-summary', lotId], queryFn: () => apiJson<WhereUsedPage>(`${base}?limit=1`) });
  const lineage = useQuery({ queryKey: ['lineage', lotId], queryFn: () => apiJson<LotLineage>(`/v1/lots/${enc(lotId)}/lineage`) });
  const drawing = useChunk(lineageChunk);
  const [generation, setGeneration] = useState(0);
  const stream = useWhereUsedStream(`${base}${whereUsedQuery(filters, { format: 'ndjson' })}`, generation);
  const self = summary.data?.lots.find((l) => l.lotId === lotId);
  const setFilters = (f: WhereUsedFilters): void => navigate(lotPath(lotId) + whereUsedQuery(f), { replace: true });

  return (
    <section>
      <h1>Lot {lotId}</h1>
      {summary.isError && <p role="alert">{summary.error instanceof ApiError && summary.error.status === 404 ? `No lot ${lotId}: no event ever named it.` : summary.error.message}</p>}
      {self && (
        <p>
          Status: <span className={`status status-${self.status}`}>{self.status}</span>
        </p>
      )}
      <h2>Lineage</h2>
      {lineage.isError && !(lineage.error instanceof ApiError && lineage.error.status === 404) && <p role="alert">{lineage.error.message}</p>}
      {drawing.error !== undefined && <p role="alert">The lineage's drawing could not be loaded: {drawing.error}</p>}
      {lineage.data && (drawing.module ? <drawing.module.LineageView lineage={lineage.data} /> : <p role="status">Drawing the lineage…</p>)}
      {lineage.data && <StatusHistory lineage={lineage.data} />}
      {session.role === 'quality' && summary.data && (
        <Containment lotId={lotId} units={stream.done && !stream.error && Object.keys(filters).length === 0 ? stream.count : undefined} onChanged={() => setGeneration((g) => g + 1)} />
      )}
      <h2>Where used</h2>
      <FilterBar filters={filters} onChange={setFilters} />
      <p role="status" aria-label="Where-used count">
        {plural(stream.count.rows, 'row')} · {plural(stream.count.unitCount, 'top-level unit')} · {stream.count.shippedUnits} shipped{stream.done ? '' : ' · streaming…'}
      </p>
      {stream.error && <p role="alert">{stream.error}</p>}
      <button type="button" disabled={!stream.done || stream.rows.length === 0} onClick={() => downloadCsv(`where-used-${lotId}.csv`, whereUsedCsv(stream.rows))}>
        Download CSV
      </button>
      <WhereUsedTable rows={stream.rows} label={`Where-used of ${lotId}`} />
    </section>
  );
}

function FilterBar({ filters, onChange }: { filters: WhereUsedFilters; onChange: (f: WhereUsedFilters) => void }) {
  const [brand, setBrand] = useState(filters.brand ?? '');
  const [product, setProduct] = useState(filters.product ?? '');
  const [shipped, setShipped] = useState(filters.shipped === undefined ? '' : String(filters.shipped));
  const [candidates, setCandidates] = useState<string>(filters.candidates ?? '');
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    onChange({
      ...(brand ? { brand } : {}),
      ...(product ? { product } : {}),
      ...(shipped ? { shipped: shipped === 'true' } : {}),
      ...(candidates === 'exclude' || candidates === 'only' ? { candidates } : {}),
    });
  };
  return (
    <form className="filters" onSubmit={submit} aria-label="Filters">
      <label>
        Brand <input value={brand} onChange={(e) => setBrand(e.target.value)} />
      </label>
      <label>
        Product <input value={product} onChange={(e) => setProduct(e.target.value)} />
      </label>
      <label>
        Shipped{' '}
        <select value={shipped} onChange={(e) => setShipped(e.target.value)}>
          <option value="">any</option>
          <option value="true">shipped</option>
          <option value="false">not shipped</option>
        </select>
      </label>
      <label>
        Grey-zone candidates{' '}
        <select value={candidates} onChange={(e) => setCandidates(e.target.value)}>
          <option value="">included, marked</option>
          <option value="exclude">left out (certain rows only)</option>
          <option value="only">only candidates</option>
        </select>
      </label>
      <button type="submit">Filter</button>
    </form>
  );
}

type Action = 'hold' | 'release';

/** Hold and Release (quality role): a dialog asks for the reason and shows the recall scope before confirming. */
function Containment({ lotId, units, onChanged }: { lotId: string; units: { rows: number; unitCount: number; shippedUnits: number } | undefined; onChanged: () => void }) {
  const client = useQueryClient();
  const dialog = useRef<HTMLDialogElement>(null);
  const [action, setAction] = useState<Action | undefined>();
  const [reason, setReason] = useState('');
  const change = useMutation({
    mutationFn: (a: Action) => apiJson<LotStatusChangeResult>(`/v1/lots/${enc(lotId)}/${a}`, { method: 'POST', body: JSON.stringify({ reason }) }),
    onSuccess: () => {
      dialog.current?.close();
      setAction(undefined);
      setReason('');
      // The status shows once the ingest has recorded the published events: ask again shortly.
      setTimeout(() => {
        void client.invalidateQueries({ queryKey: ['where-used-summary', lotId] });
        void client.invalidateQueries({ queryKey: ['lineage', lotId] });
        onChanged();
      }, 1_500);
    },
  });
  useEffect(() => {
    if (action && dialog.current && !dialog.current.open) dialog.current.showModal();
  }, [action]);
  const open = (a: Action): void => {
    change.reset();
    setAction(a);
  };
  const confirm = (e: FormEvent): void => {
    e.preventDefault();
    if (action) change.mutate(action);
  };
  const done = change.data;
  return (
    <div className="containment">
      <button type="button" onClick={() => open('hold')}>
        Hold
      </button>{' '}
      <button type="button" onClick={() => open('release')}>
        Release
      </button>
      {done && (
        <p role="status" aria-label="Containment result">
          {done.status === 'hold' ? 'On hold' : 'Released'}: {done.events.length} LotStatusChanged published ({done.events.map((e) => e.lotId).join(', ')}). Recall scope: {plural(done.recallScope.units, 'unit')}, {done.recallScope.shippedUnits} shipped.
        </p>
      )}
      <dialog ref={dialog} aria-labelledby="containment-title" onClose={() => setAction(undefined)}>
        <form onSubmit={confirm}>
          <h2 id="containment-title">{action === 'release' ? 'Release' : 'Hold'} lot {lotId} and every lot made from it</h2>
          <p>
            Recall scope:{' '}
            {units ? `${plural(units.unitCount, 'top-level unit')} hold this material now (${units.shippedUnits} shipped), through ${plural(units.rows, 'installation')}.` : 'counting in the where-used table below…'}
          </p>
          <label htmlFor="containment-reason">Reason</label>
          <textarea id="containment-reason" value={reason} onChange={(e) => setReason(e.target.value)} required maxLength={1024} />
          {change.isError && <p role="alert">{change.error.message}</p>}
          <div className="dialog-buttons">
            <button type="submit" disabled={change.isPending || reason.trim() === ''}>
              {action === 'release' ? 'Confirm release' : 'Confirm hold'}
            </button>{' '}
            <button type="button" onClick={() => dialog.current?.close()}>
              Cancel
            </button>
          </div>
        </form>
      </dialog>
    </div>
  );
}

/** Saves text as a file: the rows are already in the page, so the browser writes them without asking the API again. */
function downloadCsv(filename: string, text: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Every status change of the lot, oldest first, each with when, why and the event that made it. */
function StatusHistory({ lineage }: { lineage: LotLineage }) {
  return (
    <>
      <h2>Status history</h2>
      {lineage.statusHistory.length === 0 ? (
        <p className="muted">No status change recorded: {lineage.status === 'unknown' ? 'the lot is only referenced' : `${lineage.status} since it came to be`}.</p>
      ) : (
        <table aria-label={`Status history of ${lineage.lotId}`}>
          <thead>
            <tr>
              <th>Time</th>
              <th>Status</th>
              <th>Reason</th>
              <th>Provenance</th>
            </tr>
          </thead>
          <tbody>
            {lineage.statusHistory.map((s) => (
              <tr key={s.provenance.eventId}>
                <td>{s.provenance.occurredAt}</td>
                <td className={`status-${s.status}`}>{s.status}</td>
                <td className="lineage">{s.reason}</td>
                <td>
                  {s.provenance.type} from {s.provenance.source} · {s.provenance.topic} partition {s.provenance.partition} offset {s.provenance.offset} · event {s.provenance.eventId}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}
