import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { ApiError, apiJson, currentSession, signIn, signOut } from './api';
import type { SessionInfo } from './api-types';
import { AdminPage } from './pages/admin-page';
import { BrandPages } from './pages/brand-authority-page';
import { CommonalityPage } from './pages/commonality-page';
import { LotPage } from './pages/lot-page';
import { ReportsPage } from './pages/reports-page';
import { SearchPage } from './pages/search-page';
import { SerialPage } from './pages/serial-page';
import { VendorPage } from './pages/vendor-page';
import { Link, navigate, useLocation } from './router';

export function App() {
  const session = useQuery({ queryKey: ['session'], queryFn: currentSession, staleTime: Infinity });
  if (session.isPending) return <p className="loading">Loading…</p>;
  if (session.isError) return <p role="alert">The API did not answer: {session.error.message}</p>;
  if (!session.data) return <SignIn />;
  return <Workspace session={session.data} />;
}

function SignIn() {
  const client = useQueryClient();
  const [key, setKey] = useState('');
  const mutation = useMutation({
    mutationFn: signIn,
    onSuccess: (s) => {
      setKey(''); // the key leaves the page once exchanged: only the HttpOnly cookie stands for it now
      client.setQueryData(['session'], s);
    },
  });
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    mutation.mutate(key.trim());
  };
  return (
    <main className="sign-in">
      <h1>ems-trace</h1>
      <p>Paste your API key once; the browser keeps a session cookie, never the key.</p>
      <form onSubmit={submit}>
        <label htmlFor="api-key">API key</label>
        <input id="api-key" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} required />
        <button type="submit" disabled={mutation.isPending}>
          Sign in
        </button>
      </form>
      {mutation.isError && <p role="alert">{mutation.error instanceof ApiError && mutation.error.status === 401 ? 'That API key is not valid or has been revoked.' : mutation.error.message}</p>}
    </main>
  );
}

const canReadData = (s: SessionInfo): boolean => s.role === 'quality' || s.role === 'auditor';

function Workspace({ session }: { session: SessionInfo }) {
  const client = useQueryClient();
  const { path, search } = useLocation();
  const out = useMutation({
    mutationFn: signOut,
    onSettled: () => {
      // Signed out even if the API did not answer: the page forgets the session and every answer it showed.
      client.setQueryData(['session'], null);
      client.removeQueries({ predicate: (q) => q.queryKey[0] !== 'session' });
      navigate('/', { replace: true });
    },
  });
  return (
    <>
      <header className="top">
        <Link to="/" className="brand">
          ems-trace
        </Link>
        {canReadData(session) && <SearchBox key={path + search} initial={path === '/search' ? (new URLSearchParams(search).get('q') ?? '') : ''} />}
        {canReadData(session) && (
          <nav aria-label="Pages" className="pages">
            <Link to="/commonality">Commonality</Link> <Link to="/reports">Reports</Link>
          </nav>
        )}
        {canReadData(session) && <Freshness />}
        <span className="who" aria-label="Signed in as">
          <span className="role">{session.role}</span> · {session.brands === '*' ? 'all brands' : session.brands.join(', ')}
          {session.label ? ` · ${session.label}` : ''}
        </span>
        <button type="button" onClick={() => out.mutate()}>
          Sign out
        </button>
      </header>
      <main>
        {canReadData(session) ? (
          <Page path={path} search={search} session={session} />
        ) : session.role === 'approver' ? (
          <BrandPages path={path} session={session} />
        ) : (
          <AdminPage search={path === '/admin' ? search : ''} session={session} />
        )}
      </main>
    </>
  );
}

function Page({ path, search, session }: { path: string; search: string; session: SessionInfo }) {
  const [, kind, rawId] = /^\/(serials|lots|vendors|reports)\/([^/]+)$/.exec(path) ?? [];
  const id = rawId ? decodeURIComponent(rawId) : '';
  switch (kind) {
    case 'serials':
      return <SerialPage key={id} serial={id} search={search} />;
    case 'lots':
      return <LotPage key={id} lotId={id} search={search} session={session} />;
    case 'vendors':
      return <VendorPage key={id} vendorId={id} />;
    case 'reports':
      return <ReportsPage key={id} jobId={id} />;
    default:
      if (path === '/search') return <SearchPage q={new URLSearchParams(search).get('q') ?? ''} />;
      if (path === '/commonality') return <CommonalityPage search={search} />;
      if (path === '/reports') return <ReportsPage />;
      if (path.startsWith('/brands/')) return <BrandPages path={path} session={session} />;
      return <Home />;
  }
}

function Home() {
  return (
    <section>
      <h1>Trace</h1>
      <p>Type any id you have in hand into Search: a serial, a package lot (reel, tray, bag) or a vendor id.</p>
      <p>
        <Link to="/commonality">Commonality</Link>: what failed serials share. <Link to="/reports">Reports</Link>: a signed report over many serials, and verifying a report file.
      </p>
    </section>
  );
}

function SearchBox({ initial }: { initial: string }) {
  const [q, setQ] = useState(initial);
  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (q.trim()) navigate(`/search?q=${encodeURIComponent(q.trim())}`);
  };
  return (
    <form role="search" onSubmit={submit} className="search">
      <label htmlFor="search">Search</label>
      <input id="search" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="serial, lot or vendor id" />
      <button type="submit">Go</button>
    </form>
  );
}

function Freshness() {
  const q = useQuery({ queryKey: ['freshness'], queryFn: () => apiJson<{ lag: number | null; error?: string }>('/v1/freshness'), refetchInterval: 15_000 });
  const text = !q.data ? 'freshness: …' : q.data.lag === null ? 'freshness unknown' : q.data.lag === 0 ? 'up to date' : `${q.data.lag} events behind`;
  return (
    <span className={`freshness ${q.data?.lag ? 'behind' : ''}`} role="status" aria-label="Freshness" title={q.data?.error ?? 'Events on Kafka the ingest has not recorded yet'}>
      {text}
    </span>
  );
}
