import type { Role, SessionInfo } from './api-types';

// The app's one table of routes: for each path and role, the page drawn, the chunk it is built into, its props, title
// and key. The router (app.tsx, PageAt) draws what `pageAt` gives; the preload at the app's start (main.tsx,
// `preloadPage`) fetches the chunk of what `routeAt` gives for the same path and role, so the two cannot name
// different pages. Pure (no window, no React), so that its spec runs without a browser.

/** The chunks the pages are built into (app.tsx loads each when first shown, or at the app's start). */
export type PageChunk = 'admin' | 'brands' | 'commonality' | 'lot' | 'records' | 'reports' | 'serial' | 'vendor';

/** Each page and what it is given: the props of its component (app.tsx, PAGES). */
export interface PageProps {
  home: Record<string, never>;
  search: { q: string };
  serial: { serial: string; search: string };
  lot: { lotId: string; search: string; session: SessionInfo };
  vendor: { vendorId: string };
  vendorLot: { vendorId: string; mpn: string; vendorLotCode: string };
  shipment: { shipmentId: string };
  workOrder: { workOrder: string };
  commonality: { search: string };
  reports: { jobId?: string };
  brandAuthority: { brand: string; session: SessionInfo };
  deviation: { brand: string; deviationId: string };
  admin: { search: string; session: SessionInfo };
}
export type PageName = keyof PageProps;

/**
 * The chunk each page is built into; undefined for the shell's own pages (in the first load). app.tsx takes each page's
 * component from the chunk named here (`chunks[PAGE_CHUNK.lot]`), so a page named in the wrong chunk does not compile.
 */
export const PAGE_CHUNK = {
  home: undefined,
  search: undefined,
  serial: 'serial',
  lot: 'lot',
  vendor: 'vendor',
  vendorLot: 'records',
  shipment: 'records',
  workOrder: 'records',
  commonality: 'commonality',
  reports: 'reports',
  brandAuthority: 'brands',
  deviation: 'brands',
  admin: 'admin',
} as const satisfies Record<PageName, PageChunk | undefined>;

/** What a route's page is drawn from: the path's segments (decoded), the query (`?…`, or '') and the session. */
export interface RouteInput {
  params: Readonly<Record<string, string>>;
  search: string;
  session: SessionInfo;
}

/** A route: a path (or, in FALLBACK, any other path) that the roles listed reach, and the page it draws. */
export interface Route<P extends PageName = PageName> {
  /** As the README's page table writes it: `{name}` is one segment, decoded; '*' is any path no route of the role has. */
  path: string;
  roles: readonly Role[];
  page: P;
  props(input: RouteInput): PageProps[P];
  /** The page's title (the document's, before the app's name), as its heading reads. */
  title(props: PageProps[P]): string;
  /** What tells two pages of this route apart: a new key draws the page anew (its state dropped); none for one page. */
  key?(props: PageProps[P]): string;
}

/** A route of any page (each with its own page's props). */
export type AnyRoute = { [P in PageName]: Route<P> }[PageName];

// Typed per page (its props checked against its page's), kept as a route of any page.
const route = <P extends PageName>(r: Route<P>): AnyRoute => r as unknown as AnyRoute;

const DATA: readonly Role[] = ['quality', 'auditor'];
const BRANDS: readonly Role[] = ['quality', 'auditor', 'approver'];
const query = (search: string, name: string): string => new URLSearchParams(search).get(name) ?? '';

/** The paths of the app, first match wins (per role). */
export const ROUTES: readonly AnyRoute[] = [
  route({ path: '/search', roles: DATA, page: 'search', props: ({ search }) => ({ q: query(search, 'q') }), title: ({ q }) => (q ? `Search ${q}` : 'Search') }),
  route({
    path: '/serials/{serial}',
    roles: DATA,
    page: 'serial',
    props: ({ params, search }) => ({ serial: params.serial!, search }),
    title: ({ serial }) => `Serial ${serial}`,
    key: ({ serial }) => serial,
  }),
  route({
    path: '/lots/{lotId}',
    roles: DATA,
    page: 'lot',
    props: ({ params, search, session }) => ({ lotId: params.lotId!, search, session }),
    title: ({ lotId }) => `Lot ${lotId}`,
    key: ({ lotId }) => lotId,
  }),
  route({ path: '/vendors/{vendorId}', roles: DATA, page: 'vendor', props: ({ params }) => ({ vendorId: params.vendorId! }), title: ({ vendorId }) => `Vendor ${vendorId}`, key: ({ vendorId }) => vendorId }),
  route({
    path: '/vendor-lots/{vendorId}/{mpn}/{vendorLotCode}',
    roles: DATA,
    page: 'vendorLot',
    props: ({ params }) => ({ vendorId: params.vendorId!, mpn: params.mpn!, vendorLotCode: params.vendorLotCode! }),
    title: ({ vendorLotCode }) => `Vendor lot ${vendorLotCode}`,
    key: (p) => JSON.stringify([p.vendorId, p.mpn, p.vendorLotCode]),
  }),
  route({
    path: '/shipments/{shipmentId}',
    roles: DATA,
    page: 'shipment',
    props: ({ params }) => ({ shipmentId: params.shipmentId! }),
    title: ({ shipmentId }) => `Shipment ${shipmentId}`,
    key: ({ shipmentId }) => shipmentId,
  }),
  route({
    path: '/work-orders/{workOrder}',
    roles: DATA,
    page: 'workOrder',
    props: ({ params }) => ({ workOrder: params.workOrder! }),
    title: ({ workOrder }) => `Work order ${workOrder}`,
    key: ({ workOrder }) => workOrder,
  }),
  route({ path: '/commonality', roles: DATA, page: 'commonality', props: ({ search }) => ({ search }), title: () => 'Commonality' }),
  route({ path: '/reports', roles: DATA, page: 'reports', props: () => ({}), title: () => 'Reports' }),
  route({ path: '/reports/{jobId}', roles: DATA, page: 'reports', props: ({ params }) => ({ jobId: params.jobId! }), title: ({ jobId }) => `Report ${jobId}`, key: ({ jobId }) => jobId ?? '' }),
  route({
    path: '/brands/{brand}/authority',
    roles: BRANDS,
    page: 'brandAuthority',
    props: ({ params, session }) => ({ brand: params.brand!, session }),
    title: ({ brand }) => `Authority of ${brand}`,
    key: ({ brand }) => brand,
  }),
  route({
    path: '/brands/{brand}/deviations/{deviationId}',
    roles: BRANDS,
    page: 'deviation',
    props: ({ params }) => ({ brand: params.brand!, deviationId: params.deviationId! }),
    title: ({ brand, deviationId }) => `Deviation ${deviationId} of ${brand}`,
    key: ({ brand, deviationId }) => JSON.stringify([brand, deviationId]),
  }),
  route({ path: '/admin', roles: ['admin'], page: 'admin', props: ({ search, session }) => ({ search, session }), title: () => 'Administration' }),
];

