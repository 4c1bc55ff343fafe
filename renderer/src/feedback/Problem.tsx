/**
 * One `AppError` on screen: its message and its hint, red for an error,
 * yellow for a warning. Text only: messages can quote file names and
 * certificate subjects, which are untrusted.
 */
import type { AppError } from '../../../shared/result';

export function Problem({ problem, level = 'error', testId }: { problem: AppError; level?: 'error' | 'warning'; testId?: string }) {
  return (
    <div className={level === 'error' ? 'failure' : 'caution'} role={level === 'error' ? 'alert' : undefined} data-testid={testId} data-code={problem.code}>
      <div className="failure-message">{problem.message}</div>
      {problem.hint && <div className="failure-hint">Fix: {problem.hint}</div>}
    </div>
  );
}

/** Warnings first in yellow, then errors in red, each with its own test id. */
export function ProblemList({ warnings, errors, prefix }: { warnings: AppError[]; errors: AppError[]; prefix: string }) {
  if (warnings.length === 0 && errors.length === 0) return null;
  return (
    <div className="problems">
      {errors.map((e, i) => (
        <Problem key={`e${i}-${e.code}`} problem={e} testId={`${prefix}-error`} />
      ))}
      {warnings.map((w, i) => (
        <Problem key={`w${i}-${w.code}`} problem={w} level="warning" testId={`${prefix}-warning`} />
      ))}
    </div>
  );
}
