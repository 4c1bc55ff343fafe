/**
 * The renderer's Content Security Policy, written once: the headless host and
 * Electron main send it as a header with every page, and the build writes it
 * into index.html as well (for the dev server), minus the directive a <meta>
 * policy cannot carry. Nothing but our own bundled files may run or load.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Browsers ignore frame-ancestors in a <meta> policy (and warn about it); the header carries it. */
export const META_CONTENT_SECURITY_POLICY = CONTENT_SECURITY_POLICY.split('; ')
  .filter((directive) => !directive.startsWith('frame-ancestors'))
  .join('; ');
