import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { apiJson, enc } from '../api';
import type { AccessLogPage, ApiKeyInfo, CreatedKey, Role, SessionInfo } from '../api-types';
import { type AccessLogFilters, accessLogFiltersFromSearch, accessLogQuery, isoToLocal, localToIso } from '../access-log-filters';
import { navigate } from '../router';

const PAGE_SIZE = 25;

/** Keys (create, shown once, revoke) and the access log (filtered by key and time, paged): the admin role's page. */
export function AdminPage({ search, session }: { search: string; session: SessionInfo }) {
  const keys = useQuery({ queryKey: ['keys'], queryFn: () => apiJson<ApiKeyInfo[]>('/v1/keys') });
  return (
    <section>
      <h1>Administration</h1>
      <h2>Keys</h2>
      <CreateKey session={session} />
      {keys.isError && <p role="alert">{keys.error.message}</p>}
      {keys.data && <KeyTable keys={keys.data} self={session.keyId} />}
      <AccessLog key={search} search={search} keys={keys.data ?? []} />
    </section>
  );
}

function CreateKey({ session }: { session: SessionInfo }) {
  const client = useQueryClient();
  const [role, setRole] = useState<Role>('auditor');
  const [allBrands, setAllBrands] = useState(false);
  const [brands, setBrands] = useState('');
  const [label, setLabel] = useState('');
  const [copied, setCopied] = useState(false);
  const [copyFailed, setCopyFailed] = useState(false);
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => apiJson<CreatedKey>('/v1/keys', { method: 'POST', body: JSON.stringify(body) }),
    onSuccess: () => {
      setCopied(false);
      setCopyFailed(false);
      void client.invalidateQueries({ queryKey: ['keys'] });
    },
  });
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const list = brands.split(/[\s,;]+/).filter((b) => b !== '');
    create.mutate({ role, ...(allBrands ? { allBrands: true } : { brands: list }), ...(label.trim() ? { label: label.trim() } : {}) });
  };
  const made = create.data;
  return (
    <>
      <form onSubmit={submit} className="filters" aria-label="Create a key">
        <label>
          Role{' '}
          <select value={role} onChange={(e) => setRole(e.target.value as Role)}>
            <option value="quality">quality</option>
            <option value="auditor">auditor</option>
            <option value="admin">admin</option>
          </select>
        </label>
        <label>
          Brands <input value={brands} onChange={(e) => setBrands(e.target.value)} disabled={allBrands} placeholder="Acme, Initech" />
        </label>
        {session.brands === '*' && (
          <label>
            <input type="checkbox" checked={allBrands} onChange={(e) => setAllBrands(e.target.checked)} /> All brands
          </label>
        )}
        <label>
          Label <input value={label} onChange={(e) => setLabel(e.target.value)} />
        </label>
        <button type="submit" disabled={create.isPending}>
          Create key
        </button>
      </form>
      {create.isError && <p role="alert">{create.error.message}</p>}
      {made && (
        <div role="region" aria-label="New key" className="new-key">
          <p>
            The new {made.info.role} key {made.info.id}: copy it now, it is shown this once and never again.
          </p>
          <code aria-label="The new key">{made.key}</code>{' '}
          <button
            type="button"
            onClick={() => {
              // The clipboard API exists in secure contexts only (HTTPS, localhost): elsewhere the key stays selectable.
              if (!('clipboard' in navigator)) return setCopyFailed(true);
              void navigator.clipboard.writeText(made.key).then(
                () => setCopied(true),
                () => setCopyFailed(true),
              );
            }}
          >
            Copy key
          </button>
          {copied && <span role="status"> Copied.</span>}
          {copyFailed && <span role="alert"> This browser did not let the page copy: select the key and copy it yourself.</span>}{' '}
          <button type="button" onClick={() => create.reset()}>
            Done, hide it
          </button>
        </div>
      )}
    </>
  );
}

