/**
 * The line that says a request went through (sent, saved, cleared), in green,
 * announced to screen readers. Text only.
 */
import type { ReactNode } from 'react';

export function Done({ children, testId }: { children: ReactNode; testId: string }) {
  return (
    <span className="small ok-text" role="status" data-testid={testId}>
      {children}
    </span>
  );
}
