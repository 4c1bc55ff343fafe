/**
 * What a CLI command may touch of its process, passed in so tests can run the
 * commands in-process and read exactly what an operator would see.
 */
export interface CliIo {
  stdout(line: string): void;
  stderr(line: string): void;
  env: NodeJS.ProcessEnv;
}

/** Bad arguments: exit code 64 (EX_USAGE). */
export class UsageError extends Error {}

export const EXIT_USAGE = 64;
