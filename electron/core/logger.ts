/**
 * Where the core reports what the operator or a developer may need to read
 * later. The transports pass their own (Electron's log, the host's console,
 * a test's array); nothing secret is ever written to it.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string, error?: unknown): void;
}

export const consoleLogger: Logger = {
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
  error: (m, e) => console.error(m, e instanceof Error ? e.message : (e ?? '')),
};
