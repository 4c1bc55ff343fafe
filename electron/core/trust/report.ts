/**
 * The trust report: the certificates inventory and every connection's
 * verdict as one self-contained HTML page an operator attaches to an audit
 * ticket. Self-contained means no external resource at all: the style sheet
 * is inline (allowed by its hash in the page's own Content Security Policy,
 * which also forbids every script, image, font, frame and connection), no
 * script is needed, and no element refers to a URL. Every certificate field,
 * connection name, URL and reason is attacker-controlled text (a broker
 * chooses its certificate's subject): each one is escaped, and control and
 * bidirectional-override characters are made visible instead of being able
 * to reorder what the auditor reads. Public information only: no key,
 * password or secret is an input of this function. Pure.
 */
import { createHash } from 'node:crypto';
import type { RevocationReport } from '../../../shared/revocation';
import type { Grade, Reason } from '../../../shared/security';
import { ROLE_WORDS, type CertificateInventory, type InventoryEntry } from '../../../shared/trust';

export interface ConnectionVerdict {
  name: string;
  group: string;
  url: string;
  /** The session's state in this run; null when it was not connected in this run. */
  state: string | null;
  /** null when there is no verdict in this run (never connected since the app started). */
  grade: Grade | null;
  reasons: Reason[];
  /** When the broker last presented its chain (ms), from any run. */
  chainSeenAt: number | null;
  /** The last revocation check of that chain, from any run. */
  revocation: RevocationReport | null;
}

