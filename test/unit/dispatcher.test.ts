import { describe, expect, it } from 'vitest';
import { invokeNames, contract } from '../../shared/contract';
import { createProfile } from '../../shared/profiles';
import { AppFailure } from '../../shared/result';
import { ContractViolation, createDispatcher, type Handlers } from '../../electron/core/ipc/dispatcher';
import { EventHub } from '../../electron/core/ipc/events';

const validSettings = { name: 'Plant A', url: 'mqtts://broker.example:8883' };

function handlers(overrides: Partial<Handlers> = {}): Handlers {
  const unexpected = () => {
    throw new Error('not used by this test');
  };
  const base = Object.fromEntries(invokeNames.map((n) => [n, unexpected])) as unknown as Handlers;
  return { ...base, ...overrides };
}

describe('dispatcher', () => {
  it('rejects a payload that does not match its schema with an error value naming the field', async () => {
    let called = false;
    const dispatch = createDispatcher(handlers({ 'profiles.save': () => { called = true; throw new Error('unreachable'); } }));
    const result = await dispatch('profiles.save', { settings: { name: 'x', url: 'http://evil.example' } });
    expect(called).toBe(false);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe('invalid_payload');
    expect(result.error.message).toContain('settings.url');
    expect(result.error.message).toContain('http:');
  });

  it('rejects unknown keys on strict requests and unknown channels', async () => {
    const dispatch = createDispatcher(handlers());
    const extra = await dispatch('sessions.connect', { id: 'a', path: '/etc/passwd' });
    expect(extra.ok || extra.error.code).toBe('invalid_payload');
    const unknown = await dispatch('fs.readFile', { path: '/etc/passwd' });
    expect(unknown.ok || unknown.error.code).toBe('unknown_channel');
    const proto = await dispatch('__proto__', {});
    expect(proto.ok || proto.error.code).toBe('unknown_channel');
  });

  it('passes the parsed payload, with defaults applied, to the handler', async () => {
    const dispatch = createDispatcher(
      handlers({
        'profiles.save': ({ settings }) => createProfile(settings, 'p1'),
      }),
    );
    const result = await dispatch('profiles.save', { settings: validSettings });
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const saved = result.value as { tls: { verify: boolean; trust: string }; keepalive: number };
    expect(saved.tls.verify).toBe(true);
    expect(saved.tls.trust).toBe('system');
    expect(saved.keepalive).toBe(60);
  });

  it('turns an AppFailure into its error value and hides internal errors', async () => {
    const errors: unknown[] = [];
    const dispatch = createDispatcher(
      handlers({
        'sessions.connect': () => {
          throw new AppFailure('not_found', 'That connection does not exist any more.', 'Reload.');
        },
        'sessions.list': () => {
          throw new Error('secret internal detail /home/op/.config');
        },
      }),
      { onInternalError: (_n, e) => errors.push(e) },
    );
    const known = await dispatch('sessions.connect', { id: 'x' });
    expect(known).toEqual({ ok: false, error: { code: 'not_found', message: 'That connection does not exist any more.', hint: 'Reload.' } });
    const internal = await dispatch('sessions.list', {});
    expect(internal.ok).toBe(false);
    if (internal.ok) return;
    expect(internal.error.code).toBe('internal');
    expect(JSON.stringify(internal)).not.toContain('secret internal detail');
    expect(errors).toHaveLength(1);
  });

  it('declares a schema for every channel', () => {
    for (const name of invokeNames) {
      expect(contract.invoke[name].request.safeParse).toBeTypeOf('function');
      expect(contract.invoke[name].response.safeParse).toBeTypeOf('function');
    }
  });

  it('with checkResults, answers a result its response schema refuses as internal and reports the violation', async () => {
    const errors: unknown[] = [];
    const dispatch = createDispatcher(
      handlers({
        'demo.status': () => ({ running: 'yes', profileId: null }) as never,
        'telemetry.budget': () => ({ budgetBytes: Number.NaN }) as never,
      }),
      { checkResults: true, onInternalError: (_n, e) => errors.push(e) },
    );
    const status = await dispatch('demo.status', {});
    expect(status.ok || status.error.code).toBe('internal');
    expect(errors[0]).toBeInstanceOf(ContractViolation);
    expect((errors[0] as Error).message).toMatch(/demo\.status.*running/);
    expect((await dispatch('telemetry.budget', {})).ok).toBe(false);
    // Off (the app's setting), the same result goes through unchecked.
    const unchecked = createDispatcher(handlers({ 'demo.status': () => ({ running: 'yes', profileId: null }) as never }));
    expect((await unchecked('demo.status', {})).ok).toBe(true);
  });
});

describe('event hub', () => {
  it('with checkPayloads, delivers valid events and refuses the others, broadcast or sent by a client feed', () => {
    const violations: string[] = [];
    const hub = new EventHub({ checkPayloads: true, onViolation: (name, v) => violations.push(`${name}: ${v.message}`) });
    const received: string[] = [];
    let feedSink: ((name: 'telemetry.batch', payload: never) => void) | null = null;
    hub.observeClients((_client, sink) => {
      feedSink = sink as never;
      return () => undefined;
    });
    hub.attach((name) => received.push(name), 'w1');
    hub.emit('profiles.changed', []);
    hub.emit('profiles.changed', [{ id: 1 }] as never);
    feedSink!('telemetry.batch', { seq: -1 } as never);
    expect(received).toEqual(['profiles.changed']);
    expect(violations).toHaveLength(2);
    expect(violations.join('\n')).toMatch(/telemetry\.batch/);
  });
});
