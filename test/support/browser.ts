import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Browser, BrowserContext, BrowserContextOptions, Page, chromium } from 'playwright-core';
import type { TestWorld } from './harness';

const ROOT = join(__dirname, '..', '..');

/** Builds the web app (package.json's build:web, the one build command) into a fresh folder and returns it, for an API under test to serve (WEB_ROOT). */
export function buildWebApp(): string {
  const out = mkdtempSync(join(tmpdir(), 'trace-web-'));
  execFileSync('npm', ['run', '-s', 'build:web', '--', '--outDir', out, '--emptyOutDir'], {
    cwd: ROOT,
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  return out;
}

/** The system's chromium (Debian's package): never a downloaded browser, which cannot work here. */
export function chromiumPath(): string {
  try {
    return execFileSync('sh', ['-c', 'command -v chromium'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error("the browser tests need Debian's chromium: apt-get install -y chromium (.ci/run installs it); it is not on the PATH");
  }
}

/** Headless chromium with the flags this machine's closed network needs (no background connections). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
  });
}

/**
 * The browser tests' shared setup: the web app built and served by the world's API (with its ingest), one chromium,
 * pages whose Content-Security-Policy violations are collected, and sign-in as a person does it.
 */
export class WebWorkspace {
  browser!: Browser;
  /** Console messages of a refused load or script: a test's afterEach expects none. */
  readonly cspViolations: string[] = [];
  private webRoot = '';
  private readonly contexts: BrowserContext[] = [];

  constructor(
    private readonly w: TestWorld,
    private readonly contextOptions: BrowserContextOptions = { acceptDownloads: true },
  ) {}

  /** Builds the app, starts the world's ingest and API serving it, and the browser. */
  async start(): Promise<void> {
    this.webRoot = buildWebApp();
    this.w.env.WEB_ROOT = this.webRoot;
    await Promise.all([this.w.startIngest(), this.w.startApi()]);
    this.browser = await launchChromium();
  }

  async close(): Promise<void> {
    await Promise.allSettled(this.contexts.map((c) => c.close()));
    await this.browser?.close();
    await this.w.close();
    if (this.webRoot) rmSync(this.webRoot, { recursive: true, force: true });
  }

  async newPage(): Promise<{ page: Page; context: BrowserContext }> {
    const context = await this.browser.newContext(this.contextOptions);
    this.contexts.push(context);
    const page = await context.newPage();
    page.on('console', (m) => {
      if (/Content Security Policy|Refused to/i.test(m.text())) this.cspViolations.push(m.text());
    });
    return { page, context };
  }

  /** A new page at `path` signed in with a pasted key. */
  async signIn(key: string, path = '/'): Promise<{ page: Page; context: BrowserContext }> {
    const opened = await this.newPage();
    await opened.page.goto(`${this.w.apiUrl}${path}`);
    await opened.page.getByLabel('API key').fill(key);
    await opened.page.getByRole('button', { name: 'Sign in' }).click();
    await opened.page.getByRole('button', { name: 'Sign out' }).waitFor();
    return opened;
  }
}

/** A page's main heading, by its exact name (or a pattern). */
export const heading = (page: Page, name: string | RegExp) => page.getByRole('heading', { level: 1, name, exact: typeof name === 'string' });

/** Waits until the document's title (what a tab, the history and a screen reader name the page by) is `title`. */
export async function titled(page: Page, title: string, timeoutMs = 10_000): Promise<void> {
  // Asked from here, not by waitForFunction: a predicate given as text is an eval, which the page's CSP refuses.
  for (const deadline = Date.now() + timeoutMs; (await page.title()) !== title; await page.waitForTimeout(50))
    if (Date.now() > deadline) throw new Error(`the page's title is "${await page.title()}", not "${title}"`);
}
