/**
 * Recorded history in Chromium: a chart whose samples arrived before the
 * backend restarted still draws them after it, from the history database
 * alone (nothing arrives live after the restart).
 */
import { rmSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import type { Profile } from '../../shared/profiles';
import { tempDir } from '../support/backend';
import { openBrowser, type BrowserSession } from '../support/browser';
import { startTestHost, type TestHost } from '../support/host';

const dataDir = tempDir('e2e-history');
let app: TestHost | undefined;
let b: BrowserSession | undefined;

afterAll(async () => {
  await b?.close();
  await app?.cleanup();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('history after a restart', () => {
  it('a chart reloaded after the backend restarted shows the recorded samples', async () => {
    const first = await startTestHost({ dataDir });
    const saved = await first.backend.dispatch('profiles.save', { settings: { name: 'Site', url: 'mqtts://broker.invalid:8883' } });
    if (!saved.ok) throw new Error(saved.error.message);
    const profile = saved.value as Profile;
    const series = { connectionId: profile.id, topic: 'site/power', extractor: { kind: 'number' as const }, label: 'power' };
    const charted = await first.backend.dispatch('dashboard.save', { profileId: profile.id, dashboard: { charts: [{ id: 'p', title: 'Power', unit: 'kW', window: '1h', series: [series] }] } });
    if (!charted.ok) throw new Error(charted.error.message);
    // Messages enter where a session hands them over, a few milliseconds apart.
    for (let i = 0; i < 40; i++) {
      first.backend.telemetry.ingest(profile.id, 'site/power', Buffer.from(String(100 + (i % 10) * 5)), 0, false);
      await new Promise((r) => setTimeout(r, 5));
    }
    await first.host.close();
    await first.backend.dispose();

    app = await startTestHost({ dataDir });
    b = await openBrowser();
    const page = b.page;
    await page.goto(app.host.url);
    await page.locator('[data-testid=connection-item][data-name="Site"]').click();
    await page.getByTestId('tab-dashboard').click();
    const plot = page.getByTestId('chart-plot').first();
    await expect.poll(async () => Number(await plot.getAttribute('data-points')), { timeout: 15_000 }).toBeGreaterThan(1);
    expect(await plot.locator('path.recharts-line-curve').first().getAttribute('d')).toContain('L');
    expect(app.backend.telemetry.budget().samples).toBe(0);
    await page.getByTestId('tab-history').click();
    await expect.poll(() => page.getByTestId('recording-usage').textContent(), { timeout: 10_000 }).toMatch(/40 samples/);
  });
});
