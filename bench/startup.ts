/**
 * How long a first start takes to show something: from launching the headless
 * host with the demo (the built `serve.js --demo`, its own process, as `npm
 * start` runs it on a machine without a desktop or keychain; `npm run bench`
 * builds first) on an empty data folder, to
 * the first chart line drawn in Chromium (`cold`); then the same again on the
 * same data folder, where the demo resumes (`warm`). The browser is already
 * open, as an operator's is; the page is opened the moment the host prints
 * its address.
 */
import { rmSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import type { Browser } from 'playwright-core';
import { tempDir } from '../test/support/backend';
import { openBrowser } from '../test/support/browser';
import { startHostProcess, withoutDesktop } from '../test/support/host-process';

export interface StartTimes {
  /** Launch to first chart line, per round, milliseconds. */
  cold: number[];
  warm: number[];
  /** Launch to the URL printed, per round: the host's own share. */
  coldHost: number[];
  warmHost: number[];
}

/**
 * A line of at least two points in a chart: what "the first chart drawn" means
 * here. A function, not source text: Playwright evaluates a string as an
 * expression, and the expression `() => …` is a function object, always
 * truthy, so a string predicate was never called and the wait ended at the
 * first frame after the page loaded (an earlier version of this file).
 */
const FIRST_LINE = new Function(
  `return [...document.querySelectorAll('[data-testid=chart-plot]')].some((plot) =>
    Number(plot.getAttribute('data-points')) > 1 && [...plot.querySelectorAll('path.recharts-line-curve')].some((p) => (p.getAttribute('d') || '').includes('L')))`,
) as () => boolean;

async function startOnce(browser: Browser, dataDir: string): Promise<{ total: number; host: number }> {
  const started = performance.now();
  const host = await startHostProcess({ dataDir, demo: true, env: withoutDesktop(), timeoutMs: 60_000, built: true });
  const printed = performance.now();
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(host.url);
    await page.waitForFunction(FIRST_LINE, undefined, { timeout: 60_000, polling: 'raf' });
    return { total: performance.now() - started, host: printed - started };
  } finally {
    await context.close();
    await host.stop();
  }
}

export async function startTimes(rounds: number): Promise<StartTimes> {
  const session = await openBrowser();
  const times: StartTimes = { cold: [], warm: [], coldHost: [], warmHost: [] };
  try {
    for (let round = 0; round < rounds; round++) {
      const dataDir = tempDir('bench-start');
      try {
        const cold = await startOnce(session.browser, dataDir);
        const warm = await startOnce(session.browser, dataDir);
        times.cold.push(cold.total);
        times.coldHost.push(cold.host);
        times.warm.push(warm.total);
        times.warmHost.push(warm.host);
      } finally {
        rmSync(dataDir, { recursive: true, force: true });
      }
    }
  } finally {
    await session.close();
  }
  return times;
}
