/**
 * The first start a newcomer gets on a server without a desktop or keyring,
 * in Chromium: the host as `npm start` runs it there (its own process, no
 * D-Bus session, the demo on an empty data folder). The page opens straight on
 * the demo's dashboard, charts moving and the grade badge in view, and the
 * header says plainly that secrets are kept in memory.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SESSION_KEYCHAIN_NOTICE } from '../../shared/contract';
import { tempDir } from '../support/backend';
import { openBrowser, type BrowserSession } from '../support/browser';
import { startHostProcess, withoutDesktop, type HostProcess } from '../support/host-process';

const dataDir = tempDir('first-start');
let host: HostProcess;
let b: BrowserSession;

beforeAll(async () => {
  if (process.platform !== 'linux') return;
  host = await startHostProcess({ dataDir, demo: true, env: withoutDesktop() });
  b = await openBrowser();
});

afterAll(async () => {
  await b?.close();
  await host?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

// A Linux server is the machine without a desktop or keychain; macOS and Windows always have both.
describe.runIf(process.platform === 'linux')('a first start with no desktop and no keychain', () => {
  it('opens on the demo dashboard with moving charts, the grade badge and the in-memory notice', async () => {
    const page = b.page;
    await page.goto(host.url);
    const notice = page.getByTestId('keychain-session');
    await notice.waitFor();
    expect(await notice.textContent()).toBe(SESSION_KEYCHAIN_NOTICE);
    expect(await page.getByTestId('keychain-warning').count()).toBe(0);

    // No click: the dashboard is what the page opens on.
    const view = page.locator('[data-testid=connection-view][data-name="Demo fleet"]');
    await view.getByTestId('dashboard').waitFor();
    expect(await view.getByRole('tab', { name: 'Dashboard' }).getAttribute('aria-selected')).toBe('true');
    expect(await view.getByTestId('grade').isVisible()).toBe(true);
    await expect.poll(async () => view.getByTestId('grade').getAttribute('data-grade'), { timeout: 30_000 }).toBe('secure');

    const plot = page.locator('[data-chart-id=ovens] [data-testid=chart-plot]');
    await expect.poll(async () => Number(await plot.getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThan(1);
    const before = Number(await plot.getAttribute('data-points'));
    await expect.poll(async () => Number(await plot.getAttribute('data-points')), { timeout: 30_000 }).toBeGreaterThan(before);
    expect(b.errors).toEqual([]);
  });
});
