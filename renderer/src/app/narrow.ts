/**
 * Whether the window is narrow (a 1024-pixel laptop screen or less): then the
 * connection list folds away by default so the connection's tabs get the width.
 * The width is written once here and in styles.css's matching media queries.
 */
import { useSyncExternalStore } from 'react';

export const NARROW_QUERY = '(max-width: 1200px)';

function subscribe(listener: () => void): () => void {
  const query = window.matchMedia(NARROW_QUERY);
  query.addEventListener('change', listener);
  return () => query.removeEventListener('change', listener);
}

export function useNarrowWindow(): boolean {
  return useSyncExternalStore(subscribe, () => window.matchMedia(NARROW_QUERY).matches);
}
