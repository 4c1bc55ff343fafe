/**
 * Screens the window does not show when it opens (the import wizard, the
 * certificates overview, a connection's tabs other than security and the
 * dashboard) come as chunks of their own, fetched when first shown: the first
 * script, which the window parses at every start before it can draw a chart,
 * then holds only the shell and the dashboard. Chunks are files beside the
 * first script, served like it (app:// on the desktop, the host in a browser)
 * under the same script-src 'self' policy.
 */
import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';

/** A screen loaded on first show: `load` picks the component out of its module. */
export function screen<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  const Lazy = lazy(async () => ({ default: await load() }));
  return function Screen(props: P) {
    return (
      <Suspense fallback={<Opening />}>
        <Lazy {...props} />
      </Suspense>
    );
  };
}

function Opening(): ReactNode {
  return (
    <p className="muted small" role="status" aria-busy="true">
      Opening…
    </p>
  );
}
