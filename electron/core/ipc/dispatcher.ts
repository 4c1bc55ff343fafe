/**
 * Runs contract handlers behind one door: looks the channel up, validates the
 * payload with its zod schema, runs the handler and turns every outcome into a
 * `Result`. Both transports call `dispatch`; neither validates on its own.
 */
import type { z } from 'zod';
import { contract, type InvokeName, type InvokeParsed, type InvokeResponse } from '../../../shared/contract';
import { AppFailure, err, ok, type Result } from '../../../shared/result';

/** Who is calling, as the transport knows it: one id per window or WebSocket client. */
export interface CallContext {
  client: string;
}

export type Handlers = {
  [K in InvokeName]: (request: InvokeParsed<K>, context: CallContext) => Promise<InvokeResponse<K>> | InvokeResponse<K>;
};

/** In-process callers (the CLI, tests) have no transport client. */
export const LOCAL_CALLER: CallContext = { client: 'local' };

export type Dispatch = (name: string, payload: unknown, context?: CallContext) => Promise<Result<unknown>>;

export interface DispatcherOptions {
  /** Where unexpected exceptions are reported; their details never cross to the renderer. */
  onInternalError?: (name: string, error: unknown) => void;
  /**
   * Check every handler result against its channel's response schema: a result
   * the schema refuses is reported to `onInternalError` as a ContractViolation
   * and answered as `internal`. On in the tests (test/support/backend.ts), off
   * in the app; createBackend says why.
   */
  checkResults?: boolean;
}

/** A value the core produced that the contract's own schema refuses: always a bug in the core. */
export class ContractViolation extends Error {}

export function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 5)
    .map((issue) => (issue.path.length ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}

function isInvokeName(name: string): name is InvokeName {
  return Object.prototype.hasOwnProperty.call(contract.invoke, name);
}

export function createDispatcher(handlers: Handlers, options: DispatcherOptions = {}): Dispatch {
  return async (name, payload, context = LOCAL_CALLER) => {
    if (!isInvokeName(name)) {
      return err('unknown_channel', `There is no channel named "${String(name).slice(0, 80)}".`, 'Update the app so both sides speak the same contract.');
    }
    const parsed = contract.invoke[name].request.safeParse(payload ?? {});
    if (!parsed.success) {
      return err('invalid_payload', `The request to ${name} was rejected: ${describeIssues(parsed.error)}.`, 'Correct the highlighted fields and try again.');
    }
    try {
      // The handler map is keyed by the same name, so the parsed payload matches its handler.
      const handler = handlers[name] as (request: unknown, context: CallContext) => Promise<unknown> | unknown;
      const value = await handler(parsed.data, context);
      if (options.checkResults) {
        const checked = contract.invoke[name].response.safeParse(value);
        if (!checked.success) throw new ContractViolation(`${name} returned a result its response schema refuses: ${describeIssues(checked.error)}.`);
      }
      return ok(value);
    } catch (error) {
      if (error instanceof AppFailure) return { ok: false, error: error.error };
      options.onInternalError?.(name, error);
      return err('internal', `${name} failed unexpectedly.`, 'See the application log for details.');
    }
  };
}
