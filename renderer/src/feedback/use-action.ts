/**
 * A component's request to the backend: whether it is running and what it
 * says meanwhile (for the progress mark), and the error it ended with, if
 * any. The one way components track busy and error state. Only the latest
 * run counts: a newer run or a reset makes an older one's outcome silent, so
 * an answer that arrives late never overwrites a newer one. The logic is a
 * plain class (unit-tested); `useAction` re-renders its component on change.
 */
import { useReducer, useState } from 'react';
import type { AppError, Result } from '../../../shared/result';

export interface RunOptions<T> {
  /** What the progress mark says while this runs. */
  label?: string;
  /** Takes the value of a successful run, unless a newer run or a reset came since. */
  onValue?: (value: T) => void;
}

/** Lets a run of several steps say which one it is on (`Saving…`, then `Connecting…`). */
export type Step = (label: string) => void;

const WORKING = 'Working…';

export class ActionState {
  /** The label of what runs now, or null when nothing does. */
  label: string | null = null;
  error: AppError | null = null;
  private latest = 0;

  constructor(private readonly changed: () => void = () => undefined) {}

  get busy(): boolean {
    return this.label !== null;
  }

  /** Runs `request`; resolves with its result, whether or not it is still the latest. */
  readonly run = async <T>(request: (step: Step) => Promise<Result<T>>, options: RunOptions<T> = {}): Promise<Result<T>> => {
    const id = ++this.latest;
    const current = () => id === this.latest;
    this.update(options.label ?? WORKING, null);
    let result: Result<T> | undefined;
    try {
      result = await request((next) => {
        if (current()) this.update(next, null);
      });
      return result;
    } finally {
      if (current()) {
        this.update(null, result && !result.ok ? result.error : null);
        if (result?.ok) options.onValue?.(result.value);
      }
    }
  };

  /** Shows an error found before any request was made (a form check), silencing any run in flight. */
  readonly fail = (error: AppError): void => {
    this.latest++;
    this.update(null, error);
  };

  /** Forgets the error and silences any run in flight. */
  readonly reset = (): void => {
    this.latest++;
    this.update(null, null);
  };

  private update(label: string | null, error: AppError | null): void {
    this.label = label;
    this.error = error;
    this.changed();
  }
}

export interface Action {
  busy: boolean;
  label: string | null;
  error: AppError | null;
  run: ActionState['run'];
  fail: ActionState['fail'];
  reset: ActionState['reset'];
}

export function useAction(): Action {
  const [, changed] = useReducer((n: number) => n + 1, 0);
  const [state] = useState(() => new ActionState(changed));
  return { busy: state.busy, label: state.label, error: state.error, run: state.run, fail: state.fail, reset: state.reset };
}
