/**
 * What a CLI command may touch of its process, passed in so tests can run the
 * commands in-process and read exactly what an operator would see.
 */
export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
  env: NodeJS.ProcessEnv;
}

/** Bad arguments, or an unknown command: exit code 64 (EX_USAGE). */
export class UsageError extends Error {
  readonly unknownCommand: boolean;
  constructor(message: string, options: { unknownCommand?: boolean } = {}) {
    super(message);
    this.unknownCommand = options.unknownCommand ?? false;
  }
}

export const EXIT_USAGE = 64;
/** The command itself failed (EX_SOFTWARE): a bug, reported as `internal`. */
export const EXIT_INTERNAL = 70;
