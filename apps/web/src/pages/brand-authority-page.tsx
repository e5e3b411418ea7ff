import { type UseMutationResult, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ColumnDef, flexRender, getCoreRowModel, useReactTable } from '@tanstack/react-table';
import { type FormEvent, type ReactNode, useState } from 'react';
import { ApiError, apiJson, enc } from '../api';
import type { SessionInfo } from '../api-types';
import { brandAuthorityPath, deviationPath } from '../paths';
import { Link, serialPath } from '../router';

// A brand's authority for its approvers: the approved parts and deviations (GET /v1/brands/{brand}/...), a deviation's
// serials, and the forms that publish to trace.brand.v1 through the API's POST routes. The brand keeps the authority:
// only an approver key of exactly this brand gets the forms (the API answers 403 to any other key).

interface ApprovedPart {
  approvalId: string;
  internalPartNumber: string;
  manufacturer: string;
  mpn: string;
  vendorIds?: string[];
  reason?: string;
  state: 'IN_FORCE' | 'WITHDRAWN';
  approvedAt: string;
  withdrawn?: { at: string; reason: string };
}

type DeviationState = 'NOT_YET_IN_FORCE' | 'IN_FORCE' | 'EXPIRED' | 'REVOKED';
interface DeviationSummary {
  deviationId: string;
  internalPartNumber: string;
  manufacturer: string;
  mpn: string;
  productPartNumbers?: string[];
  workOrders?: string[];
  maxQuantity?: number;
  validFrom: string;
  validUntil: string;
  approvedBy: string;
  reason: string;
  state: DeviationState;
  revoked?: { at: string; reason: string };
  piecesUsed: number;
  piecesLeft?: number;
}
interface DeviationDetail extends DeviationSummary {
  serials: { serial: string; productPartNumber?: string; workOrder?: string; pieces: number; topSerial: string; shipments: { shipmentId: string; customer: string; at: string }[] }[];
  exceeded: { serial: string; lotId: string; quantity: number; at: string; count: number }[];
}

const STATE_WORDS: Record<DeviationState | ApprovedPart['state'], string> = {
  IN_FORCE: 'in force',
  NOT_YET_IN_FORCE: 'not yet in force',
  EXPIRED: 'expired',
  REVOKED: 'revoked',
  WITHDRAWN: 'withdrawn',
};

/** Whether the session may publish for `brand`: an approver key scoped to exactly that brand (as the API decides). */
export const mayPublish = (session: SessionInfo, brand: string): boolean =>
  session.role === 'approver' && session.brands !== '*' && session.brands.length === 1 && session.brands[0] === brand;

const errorText = (error: Error): string =>
  error instanceof ApiError && error.status === 403 ? `Refused (403): only an approver key of exactly this brand may publish. ${error.message}` : error.message;

/** The brand's approved parts and deviations, and for its approver the forms that publish. */
export function BrandAuthorityPage({ brand, session }: { brand: string; session: SessionInfo }) {
  const approvals = useQuery({ queryKey: ['brand', brand, 'approved-parts'], queryFn: () => apiJson<ApprovedPart[]>(`/v1/brands/${enc(brand)}/approved-parts`) });
  const deviations = useQuery({ queryKey: ['brand', brand, 'deviations'], queryFn: () => apiJson<DeviationSummary[]>(`/v1/brands/${enc(brand)}/deviations`) });
  const publisher = mayPublish(session, brand);
  return (
    <section>
      <h1>Authority of {brand}</h1>
      {!publisher && (
        <p role="note">
          Read only: publishing is the brand&apos;s own, with an approver key of {brand} alone (any other key, a site-wide one included, is refused with 403).
        </p>
      )}
      <h2>Deviations</h2>
      {deviations.isError && <p role="alert">{deviations.error.message}</p>}
      {deviations.data && <DeviationTable brand={brand} rows={deviations.data} />}
      {publisher && <DeviationForms brand={brand} />}
      <h2>Approved parts</h2>
      {approvals.isError && <p role="alert">{approvals.error.message}</p>}
      {approvals.data && <ApprovalTable rows={approvals.data} />}
      {publisher && <ApprovalForms brand={brand} />}
      {publisher && (
        <>
          <h2>BOM revisions</h2>
          <BomForm brand={brand} />
        </>
      )}
    </section>
  );
}

