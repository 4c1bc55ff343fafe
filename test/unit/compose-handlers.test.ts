/**
 * The composition root's guarantee, checked by the compiler (tsc runs over the
 * tests): feature handler maps put together must cover every contract channel,
 * each exactly once. A regression makes an `@ts-expect-error` below unused,
 * which fails the type check.
 */
import { describe, expect, it } from 'vitest';
import { invokeNames } from '../../shared/contract';
import { composeHandlers } from '../../electron/core/ipc/compose';
import type { Handlers } from '../../electron/core/ipc/dispatcher';

const app = {
  'app.info': () => ({ name: 'x', version: '1', transport: 'websocket' as const, keychain: { store: 'os' as const, available: true, detail: '' }, profilesNotice: null }),
} satisfies Pick<Handlers, 'app.info'>;
// The other channels, by name only: this test is about which names are covered, not what they do.
const rest = Object.fromEntries(invokeNames.filter((n) => n !== 'app.info').map((n) => [n, () => null])) as unknown as Omit<Handlers, 'app.info'>;

describe('composing handlers', () => {
  it('builds one map from parts that cover the contract once', async () => {
    const handlers = composeHandlers(app, rest);
    expect(Object.keys(handlers).sort()).toEqual([...invokeNames].sort());
    expect((await handlers['app.info']({}, { client: 'local' })).version).toBe('1');
  });

  it('does not compile with a channel handled twice or not at all', () => {
    // @ts-expect-error app.info is handled twice
    expect(Object.keys(composeHandlers(app, app, rest))).toHaveLength(invokeNames.length);
    // @ts-expect-error every channel but app.info is missing
    expect(Object.keys(composeHandlers(app))).toEqual(['app.info']);
  });
});
