import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type ComponentType, type FormEvent, useEffect, useState } from 'react';
import { ApiError, apiJson, currentSession, signIn, signOut } from './api';
import type { Freshness as FreshnessInfo, SessionInfo } from './api-types';
import { Chunk, useChunk } from './chunk';
import { SearchPage } from './pages/search-page';
import { Link, navigate, useLocation } from './router';
import { PAGE_CHUNK, type RoutedPage, type PageChunk, type PageName, type PageProps, pageAt } from './routes';

// Each page is its own chunk, loaded when first shown: the first paint carries the shell, sign-in and search only. The
// chunk of the page a load lands on is fetched at the app's start, beside the session (preloadPage in routes.ts, from
// main.tsx), and a page whose chunk is in draws at once (Chunk, useChunk: not React.lazy, whose Suspense fallback held
// the lot page back 300 ms after its chunk was in; bench/web.bench.ts, the lot page drawn after navigation).
const chunks = {
  admin: new Chunk(() => import('./pages/admin-page')),
  brands: new Chunk(() => import('./pages/brand-authority-page')),
  commonality: new Chunk(() => import('./pages/commonality-page')),
  lot: new Chunk(() => import('./pages/lot-page')),
  records: new Chunk(() => import('./pages/record-pages')),
  reports: new Chunk(() => import('./pages/reports-page')),
  serial: new Chunk(() => import('./pages/serial-page')),
  vendor: new Chunk(() => import('./pages/vendor-page')),
} satisfies Record<PageChunk, Chunk<unknown>>;
type ChunkModule<C extends PageChunk> = Awaited<ReturnType<(typeof chunks)[C]['load']>>;

/** Starts fetching a page's chunk. A failed fetch is the page's own to show: it asks again and shows the error. */
export const loadChunk = (chunk: PageChunk): void => void chunks[chunk].load().catch(() => undefined);

/** A page of a chunk: drawn at once if the chunk is in, else once it is, a loading state till then (or the error). */
function pageOf<M, P extends object>(chunk: Chunk<M>, pick: (m: M) => ComponentType<P>): ComponentType<P> {
  return function ChunkPage(props: P) {
    const { module, error } = useChunk(chunk);
    if (error !== undefined) return <p role="alert">The page could not be loaded: {error}</p>;
    if (module === undefined) return <Loading />;
    const Page = pick(module);
    return <Page {...props} />;
  };
}

type ChunkedPage = { [P in PageName]: (typeof PAGE_CHUNK)[P] extends PageChunk ? P : never }[PageName];

/** The page `page` of the chunk routes.ts names for it (PAGE_CHUNK): `pick` takes it from that chunk's module. */
const inChunk = <P extends ChunkedPage>(page: P, pick: (m: ChunkModule<(typeof PAGE_CHUNK)[P]>) => ComponentType<PageProps[P]>): ComponentType<PageProps[P]> =>
  pageOf(chunks[PAGE_CHUNK[page]] as Chunk<ChunkModule<(typeof PAGE_CHUNK)[P]>>, pick);

const Loading = () => (
  <p className="loading" role="status">
    Loading…
  </p>
);

/** The component of each page of routes.ts. */
const PAGES: { [P in PageName]: ComponentType<PageProps[P]> } = {
  home: Home,
  search: SearchPage,
  serial: inChunk('serial', (m) => m.SerialPage),
  lot: inChunk('lot', (m) => m.LotPage),
  vendor: inChunk('vendor', (m) => m.VendorPage),
  vendorLot: inChunk('vendorLot', (m) => m.VendorLotPage),
  shipment: inChunk('shipment', (m) => m.ShipmentPage),
  workOrder: inChunk('workOrder', (m) => m.WorkOrderPage),
  commonality: inChunk('commonality', (m) => m.CommonalityPage),
  reports: inChunk('reports', (m) => m.ReportsPage),
  brandAuthority: inChunk('brandAuthority', (m) => m.BrandAuthorityPage),
  deviation: inChunk('deviation', (m) => m.DeviationPage),
  admin: inChunk('admin', (m) => m.AdminPage),
};

/** Who is signed in: asked once, at the app's start (main.tsx, beside the page's chunk), and by App. */
export const sessionQuery = { queryKey: ['session'], queryFn: currentSession, staleTime: Infinity };

export function App() {
  const session = useQuery(sessionQuery);
  if (session.isPending) return <Loading />;
  if (session.isError) return <p role="alert">The API did not answer: {session.error.message}</p>;
  if (!session.data) return <SignIn />;
  return <Workspace session={session.data} />;
}

function SignIn() {
  const client = useQueryClient();
  const [key, setKey] = useState('');
  useTitle('Sign in');
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
  const at = pageAt(path, search, session);
  useTitle(at.title);
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
        <PageAt at={at} />
      </main>
    </>
  );
}

/** The page of the table's answer, by its component in PAGES (a new key draws it anew). */
function PageAt({ at }: { at: RoutedPage }) {
  const Page = PAGES[at.page] as ComponentType<typeof at.props>;
  return <Page key={at.key} {...at.props} />;
}

/** The document's title: the page's, then the app's name, so that a tab, the history and a screen reader name the page. */
function useTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · ems-trace`;
  }, [title]);
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
