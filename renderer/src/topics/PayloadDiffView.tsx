/**
 * The difference between two kept messages of a topic (diff.ts), older on
 * the left of each change: JSON keys and values added, removed or changed by
 * path, or lines added and removed with unchanged runs folded, or where two
 * binary payloads first differ. Everything is rendered as text.
 */
import { formatBytes, formatCount, plural } from '../app/format';
import type { DiffLine, PayloadDiff } from './diff';

const SIGN: Record<Exclude<DiffLine['kind'], 'folded'>, string> = { same: ' ', added: '+', removed: '−' };

export function PayloadDiffView({ diff }: { diff: PayloadDiff }) {
  if (diff.kind === 'binary') {
    return (
      <p className="small" data-testid="diff-binary">
        {diff.firstDifference === null ? 'The two payloads are identical.' : `Binary payloads (${formatBytes(diff.sizes[0])} and ${formatBytes(diff.sizes[1])}): they first differ at byte ${formatCount(diff.firstDifference)}.`}
      </p>
    );
  }
  if (diff.kind === 'json') {
    if (diff.changes.length === 0) return <p className="small" data-testid="diff-same">The two payloads hold the same JSON.</p>;
    return (
      <div data-testid="diff-json">
        <p className="muted small">
          {plural(diff.changes.length, 'change')}
          {diff.truncated ? ' shown; the documents differ in more than that.' : '.'}
        </p>
        <table className="diff-table small">
          <tbody>
            {diff.changes.map((c) => (
              <tr key={`${c.kind}:${c.path}`} className={`diff-${c.kind}`} data-testid="diff-change" data-kind={c.kind} data-path={c.path}>
                <td className="diff-kind">{c.kind}</td>
                <td className="mono">{c.path}</td>
                <td className="mono diff-before">{c.before ?? ''}</td>
                <td className="mono diff-after">{c.after ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    );
  }
  if (diff.added === 0 && diff.removed === 0) return <p className="small" data-testid="diff-same">The two payloads are identical.</p>;
  return (
    <div data-testid="diff-text">
      <p className="muted small">
        {plural(diff.added, 'line')} added, {plural(diff.removed, 'line')} removed{diff.truncated ? ' (too different, or too long, to pair every line)' : ''}.
      </p>
      <pre className="payload-text mono diff-lines">
        {diff.lines.map((line, i) =>
          line.kind === 'folded' ? (
            <span key={i} className="diff-folded">
              {`… ${plural(line.count, 'unchanged line')}\n`}
            </span>
          ) : (
            <span key={i} className={`diff-${line.kind}`} data-testid={line.kind === 'same' ? undefined : 'diff-line'} data-kind={line.kind}>
              {`${SIGN[line.kind]} ${line.text}\n`}
            </span>
          ),
        )}
      </pre>
    </div>
  );
}
