/**
 * Putting the per-feature handler maps together into the one map the dispatcher
 * serves. The compiler proves what the spread alone would not: every channel of
 * the contract is handled, and by exactly one feature (a second handler for a
 * channel would silently replace the first).
 */
import type { InvokeName } from '../../../shared/contract';
import type { Handlers } from './dispatcher';

type Part = Partial<Handlers>;

/** Channels named by more than one part. */
type Repeated<T extends readonly Part[], Seen extends PropertyKey = never> = T extends readonly [infer Head extends Part, ...infer Rest extends readonly Part[]]
  ? (keyof Head & Seen) | Repeated<Rest, Seen | keyof Head>
  : never;

/** Channels named by some part (distributes over the parts). */
type Named<P> = P extends Part ? keyof P : never;

type Missing<T extends readonly Part[]> = Exclude<InvokeName, Named<T[number]>>;

/** The parts themselves when they cover the contract exactly once; otherwise a type naming what is wrong. */
type Exactly<T extends readonly Part[]> = [Repeated<T>] extends [never] ? ([Missing<T>] extends [never] ? T : { notHandled: Missing<T> }) : { handledTwice: Repeated<T> };

export function composeHandlers<const T extends readonly Part[]>(...parts: T & Exactly<T>): Handlers {
  // Sound by the check above: the parts' keys are disjoint and together are every channel.
  return Object.assign({}, ...parts) as Handlers;
}
