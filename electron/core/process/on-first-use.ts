/**
 * A library loaded the first time it is used instead of when the core starts:
 * a stand-in with the module's shape that `require`s the real module, once, on
 * the first property read. Loading is synchronous, so the caller that touches
 * it first (a message being decoded, a file being imported) gets the library
 * at once: nothing waits for it and nothing is dropped while it loads.
 */
import { createRequire } from 'node:module';

const load = createRequire(__filename);

export function onFirstUse<T extends object>(name: string): T {
  let real: T | null = null;
  const module = () => (real ??= load(name) as T);
  return new Proxy({} as T, {
    get: (_stand, key) => Reflect.get(module(), key) as unknown,
    has: (_stand, key) => Reflect.has(module(), key),
  });
}