function Table<T>({ rows, columns, label }: { rows: T[]; columns: ColumnDef<T, any>[]; label: string }) {
  const table = useReactTable({ data: rows, columns, getCoreRowModel: getCoreRowModel() });
  if (rows.length === 0) return <p>None published.</p>;
  return (
    <table aria-label={label}>
      <thead>
        {table.getHeaderGroups().map((g) => (
          <tr key={g.id}>
            {g.headers.map((h) => (
              <th key={h.id}>{flexRender(h.column.columnDef.header, h.getContext())}</th>
            ))}
          </tr>
        ))}
      </thead>
      <tbody>
        {table.getRowModel().rows.map((row) => (
          <tr key={row.id}>
            {row.getVisibleCells().map((cell) => (
              <td key={cell.id}>{flexRender(cell.column.columnDef.cell, cell.getContext())}</td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

const part = (r: { internalPartNumber: string; manufacturer: string; mpn: string }): string => `${r.internalPartNumber}: ${r.mpn} (${r.manufacturer})`;

function DeviationTable({ brand, rows }: { brand: string; rows: DeviationSummary[] }) {
  const columns: ColumnDef<DeviationSummary, any>[] = [
    { id: 'id', header: 'Deviation', cell: (c) => <Link to={deviationPath(brand, c.row.original.deviationId)}>{c.row.original.deviationId}</Link> },
    { id: 'part', header: 'Part', cell: (c) => part(c.row.original) },
    { id: 'state', header: 'State', cell: (c) => STATE_WORDS[c.row.original.state] },
    { id: 'used', header: 'Pieces used', cell: (c) => c.row.original.piecesUsed },
    { id: 'left', header: 'Pieces left', cell: (c) => c.row.original.piecesLeft ?? 'no limit' },
    { id: 'valid', header: 'Valid', cell: (c) => `${c.row.original.validFrom} .. ${c.row.original.validUntil}` },
    { id: 'scope', header: 'Scope', cell: (c) => [...(c.row.original.productPartNumbers ?? []), ...(c.row.original.workOrders ?? [])].join(', ') || 'every unit' },
  ];
  return <Table rows={rows} columns={columns} label={`Deviations of ${brand}`} />;
}

function ApprovalTable({ rows }: { rows: ApprovedPart[] }) {
  const columns: ColumnDef<ApprovedPart, any>[] = [
    { id: 'id', header: 'Approval', cell: (c) => c.row.original.approvalId },
    { id: 'part', header: 'Part', cell: (c) => part(c.row.original) },
    { id: 'vendors', header: 'Vendors', cell: (c) => c.row.original.vendorIds?.join(', ') ?? 'any' },
    { id: 'state', header: 'State', cell: (c) => STATE_WORDS[c.row.original.state] + (c.row.original.withdrawn ? ` (${c.row.original.withdrawn.reason})` : '') },
    { id: 'at', header: 'Approved at', cell: (c) => c.row.original.approvedAt },
  ];
  return <Table rows={rows} columns={columns} label="Approved parts" />;
}

type Published = UseMutationResult<{ eventId: string }, Error, { path: string; body: Record<string, unknown> }>;

/** A POST to the brand's routes; the lists are read again once it is accepted (the ingest records it shortly after). */
function usePublish(brand: string): Published {
  const client = useQueryClient();
  return useMutation({
    mutationFn: ({ path, body }: { path: string; body: Record<string, unknown> }) =>
      apiJson<{ eventId: string }>(`/v1/brands/${enc(brand)}/${path}`, { method: 'POST', body: JSON.stringify(body) }),
    onSuccess: () => {
      // The API answers 202 once Kafka has the event; the ingest writes it a moment later, so read again then too.
      const again = (): void => void client.invalidateQueries({ queryKey: ['brand', brand] });
      again();
      setTimeout(again, 1500);
    },
  });
}

function Outcome({ mutation, what }: { mutation: Published; what: string }) {
  if (mutation.isError) return <p role="alert">{errorText(mutation.error)}</p>;
  if (mutation.isSuccess) return <p role="status">{what} published as event {mutation.data.eventId}.</p>;
  return null;
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label>
      {label} {children}
    </label>
  );
}

const list = (s: string): string[] | undefined => {
  const items = s.split(/[\s,;]+/).filter((x) => x !== '');
  return items.length > 0 ? items : undefined;
};
const isoOf = (local: string): string => new Date(local).toISOString();

function DeviationForms({ brand }: { brand: string }) {
  const publish = usePublish(brand);
  const [f, setF] = useState({ deviationId: '', internalPartNumber: '', manufacturer: '', mpn: '', products: '', maxQuantity: '', validFrom: '', validUntil: '', approvedBy: '', reason: '' });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    publish.mutate({ path: 'deviations', body: {
      deviationId: f.deviationId.trim(),
      internalPartNumber: f.internalPartNumber.trim(),
      manufacturer: f.manufacturer.trim(),
      mpn: f.mpn.trim(),
      ...(list(f.products) ? { productPartNumbers: list(f.products) } : {}),
      ...(f.maxQuantity.trim() ? { maxQuantity: Number(f.maxQuantity) } : {}),
      validFrom: isoOf(f.validFrom),
      validUntil: isoOf(f.validUntil),
      approvedBy: f.approvedBy.trim(),
      reason: f.reason.trim(),
    } });
  };
  return (
    <>
      <form onSubmit={submit} className="filters" aria-label="Approve a deviation">
        <Field label="Deviation id"><input value={f.deviationId} onChange={set('deviationId')} required /></Field>
        <Field label="Internal part number"><input value={f.internalPartNumber} onChange={set('internalPartNumber')} required /></Field>
        <Field label="Manufacturer"><input value={f.manufacturer} onChange={set('manufacturer')} required /></Field>
        <Field label="MPN"><input value={f.mpn} onChange={set('mpn')} required /></Field>
        <Field label="Products"><input value={f.products} onChange={set('products')} placeholder="all of the brand's" /></Field>
        <Field label="Pieces at most"><input type="number" min={1} value={f.maxQuantity} onChange={set('maxQuantity')} placeholder="no limit" /></Field>
        <Field label="Valid from"><input type="datetime-local" value={f.validFrom} onChange={set('validFrom')} required /></Field>
        <Field label="Valid until"><input type="datetime-local" value={f.validUntil} onChange={set('validUntil')} required /></Field>
        <Field label="Approved by"><input value={f.approvedBy} onChange={set('approvedBy')} required /></Field>
        <Field label="Reason"><input value={f.reason} onChange={set('reason')} required /></Field>
        <button type="submit" disabled={publish.isPending}>Approve deviation</button>
      </form>
      <Outcome mutation={publish} what="The deviation" />
      <ReasonForm brand={brand} label="Revoke a deviation" idLabel="Deviation id" button="Revoke deviation" path={(id) => `deviations/${enc(id)}/revoke`} what="The revocation" />
    </>
  );
}

function ApprovalForms({ brand }: { brand: string }) {
  const publish = usePublish(brand);
  const [f, setF] = useState({ approvalId: '', internalPartNumber: '', manufacturer: '', mpn: '', vendors: '', reason: '' });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    publish.mutate({ path: 'approved-parts', body: {
      approvalId: f.approvalId.trim(),
      internalPartNumber: f.internalPartNumber.trim(),
      manufacturer: f.manufacturer.trim(),
      mpn: f.mpn.trim(),
      ...(list(f.vendors) ? { vendorIds: list(f.vendors) } : {}),
      ...(f.reason.trim() ? { reason: f.reason.trim() } : {}),
    } });
  };
  return (
    <>
      <form onSubmit={submit} className="filters" aria-label="Approve a part">
        <Field label="Approval id"><input value={f.approvalId} onChange={set('approvalId')} required /></Field>
        <Field label="Internal part number"><input value={f.internalPartNumber} onChange={set('internalPartNumber')} required /></Field>
        <Field label="Manufacturer"><input value={f.manufacturer} onChange={set('manufacturer')} required /></Field>
        <Field label="MPN"><input value={f.mpn} onChange={set('mpn')} required /></Field>
        <Field label="Vendors"><input value={f.vendors} onChange={set('vendors')} placeholder="any vendor" /></Field>
        <Field label="Reason"><input value={f.reason} onChange={set('reason')} /></Field>
        <button type="submit" disabled={publish.isPending}>Approve part</button>
      </form>
      <Outcome mutation={publish} what="The approval" />
      <ReasonForm brand={brand} label="Withdraw an approval" idLabel="Approval id" button="Withdraw approval" path={(id) => `approved-parts/${enc(id)}/withdraw`} what="The withdrawal" />
    </>
  );
}

function ReasonForm({ brand, label, idLabel, button, path, what }: { brand: string; label: string; idLabel: string; button: string; path: (id: string) => string; what: string }) {
  const [id, setId] = useState('');
  const [reason, setReason] = useState('');
  const publish = usePublish(brand);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    publish.mutate({ path: path(id.trim()), body: { reason: reason.trim() } });
  };
  return (
    <>
      <form onSubmit={submit} className="filters" aria-label={label}>
        <Field label={idLabel}><input value={id} onChange={(e) => setId(e.target.value)} required /></Field>
        <Field label="Reason"><input value={reason} onChange={(e) => setReason(e.target.value)} required /></Field>
        <button type="submit" disabled={publish.isPending}>{button}</button>
      </form>
      <Outcome mutation={publish} what={what} />
    </>
  );
}

function BomForm({ brand }: { brand: string }) {
  const publish = usePublish(brand);
  const [f, setF] = useState({ productPartNumber: '', revision: '', effectiveFrom: '', lines: '' });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF({ ...f, [k]: e.target.value });
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    // One line per BOM line: "IPN quantity [refDes ...]".
    const lines = f.lines.split('\n').map((l) => l.trim()).filter((l) => l !== '').map((l) => {
      const [internalPartNumber, quantity, ...refDes] = l.split(/[\s,;]+/);
      return { internalPartNumber, quantity: Number(quantity), ...(refDes.length > 0 ? { refDes } : {}) };
    });
    publish.mutate({ path: 'boms', body: { productPartNumber: f.productPartNumber.trim(), revision: f.revision.trim(), effectiveFrom: isoOf(f.effectiveFrom), lines } });
  };
  return (
    <>
      <form onSubmit={submit} className="filters" aria-label="Release a BOM revision">
        <Field label="Product"><input value={f.productPartNumber} onChange={set('productPartNumber')} required /></Field>
        <Field label="Revision"><input value={f.revision} onChange={set('revision')} required /></Field>
        <Field label="Effective from"><input type="datetime-local" value={f.effectiveFrom} onChange={set('effectiveFrom')} required /></Field>
        <Field label="Lines (IPN quantity refDes…, one a line)"><textarea value={f.lines} onChange={set('lines')} required rows={4} /></Field>
        <button type="submit" disabled={publish.isPending}>Release BOM</button>
      </form>
      <Outcome mutation={publish} what="The BOM revision" />
    </>
  );
}

/** One deviation as it stands, with every serial built under it (its recall scope) and the installations beyond it. */
export function DeviationPage({ brand, deviationId }: { brand: string; deviationId: string }) {
  const q = useQuery({ queryKey: ['brand', brand, 'deviation', deviationId], queryFn: () => apiJson<DeviationDetail>(`/v1/brands/${enc(brand)}/deviations/${enc(deviationId)}`) });
  return (
    <section>
      <h1>
        Deviation {deviationId} of {brand}
      </h1>
      <p>
        <Link to={brandAuthorityPath(brand)}>All of {brand}&apos;s deviations and approved parts</Link>
      </p>
      {q.isError && <p role="alert">{q.error.message}</p>}
      {q.data && (
        <>
          <dl aria-label="The deviation">
            <dt>Part</dt>
            <dd>{part(q.data)}</dd>
            <dt>State</dt>
            <dd>{STATE_WORDS[q.data.state] + (q.data.revoked ? ` at ${q.data.revoked.at} (${q.data.revoked.reason})` : '')}</dd>
            <dt>Pieces used</dt>
            <dd>{q.data.piecesUsed}</dd>
            <dt>Pieces left</dt>
            <dd>{q.data.piecesLeft ?? 'no limit'}</dd>
            <dt>Valid</dt>
            <dd>{`${q.data.validFrom} .. ${q.data.validUntil}`}</dd>
            <dt>Approved by</dt>
            <dd>{`${q.data.approvedBy}: ${q.data.reason}`}</dd>
          </dl>
          <h2>Serials built under it</h2>
          <Table
            rows={q.data.serials}
            label={`Serials under ${deviationId}`}
            columns={[
              { id: 'serial', header: 'Serial', cell: (c) => <Link to={serialPath(c.row.original.serial)}>{c.row.original.serial}</Link> },
              { id: 'pieces', header: 'Pieces', cell: (c) => c.row.original.pieces },
              { id: 'top', header: 'Top-level unit', cell: (c) => <Link to={serialPath(c.row.original.topSerial)}>{c.row.original.topSerial}</Link> },
              { id: 'shipments', header: 'Shipments', cell: (c) => c.row.original.shipments.map((s) => `${s.shipmentId} to ${s.customer}`).join(', ') || 'not shipped' },
            ]}
          />
          <h2>Beyond its quantity</h2>
          <Table
            rows={q.data.exceeded}
            label={`Installations beyond ${deviationId}`}
            columns={[
              { id: 'serial', header: 'Serial', cell: (c) => <Link to={serialPath(c.row.original.serial)}>{c.row.original.serial}</Link> },
              { id: 'lot', header: 'Lot', cell: (c) => c.row.original.lotId },
              { id: 'count', header: 'Count', cell: (c) => `${c.row.original.count} of ${q.data.maxQuantity ?? '-'}` },
              { id: 'at', header: 'Installed at', cell: (c) => c.row.original.at },
            ]}
          />
        </>
      )}
    </section>
  );
}
