/**
 * Which renderer frames may talk to main, and where the window may navigate:
 * only the top frame of our own page, app://mqtts/index.html (served by
 * renderer-protocol.ts; never file://), or the dev server in development.
 * Pure so it is unit-tested; `ipc.ts` applies it to every invoke, `window.ts`
 * to every navigation.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'mqtts';
/** The page main loads in production. */
export const APP_PAGE_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

export interface TrustedOrigins {
  /** Our page: APP_PAGE_URL in the app. */
  appUrl: string;
  /** Origin of the dev server (electron-vite dev), when running in development. */
  devOrigin?: string;
}

export interface SenderFrameLike {
  url: string;
  parent: unknown;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

export function isTrustedUrl(url: string, trusted: TrustedOrigins): boolean {
  const parsed = parse(url);
  if (!parsed) return false;
  if (parsed.protocol === `${APP_SCHEME}:`) {
    const page = parse(trusted.appUrl);
    // Compared part by part: Node gives non-special schemes an opaque origin ("null").
    return !!page && parsed.host === page.host && !parsed.username && !parsed.password && parsed.pathname === page.pathname;
  }
  if (!trusted.devOrigin) return false;
  const dev = parse(trusted.devOrigin);
  return !!dev && (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.origin === dev.origin;
}

export function isTrustedSender(frame: SenderFrameLike | null | undefined, trusted: TrustedOrigins): boolean {
  if (!frame) return false;
  if (frame.parent) return false;
  return isTrustedUrl(frame.url, trusted);
}
