import type { Role, SessionInfo } from './api-types';
import { brandAuthorityPath, deviationPath, lotPath, reportPath, serialPath, shipmentPath, vendorLotPath, vendorPath, workOrderPath } from './paths';
import { PAGE_CHUNK, type PageChunk, type PageName, chunkAt, pageAt, preloadPage } from './routes';
import { matchPath } from './search-routing';

const sessionOf = (role: Role, brands: SessionInfo['brands']): SessionInfo => ({ keyId: `k-${role}`, role, brands, csrfToken: 't', expiresAt: '2099-01-01', idleExpiresAt: '2099-01-01' });
const SESSIONS: Record<Role, SessionInfo> = {
  quality: sessionOf('quality', '*'),
  auditor: sessionOf('auditor', ['Acme', 'Globex']),
  approver: sessionOf('approver', ['Acme']),
  admin: sessionOf('admin', '*'),
};
const ROLES = Object.keys(SESSIONS) as Role[];

type Seen = [PageName, PageChunk | undefined];
const HOME: Seen = ['home', undefined];
const OWN_BRAND: Seen = ['brandAuthority', 'brands'];
const ADMIN: Seen = ['admin', 'admin'];

/**
 * Every path a person can reach (each link and navigation of the app: paths.ts, a search's matches, the header's links,
 * the forms' URLs; and a typed or stale one), with what a data reader (quality, auditor), an approver and an admin see
 * there: the page and its chunk.
 */
const REACHABLE: [href: string, data: Seen, approver: Seen, admin: Seen][] = [
  ['/', HOME, OWN_BRAND, ADMIN],
  ['/search?q=REEL-C1', ['search', undefined], OWN_BRAND, ADMIN],
  [serialPath('GW100-0001') + '?history=true', ['serial', 'serial'], OWN_BRAND, ADMIN],
  [lotPath('REEL C1') + '?brand=Acme&shipped=true', ['lot', 'lot'], OWN_BRAND, ADMIN],
  [vendorPath('V-MURATA'), ['vendor', 'vendor'], OWN_BRAND, ADMIN],
  [vendorLotPath({ vendorId: 'V-MURATA', mpn: 'GRM188/X', vendorLotCode: 'M 2345' }), ['vendorLot', 'records'], OWN_BRAND, ADMIN],
  [matchPath({ kind: 'vendorLot', id: 'not a key' }), ['search', undefined], OWN_BRAND, ADMIN],
  [shipmentPath('SHP-9001'), ['shipment', 'records'], OWN_BRAND, ADMIN],
  [workOrderPath('WO/1001'), ['workOrder', 'records'], OWN_BRAND, ADMIN],
  ['/commonality?serials=GW-1%2CGW-2&sample=20', ['commonality', 'commonality'], OWN_BRAND, ADMIN],
  ['/reports', ['reports', 'reports'], OWN_BRAND, ADMIN],
  [reportPath('rj-1'), ['reports', 'reports'], OWN_BRAND, ADMIN],
  [brandAuthorityPath('Acme'), OWN_BRAND, OWN_BRAND, ADMIN],
  [brandAuthorityPath('Globex'), OWN_BRAND, OWN_BRAND, ADMIN],
  [deviationPath('Acme', 'D-CAP'), ['deviation', 'brands'], ['deviation', 'brands'], ADMIN],
  ['/admin?keyId=k-1&since=2026-11-01T00%3A00', HOME, OWN_BRAND, ADMIN],
  ['/brands/Acme', HOME, OWN_BRAND, ADMIN],
  ['/things/x', HOME, OWN_BRAND, ADMIN],
  ['/lots/', HOME, OWN_BRAND, ADMIN],
  ['/lots/%E0%A4%A', HOME, OWN_BRAND, ADMIN],
  ['/vendor-lots/V/M', HOME, OWN_BRAND, ADMIN],
];

const split = (href: string): [path: string, search: string] => {
  const q = href.indexOf('?');
  return q < 0 ? [href, ''] : [href.slice(0, q), href.slice(q)];
};
const seenBy = (role: Role, [, data, approver, admin]: (typeof REACHABLE)[number]): Seen => (role === 'approver' ? approver : role === 'admin' ? admin : data);

/** The chunks the preload asks for at `path`: at once, and in all once the session has answered as `session`. */
async function preloaded(path: string, session: SessionInfo | null): Promise<{ atOnce: PageChunk[]; all: PageChunk[] }> {
  const all: PageChunk[] = [];
  let answer!: (s: SessionInfo | null) => void;
  preloadPage(path, new Promise((resolve) => (answer = resolve)), (c) => all.push(c));
  const atOnce = [...all];
  answer(session);
  await new Promise((resolve) => setImmediate(resolve));
  return { atOnce, all };
}