function KeyTable({ keys, self }: { keys: ApiKeyInfo[]; self: string }) {
  const client = useQueryClient();
  const [confirming, setConfirming] = useState<string | undefined>();
  const revoke = useMutation({
    mutationFn: (id: string) => apiJson<void>(`/v1/keys/${enc(id)}`, { method: 'DELETE' }),
    onSettled: () => {
      setConfirming(undefined);
      void client.invalidateQueries({ queryKey: ['keys'] });
    },
  });
  return (
    <>
      {revoke.isError && <p role="alert">{revoke.error.message}</p>}
      <table aria-label="Keys">
        <thead>
          <tr>
            <th>Key id</th>
            <th>Role</th>
            <th>Brands</th>
            <th>Label</th>
            <th>Created</th>
            <th>Revoked</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {keys.map((k) => (
            <tr key={k.id} className={k.revokedAt ? 'removed' : undefined}>
              <td>{k.id}</td>
              <td>{k.role}</td>
              <td>{k.brands === '*' ? 'all brands' : k.brands.join(', ')}</td>
              <td>{k.label ?? ''}</td>
              <td>{k.createdAt}</td>
              <td>{k.revokedAt ?? ''}</td>
              <td>
                {!k.revokedAt && k.id !== self && confirming !== k.id && (
                  <button type="button" aria-label={`Revoke ${k.label ?? k.id}`} onClick={() => setConfirming(k.id)}>
                    Revoke
                  </button>
                )}
                {confirming === k.id && (
                  <>
                    <button type="button" aria-label={`Confirm revoking ${k.label ?? k.id}`} disabled={revoke.isPending} onClick={() => revoke.mutate(k.id)}>
                      Confirm revoke
                    </button>{' '}
                    <button type="button" onClick={() => setConfirming(undefined)}>
                      Cancel
                    </button>
                  </>
                )}
                {k.id === self && <span className="muted">this session</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}

function AccessLog({ search, keys }: { search: string; keys: ApiKeyInfo[] }) {
  const filters = accessLogFiltersFromSearch(search);
  const page = useQuery({ queryKey: ['access-log', search], queryFn: () => apiJson<AccessLogPage>(`/v1/access-log${accessLogQuery(filters, { limit: String(PAGE_SIZE) })}`) });
  const [keyId, setKeyId] = useState(filters.keyId ?? '');
  const [since, setSince] = useState(isoToLocal(filters.since));
  const [until, setUntil] = useState(isoToLocal(filters.until));
  const [problem, setProblem] = useState<string | undefined>();
  const go = (f: AccessLogFilters): void => navigate(`/admin${accessLogQuery(f)}`, { replace: false });
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    const s = localToIso(since);
    const u = localToIso(until);
    if (s === undefined || u === undefined) return setProblem('Since and until are dates and times.');
    setProblem(undefined);
    go({ ...(keyId ? { keyId } : {}), ...(s ? { since: s } : {}), ...(u ? { until: u } : {}) });
  };
  const { cursor: _cursor, ...withoutCursor } = filters;
  return (
    <>
      <h2>Access log</h2>
      <form onSubmit={submit} className="filters" aria-label="Access-log filters">
        <label>
          Key{' '}
          <select value={keyId} onChange={(e) => setKeyId(e.target.value)}>
            <option value="">every key</option>
            {keyId && !keys.some((k) => k.id === keyId) && <option value={keyId}>{keyId}</option>}
            {keys.map((k) => (
              <option key={k.id} value={k.id}>
                {k.label ? `${k.label} (${k.id})` : k.id}
              </option>
            ))}
          </select>
        </label>
        <label>
          Since <input type="datetime-local" step={1} value={since} onChange={(e) => setSince(e.target.value)} />
        </label>
        <label>
          Until <input type="datetime-local" step={1} value={until} onChange={(e) => setUntil(e.target.value)} />
        </label>
        <button type="submit">Show entries</button>
      </form>
      {problem && <p role="alert">{problem}</p>}
      {page.isError && <p role="alert">{page.error.message}</p>}
      {page.data && (
        <>
          <table aria-label="Access log">
            <thead>
              <tr>
                <th>When</th>
                <th>Key</th>
                <th>Role</th>
                <th>Request</th>
                <th>Status</th>
                <th>Items</th>
                <th>ms</th>
              </tr>
            </thead>
            <tbody>
              {page.data.items.map((e) => (
                <tr key={e.id}>
                  <td>{e.at}</td>
                  <td>{e.keyId ?? 'none'}</td>
                  <td>{e.role ?? ''}</td>
                  <td>
                    {e.method} {e.path}
                    {e.query.length > 0 ? `?${new URLSearchParams(e.query).toString()}` : ''}
                    {e.aborted ? ' (aborted)' : ''}
                  </td>
                  <td>{e.status ?? 'serving'}</td>
                  <td>{e.items ?? ''}</td>
                  <td>{e.durationMs ?? ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p role="status" aria-label="Access-log page">
            {page.data.items.length === 0 ? 'No entries.' : `${page.data.items.length} entries${filters.cursor ? ', an older page' : ', newest first'}.`}
          </p>
          <nav aria-label="Access-log pages" className="tree-controls">
            {filters.cursor && (
              <button type="button" onClick={() => go(withoutCursor)}>
                Newest
              </button>
            )}
            <button type="button" disabled={!page.data.next} onClick={() => page.data.next && go({ ...filters, cursor: page.data.next })}>
              Older
            </button>
          </nav>
        </>
      )}
    </>
  );
}
