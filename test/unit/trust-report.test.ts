/**
 * The trust report is one self-contained HTML page: parsed back, it has the
 * structure an auditor reads (a row per connection and per certificate, days
 * left in order), no script, no element that loads anything, a Content
 * Security Policy that allows only its own inline style (by hash), and every
 * attacker-chosen text (a broker's certificate subject, a connection name, a
 * reason) escaped, with bidi overrides made visible.
 */
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createProfile, ProfileSettingsSchema } from '../../shared/profiles';
import { generateKey, issueCertificate } from '../../electron/core/certificates/issue';
import { buildInventory } from '../../electron/core/trust/inventory';
import { escapeHtml, renderReport, type ConnectionVerdict } from '../../electron/core/trust/report';

const NOW = Date.parse('2026-06-01T12:00:00Z');
const DAY = 86_400_000;
const HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)>';
const BIDI = 'evil\u202Egnp.exe';

function cert(cn: string, days: number) {
  const keys = generateKey('ec-p256');
  return issueCertificate({ subject: { CN: cn, O: 'Acme & Sons' }, publicKey: keys.publicKey, signingKey: keys.privateKey, notBefore: new Date(NOW - DAY), notAfter: new Date(NOW + days * DAY), ca: {} });
}

function report(): string {
  const settings = ProfileSettingsSchema.parse({ name: `Line ${HOSTILE}`, group: 'Plant <b>7</b>', url: 'mqtts://broker.example:8883', tls: { trust: 'custom', ca: [cert(HOSTILE, 5).pem, cert(BIDI, 400).pem, cert('Ordinary CA', 60).pem] } });
  const profile = createProfile(settings, 'p1');
  const inventory = buildInventory({ profiles: [profile], chains: new Map(), now: NOW });
  const verdict: ConnectionVerdict = {
    name: profile.name,
    group: profile.group,
    url: profile.url,
    state: 'connected',
    grade: 'warning',
    reasons: [
      { level: 'warning', code: 'revocation_unreachable', message: `The broker's certificate: Revocation could not be checked: OCSP responder http://ocsp.example/${HOSTILE}: connection refused.` },
      { level: 'ok', code: 'tls_version', message: 'TLS 1.3.' },
    ],
    chainSeenAt: NOW - DAY,
    revocation: null,
  };
  const idle: ConnectionVerdict = { ...verdict, name: 'Idle line', state: null, grade: null, reasons: [], chainSeenAt: null };
  return renderReport({ inventory, connections: [verdict, idle], generatedAt: NOW, appVersion: '1.2.3' });
}

/** Every start tag with its attribute names: enough of a parser for what the page may contain. */
function tags(html: string): Array<{ name: string; attributes: string[] }> {
  return [...html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)((?:\s+[^>]*)?)>/g)].map((m) => ({
    name: (m[1] as string).toLowerCase(),
    attributes: [...(m[2] ?? '').matchAll(/([a-zA-Z-]+)=("[^"]*"|'[^']*'|[^\s>]+)/g)].map((a) => (a[1] as string).toLowerCase()),
  }));
}

describe('trust report', () => {
  it('has no script and nothing that loads a resource', () => {
    const html = report();
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toMatch(/<(img|link|iframe|object|embed|audio|video|source|base|form)\b/i);
    expect(html).not.toMatch(/url\(|@import/i);
    const found = tags(html);
    expect(new Set(found.map((t) => t.name))).toEqual(new Set(['html', 'head', 'meta', 'title', 'style', 'body', 'h1', 'p', 'span', 'h2', 'table', 'thead', 'tr', 'th', 'tbody', 'td', 'div', 'ul', 'li', 'footer']));
    for (const t of found) for (const a of t.attributes) expect(['lang', 'charset', 'http-equiv', 'content', 'name', 'class']).toContain(a);
  });

  it('allows only its own inline style, by hash, in its Content Security Policy', () => {
    const html = report();
    const style = /<style>([\s\S]*?)<\/style>/.exec(html)?.[1] ?? '';
    const hash = createHash('sha256').update(style).digest('base64');
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; style-src &#39;sha256-${hash}&#39;; base-uri &#39;none&#39;; form-action &#39;none&#39;">`);
  });

  it('escapes every certificate field, connection name and reason, and shows bidi overrides', () => {
    const html = report();
    expect(html).not.toContain('<script>alert(1)');
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<b>7</b>');
    // Node prints the subject with its markup characters backslash-escaped (RFC 2253); the page escapes them again.
    expect(html).toContain('CN=\\&lt;script\\&gt;alert(1)\\&lt;/script\\&gt;\\&quot;\\&gt;\\&lt;img src=x onerror=alert(2)\\&gt;');
    expect(html).toContain('Line &lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('Plant &lt;b&gt;7&lt;/b&gt;');
    expect(html).toContain('O=Acme &amp; Sons');
    expect(html).toContain('evil[U+202E]gnp.exe');
    expect(html).not.toContain('\u202E');
  });

  it('reads back as a row per connection and per certificate, soonest end first, coloured by threshold', () => {
    const html = report();
    const [connections, certificates] = html.split('<h2>Certificates</h2>') as [string, string];
    expect(connections.match(/<tr>/g)).toHaveLength(3);
    expect(connections).toContain('<span class="grade grade-warning">warning</span>');
    expect(connections).toContain('not connected in this run');
    const days = [...certificates.matchAll(/<td class="num expiry-([a-z_]+)">(-?\d+)<\/td>/g)].map((m) => [m[1], Number(m[2])]);
    expect(days).toEqual([
      ['expiring', 5],
      ['ok', 60],
      ['ok', 400],
    ]);
    expect(certificates).toContain('<li class="level-warning">It expires in 5 days (2026-06-06): renew it now.</li>');
  });

  it('escapes the five markup characters and control characters', () => {
    expect(escapeHtml(`<a href="x">'&'</a>\u0007`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;[U+0007]');
  });
});
