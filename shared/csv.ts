/**
 * How a CSV cell is written, one rule for every CSV the app makes (the
 * history export in the core, a chart's CSV in the window): RFC 4180 (fields
 * with a comma, quote or line break quoted, quotes doubled, CRLF line ends),
 * UTF-8 with a byte-order mark so spreadsheets read the encoding right, and
 * text cells guarded against spreadsheet formulas.
 */

export const CSV_BOM = '\uFEFF';

/**
 * A text cell. Topic names and payloads come from devices: a cell a
 * spreadsheet would run as a formula (=, +, -, @, tab, CR first) gets a
 * leading apostrophe, as OWASP advises against CSV injection. Numbers are
 * written by `csvNumber` and never guarded.
 */
export function csvText(value: string): string {
  const guarded = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(guarded) ? `"${guarded.replace(/"/g, '""')}"` : guarded;
}

export function csvNumber(value: number): string {
  return Number.isFinite(value) ? String(value) : Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity';
}

export function csvLine(cells: readonly string[]): string {
  return cells.join(',') + '\r\n';
}
