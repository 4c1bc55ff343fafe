/**
 * One button's request: whether it is running (for the progress mark) and the
 * error it ended with, if any. Resolves with the request's result.
 */
import { useState } from 'react';
import type { AppError, Result } from '../../../shared/result';

export function useAction() {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<AppError | null>(null);
  async function run<T>(request: () => Promise<Result<T>>): Promise<Result<T>> {
    setBusy(true);
    setError(null);
    const result = await request();
    setBusy(false);
    if (!result.ok) setError(result.error);
    return result;
  }
  return { busy, error, run };
}
