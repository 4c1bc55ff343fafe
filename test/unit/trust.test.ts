import { describe, expect, it } from 'vitest';
import { isTrustedSender } from '../../electron/main/trust';

const trusted = { fileUrl: 'file:///opt/MQTTS%20Dashboard/resources/app.asar/out/renderer/index.html' };

describe('IPC sender check', () => {
  it('accepts only the top frame of our own page', () => {
    expect(isTrustedSender({ url: 'file:///opt/MQTTS%20Dashboard/resources/app.asar/out/renderer/index.html#x', parent: null }, trusted)).toBe(true);
    expect(isTrustedSender({ url: 'file:///tmp/evil.html', parent: null }, trusted)).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null }, trusted)).toBe(false);
    expect(isTrustedSender({ url: trusted.fileUrl, parent: {} }, trusted)).toBe(false);
    expect(isTrustedSender(null, trusted)).toBe(false);
  });

  it('accepts the dev server only when one is configured', () => {
    const dev = { ...trusted, devOrigin: 'http://localhost:5173' };
    expect(isTrustedSender({ url: 'http://localhost:5173/', parent: null }, dev)).toBe(true);
    expect(isTrustedSender({ url: 'http://localhost:5173/', parent: null }, trusted)).toBe(false);
    expect(isTrustedSender({ url: 'http://localhost:5174/', parent: null }, dev)).toBe(false);
  });
});
