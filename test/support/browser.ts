/**
 * Debian's Chromium driven by playwright-core (never a downloaded browser),
 * with the flags this closed network needs, and a page that fails the test on
 * any console error (a CSP violation included).
 */
import { execFileSync } from 'node:child_process';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export function chromiumPath(): string {
  const fromEnv = process.env.CHROMIUM_PATH;
  if (fromEnv) return fromEnv;
  try {
    return execFileSync('sh', ['-c', 'command -v chromium || command -v chromium-browser'], { encoding: 'utf8' }).trim();
  } catch {
    throw new Error('Chromium is not installed: apt-get install chromium (see README).');
  }
}

export interface BrowserSession {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Console errors and page errors seen so far. */
  errors: string[];
  close(): Promise<void>;
}

export async function openBrowser(): Promise<BrowserSession> {
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-quic',
    ],
  });
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 }, acceptDownloads: true });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  return {
    browser,
    context,
    page,
    errors,
    close: async () => {
      await browser.close();
    },
  };
}

/**
 * Where a browser test saves a screenshot: test-results/. The README's own
 * picture (`readme: true`) goes to docs/ when UPDATE_SCREENSHOTS=1, so the
 * README shows what a test saw, never a drawing.
 */
export function screenshotPath(name: string, options: { readme?: boolean } = {}): string {
  const root = new URL('../../', import.meta.url).pathname;
  return options.readme && process.env.UPDATE_SCREENSHOTS === '1' ? `${root}docs/${name}` : `${root}test-results/${name}`;
}
