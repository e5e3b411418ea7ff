import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, Suspense, lazy, useState } from 'react';
import { ApiError, apiJson, currentSession, signIn, signOut } from './api';
import type { Freshness as FreshnessInfo, SessionInfo } from './api-types';
import { SearchPage } from './pages/search-page';
import { Link, navigate, useLocation } from './router';
import { routeOf } from './search-routing';

// Each page is its own chunk, loaded when first shown: the first paint carries the shell, sign-in and search only.
const AdminPage = lazy(() => import('./pages/admin-page').then((m) => ({ default: m.AdminPage })));
const CommonalityPage = lazy(() => import('./pages/commonality-page').then((m) => ({ default: m.CommonalityPage })));
const LotPage = lazy(() => import('./pages/lot-page').then((m) => ({ default: m.LotPage })));
const ReportsPage = lazy(() => import('./pages/reports-page').then((m) => ({ default: m.ReportsPage })));
const SerialPage = lazy(() => import('./pages/serial-page').then((m) => ({ default: m.SerialPage })));
const VendorPage = lazy(() => import('./pages/vendor-page').then((m) => ({ default: m.VendorPage })));
const ShipmentPage = lazy(() => import('./pages/record-pages').then((m) => ({ default: m.ShipmentPage })));
const VendorLotPage = lazy(() => import('./pages/record-pages').then((m) => ({ default: m.VendorLotPage })));
const WorkOrderPage = lazy(() => import('./pages/record-pages').then((m) => ({ default: m.WorkOrderPage })));

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
        <Suspense fallback={<p className="loading">Loading…</p>}>
          {canReadData(session) ? <Page path={path} search={search} session={session} /> : <AdminPage search={path === '/admin' ? search : ''} session={session} />}
        </Suspense>
      </main>
    </>
  );
}

function Page({ path, search, session }: { path: string; search: string; session: SessionInfo }) {
  const route = routeOf(path);
  switch (route?.kind) {
    case 'serial':
      return <SerialPage key={route.id} serial={route.id} search={search} />;
    case 'lot':
      return <LotPage key={route.id} lotId={route.id} search={search} session={session} />;
    case 'vendor':
      return <VendorPage key={route.id} vendorId={route.id} />;
    case 'report':
      return <ReportsPage key={route.id} jobId={route.id} />;
    case 'vendorLot':
      return <VendorLotPage key={path} vendorId={route.vendorId} mpn={route.mpn} vendorLotCode={route.vendorLotCode} />;
    case 'shipment':
      return <ShipmentPage key={route.id} shipmentId={route.id} />;
    case 'workOrder':
      return <WorkOrderPage key={route.id} workOrder={route.id} />;
    case undefined:
      if (path === '/search') return <SearchPage q={new URLSearchParams(search).get('q') ?? ''} />;
      if (path === '/commonality') return <CommonalityPage search={search} />;
      if (path === '/reports') return <ReportsPage />;
      return <Home />;
  }
}

function Home() {
  return (
    <section>
      <h1>Trace</h1>
      <p>Type any id you have in hand into Search: a serial, a package lot (reel, tray, bag), a vendor lot code, a vendor id, a shipment id or a work order.</p>
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
      <input id="search" type="search" value={q} onChange={(e) => setQ(e.target.value)} placeholder="serial, lot, vendor lot code, vendor, shipment or work order" />
      <button type="submit">Go</button>
    </form>
  );
}

function Freshness() {
  const q = useQuery({ queryKey: ['freshness'], queryFn: () => apiJson<FreshnessInfo>('/v1/freshness'), refetchInterval: 15_000 });
  const text = !q.data ? 'freshness: …' : q.data.lag === null ? 'freshness unknown' : q.data.lag === 0 ? 'up to date' : `${q.data.lag} events behind`;
  return (
    <span className={`freshness ${q.data?.lag ? 'behind' : ''}`} role="status" aria-label="Freshness" title={q.data?.error ?? 'Events on Kafka the ingest has not recorded yet'}>
      {text}
    </span>
  );
}
