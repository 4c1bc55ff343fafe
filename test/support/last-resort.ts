/**
 * Runs hostile cases under the app's own last-resort handler, armed to fail
 * the test: a case that is only survived because that handler caught an
 * exception is a failure, since the code path itself must not throw.
 */
import { afterAll, beforeAll, expect } from 'vitest';
import { describeCrash, installLastResort } from '../../electron/core/process/last-resort';

/** Call at the top of a test file (or describe block). */
export function failIfLastResortReached(): void {
  const reached: string[] = [];
  let remove: () => void = () => undefined;
  beforeAll(() => {
    remove = installLastResort({ log: () => undefined, onReached: (kind, error) => reached.push(`${kind}: ${describeCrash(error)}`) });
  });
  afterAll(() => {
    remove();
    expect(reached, 'the last-resort handler was reached').toEqual([]);
  });
}
