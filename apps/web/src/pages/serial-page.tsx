import { useQuery } from '@tanstack/react-query';
import { useWindowVirtualizer } from '@tanstack/react-virtual';
import { useMemo, useRef, useState } from 'react';
import { ApiError, apiJson, enc } from '../api';
import type { Genealogy, Provenance } from '../api-types';
import { vendorLotKeyOf, vendorLotPath } from '../paths';
import { Link, lotPath, navigate, serialPath, vendorPath } from '../router';
import { groupFlags, judgementInWords } from '../judgement';
import { type TreeUnit, allKeys, assemblyTree, visibleUnits } from '../tree';
import { ProvenancePanel } from './provenance';

/** A serial's genealogy: header, flags and gaps first, the assembly tree with every material, downloads. */
export function SerialPage({ serial, search }: { serial: string; search: string }) {
  const history = new URLSearchParams(search).get('history') === 'true';
  const answer = useQuery({ queryKey: ['genealogy', serial, history], queryFn: () => apiJson<Genealogy>(`/v1/serials/${enc(serial)}/genealogy${history ? '?history=true' : ''}`) });
  const [expanded, setExpanded] = useState<Set<string>>(() => new Set([serial]));
  const [shown, setShown] = useState<{ what: string; provenance: Provenance } | undefined>();
  const tree = useMemo(() => (answer.data ? assemblyTree(answer.data) : undefined), [answer.data]);
  const toggle = (key: string): void =>
    setExpanded((prev) => {
      const next = new Set(prev);
      if (!next.delete(key)) next.add(key);
      return next;
    });

  return (
    <section>
      <h1>Serial {serial}</h1>
      {answer.isPending && <p>Tracing {serial}…</p>}
      {answer.isError && (
        // Another brand's serial answers 404 exactly like one that does not exist; the page says the same for both.
        <p role="alert">{answer.error instanceof ApiError && answer.error.status === 404 ? `No serial ${serial} in your scope.` : answer.error.message}</p>
      )}
      {answer.data && tree && (
        <>
          <UnitHeader g={answer.data} onProvenance={setShown} />
          <FlagsAndGaps g={answer.data} />
          <nav aria-label="Downloads" className="downloads">
            Downloads:{' '}
            {(['pdf', 'csv', 'json'] as const).map((f) => (
              <a key={f} href={`/v1/serials/${enc(serial)}/report?format=${f}`} download>
                {f.toUpperCase()}
              </a>
            ))}
            <a href={`/v1/serials/${enc(serial)}/epcis`} download={`${serial}.epcis.jsonld`}>
              EPCIS
            </a>
          </nav>
          <div className="tree-controls">
            <label>
              <input type="checkbox" checked={history} onChange={(e) => navigate(serialPath(serial) + (e.target.checked ? '?history=true' : ''), { replace: true })} /> History
              (removed and retracted material, marked)
            </label>
            <button type="button" onClick={() => setExpanded(new Set(allKeys(tree)))}>
              Expand all
            </button>
            <button type="button" onClick={() => setExpanded(new Set())}>
              Collapse all
            </button>
          </div>
          <h2>Assembly</h2>
          <AssemblyTree units={visibleUnits(tree, expanded)} expanded={expanded} onToggle={toggle} onProvenance={setShown} />
          {shown && <ProvenancePanel what={shown.what} provenance={shown.provenance} onClose={() => setShown(undefined)} />}
        </>
      )}
    </section>
  );
}

function UnitHeader({ g, onProvenance }: { g: Genealogy; onProvenance: (p: { what: string; provenance: Provenance }) => void }) {
  const u = g.unit;
  return (
    <dl className="header-facts">
      <dt>Brand</dt>
      <dd>{u.brand ?? 'unknown'}</dd>
      <dt>Product</dt>
      <dd>{u.productPartNumber ?? 'unknown'}</dd>
      <dt>Work order</dt>
      <dd>{u.workOrder ?? 'unknown'}</dd>
      <dt>Shipped</dt>
      <dd>
        {u.shipments.length === 0
          ? 'not shipped'
          : u.shipments.map((s) => (
              <button key={s.shipmentId} type="button" className="fact" onClick={() => onProvenance({ what: `shipment ${s.shipmentId}`, provenance: s.provenance })}>
                {s.shipmentId} to {s.customer}
              </button>
            ))}
      </dd>
    </dl>
  );
}