export interface ReportInput {
  inventory: CertificateInventory;
  connections: ConnectionVerdict[];
  generatedAt: number;
  appVersion: string;
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/**
 * Text as HTML text or attribute value: the five markup characters escaped;
 * C0/C1 controls and bidi overrides shown as their code point (they could
 * hide or reorder what follows them).
 */
export function escapeHtml(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[&<>"']/g, (c) => ENTITIES[c] as string).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, (c) => `[U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}]`);
}

const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2430;margin:24px;max-width:1400px}
h1{font-size:22px;margin:0 0 4px}h2{font-size:17px;margin:28px 0 8px;border-bottom:1px solid #d0d6e0;padding-bottom:4px}
.meta{color:#5b6474;margin:0 0 16px}
table{border-collapse:collapse;width:100%;font-size:13px}th,td{border:1px solid #d0d6e0;padding:5px 7px;text-align:left;vertical-align:top}
th{background:#f1f4f8}td.num{text-align:right;white-space:nowrap}
.fp{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:11px;word-break:break-all;color:#5b6474}
.grade{display:inline-block;padding:1px 8px;border-radius:9px;font-weight:600;color:#fff}
.grade-secure{background:#1e7d3a}.grade-warning{background:#9a6700}.grade-insecure{background:#b3261e}.grade-unknown{background:#6b7280}
.expiry-expired,.level-insecure{color:#b3261e;font-weight:600}.expiry-expiring,.level-warning{color:#9a6700;font-weight:600}.expiry-ok{color:#1e7d3a}.expiry-not_yet_valid{color:#b3261e}
ul{margin:0;padding-left:18px}.ok{color:#5b6474}
.summary span{display:inline-block;margin-right:18px}
footer{margin-top:28px;color:#5b6474;font-size:12px}
`;

const e = escapeHtml;
const iso = (ms: number | null) => (ms === null ? '—' : new Date(ms).toISOString().replace('T', ' ').slice(0, 16) + ' UTC');

function daysCell(entry: InventoryEntry): string {
  if (entry.daysLeft === null) return '<td class="num">unreadable</td>';
  return `<td class="num expiry-${e(entry.expiry ?? 'ok')}">${entry.daysLeft}</td>`;
}

function findingsList(entry: InventoryEntry): string {
  if (!entry.findings.length) return '<span class="ok">none</span>';
  return `<ul>${entry.findings.map((f) => `<li class="level-${e(f.level)}">${e(f.message)}</li>`).join('')}</ul>`;
}

function certificateRow(entry: InventoryEntry): string {
  const uses = entry.uses.map((u) => `<li>${e(u.connectionName)}: ${e(ROLE_WORDS[u.role])}</li>`).join('');
  const key = entry.keyBits && !/\d/.test(entry.keyType) ? `${entry.keyType} ${entry.keyBits}` : entry.keyType;
  const revocation = entry.revocation ? `${entry.revocation.status} (${iso(entry.revocation.checkedAt)})` : 'not checked';
  return [
    '<tr>',
    daysCell(entry),
    `<td>${e(entry.subject)}<div class="fp">SHA-256 ${e(entry.fingerprint256)}</div></td>`,
    `<td>${e(entry.issuer)}</td>`,
    `<td><ul>${uses}</ul></td>`,
    `<td>${e(key)}</td>`,
    `<td>${e(entry.signatureAlgorithm)}</td>`,
    `<td>${e(entry.notAfter?.slice(0, 10) ?? '—')}</td>`,
    `<td>${e(revocation)}</td>`,
    `<td>${findingsList(entry)}</td>`,
    '</tr>',
  ].join('');
}

function reasonsList(reasons: Reason[]): string {
  if (!reasons.length) return '<span class="ok">—</span>';
  const order = { insecure: 0, warning: 1, ok: 2 } as const;
  const sorted = [...reasons].sort((a, b) => order[a.level] - order[b.level]);
  return `<ul>${sorted.map((r) => `<li class="level-${e(r.level)}${r.level === 'ok' ? ' ok' : ''}">${e(r.message)}</li>`).join('')}</ul>`;
}

function connectionRow(c: ConnectionVerdict): string {
  const grade = c.grade ? `<span class="grade grade-${e(c.grade)}">${e(c.grade)}</span>` : '<span class="ok">not connected in this run</span>';
  const revocation = c.revocation ? `${c.revocation.verdict}${c.revocation.hardFail ? ' (hard fail)' : ''}, ${iso(c.revocation.checkedAt)}` : 'not checked';
  return [
    '<tr>',
    `<td>${e(c.name)}${c.group ? `<div class="ok">${e(c.group)}</div>` : ''}</td>`,
    `<td class="fp">${e(c.url)}</td>`,
    `<td>${grade}${c.state ? `<div class="ok">${e(c.state)}</div>` : ''}</td>`,
    `<td>${reasonsList(c.reasons)}</td>`,
    `<td>${e(revocation)}</td>`,
    `<td>${e(iso(c.chainSeenAt))}</td>`,
    '</tr>',
  ].join('');
}

export function reportFileName(generatedAt: number): string {
  return `mqtts-trust-report-${new Date(generatedAt).toISOString().slice(0, 16).replace(/:/g, '-')}.html`;
}

export function renderReport(input: ReportInput): string {
  const { inventory, connections } = input;
  const styleHash = createHash('sha256').update(STYLE).digest('base64');
  const csp = `default-src 'none'; style-src 'sha256-${styleHash}'; base-uri 'none'; form-action 'none'`;
  const counts = inventory.counts;
  const unseen = inventory.unseen.length
    ? `<p>Never connected since saved, so their brokers' chains are not listed: ${inventory.unseen.map((u) => e(u.connectionName)).join(', ')}.</p>`
    : '';
  return [
    '<!DOCTYPE html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${e(csp)}">`,
    '<meta name="referrer" content="no-referrer">',
    `<title>MQTTS Dashboard trust report, ${e(iso(input.generatedAt))}</title>`,
    `<style>${STYLE}</style>`,
    '</head><body>',
    '<h1>Trust report</h1>',
    `<p class="meta">MQTTS Dashboard ${e(input.appVersion)}, generated ${e(iso(input.generatedAt))}. Expiring means within ${inventory.warningDays} days.</p>`,
    `<p class="summary"><span>${counts.certificates} certificates</span><span class="expiry-expired">${counts.expired} expired</span><span class="expiry-expiring">${counts.expiring} expiring</span><span class="level-insecure">${counts.revoked} revoked</span><span>${counts.withFindings} with findings</span><span>${connections.length} connections</span></p>`,
    '<h2>Connections</h2>',
    '<table><thead><tr><th>Connection</th><th>Broker</th><th>Verdict</th><th>Reasons</th><th>Revocation</th><th>Chain last seen</th></tr></thead><tbody>',
    ...connections.map(connectionRow),
    '</tbody></table>',
    '<h2>Certificates</h2>',
    unseen,
    '<table><thead><tr><th>Days left</th><th>Subject</th><th>Issuer</th><th>Used by</th><th>Key</th><th>Signature</th><th>Not after</th><th>Revocation</th><th>Findings</th></tr></thead><tbody>',
    ...inventory.certificates.map(certificateRow),
    '</tbody></table>',
    '<footer>Public certificate information only: no private key, password or other secret is part of this report.</footer>',
    '</body></html>',
    '',
  ].join('\n');
}
