/**
 * Serving the built renderer: which file a request path names (never one
 * outside the renderer folder, whatever the path's encoding), its type, and
 * the security headers every response carries. One place, used by the headless
 * host over HTTP and by Electron main's app:// scheme.
 */
import path from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../../../shared/content-security';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.json': 'application/json',
  '.woff2': 'font/woff2',
};

export type StaticTarget = { ok: true; file: string } | { ok: false; status: 400 | 404 };

/**
 * The file under `root` that a URL path names (`/` is index.html). 400 for a
 * path that does not decode, 404 for one that leaves the folder or holds a NUL.
 */
export function resolveStaticFile(root: string, pathname: string): StaticTarget {
  let relative: string;
  try {
    relative = decodeURIComponent(pathname === '/' || pathname === '' ? '/index.html' : pathname);
  } catch {
    return { ok: false, status: 400 };
  }
  if (relative.includes('\0')) return { ok: false, status: 404 };
  const base = path.resolve(root);
  const file = path.resolve(base, '.' + path.posix.normalize('/' + relative.replace(/\\/g, '/')));
  if (!file.startsWith(base + path.sep)) return { ok: false, status: 404 };
  return { ok: true, file };
}

export function contentType(file: string): string {
  return TYPES[path.extname(file)] ?? 'application/octet-stream';
}

/** Headers of a successful response for `file`: its type, the CSP and the rest of the lockdown. */
export function staticHeaders(file: string): Record<string, string> {
  return {
    'Content-Type': contentType(file),
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'X-Frame-Options': 'DENY',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': path.extname(file) === '.html' ? 'no-store' : 'max-age=3600',
  };
}
