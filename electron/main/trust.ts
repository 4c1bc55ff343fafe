/**
 * Which renderer frames may talk to main: only the top frame of our own page.
 * Pure so it is unit-tested; `ipc.ts` applies it to every invoke.
 */
export interface TrustedOrigins {
  /** file:// URL of the packaged renderer's index.html. */
  fileUrl?: string;
  /** Origin of the dev server (electron-vite dev), when running in development. */
  devOrigin?: string;
}

export interface SenderFrameLike {
  url: string;
  parent: unknown;
}

export function isTrustedUrl(url: string, trusted: TrustedOrigins): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'file:') {
    if (!trusted.fileUrl) return false;
    const expected = new URL(trusted.fileUrl);
    return parsed.pathname === expected.pathname;
  }
  return !!trusted.devOrigin && parsed.origin === new URL(trusted.devOrigin).origin;
}

export function isTrustedSender(frame: SenderFrameLike | null | undefined, trusted: TrustedOrigins): boolean {
  if (!frame) return false;
  if (frame.parent) return false;
  return isTrustedUrl(frame.url, trusted);
}