function FlagsAndGaps({ g }: { g: Genealogy }) {
  const flags = g.summary.flags;
  if (flags.length === 0 && g.gaps.length === 0) return <p className="ok">No flags, no gaps: every vendor approved, every lot released, the graph complete.</p>;
  return (
    <section className="flags" aria-label="Flags and gaps">
      <h2>Flags and gaps</h2>
      {groupFlags(flags).map((group) => (
        <section key={group.code} aria-label={group.title} className={`flag-group flag-${group.code}`}>
          <h3>
            {group.title} ({group.flags.length})
          </h3>
          <ul>
            {group.flags.map((f, i) => (
              <li key={i} className="flag">
                {f.message}
                {f.vendorId && (
                  <>
                    {' '}
                    (<Link to={vendorPath(f.vendorId)}>vendor {f.vendorId}</Link>)
                  </>
                )}
                {f.lotId && (
                  <>
                    {' '}
                    (<Link to={lotPath(f.lotId)}>lot {f.lotId}</Link>)
                  </>
                )}
              </li>
            ))}
          </ul>
        </section>
      ))}
      <ul>
        {g.gaps.map((gap, i) => (
          <li key={`g${i}`} className="gap">
            Gap: {gap.message}
          </li>
        ))}
      </ul>
    </section>
  );
}

/**
 * The visible units of the tree, drawn only near the window's view (TanStack Virtual over the page's scroll, each unit
 * measured as drawn): "Expand all" on 1,250 units draws a few dozen, not 1,250 material tables. The first 20 units
 * beyond the view are always drawn, so a small tree is drawn whole.
 */
function AssemblyTree({ units, expanded, onToggle, onProvenance }: { units: TreeUnit[]; expanded: ReadonlySet<string>; onToggle: (key: string) => void; onProvenance: (p: { what: string; provenance: Provenance }) => void }) {
  const list = useRef<HTMLUListElement>(null);
  const virtualizer = useWindowVirtualizer({
    count: units.length,
    estimateSize: (i) => 40 + (expanded.has(units[i]!.key) ? 40 + 36 * units[i]!.materials.length : 0),
    overscan: 20,
    scrollMargin: list.current?.offsetTop ?? 0,
    getItemKey: (i) => units[i]!.key,
  });
  const items = virtualizer.getVirtualItems();
  const margin = virtualizer.options.scrollMargin;
  const before = Math.max(0, (items[0]?.start ?? margin) - margin);
  const after = Math.max(0, virtualizer.getTotalSize() - ((items[items.length - 1]?.end ?? margin) - margin));
  return (
    <ul ref={list} className="tree" role="tree" aria-label="Assembly tree">
      {before > 0 && <li aria-hidden="true" style={{ height: before }} />}
      {items.map((v) => {
        const u = units[v.index]!;
        return <UnitItem key={u.key} u={u} index={v.index} count={units.length} measure={virtualizer.measureElement} open={expanded.has(u.key)} onToggle={() => onToggle(u.key)} onProvenance={onProvenance} />;
      })}
      {after > 0 && <li aria-hidden="true" style={{ height: after }} />}
    </ul>
  );
}

