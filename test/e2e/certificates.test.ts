/**
 * Trust across the fleet in Chromium, through the headless host, against a
 * real mosquitto: the certificates overview lists the broker's chain as the
 * handshake showed it (its expiring certificate first, coloured), the CAs the
 * connections trust, a hostile subject as plain text; a CRL file and hard
 * fail go into a connection through its form (the file's bytes, not a path);
 * the trust report arrives as a download, one HTML page without a script.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Profile } from '../../shared/profiles';
import { generateKey, issueCertificate } from '../../electron/core/certificates/issue';
import { startMosquitto, tlsListener, type Broker } from '../fixtures/mosquitto';
import { createTestPki, type TestPki } from '../fixtures/pki';
import { createRevocationPki } from '../fixtures/revocation-pki';
import { tempDir, waitForSession } from '../support/backend';
import type { BrowserSession } from '../support/browser';
import { openDashboard, type TestHost } from '../support/host';

const HOSTILE = '<img src=x onerror=alert(1)>';
let pki: TestPki;
let broker: Broker;
let app: TestHost;
let b: BrowserSession;
let close: (() => Promise<void>) | undefined;
let crlFile = '';

beforeAll(async () => {
  const dir = tempDir('e2e-certs');
  pki = createTestPki(path.join(dir, 'pki'));
  const revocation = createRevocationPki(path.join(dir, 'revocation'));
  crlFile = path.join(dir, 'ca.crl');
  writeFileSync(crlFile, revocation.intermediateCrl());
  broker = await startMosquitto([tlsListener(pki.serverExpiring, 'expiring')]);
  const keys = generateKey('ec-p256');
  const hostileCa = issueCertificate({ subject: { CN: HOSTILE }, publicKey: keys.publicKey, signingKey: keys.privateKey, notBefore: new Date(Date.now() - 1000), notAfter: new Date(Date.now() + 400 * 86_400_000), ca: {} });
  ({ app, b, close } = await openDashboard(async (host) => {
    const saved = await host.backend.dispatch('profiles.save', { settings: { name: 'Plant A', url: `mqtts://localhost:${broker.ports.expiring}`, tls: { trust: 'custom', ca: [pki.rootOnly.pem] } } });
    if (!saved.ok) throw new Error(saved.error.message);
    const id = (saved.value as Profile).id;
    await host.backend.dispatch('sessions.connect', { id });
    await waitForSession(host.backend, id, (v) => v.state === 'connected');
    const other = await host.backend.dispatch('profiles.save', { settings: { name: 'Plant B', url: 'mqtts://plant-b.invalid:8883', tls: { trust: 'custom', ca: [hostileCa.pem] } } });
    if (!other.ok) throw new Error(other.error.message);
  }));
});

afterAll(async () => {
  await close?.();
  await broker?.stop();
});

describe('certificates overview', () => {
  it("lists the broker's chain as last seen, soonest end first, and hostile subjects as text", async () => {
    const page = b.page;
    await page.locator('[data-testid=connection-item][data-name="Plant B"]').waitFor();
    await page.getByTestId('certificates-button').click();
    const view = page.getByTestId('certificates-view');
    const rows = view.getByTestId('certificate-row');
    await expect.poll(() => rows.count(), { timeout: 10_000 }).toBeGreaterThanOrEqual(4);
    const first = rows.first();
    expect(await first.getAttribute('data-expiry')).toBe('expiring');
    expect(await first.getByTestId('days-left').textContent()).toMatch(/^(9|10) d$/);
    expect(await first.getByTestId('certificate-subject').textContent()).toContain('CN=localhost');
    expect(await first.textContent()).toContain("Plant A: broker's certificate");
    expect(await first.getByTestId('findings').textContent()).toMatch(/expires in (9|10) days/);
    // Node prints the subject RFC 2253-escaped (\<, \>); on screen it is that text, never an element.
    expect(await view.getByText('CN=\\<img src=x onerror=alert(1)\\>', { exact: true }).count()).toBe(1);
    expect(await page.locator('img').count()).toBe(0);
    expect(await view.getByTestId('unseen-connections').textContent()).toContain('Plant B');
    await view.getByTestId('certificates-filter').selectOption('attention');
    expect(await rows.count()).toBe(1);
    expect(b.errors).toEqual([]);
  });

  it('exports the trust report as one HTML page, downloaded, with no script', async () => {
    const page = b.page;
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-report').click()]);
    expect(download.suggestedFilename()).toMatch(/^mqtts-trust-report-.*\.html$/);
    const html = readFileSync(await download.path(), 'utf8');
    expect(html).toMatch(/^<!DOCTYPE html>/);
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('Plant A');
    expect(html).toContain('CN=\\&lt;img src=x onerror=alert(1)\\&gt;');
    expect(html).not.toContain('<img');
  });

  it('takes a CRL file and hard fail into a connection through its form', async () => {
    const page = b.page;
    await page.getByTestId('certificates-view').getByRole('button', { name: "Plant A: broker's certificate" }).click();
    await page.locator('[data-testid=connection-view][data-name="Plant A"]').getByTestId('edit').click();
    await page.getByTestId('crl-file').setInputFiles(crlFile);
    await page.locator('input[name=revocationHardFail]').check();
    await page.getByRole('button', { name: 'Save', exact: true }).click();
    await expect
      .poll(() => app.backend.profiles.list().find((p) => p.name === 'Plant A')?.tls.revocation, { timeout: 10_000 })
      .toEqual({ crls: [expect.stringMatching(/^-----BEGIN X509 CRL-----\n/)], hardFail: true });
    expect(b.errors).toEqual([]);
  });
});