describe('the routes', () => {
  it.each(ROLES)('draws for %s, at every path a person can reach, the page whose chunk the preload fetches', async (role) => {
    const session = SESSIONS[role];
    for (const row of REACHABLE) {
      const [path, search] = split(row[0]);
      const [page, chunk] = seenBy(role, row);
      const drawn = pageAt(path, search, session);
      expect({ href: row[0], page: drawn.page, chunk: PAGE_CHUNK[drawn.page] }).toEqual({ href: row[0], page, chunk });
      expect({ href: row[0], chunk: chunkAt(path, role) }).toEqual({ href: row[0], chunk });
      const { all } = await preloaded(path, session);
      expect({ href: row[0], fetched: all.includes(chunk!) }).toEqual({ href: row[0], fetched: chunk !== undefined });
    }
  });

  it('gives each page its props, title and key from the path (decoded) and the query', () => {
    const quality = SESSIONS.quality;
    expect(pageAt('/lots/REEL%20C1', '?shipped=true', quality)).toEqual({ page: 'lot', props: { lotId: 'REEL C1', search: '?shipped=true', session: quality }, title: 'Lot REEL C1', key: 'REEL C1' });
    expect(pageAt('/vendor-lots/V-MURATA/GRM188%2FX/M%202345', '', quality)).toMatchObject({ props: { vendorId: 'V-MURATA', mpn: 'GRM188/X', vendorLotCode: 'M 2345' }, title: 'Vendor lot M 2345' });
    expect(pageAt('/search', '?q=GW%201', quality)).toMatchObject({ page: 'search', props: { q: 'GW 1' }, title: 'Search GW 1' });
    expect(pageAt('/reports', '', quality)).toMatchObject({ props: {}, title: 'Reports', key: undefined });
    expect(pageAt('/reports/rj-1', '', quality)).toMatchObject({ props: { jobId: 'rj-1' }, title: 'Report rj-1' });
    expect(pageAt('/brands/Acme%20Co/deviations/D%2F1', '', quality)).toMatchObject({ props: { brand: 'Acme Co', deviationId: 'D/1' }, title: 'Deviation D/1 of Acme Co' });
    expect(pageAt('/', '', quality)).toMatchObject({ page: 'home', title: 'Trace' });
  });

  it("shows an approver its own brand's page on any other path, and an admin the admin page with the filters at /admin only", () => {
    const { approver, admin } = SESSIONS;
    expect(pageAt('/', '', approver)).toEqual({ page: 'brandAuthority', props: { brand: 'Acme', session: approver }, title: 'Authority of Acme', key: 'Acme' });
    expect(pageAt('/brands/Globex/authority', '', approver)).toMatchObject({ props: { brand: 'Globex' }, title: 'Authority of Globex' });
    expect(pageAt('/admin', '?keyId=k-1', admin)).toMatchObject({ page: 'admin', props: { search: '?keyId=k-1', session: admin }, title: 'Administration' });
    expect(pageAt('/lots/REEL-C1', '?keyId=k-1', admin)).toMatchObject({ page: 'admin', props: { search: '' } });
  });

  it('keeps the key of a page over a change of its query, so that its state and the focus within it survive a filter', () => {
    const quality = SESSIONS.quality;
    expect(pageAt('/lots/REEL-C1', '?shipped=true', quality).key).toBe(pageAt('/lots/REEL-C1', '', quality).key);
    expect(pageAt('/lots/REEL-C1', '', quality).key).not.toBe(pageAt('/lots/REEL-C2', '', quality).key);
    expect(pageAt('/serials/GW-1', '?history=true', quality).key).toBe(pageAt('/serials/GW-1', '', quality).key);
    expect(pageAt('/commonality', '?serials=GW-1', quality).key).toBe(pageAt('/commonality', '', quality).key);
    expect(pageAt('/admin', '?cursor=c', SESSIONS.admin).key).toBe(pageAt('/', '', SESSIONS.admin).key);
  });
});

describe('the preload', () => {
  it("fetches a data page's chunk at once, beside the session, and nothing more once a data reader's session answers", async () => {
    expect(await preloaded('/lots/REEL-C1', SESSIONS.auditor)).toEqual({ atOnce: ['lot'], all: ['lot'] });
    expect(await preloaded('/vendor-lots/V/M/C', SESSIONS.quality)).toEqual({ atOnce: ['records'], all: ['records'] });
  });

  it("fetches the approver's brand pages and the admin's page once the session answers, at / too", async () => {
    expect(await preloaded('/', SESSIONS.approver)).toEqual({ atOnce: [], all: ['brands'] });
    expect(await preloaded('/', SESSIONS.admin)).toEqual({ atOnce: [], all: ['admin'] });
    expect(await preloaded('/lots/REEL-C1', SESSIONS.admin)).toEqual({ atOnce: ['lot'], all: ['lot', 'admin'] });
    expect(await preloaded('/brands/Acme/authority', SESSIONS.approver)).toEqual({ atOnce: ['brands'], all: ['brands'] });
  });

  it('fetches nothing more for no session or a session that failed, and leaves the failure to the app', async () => {
    expect(await preloaded('/', null)).toEqual({ atOnce: [], all: [] });
    const asked: PageChunk[] = [];
    preloadPage('/serials/GW-1', Promise.reject(new Error('API down')), (c) => asked.push(c));
    await new Promise((resolve) => setImmediate(resolve));
    expect(asked).toEqual(['serial']);
  });
});