function UnitItem({ u, index, count, measure, open, onToggle, onProvenance }: { u: TreeUnit; index: number; count: number; measure: (el: Element | null) => void; open: boolean; onToggle: () => void; onProvenance: (p: { what: string; provenance: Provenance }) => void }) {
  const unit = u.unit;
  return (
    <li ref={measure} data-index={index} aria-posinset={index + 1} aria-setsize={count} role="treeitem" aria-level={u.depth + 1} aria-expanded={u.hasChildren ? open : undefined} aria-selected={false} className={`unit depth-${Math.min(u.depth, 6)}${u.removed ? ' removed' : ''}`} style={{ marginLeft: `${u.depth * 1.5}rem` }}>
      <div className="unit-line">
        {u.hasChildren && (
          <button type="button" aria-expanded={open} aria-label={`${open ? 'Collapse' : 'Expand'} ${unit.serial}`} onClick={onToggle}>
            {open ? '▾' : '▸'}
          </button>
        )}{' '}
        {u.refDes && <span className="refdes">{u.refDes}: </span>}
        {u.depth === 0 ? <strong>{unit.serial}</strong> : <Link to={serialPath(unit.serial)}>{unit.serial}</Link>}{' '}
        <span className="muted">
          {unit.brand ?? ''} {unit.productPartNumber ?? ''} {unit.workOrder ? `WO ${unit.workOrder}` : ''} {unit.started ? '' : '(never started: a gap)'}
        </span>
        {u.removed && <span className="tag">removed</span>}
      </div>
      {open && u.materials.length > 0 && (
        <table className="materials" aria-label={`Materials of ${unit.serial}`}>
          <thead>
            <tr>
              <th>RefDes</th>
              <th>IPN</th>
              <th>MPN</th>
              <th>Manufacturer</th>
              <th>Vendor (status)</th>
              <th>Vendor lot</th>
              <th>Date code</th>
              <th>Origin</th>
              <th>Package lot</th>
              <th>Lot lineage</th>
              <th>Lot status</th>
              <th>Brand judgement</th>
              <th>Provenance</th>
            </tr>
          </thead>
          <tbody>
            {u.materials.map((m) => {
              const vls = m.vendorLots.length > 0 ? m.vendorLots : [undefined];
              return vls.map((vl, i) => (
                <tr key={`${m.lotId}|${m.refDes.join(',')}|${i}`} className={m.removed ? 'removed' : undefined}>
                  <td>
                    {m.refDes.join(' ')}
                    {m.removed && <span className="tag">removed</span>}
                  </td>
                  <td>{vl?.ipn ?? ''}</td>
                  <td>{vl?.mpn ?? ''}</td>
                  <td>{vl?.manufacturer ?? ''}</td>
                  <td>
                    {vl && (
                      <>
                        <Link to={vendorPath(vl.vendorId)}>{vl.vendorName ?? vl.vendorId}</Link> <span className={`status status-${vl.vendorStatus}`}>({vl.vendorStatus})</span>
                      </>
                    )}
                  </td>
                  <td>{vl ? <VendorLotLink vendorLotId={vl.vendorLotId} code={vl.vendorLotCode} /> : ''}</td>
                  <td>{vl?.dateCode ?? ''}</td>
                  <td>{vl?.countryOfOrigin ?? ''}</td>
                  <td>
                    {m.candidateReason !== undefined ? (
                      // A grey-zone placement: every package it may have come from, each a link, said in words.
                      <span title={m.candidateReason}>
                        {m.lotText.split(/( or |, )/).map((part, j) => (j % 2 === 0 ? <Link key={part} to={lotPath(part)}>{part}</Link> : part))}
                        <span className="candidate-reason"> ({m.candidateReason})</span>
                      </span>
                    ) : (
                      <Link to={lotPath(m.lotId)}>{m.lotId}</Link>
                    )}
                  </td>
                  <td className="lineage">{m.lineage.join('; ')}</td>
                  <td>
                    <span className={`status status-${m.lotStatus}`}>{m.lotStatus}</span>
                  </td>
                  <td className={`verdict verdict-${m.judgement?.verdict ?? 'none'}`}>{judgementInWords(m.judgement)}</td>
                  <td>
                    <button type="button" className="fact" aria-label={`Provenance of ${m.lotId} at ${m.refDes.join(' ')} in ${unit.serial}`} onClick={() => onProvenance({ what: `${m.lotId} at ${m.refDes.join(' ')} in ${unit.serial}`, provenance: m.provenance })}>
                      event
                    </button>
                  </td>
                </tr>
              ));
            })}
          </tbody>
        </table>
      )}
    </li>
  );
}

/** A vendor lot code, a link to its page when the API named the vendor lot by its key. */
function VendorLotLink({ vendorLotId, code }: { vendorLotId: string; code: string }) {
  const key = vendorLotKeyOf(vendorLotId);
  return key ? <Link to={vendorLotPath(key)}>{code}</Link> : <>{code}</>;
}
