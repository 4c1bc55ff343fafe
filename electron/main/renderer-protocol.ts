/**
 * Serves the built renderer to the window from app://mqtts/ instead of
 * file://: a standard, secure scheme with an origin of its own, which reaches
 * only the renderer folder (the same path rules and headers, CSP included, as
 * the headless host; see core/static/renderer-files.ts). file:// pages would
 * share one origin with every file on the disk.
 */
import { protocol } from 'electron';
import { promises as fs } from 'node:fs';
import { resolveStaticFile, staticHeaders } from '../core/static/renderer-files';
import { APP_HOST, APP_SCHEME } from './trust';

/** Must run before the app is ready. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } }]);
}

/** Answers app:// requests from `rendererDir`; anything else is 404 (or 405), never a file outside it. */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return new Response('Bad request', { status: 400 });
    }
    if (url.host !== APP_HOST) return new Response('Not found', { status: 404 });
    if (request.method !== 'GET' && request.method !== 'HEAD') return new Response(null, { status: 405, headers: { Allow: 'GET, HEAD' } });
    const target = resolveStaticFile(rendererDir, url.pathname);
    if (!target.ok) return new Response(null, { status: target.status });
    try {
      const body = await fs.readFile(target.file);
      return new Response(request.method === 'HEAD' ? null : body, { status: 200, headers: staticHeaders(target.file) });
    } catch {
      return new Response('Not found', { status: 404 });
    }
  });
}
