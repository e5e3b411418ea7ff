import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { TOPICS, makeEvent } from '@trace/contracts';
import { gatewayScenario } from '@trace/contracts/testing';
import { WebWorkspace, heading, titled } from './support/browser';
import { sleep, TestWorld } from './support/harness';

// The workspace in a real browser (Debian's chromium driven by playwright-core) against the real API, Kafka and
// database: controls found by role and accessible name, as a person (or a screen reader) finds them.
describe('the web workspace in a browser', () => {
  const w = new TestWorld('web');
  const scenario = gatewayScenario();
  const { top, sub, subSub } = scenario.ids;
  const otherBrandSerial = `GLX-${randomBytes(3).toString('hex')}`;
  const otherBrandShipment = `SHP-GLX-${randomBytes(3).toString('hex')}`;
  const ws = new WebWorkspace(w);
  const { cspViolations } = ws;
  let keys: Record<'quality' | 'auditor' | 'admin' | 'acme', string>;

  beforeAll(async () => {
    await ws.start();
    await w.produce([
      ...scenario.events,
      makeEvent('UnitStarted', { serial: otherBrandSerial, brand: 'Globex', productPartNumber: 'GX-1', workOrder: 'WO-GX-1' }, { source: 'site1/mes' }),
      makeEvent('UnitShipped', { serial: otherBrandSerial, shipmentId: otherBrandShipment, customer: 'Initech' }, { source: 'site1/shipping' }),
      // REEL-C2 twice inside the gateway (C10 on it, C20 on its power board): installations and units differ in the recall scope.
      makeEvent('MaterialInstalled', { serial: sub, lotId: 'REEL-C2', quantity: 1, refDes: ['C20'] }, { source: 'site1/smt-line-2' }),
      // Rework on the power board: its resistors taken out, so the history switch has something to show.
      makeEvent('MaterialRemoved', { serial: sub, lotId: 'REEL-R1', refDes: ['R1', 'R2'], reason: 'rework: tombstoned resistors' }, { source: 'site1/rework' }),
    ]);
    keys = {
      quality: (await w.createKey('quality', '*', 'web test quality')).key,
      auditor: (await w.createKey('auditor', '*', 'web test auditor')).key,
      admin: (await w.createKey('admin', '*', 'web test admin')).key,
      acme: (await w.createKey('auditor', ['Acme'], 'web test Acme auditor')).key,
    };
    await w.waitForIngest();
  });
  afterAll(() => ws.close());
  afterEach(() => {
    expect(cspViolations).toEqual([]); // the app runs entirely under its strict policy
  });

  const signIn = (key: string, path?: string) => ws.signIn(key, path);

  it('serves the app at / under a strict Content-Security-Policy, and every deep link falls back to it', async () => {
    const root = await fetch(`${w.apiUrl}/`);
    expect(root.status).toBe(200);
    const csp = root.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    const html = await root.text();
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/); // no inline script at all
    const deep = await fetch(`${w.apiUrl}/serials/${top}`, { headers: { accept: 'text/html' } });
    expect([deep.status, await deep.text()]).toEqual([200, html]);
    const api = await fetch(`${w.apiUrl}/v1/nothing-here`, { headers: { accept: 'text/html' } });
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toMatch(/json/); // the API keeps its own paths
  });

  it('signs a quality engineer in with a pasted key, keeps no key in the page, and walks a three-level serial', async () => {
    const { page, context } = await signIn(keys.quality);
    await page.getByLabel('Signed in as').getByText('quality').waitFor();
    // Evaluated in the page (a string, since the test's own TypeScript has no DOM library).
    expect(await page.evaluate('[document.cookie, JSON.stringify(localStorage), JSON.stringify(sessionStorage)]')).toEqual(['', '{}', '{}']);
    const [cookie] = await context.cookies();
    expect(cookie).toMatchObject({ name: 'trace_session', httpOnly: true, sameSite: 'Strict' });
    await page.getByRole('status', { name: 'Freshness' }).getByText(/up to date|behind/).waitFor();

    await page.getByLabel('Search').fill(top);
    await page.getByLabel('Search').press('Enter');
    await heading(page, `Serial ${top}`).waitFor();
    expect(page.url()).toBe(`${w.apiUrl}/serials/${top}`);
    await page.getByRole('region', { name: 'Flags and gaps' }).getByText(/V-SHADY/).first().waitFor(); // flags first, in words
    await page.getByRole('button', { name: `Expand ${sub}` }).click();
    const subMaterials = page.getByRole('table', { name: `Materials of ${sub}` });
    await subMaterials.getByRole('link', { name: 'REEL-C1A' }).waitFor();
    expect(await subMaterials.getByRole('row').filter({ hasText: 'REEL-C1A' }).first().innerText()).toMatch(/C1 C2 C3 C4[\s\S]*split from REEL-C1/);
    await page.getByRole('button', { name: `Expand ${subSub}` }).click();
    const deepest = page.getByRole('table', { name: `Materials of ${subSub}` });
    await deepest.getByRole('link', { name: 'REEL-SM' }).waitFor();
    expect(await deepest.innerText()).toMatch(/merged from REEL-S1 \+ REEL-S2/);
    await page.getByRole('button', { name: new RegExp(`^Provenance of REEL-SM at R5 R6 in ${subSub}$`) }).click();
    const provenance = page.getByRole('region', { name: 'Provenance' });
    expect(await provenance.innerText()).toMatch(new RegExp(`MaterialInstalled[\\s\\S]*${TOPICS.production.replace(/\./g, '\\.')} partition \\d+ offset \\d+`));

    // As built now, REEL-R1 is reworked away. Counted only once the same answer's REEL-C1A row shows (a count taken
    // before the table has its data would pass for nothing), and for the row, not only its link.
    await subMaterials.getByRole('row').filter({ hasText: 'REEL-C1A' }).first().waitFor();
    expect(await subMaterials.getByRole('row').filter({ hasText: 'REEL-R1' }).count()).toBe(0);
    await page.getByRole('checkbox', { name: /History/ }).check();
    await subMaterials.getByRole('row').filter({ hasText: 'REEL-R1' }).getByText('removed').waitFor();
    expect(page.url()).toBe(`${w.apiUrl}/serials/${top}?history=true`);

    await page.reload();
    await heading(page, `Serial ${top}`).waitFor(); // the deep link survives a reload, signed in still
    expect(await page.getByRole('checkbox', { name: /History/ }).isChecked()).toBe(true);

    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'PDF', exact: true }).click();
    const pdf = readFileSync(await (await download).path());
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-'); // the download works with the session cookie
    for (const name of ['CSV', 'JSON', 'EPCIS']) expect(await page.getByRole('link', { name, exact: true }).getAttribute('href')).toMatch(/^\/v1\/serials\//);
  });

  it('follows a lot from the serial to its streamed where-used and back', async () => {
    const { page } = await signIn(keys.auditor, `/serials/${sub}`);
    await heading(page, `Serial ${sub}`).waitFor();
    await page.getByRole('table', { name: `Materials of ${sub}` }).getByRole('link', { name: 'REEL-C1A' }).click();
    await heading(page, 'Lot REEL-C1A').waitFor();
    await titled(page, 'Lot REEL-C1A · ems-trace'); // each page names the document too
    await page.getByRole('status', { name: 'Where-used count' }).getByText(await countOf('/v1/lots/REEL-C1A/where-used')).waitFor();
    await page.getByRole('table', { name: 'Where-used of REEL-C1A' }).getByRole('link', { name: top }).click();
    await heading(page, `Serial ${top}`).waitFor();
    await titled(page, `Serial ${top} · ems-trace`);
    await page.goBack();
    await heading(page, 'Lot REEL-C1A').waitFor();
    await titled(page, 'Lot REEL-C1A · ems-trace');
    // An auditor is offered no containment. Hold is drawn with the lot's summary, so wait for what that answer draws
    // (its status) first: the heading alone comes from the address.
    await page.getByText(/^Status: \w+$/).waitFor();
    expect(await page.getByRole('button', { name: 'Hold' }).count()).toBe(0);

    await page.goto(`${w.apiUrl}/lots/REEL-C1?shipped=true`); // filters have deep links too
    await page.getByRole('status', { name: 'Where-used count' }).getByText(await countOf('/v1/lots/REEL-C1/where-used?shipped=true')).waitFor();
    const download = page.waitForEvent('download');
    await page.getByRole('button', { name: 'Download CSV' }).click();
    const csv = readFileSync(await (await download).path(), 'utf8').trim().split('\r\n');
    const shipped = (await w.get<{ items: { topSerial: string }[] }>('/v1/lots/REEL-C1/where-used?shipped=true')).body.items;
    expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual(shipped.map((r) => r.topSerial)); // the filtered rows, as shown
  });

  it("follows a serial's flag to the vendor's exposure", async () => {
    const { page } = await signIn(keys.auditor, `/serials/${top}`);
    await page.getByRole('region', { name: 'Flags and gaps' }).getByRole('region', { name: 'Vendor not approved' }).getByRole('link', { name: 'vendor V-SHADY' }).click();
    await heading(page, 'Vendor V-SHADY').waitFor();
    const exposure = (await w.get<{ counts: { units: number }; total: number }>('/v1/vendors/V-SHADY/exposure?total=true')).body;
    await page.getByRole('status', { name: 'Exposure count' }).getByText(new RegExp(`^${plural(exposure.total, 'row')} · ${plural(exposure.counts.units, 'top-level unit')}$`)).waitFor();
    expect(await page.getByRole('table', { name: 'Exposure by brand' }).innerText()).toContain('Acme');
    await page.getByRole('table', { name: 'Exposure of V-SHADY' }).getByRole('link', { name: top }).first().waitFor();
  });

  it('holds a lot with a reason after showing the recall scope, and the LotStatusChanged goes to Kafka', async () => {
    const { page } = await signIn(keys.quality, '/lots/REEL-C2');
    await heading(page, 'Lot REEL-C2').waitFor();
    await page.getByRole('status', { name: 'Where-used count' }).getByText(/^\d+ rows? .* · \d+ shipped$/).waitFor();
    await page.getByRole('button', { name: 'Hold' }).click();
    const dialog = page.getByRole('dialog');
    const rows = (await w.get<{ items: { topSerial: string; shipped: boolean }[] }>('/v1/lots/REEL-C2/where-used')).body.items;
    const units = new Set(rows.map((r) => r.topSerial)).size;
    const shipped = new Set(rows.filter((r) => r.shipped).map((r) => r.topSerial)).size;
    expect(rows.length).toBeGreaterThan(units);
    await dialog.getByText(`Recall scope: ${plural(units, 'top-level unit')} hold this material now (${shipped} shipped), through ${plural(rows.length, 'installation')}.`).waitFor();
    const reason = `suspect dielectric ${randomBytes(3).toString('hex')}`;
    await dialog.getByLabel('Reason').fill(reason);
    await dialog.getByRole('button', { name: 'Confirm hold' }).click();
    await page.getByRole('status', { name: 'Containment result' }).getByText(/On hold: 1 LotStatusChanged published \(REEL-C2\)/).waitFor();

    const seen = await lotStatusEvents(reason, 1);
    expect(seen).toEqual([{ lotId: 'REEL-C2', status: 'hold' }]);
    await w.waitForIngest();
    await page.reload();
    await page.getByText('Status: hold').waitFor();

    await page.getByRole('button', { name: 'Release' }).click();
    await page.getByRole('dialog').getByLabel('Reason').fill(`${reason}: cleared`);
    await page.getByRole('dialog').getByRole('button', { name: 'Confirm release' }).click();
    await page.getByRole('status', { name: 'Containment result' }).getByText(/Released: 1 LotStatusChanged/).waitFor();
    expect(await lotStatusEvents(`${reason}: cleared`, 1)).toEqual([{ lotId: 'REEL-C2', status: 'released' }]);
  });

  it("shows another brand's serial to a brand key exactly as a serial that does not exist", async () => {
    const { page } = await signIn(keys.acme, `/serials/${otherBrandSerial}`);
    const hidden = await page.getByRole('alert').innerText();
    await page.goto(`${w.apiUrl}/serials/NO-SUCH-${otherBrandSerial}`);
    const missing = await page.getByRole('alert').innerText();
    expect(hidden.replace(otherBrandSerial, 'X')).toBe(missing.replace(`NO-SUCH-${otherBrandSerial}`, 'X'));
    await page.getByLabel('Search').fill(otherBrandSerial);
    await page.getByLabel('Search').press('Enter');
    await page.getByRole('alert').getByText(`Nothing in your scope has the id ${otherBrandSerial}.`).waitFor();
    await page.goto(`${w.apiUrl}/serials/${top}`);
    await heading(page, `Serial ${top}`).waitFor(); // its own brand's serial it sees
    await page.getByRole('table', { name: `Materials of ${top}` }).waitFor();
  });

  it('offers an admin key no data pages', async () => {
    const { page } = await signIn(keys.admin);
    await heading(page, 'Administration').waitFor();
    await titled(page, 'Administration · ems-trace');
    // Search would be drawn in the same header as the session's role: once the role shows, its absence is a fact.
    await page.getByLabel('Signed in as').getByText('admin').waitFor();
    await page.getByRole('table', { name: 'Keys' }).getByRole('row').filter({ hasText: 'web test admin' }).waitFor(); // the page has its data
    expect(await page.getByLabel('Search').count()).toBe(0);
    expect(await page.getByRole('search').count()).toBe(0);
  });

  it('ends every session of a key the moment it is revoked, and at sign-out', async () => {
    const doomed = await w.createKey('quality', '*', 'web test, revoked');
    const { page } = await signIn(doomed.key, `/serials/${top}`);
    await heading(page, `Serial ${top}`).waitFor();
    const revoke = await fetch(`${w.apiUrl}/v1/keys/${doomed.id}`, { method: 'DELETE', headers: w.headers(keys.admin) });
    expect(revoke.status).toBeLessThan(300);
    expect(await page.evaluate(async () => (await fetch('/v1/search?q=x')).status)).toBe(401);
    await page.reload();
    await page.getByLabel('API key').waitFor(); // back to sign-in

    const second = await signIn(keys.quality);
    const [cookie] = await second.context.cookies();
    await second.page.getByRole('button', { name: 'Sign out' }).click();
    await second.page.getByLabel('API key').waitFor();
    await titled(second.page, 'Sign in · ems-trace'); // not the title of the page signed out of
    const replayed = await fetch(`${w.apiUrl}/v1/search?q=${top}`, { headers: { cookie: `trace_session=${cookie!.value}` } });
    expect(replayed.status).toBe(401); // the session is gone on the server, not only in the browser
  });

  it('ends the old session when a browser signs in again over it', async () => {
    const signInOver = async (cookie?: string): Promise<string> => {
      const res = await fetch(`${w.apiUrl}/v1/session`, { method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify({ key: keys.auditor }) });
      expect(res.status).toBe(200);
      return /^(trace_session=[^;]+)/.exec(res.headers.get('set-cookie') ?? '')![1]!;
    };
    const first = await signInOver();
    const second = await signInOver(first);
    expect((await fetch(`${w.apiUrl}/v1/session`, { headers: { cookie: second } })).status).toBe(200);
    expect((await fetch(`${w.apiUrl}/v1/session`, { headers: { cookie: first } })).status).toBe(401);
  });

  it('refuses a state change from a session without its CSRF token', async () => {
    const { page } = await signIn(keys.quality, '/lots/REEL-K1');
    await heading(page, 'Lot REEL-K1').waitFor();
    const statuses = await page.evaluate(async () => {
      const post = (headers: Record<string, string>) =>
        fetch('/v1/lots/REEL-K1/hold', { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ reason: 'forged' }) }).then((r) => r.status);
      return [await post({}), await post({ 'x-csrf-token': 'not-the-token' })];
    });
    expect(statuses).toEqual([403, 403]);
    const session = await page.evaluate(async () => (await (await fetch('/v1/session')).json()) as { csrfToken: string });
    const allowed = await page.evaluate(
      async (token) => (await fetch('/v1/lots/REEL-K1/hold', { method: 'POST', headers: { 'content-type': 'application/json', 'x-csrf-token': token }, body: JSON.stringify({ reason: 'with the token' }) })).status,
      session.csrfToken,
    );
    expect(allowed).toBe(202); // the same request with the token goes through
    expect(await lotStatusEvents('forged', 0)).toEqual([]);
  });

  it('finds a vendor lot by the code on its label and follows it to the package lots it came as', async () => {
    const { page } = await signIn(keys.quality);
    await page.getByLabel('Search').fill('M2345');
    await page.getByRole('button', { name: 'Go' }).click();
    await heading(page, 'Vendor lot M2345').waitFor();
    expect(page.url()).toBe(`${w.apiUrl}/vendor-lots/V-MURATA/GRM188R71C104KA01D/M2345`);
    // The heading comes from the address; the record's facts arrive with its answer: wait for them, as a person would.
    await page.getByRole('definition').filter({ hasText: 'Murata' }).first().waitFor();
    await page.getByRole('table', { name: 'Receipts' }).getByRole('link', { name: 'REEL-C1', exact: true }).click();
    await heading(page, 'Lot REEL-C1').waitFor();
  });

  it("draws a lot's lineage as a graph of links back to its receipt, with the same as a list, and its status history", async () => {
    const { page } = await signIn(keys.quality, '/lots/REEL-C1A');
    await heading(page, 'Lot REEL-C1A').waitFor();
    const graph = page.getByRole('group', { name: 'Lineage graph of REEL-C1A' });
    await graph.getByRole('link', { name: /^Vendor lot M2345,/ }).waitFor();
    const list = page.getByRole('list', { name: 'Lineage of REEL-C1A as a list' });
    expect(await list.getByRole('listitem').allInnerTexts()).toEqual(expect.arrayContaining(['Vendor lot M2345 — received 4000 → Lot REEL-C1', 'Lot REEL-C1 — split 1000 → Lot REEL-C1A']));
    await graph.getByRole('link', { name: /^Lot REEL-C1,/ }).click();
    await heading(page, 'Lot REEL-C1').waitFor();
    expect(page.url()).toBe(`${w.apiUrl}/lots/REEL-C1`);
    // Forward from the source: both lots split off it are in its graph.
    const sourceGraph = page.getByRole('group', { name: 'Lineage graph of REEL-C1' });
    await sourceGraph.getByRole('link', { name: /^Lot REEL-C1B,/ }).waitFor();
    await page.getByText('No status change recorded').waitFor();
  });

  it("shows a brand key another brand's shipment exactly as one that does not exist, and its own shipment's units", async () => {
    const { page } = await signIn(keys.acme);
    const searchFor = async (q: string): Promise<string> => {
      await page.getByLabel('Search').fill(q);
      await page.getByRole('button', { name: 'Go' }).click();
      await heading(page, `Search ${q}`).waitFor();
      return (await page.getByRole('alert').innerText()).replace(q, '<id>');
    };
    const missing = `SHP-NONE-${randomBytes(3).toString('hex')}`;
    expect(await searchFor(otherBrandShipment)).toBe(await searchFor(missing));
    await page.goto(`${w.apiUrl}/shipments/${otherBrandShipment}`);
    const direct = (await page.getByRole('alert').innerText()).replace(otherBrandShipment, '<id>');
    await page.goto(`${w.apiUrl}/shipments/${missing}`);
    expect((await page.getByRole('alert').innerText()).replace(missing, '<id>')).toBe(direct);

    await page.getByLabel('Search').fill('SHP-9001');
    await page.getByRole('button', { name: 'Go' }).click();
    await heading(page, 'Shipment SHP-9001').waitFor();
    const units = page.getByRole('table', { name: 'Units of shipment SHP-9001' });
    await units.getByRole('link', { name: 'WO-1001' }).click();
    await heading(page, 'Work order WO-1001').waitFor();
    await page.getByRole('table', { name: 'Units of work order WO-1001' }).getByRole('link', { name: top, exact: true }).waitFor();
  });

  const plural = (n: number, one: string): string => `${n} ${one}${n === 1 ? '' : 's'}`;

  /** The running count the page must end on, from the API's own (paged JSON) answer. */
  async function countOf(path: string): Promise<string> {
    const rows = (await w.get<{ items: { topSerial: string; shipped: boolean }[] }>(path)).body.items;
    const units = new Set(rows.map((r) => r.topSerial)).size;
    const shipped = new Set(rows.filter((r) => r.shipped).map((r) => r.topSerial)).size;
    expect(rows.length).toBeGreaterThan(0);
    return `${plural(rows.length, 'row')} · ${plural(units, 'top-level unit')} · ${shipped} shipped`;
  }

  /** LotStatusChanged events on this world's lot topic with the reason. */
  async function lotStatusEvents(reason: string, expected: number): Promise<{ lotId: string; status: string }[]> {
    const consumer = w.kafka.consumer({ groupId: `web-reader-${w.id}-${randomBytes(3).toString('hex')}` });
    const seen: { lotId: string; status: string }[] = [];
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: w.topic(TOPICS.lot), fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          const e = JSON.parse(message.value!.toString());
          if (e.type === 'LotStatusChanged' && e.data.reason === reason) seen.push({ lotId: e.data.lotId, status: e.data.status });
        },
      });
      const deadline = Date.now() + (expected === 0 ? 3_000 : 30_000);
      while ((expected === 0 || seen.length < expected) && Date.now() < deadline) await sleep(100);
      return seen;
    } finally {
      await consumer.disconnect();
    }
  }
});
