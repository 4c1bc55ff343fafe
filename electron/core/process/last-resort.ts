/**
 * The last line of defence of a long-running process (Electron main, the
 * headless host): an exception or a rejection that nothing handled is logged
 * and the process keeps serving its other connections, instead of exiting and
 * dropping every session at once. Reaching it is always a bug: every path that
 * reads peer data (certificates, packets, payloads, HTTP requests) turns a
 * failure into a value itself. The tests install it with `onReached` failing
 * the test, to prove that these paths, not this handler, are what holds.
 */

export type LastResortKind = 'uncaughtException' | 'unhandledRejection';

export interface LastResortOptions {
  log(message: string, error: unknown): void;
  /** Told every time the handler is reached (tests fail on it). */
  onReached?(kind: LastResortKind, error: unknown): void;
}

/** Installs both handlers; returns their remover. */
export function installLastResort(options: LastResortOptions): () => void {
  const report = (kind: LastResortKind) => (error: unknown) => {
    try {
      options.log(`Last-resort handler reached (${kind}); still serving. This is a bug, please report it.`, error);
      options.onReached?.(kind, error);
    } catch {
      // The logger itself failed: nothing further can be done, and throwing here would end the process.
    }
  };
  const onException = report('uncaughtException');
  const onRejection = report('unhandledRejection');
  process.on('uncaughtException', onException);
  process.on('unhandledRejection', onRejection);
  return () => {
    process.off('uncaughtException', onException);
    process.off('unhandledRejection', onRejection);
  };
}

/** For the log: the stack when there is one, since this is always a bug to fix. */
export function describeCrash(error: unknown): string {
  return error instanceof Error ? (error.stack ?? error.message) : String(error);
}