/** An approver's one brand (the API gives an approver key exactly one), '' for a session that has none. */
const ownBrand = (session: SessionInfo): string => (session.brands !== '*' && session.brands.length === 1 ? session.brands[0]! : '');

/**
 * What each role sees on any other path (`/` among them): a data reader the home page, an approver its brand's page
 * (the approver's only pages are its brand's), an admin the admin page (its only page; the filters only at `/admin`).
 */
export const FALLBACK: { readonly [R in Role]: AnyRoute } = {
  quality: route({ path: '*', roles: ['quality'], page: 'home', props: () => ({}), title: () => 'Trace' }),
  auditor: route({ path: '*', roles: ['auditor'], page: 'home', props: () => ({}), title: () => 'Trace' }),
  approver: route({
    path: '*',
    roles: ['approver'],
    page: 'brandAuthority',
    props: ({ session }) => ({ brand: ownBrand(session), session }),
    title: ({ brand }) => `Authority of ${brand}`,
    key: ({ brand }) => brand,
  }),
  admin: route({ path: '*', roles: ['admin'], page: 'admin', props: ({ session }) => ({ search: '', session }), title: () => 'Administration' }),
};

/** The segments of `path` by the names of `pattern`'s, decoded; undefined when it is not that path or an escape is malformed. */
export function paramsOf(pattern: string, path: string): Record<string, string> | undefined {
  const want = pattern.split('/');
  const got = path.split('/');
  if (want.length !== got.length) return undefined;
  const params: Record<string, string> = {};
  for (const [i, w] of want.entries()) {
    const g = got[i]!;
    const name = /^\{(\w+)\}$/.exec(w)?.[1];
    if (name === undefined) {
      if (g !== w) return undefined;
      continue;
    }
    if (g === '') return undefined;
    try {
      params[name] = decodeURIComponent(g);
    } catch {
      return undefined; // a malformed escape is no page
    }
  }
  return params;
}

/** The route `role` reaches at `path` and the path's segments by name: the first of ROUTES, else the role's FALLBACK. */
export function routeAt(path: string, role: Role): { route: AnyRoute; params: Record<string, string> } {
  for (const route of ROUTES) {
    if (!route.roles.includes(role)) continue;
    const params = paramsOf(route.path, path);
    if (params) return { route, params };
  }
  return { route: FALLBACK[role], params: {} };
}

/** The chunk of the page `role` sees at `path`; undefined for the shell's own pages. */
export const chunkAt = (path: string, role: Role): PageChunk | undefined => PAGE_CHUNK[routeAt(path, role).route.page];

/** A page as drawn: which, with what, its title and its key. */
export type RoutedPage = { [P in PageName]: { page: P; props: PageProps[P]; title: string; key?: string } }[PageName];

/** The page the session sees at `path` and `search` (the router's, app.tsx). */
export function pageAt(path: string, search: string, session: SessionInfo): RoutedPage {
  const { route, params } = routeAt(path, session.role);
  return drawn(route as Route, { params, search, session });
}

function drawn<P extends PageName>(route: Route<P>, input: RouteInput): RoutedPage {
  const props = route.props(input);
  return { page: route.page, props, title: route.title(props), key: route.key?.(props) } as RoutedPage;
}

/**
 * Starts fetching, beside the session, the chunk of the page this load lands on: at once the chunk a data reader sees
 * at `path` (the roles whose pages differ per path; an admin or approver landing on a data path fetches one chunk it does
 * not draw), and once the session answers the one its role sees (an approver's brand pages, an admin's page, at `/`
 * too), if another. Returns at once: nothing waits for it, the first paint included.
 */
export function preloadPage(path: string, session: Promise<Pick<SessionInfo, 'role'> | null>, load: (chunk: PageChunk) => void): void {
  const guess = chunkAt(path, 'quality');
  if (guess) load(guess);
  session.then(
    (s) => {
      const chunk = s ? chunkAt(path, s.role) : undefined;
      if (chunk && chunk !== guess) load(chunk);
    },
    () => undefined, // the session's failure is App's to show
  );
}
