/** The `demo.*` channels: start (or resume), remove and report the built-in demo fleet. */
import type { Handlers } from '../ipc/dispatcher';
import type { Demo } from './demo';

export function demoHandlers({ demo }: { demo: Demo }) {
  return {
    'demo.start': () => demo.start(),
    'demo.remove': async () => {
      await demo.remove();
      return null;
    },
    'demo.status': () => demo.status(),
  } satisfies Pick<Handlers, 'demo.start' | 'demo.remove' | 'demo.status'>;
}
