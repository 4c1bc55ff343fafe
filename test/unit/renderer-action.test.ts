/**
 * How a component tracks one request (renderer/src/feedback/use-action.ts):
 * busy with a label while it runs, the error it ended with, and only the
 * latest run counting, so a late answer never overwrites a newer one. Requests
 * go to an in-memory client through the core's dispatcher.
 */
import { describe, expect, it } from 'vitest';
import { AppFailure } from '../../shared/result';
import { ActionState } from '../../renderer/src/feedback/use-action';
import { createMemoryClient } from '../support/memory-client';

/** A backend whose `topics.retained` answers only when the test releases it, in any order. */
function slowBackend() {
  const waiting = new Map<string, (topics: string[] | Error) => void>();
  const client = createMemoryClient({
    'topics.retained': ({ prefix }) =>
      new Promise<{ topics: string[] }>((resolve, reject) =>
        waiting.set(prefix, (answer) => (answer instanceof Error ? reject(answer) : resolve({ topics: answer }))),
      ),
  });
  const release = async (prefix: string, answer: string[] | Error) => {
    for (let i = 0; i < 50 && !waiting.has(prefix); i++) await new Promise((r) => setTimeout(r, 0));
    waiting.get(prefix)?.(answer);
    // Other requests may still be waiting for their release: let this answer's continuations run, not all.
    for (let i = 0; i < 3; i++) await new Promise((r) => setTimeout(r, 0));
  };
  return { client, release };
}

describe('a component’s request', () => {
  it('is busy with its label while it runs, then shows the error it ended with', async () => {
    const { client, release } = slowBackend();
    let changes = 0;
    const action = new ActionState(() => changes++);
    const running = action.run(() => client.invoke('topics.retained', { connectionId: 'c1', prefix: 'a' }), { label: 'Looking…' });
    expect(action.busy).toBe(true);
    expect(action.label).toBe('Looking…');
    await release('a', new AppFailure('not_connected', 'Plant is not connected.', 'Connect first.'));
    const result = await running;
    expect(result.ok).toBe(false);
    expect(action.busy).toBe(false);
    expect(action.error).toMatchObject({ code: 'not_connected', hint: 'Connect first.' });
    expect(changes).toBeGreaterThanOrEqual(2);
    // The next run starts without the old error.
    void action.run(() => client.invoke('topics.retained', { connectionId: 'c1', prefix: 'b' }));
    expect(action.error).toBeNull();
    await release('b', []);
  });

  it('lets only the latest run show: an older answer arriving late is silent', async () => {
    const { client, release } = slowBackend();
    const action = new ActionState();
    const taken: string[][] = [];
    const older = action.run(() => client.invoke('topics.retained', { connectionId: 'c1', prefix: 'old' }), { onValue: (v) => taken.push(v.topics) });
    const newer = action.run(() => client.invoke('topics.retained', { connectionId: 'c1', prefix: 'new' }), { onValue: (v) => taken.push(v.topics) });
    await release('new', ['n/1']);
    expect(action.busy).toBe(false);
    await release('old', new AppFailure('not_connected', 'Gone.'));
    expect((await older).ok).toBe(false);
    expect((await newer).ok).toBe(true);
    expect(action.error).toBeNull();
    expect(taken).toEqual([['n/1']]);
  });

  it('shows a check that failed before any request, and forgets everything on reset', async () => {
    const { client, release } = slowBackend();
    const action = new ActionState();
    const running = action.run(() => client.invoke('topics.retained', { connectionId: 'c1', prefix: 'x' }));
    action.fail({ code: 'path_missing', message: 'Type a JSON path.', hint: '' });
    expect(action.busy).toBe(false);
    expect(action.error?.code).toBe('path_missing');
    await release('x', new AppFailure('not_connected', 'Gone.'));
    await running;
    expect(action.error?.code).toBe('path_missing');
    action.reset();
    expect(action.error).toBeNull();
  });

  it('says which step a run of several is on', async () => {
    const client = createMemoryClient({ 'topics.retained': () => ({ topics: [] }), 'topics.clearRetained': () => ({ cleared: 0 }) });
    const action = new ActionState();
    const labels: Array<string | null> = [];
    const result = await action.run(
      async (step) => {
        labels.push(action.label);
        const asked = await client.invoke('topics.retained', { connectionId: 'c1', prefix: 'p' });
        if (!asked.ok) return asked;
        step('Clearing…');
        labels.push(action.label);
        return client.invoke('topics.clearRetained', { connectionId: 'c1', prefix: 'p', topics: ['p/1'] });
      },
      { label: 'Looking…' },
    );
    expect(result).toEqual({ ok: true, value: { cleared: 0 } });
    expect(labels).toEqual(['Looking…', 'Clearing…']);
    expect(action.label).toBeNull();
  });
});
