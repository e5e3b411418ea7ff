import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gatewayAuthority, gatewayScenario } from '@trace/contracts/testing';
import { WebWorkspace, heading } from './support/browser';
import { TestWorld } from './support/harness';

// Phase B of the workspace in a real browser: commonality, report jobs and verification, the admin's keys and access
// log, and the brand's judgement of each material. Controls are found by role and accessible name.
describe('the web workspace in a browser: analysis, reports, administration', () => {
  const w = new TestWorld('webws');
  const scenario = gatewayScenario();
  const { top, sub, other } = scenario.ids;
  const ws = new WebWorkspace(w, { acceptDownloads: true, permissions: ['clipboard-read', 'clipboard-write'] });
  const { cspViolations } = ws;
  let keys: Record<'quality' | 'auditor' | 'admin', string>;

  beforeAll(async () => {
    await ws.start();
    await w.produce([
      ...scenario.events,
      // Acme's authority, published the day before the build: the MCU approved, another capacitor approved for the
      // capacitors' IPN (so Murata's is not on the AVL), and a deviation for the resistors of the power board.
      ...gatewayAuthority('ws-'),
    ]);
    keys = {
      quality: (await w.createKey('quality', '*', 'workspace quality')).key,
      auditor: (await w.createKey('auditor', '*', 'workspace auditor')).key,
      admin: (await w.createKey('admin', '*', 'workspace admin')).key,
    };
    await w.waitForIngest();
  });
  afterAll(() => ws.close());
  afterEach(() => {
    expect(cspViolations).toEqual([]);
  });

  const signIn = (key: string, path?: string) => ws.signIn(key, path);

  it('ranks what failed serials share, with both shares, and follows a factor to its page', async () => {
    const { page } = await signIn(keys.quality);
    await page.getByRole('navigation', { name: 'Pages' }).getByRole('link', { name: 'Commonality' }).click();
    await heading(page, 'Commonality').waitFor();
    await page.getByLabel('Failed serials').fill(`${top}\n${other}, NO-SUCH-SERIAL`);
    await page.getByRole('button', { name: 'Analyse' }).click();
    const factors = page.getByRole('table', { name: 'Shared factors' });
    await factors.waitFor();
    const api = (await w.post<{ factors: { kind: string; id: string; count: number }[] }>('/v1/analysis/commonality', { serials: [top, other, 'NO-SUCH-SERIAL'] })).body;
    expect(api.factors.length).toBeGreaterThan(0);
    expect(await factors.getByRole('row').count()).toBe(api.factors.length + 1); // every factor, in the API's order
    await page.getByText(/2 serials analysed; unknown, left out: NO-SUCH-SERIAL/).waitFor();
    const reel = factors.getByRole('row').filter({ has: page.getByRole('link', { name: 'REEL-C1', exact: true }) });
    expect(await reel.innerText()).toMatch(/package lot\s+100 % \(2 of 2 failed\)/);

    // Against a comparison set: both shares; and the deep link survives a reload.
    await page.getByLabel('Failed serials').fill(top);
    await page.getByRole('radio', { name: 'a comparison set' }).check();
    await page.getByLabel('Comparison serials').fill(other);
    await page.getByRole('button', { name: 'Analyse' }).click();
    await factors.getByRole('columnheader', { name: 'Comparison' }).waitFor();
    await page.reload();
    await factors.getByRole('row').filter({ has: page.getByRole('link', { name: 'REEL-C1', exact: true }) }).getByText('100 % (1 of 1 compared)').waitFor();
    expect(await page.getByLabel('Comparison serials').inputValue()).toBe(other);
    await factors.getByRole('link', { name: 'REEL-C1', exact: true }).click();
    await heading(page, 'Lot REEL-C1').waitFor();
    await page.goBack();
    await heading(page, 'Commonality').waitFor();

    await page.getByRole('radio', { name: /a sample of other units/ }).check();
    await page.getByRole('button', { name: 'Analyse' }).click();
    await page.getByText(/compared with 1 serial \(a sample of GW-100\)/).waitFor();
  });

  it('runs a report over many serials to done with its progress bar, downloads it, and verifies the file, dropped or chosen', async () => {
    const { page } = await signIn(keys.auditor, '/reports');
    await heading(page, 'Reports').waitFor();
    await page.getByLabel('Serials').fill([top, other, sub, 'NO-SUCH-SERIAL'].join('\n'));
    await page.getByRole('button', { name: 'Start report' }).click();
    await heading(page, /^Report rj-[0-9a-f]{24}$/).waitFor();
    const bar = page.getByRole('progressbar', { name: 'Report progress' });
    expect(await bar.getAttribute('aria-valuemax')).toBe('4');
    await page.getByRole('link', { name: 'Download signed CSV' }).waitFor({ timeout: 60_000 });
    expect(await bar.getAttribute('aria-valuenow')).toBe('4');
    await page.getByText(/Not found \(unknown, or outside your brands\): NO-SUCH-SERIAL/).waitFor();
    const url = page.url();
    await page.reload();
    expect(page.url()).toBe(url); // the job's page is a deep link
    const download = page.waitForEvent('download');
    await page.getByRole('link', { name: 'Download signed CSV' }).click();
    const csv = readFileSync(await (await download).path());
    expect(csv.toString('utf8').trimEnd().split('\n').pop()).toMatch(/^#ems-trace-signature v1 alg=Ed25519 /);

    await page.getByLabel('Report file', { exact: true }).setInputFiles({ name: 'many.csv', mimeType: 'text/csv', buffer: csv });
    await page.getByRole('status', { name: 'Verdict' }).getByText(/^many\.csv: authentic and unchanged, a CSV report signed by rk-/).waitFor();

    const tampered = Buffer.from(csv);
    tampered[Math.floor(tampered.length / 3)] ^= 1;
    const dataTransfer = await page.evaluateHandle(`(() => { const dt = new DataTransfer(); dt.items.add(new File([new Uint8Array(${JSON.stringify([...tampered])})], 'tampered.csv', { type: 'text/csv' })); return dt; })()`);
    await page.getByRole('group', { name: 'Drop a report file here' }).dispatchEvent('drop', { dataTransfer });
    await page.getByRole('status', { name: 'Verdict' }).getByText(/^tampered\.csv: NOT valid: /).waitFor();
  });

  it("shows the brand's judgement of every material in words, and the brand's flags grouped", async () => {
    const { page } = await signIn(keys.quality, `/serials/${top}`);
    await heading(page, `Serial ${top}`).waitFor();
    const tray = page.getByRole('table', { name: `Materials of ${top}` }).getByRole('row').filter({ hasText: 'TRAY-U1' });
    await tray.getByRole('cell', { name: 'approved (A-MCU)' }).waitFor();
    await page.getByRole('button', { name: `Expand ${sub}` }).click();
    const subMaterials = page.getByRole('table', { name: `Materials of ${sub}` });
    await subMaterials.getByRole('row').filter({ hasText: 'REEL-C1A' }).getByRole('cell', { name: "not on the brand's approved parts" }).waitFor();
    await subMaterials.getByRole('row').filter({ hasText: 'REEL-R1' }).getByRole('cell', { name: /^under deviation D-RES \(2 of 100 pieces\)$/ }).waitFor();
    const flags = page.getByRole('region', { name: 'Flags and gaps' });
    expect(await flags.getByRole('region', { name: "Not on the brand's approved parts" }).innerText()).toMatch(/GRM188R71C104KA01D \(Murata\)[\s\S]*not approved by Acme for CAP-100N-0603/);
    expect(await flags.getByRole('region', { name: "Under the brand's deviation" }).innerText()).toMatch(/under Acme's deviation D-RES \(2 of 100 pieces\)/);
    await flags.getByRole('region', { name: 'No approved parts published by the brand' }).getByText(/RES-22R-0603/).first().waitFor();
  });

  it('lets an admin create a key (shown once, copied), revoke it (its session ends), and read the access log filtered and paged', async () => {
    const { page } = await signIn(keys.admin);
    await heading(page, 'Administration').waitFor();
    const label = `made in the browser ${randomBytes(3).toString('hex')}`;
    const form = page.getByRole('form', { name: 'Create a key' });
    await form.getByLabel('Role').selectOption('quality');
    await form.getByLabel('All brands').check();
    await form.getByLabel('Label').fill(label);
    await form.getByRole('button', { name: 'Create key' }).click();
    const shown = page.getByRole('region', { name: 'New key' });
    const key = (await shown.getByLabel('The new key').innerText()).trim();
    expect(key).toMatch(/^trk_/);
    await shown.getByRole('button', { name: 'Copy key' }).click();
    await shown.getByRole('status').getByText('Copied.').waitFor();
    expect(await page.evaluate('navigator.clipboard.readText()')).toBe(key);
    const info = (await w.get<{ id: string; label?: string }[]>('/v1/keys', keys.admin)).body.find((k) => k.label === label)!;
    await page.getByRole('table', { name: 'Keys' }).getByRole('row').filter({ hasText: info.id }).waitFor();
    await page.reload();
    expect(await page.getByRole('region', { name: 'New key' }).count()).toBe(0); // shown once, never again

    // The new key works in another browser, and makes 30 requests for the log to page through.
    const user = await signIn(key, `/serials/${top}`);
    await heading(user.page, `Serial ${top}`).waitFor();
    for (let i = 0; i < 30; i += 1) expect((await w.get(`/v1/search?q=page-${i}`, key)).status).toBe(200);

    await page.getByRole('button', { name: `Revoke ${label}` }).click();
    await page.getByRole('button', { name: `Confirm revoking ${label}` }).click();
    await page.getByRole('table', { name: 'Keys' }).getByRole('row').filter({ hasText: info.id }).getByText(/^\d{4}-\d\d-\d\dT/).nth(1).waitFor(); // revoked at
    await user.page.reload();
    await user.page.getByLabel('API key').waitFor(); // its session ended at once

    const filters = page.getByRole('form', { name: 'Access-log filters' });
    await filters.getByLabel('Key').selectOption(info.id);
    await filters.getByLabel('Since').fill('2020-01-01T00:00:00');
    await filters.getByRole('button', { name: 'Show entries' }).click();
    const log = page.getByRole('table', { name: 'Access log' });
    await page.getByRole('status', { name: 'Access-log page' }).getByText('25 entries, newest first.').waitFor();
    expect(new URL(page.url()).searchParams.get('keyId')).toBe(info.id);
    const keyCells = await log.getByRole('row').evaluateAll((rows) => rows.slice(1).map((r) => (r as unknown as { cells: { textContent: string }[] }).cells[1]!.textContent));
    expect(new Set(keyCells)).toEqual(new Set([info.id])); // only that key's entries
    const all = (await w.get<{ items: unknown[] }>(`/v1/access-log?keyId=${info.id}&limit=1000`, keys.admin)).body.items.length;
    expect(all).toBeGreaterThan(30);
    await page.getByRole('button', { name: 'Older' }).click();
    await page.getByRole('status', { name: 'Access-log page' }).getByText(/ entries, an older page\.$/).waitFor();
    await page.reload(); // the page of the log is in the URL
    await page.getByRole('status', { name: 'Access-log page' }).getByText(/ entries, an older page\.$/).waitFor();
    await page.getByRole('button', { name: 'Newest' }).click();
    await page.getByRole('status', { name: 'Access-log page' }).getByText('25 entries, newest first.').waitFor();

    await filters.getByLabel('Until').fill('2020-01-02T00:00:00');
    await filters.getByRole('button', { name: 'Show entries' }).click();
    await page.getByRole('status', { name: 'Access-log page' }).getByText('No entries.').waitFor(); // the time filter applies
  });
});
