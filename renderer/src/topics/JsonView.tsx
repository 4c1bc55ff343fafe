/**
 * A JSON payload pretty-printed, as text nodes only; every number and boolean
 * is a button that picks its path for charting. Documents too big to click
 * through are shown as plain pretty text.
 */
import { useMemo } from 'react';
import { jsonLines } from './json-lines';

export function JsonView({ value, onPick, picked }: { value: unknown; onPick: (path: string) => void; picked: string }) {
  const lines = useMemo(() => jsonLines(value), [value]);
  const plain = useMemo(() => {
    if (lines) return '';
    try {
      return JSON.stringify(value, null, 2);
    } catch {
      return 'This document is too deeply nested to show.';
    }
  }, [lines, value]);
  if (!lines) return <pre className="payload-text mono">{plain}</pre>;
  return (
    <div className="payload-text json mono" data-testid="payload-json">
      {lines.map((line, i) => (
        <div key={i} className="json-line" style={{ paddingLeft: `${Math.min(line.depth, 32) * 2}ch` }}>
          {line.key && <span className="json-key">{line.key}</span>}
          {line.path !== null ? (
            <button
              type="button"
              className={`json-leaf json-${line.kind} ${picked === line.path ? 'picked' : ''}`}
              onClick={() => onPick(line.path as string)}
              title={`Chart ${line.path}`}
              aria-label={`${line.path} = ${line.text}: pick to chart`}
              data-testid="json-field"
              data-path={line.path}
            >
              {line.text}
            </button>
          ) : (
            <span className={`json-${line.kind}`}>{line.text}</span>
          )}
          {line.comma && ','}
        </div>
      ))}
    </div>
  );
}
