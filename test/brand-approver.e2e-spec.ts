import { rmSync } from 'node:fs';
import { gatewayAuthority, gatewayScenario } from '@trace/contracts/testing';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildWebApp, launchChromium, titled } from './support/browser';
import { TestWorld } from './support/harness';

// The brand's approver page in a real browser: its deviations and approved parts, a deviation published through the
// form and seen in the list once the ingest recorded it, the deviation's serials, and the forms kept from any other key.
describe("the brand's approver page in a browser", () => {
  const w = new TestWorld('approverweb');
  const scenario = gatewayScenario('ap-');
  let browser: Browser;
  let webRoot: string;
  let keys: Record<'approver' | 'site' | 'globexApprover', string>;
  const contexts: BrowserContext[] = [];
  const cspViolations: string[] = [];

  beforeAll(async () => {
    webRoot = buildWebApp();
    w.env.WEB_ROOT = webRoot;
    await Promise.all([w.startIngest(), w.startApi()]);
    browser = await launchChromium();
    await w.produce([...scenario.events, ...gatewayAuthority('ap-')]);
    keys = {
      approver: (await w.createKey('approver', ['Acme'], 'Acme approver')).key,
      site: (await w.createKey('quality', '*', 'site-wide quality')).key,
      globexApprover: (await w.createKey('approver', ['Globex'], 'Globex approver')).key,
    };
    await w.waitForIngest();
  });
  afterAll(async () => {
    await Promise.allSettled(contexts.map((c) => c.close()));
    await browser?.close();
    await w.close();
    if (webRoot) rmSync(webRoot, { recursive: true, force: true });
  });
  afterEach(() => {
    expect(cspViolations).toEqual([]);
  });

  const signIn = async (key: string, path = '/'): Promise<Page> => {
    const context = await browser.newContext();
    contexts.push(context);
    const page = await context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) cspViolations.push(m.text());
    });
    await page.goto(`${w.apiUrl}${path}`);
    await page.getByLabel('API key').fill(key);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    return page;
  };
  const heading = (page: Page, name: string) => page.getByRole('heading', { level: 1, name, exact: true });

  it("shows an approver its brand's deviations with their pieces, publishes a deviation through the form and lists it, and opens a deviation's serials", async () => {
    const page = await signIn(keys.approver);
    await heading(page, 'Authority of Acme').waitFor();
    await titled(page, 'Authority of Acme · ems-trace'); // an approver's page at /: its brand's
    const deviations = page.getByRole('table', { name: 'Deviations of Acme' });
    const cap = deviations.getByRole('row').filter({ hasText: 'D-CAP' });
    await cap.waitFor();
    expect(await cap.getByRole('cell').allInnerTexts()).toEqual([
      'D-CAP', 'CAP-100N-0603: GRM188R71C104KA01D (Murata)', 'in force', '2', '0', '2026-11-01T00:00:00.000Z .. 2026-12-31T00:00:00.000Z', 'GW-100',
    ]);
    await page.getByRole('table', { name: 'Approved parts' }).getByRole('row').filter({ hasText: 'A-MCU' }).getByRole('cell', { name: 'in force' }).waitFor();

    const form = page.getByRole('form', { name: 'Approve a deviation' });
    await form.getByLabel('Deviation id').fill('D-WEB-1');
    await form.getByLabel('Internal part number').fill('CAP-100N-0603');
    await form.getByLabel('Manufacturer').fill('Yageo');
    await form.getByLabel('MPN').fill('CC0603KRX7R9BB104');
    await form.getByLabel('Pieces at most').fill('500');
    await form.getByLabel('Valid from').fill('2026-11-10T08:00');
    await form.getByLabel('Valid until').fill('2026-11-09T08:00'); // before validFrom: the contract refuses it
    await form.getByLabel('Approved by').fill('quality@acme.example');
    await form.getByLabel('Reason').fill('Kemet shortage');
    await form.getByRole('button', { name: 'Approve deviation' }).click();
    await page.getByRole('alert').filter({ hasText: /validUntil/ }).waitFor();
    await form.getByLabel('Valid until').fill('2026-12-10T08:00');
    await form.getByRole('button', { name: 'Approve deviation' }).click();
    await page.getByRole('status').filter({ hasText: /^The deviation published as event / }).waitFor();
    const published = deviations.getByRole('row').filter({ hasText: 'D-WEB-1' });
    await published.waitFor({ timeout: 20_000 }); // once the ingest recorded it
    expect(await published.getByRole('cell').nth(4).innerText()).toBe('500');

    await cap.getByRole('link', { name: 'D-CAP' }).click();
    await heading(page, 'Deviation D-CAP of Acme').waitFor();
    await titled(page, 'Deviation D-CAP of Acme · ems-trace');
    const serials = page.getByRole('table', { name: 'Serials under D-CAP' });
    await serials.getByRole('row').filter({ hasText: scenario.ids.top }).getByRole('cell', { name: /SHP-9001/ }).waitFor();
    await page.getByRole('table', { name: 'Installations beyond D-CAP' }).getByRole('row').filter({ hasText: scenario.ids.other }).getByRole('cell', { name: '2 of 1' }).waitFor();
  });

  it('gives a site-wide key the lists without the publish forms, and the API refuses it (403); another brand sees nothing of Acme', async () => {
    const page = await signIn(keys.site, '/brands/Acme/authority');
    await heading(page, 'Authority of Acme').waitFor();
    await page.getByRole('table', { name: 'Deviations of Acme' }).getByRole('row').filter({ hasText: 'D-RES' }).waitFor();
    await page.getByRole('note').filter({ hasText: /site-wide one included, is refused with 403/ }).waitFor();
    await page.getByRole('table', { name: 'Approved parts' }).getByRole('row').nth(1).waitFor(); // both lists drawn, where the forms would follow them
    expect(await page.getByRole('form').count()).toBe(0);
    const refused = await w.post('/v1/brands/Acme/deviations', { deviationId: 'D-SITE', internalPartNumber: 'X', manufacturer: 'M', mpn: 'P', validFrom: '2026-11-10T00:00:00Z', validUntil: '2026-12-10T00:00:00Z', approvedBy: 'a', reason: 'r' }, keys.site);
    expect(refused.status).toBe(403);

    const globex = await signIn(keys.globexApprover, '/brands/Acme/authority');
    await heading(globex, 'Authority of Acme').waitFor();
    await globex.getByRole('alert').nth(1).waitFor(); // both answers arrived (as refusals) before anything is counted
    expect(await globex.getByRole('alert').allInnerTexts()).toEqual(['brand "Acme" is not known', 'brand "Acme" is not known']);
    expect(await globex.getByRole('form').count()).toBe(0);
  });
});
