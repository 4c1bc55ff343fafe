/**
 * The sender and navigation checks of Electron main: only the top frame of our
 * own page (app://mqtts/index.html, never a file:// page) or a configured dev
 * server may call main or be navigated to.
 */
import { describe, expect, it } from 'vitest';
import { APP_PAGE_URL, isTrustedSender, isTrustedUrl } from '../../electron/main/trust';

const trusted = { appUrl: APP_PAGE_URL };
const top = (url: string) => ({ url, parent: null });

describe('IPC sender check', () => {
  it('accepts only the top frame of our own page', () => {
    expect(APP_PAGE_URL).toBe('app://mqtts/index.html');
    expect(isTrustedSender(top('app://mqtts/index.html'), trusted)).toBe(true);
    expect(isTrustedSender(top('app://mqtts/index.html#connections'), trusted)).toBe(true);
    expect(isTrustedSender({ url: APP_PAGE_URL, parent: {} }, trusted)).toBe(false);
    expect(isTrustedSender(null, trusted)).toBe(false);
  });

  it('refuses every look-alike of our page', () => {
    for (const url of [
      'file:///opt/MQTTS%20Dashboard/resources/app.asar/out/renderer/index.html',
      'file:///tmp/evil.html',
      'https://evil.example/',
      'app://evil/index.html',
      'app://mqtts.evil/index.html',
      'app://mqtts@evil/index.html',
      'app://user:pass@mqtts/index.html',
      'app://mqtts/other.html',
      'app://mqtts/assets/index.js',
      'app://mqtts:8080/index.html',
      'apps://mqtts/index.html',
      'not a url',
      '',
    ]) {
      expect(isTrustedSender(top(url), trusted), url).toBe(false);
      expect(isTrustedUrl(url, trusted), url).toBe(false);
    }
  });

  it('accepts the dev server only when one is configured', () => {
    const dev = { ...trusted, devOrigin: 'http://localhost:5173' };
    expect(isTrustedSender(top('http://localhost:5173/'), dev)).toBe(true);
    expect(isTrustedSender(top('http://localhost:5173/'), trusted)).toBe(false);
    expect(isTrustedSender(top('http://localhost:5174/'), dev)).toBe(false);
    expect(isTrustedSender(top('ws://localhost:5173/'), dev)).toBe(false);
  });
});
