/**
 * `npm run -s screenshots`: images of the main pages of the web app, from the demo data (the gateway scenario, with the
 * brand's approvals and a deviation so the judgement has something to say), into docs/screenshots/. Runs the API and
 * the ingest in this process against the test backends (the local stack, or KAFKA_BROKERS / MONGO_URL), drives Debian's
 * chromium through playwright-core, and stops what it started.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { gatewayAuthority, gatewayScenario } from '@trace/contracts/testing';
import type { Page } from 'playwright-core';
import { acquireBackends } from '../test/support/backends';
import { buildWebApp, launchChromium } from '../test/support/browser';
import { TestWorld } from '../test/support/harness';

const OUT = join(__dirname, '..', 'docs', 'screenshots');
const log = (line: string): void => void process.stdout.write(`[screenshots] ${line}\n`);

async function main(): Promise<void> {
  const backends = await acquireBackends(process.env.TEST_STACK_NAME ?? 'screenshots');
  process.env.KAFKA_BROKERS = backends.kafkaBrokers;
  process.env.MONGO_URL = backends.mongoUrl;
  process.env.TEST_LOG_LEVEL ??= 'error';
  const w = new TestWorld('shots');
  w.env.WEB_ROOT = buildWebApp();
  const browser = await launchChromium();
  try {
    await Promise.all([w.startIngest(), w.startApi()]);
    const scenario = gatewayScenario();
    const { top, sub, other } = scenario.ids;
    await w.produce([...scenario.events, ...gatewayAuthority()]);
    const quality = (await w.createKey('quality', '*', 'quality engineer')).key;
    const admin = (await w.createKey('admin', '*', 'ops')).key;
    await w.createKey('auditor', ['Acme'], 'Acme auditor');
    await w.waitForIngest();
    mkdirSync(OUT, { recursive: true });

    const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, deviceScaleFactor: 1 });
    const page = await context.newPage();
    const signIn = async (key: string): Promise<void> => {
      await page.goto(`${w.apiUrl}/`);
      await page.getByLabel('API key').fill(key);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('button', { name: 'Sign out' }).waitFor();
    };
    const shot = async (name: string, fullPage = true): Promise<void> => {
      await page.waitForTimeout(300); // the freshness badge and late layout settle
      await page.screenshot({ path: join(OUT, `${name}.png`), fullPage });
      log(`docs/screenshots/${name}.png`);
    };
    const h1 = (p: Page, name: string) => p.getByRole('heading', { level: 1, name, exact: true }).waitFor();

    await page.goto(`${w.apiUrl}/`);
    await page.getByLabel('API key').waitFor();
    await shot('sign-in', false);
    await signIn(quality);

    await page.goto(`${w.apiUrl}/serials/${top}`);
    await h1(page, `Serial ${top}`);
    await page.getByRole('button', { name: 'Expand all' }).click();
    await page.getByRole('table', { name: `Materials of ${sub}` }).waitFor();
    await shot('serial');

    await page.goto(`${w.apiUrl}/lots/REEL-C1`);
    await h1(page, 'Lot REEL-C1');
    await page.getByRole('status', { name: 'Where-used count' }).getByText(/shipped$/).waitFor();
    await shot('lot', false);

    await page.goto(`${w.apiUrl}/vendors/V-SHADY`);
    await h1(page, 'Vendor V-SHADY');
    await page.getByRole('status', { name: 'Exposure count' }).getByText(/unit$|units$/).waitFor();
    await shot('vendor', false);

    await page.goto(`${w.apiUrl}/commonality?${new URLSearchParams({ serials: `${top}\n${other}` }).toString()}`);
    await page.getByRole('table', { name: 'Shared factors' }).waitFor();
    await shot('commonality');

    await page.goto(`${w.apiUrl}/reports`);
    await page.getByLabel('Serials').fill([top, other, sub, 'GW100-9999'].join('\n'));
    await page.getByRole('button', { name: 'Start report' }).click();
    await page.getByRole('link', { name: 'Download signed CSV' }).waitFor({ timeout: 60_000 });
    await shot('reports', false);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await signIn(admin);
    await h1(page, 'Administration');
    await page.getByRole('table', { name: 'Access log' }).waitFor();
    await shot('admin', false);
    await context.close();
  } finally {
    await browser.close();
    await w.close();
    await backends.stop();
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`[screenshots] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
