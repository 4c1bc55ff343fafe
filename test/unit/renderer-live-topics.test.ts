/**
 * Every connection's topic tree in the window (renderer/src/topics/live-topics.ts):
 * the snapshot read when a connection is first shown, the batches pushed by
 * main, a cleared store, a reload after the backend restarted, and the decay
 * sweep. Each test builds its own LiveTopics around an in-memory client whose
 * `topics.snapshot` answers what the test says.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AppFailure, type Result } from '../../shared/result';
import type { TopicUpdate } from '../../shared/telemetry';
import { LiveTopics } from '../../renderer/src/topics/live-topics';
import { createMemoryClient } from '../support/memory-client';

const backend = {
  snapshot: vi.fn<(connectionId: string) => Promise<Result<TopicUpdate[]>>>(),
};

let live: LiveTopics;

function update(topic: string, count: number, extra: Partial<TopicUpdate> = {}): TopicUpdate {
  return { topic, count, rate: 0, retained: false, qos: 1, size: 2, updatedAt: 0, preview: { encoding: 'text', data: String(count), truncated: false }, ...extra };
}

function messages(connectionId: string): number {
  return live.tree(connectionId).root.messages;
}

let frames: Array<(now: number) => void> = [];
/** Runs the animation frames requested so far: what the views hear about. */
function nextFrame(): void {
  const due = frames;
  frames = [];
  for (const cb of due) cb(performance.now());
}

let connection = 0;
/** A connection id of its own for each use. */
function freshConnection(): string {
  return `conn-${++connection}`;
}

beforeEach(() => {
  frames = [];
  vi.stubGlobal('requestAnimationFrame', (cb: (now: number) => void) => frames.push(cb));
  backend.snapshot.mockReset();
  live = new LiveTopics(
    createMemoryClient({
      'topics.snapshot': async ({ connectionId }) => {
        const result = await backend.snapshot(connectionId);
        if (!result.ok) throw AppFailure.from(result.error);
        return result.value;
      },
    }),
  );
});

afterEach(() => {
  nextFrame();
  vi.unstubAllGlobals();
});

describe('batches from main', () => {
  it('keeps one tree per connection and tells its view once per frame', () => {
    const a = freshConnection();
    const b = freshConnection();
    const version = live.tree(a).signal.version();
    live.applyBatch(
      [
        { connectionId: a, updates: [update('x/1', 3)], cleared: false },
        { connectionId: b, updates: [update('y/1', 5), update('y/2', 1)], cleared: false },
      ],
      0,
    );
    live.applyBatch([{ connectionId: a, updates: [update('x/1', 4)], cleared: false }], 50);
    expect(messages(a)).toBe(4);
    expect(messages(b)).toBe(6);
    expect(live.tree(a)).toBe(live.tree(a));
    expect(live.tree(a)).not.toBe(live.tree(b));
    expect(live.tree(a).signal.version()).toBe(version);
    nextFrame();
    expect(live.tree(a).signal.version()).toBe(version + 1);
  });

  it('replaces the whole tree when main says the store was cleared', () => {
    const a = freshConnection();
    live.applyBatch([{ connectionId: a, updates: [update('old/topic', 9)], cleared: false }], 0);
    live.applyBatch([{ connectionId: a, updates: [update('new/topic', 1)], cleared: true }], 10);
    expect(live.tree(a).node('old/topic')).toBeNull();
    expect(live.tree(a).topicCount).toBe(1);
    expect(messages(a)).toBe(1);
  });

  it('empties the view on a clear even without new updates', () => {
    const a = freshConnection();
    live.applyBatch([{ connectionId: a, updates: [update('t', 2)], cleared: false }], 0);
    nextFrame();
    const version = live.tree(a).signal.version();
    live.applyBatch([{ connectionId: a, updates: [], cleared: true }], 10);
    expect(live.tree(a).topicCount).toBe(0);
    nextFrame();
    expect(live.tree(a).signal.version()).toBe(version + 1);
  });
});

describe('the snapshot read when a connection is shown', () => {
  it('fills the tree once, however often the connection is shown', async () => {
    const a = freshConnection();
    backend.snapshot.mockResolvedValue({ ok: true, value: [update('s/1', 10), update('s/2', 2, { retained: true })] });
    await Promise.all([live.load(a), live.load(a)]);
    await live.load(a);
    expect(backend.snapshot).toHaveBeenCalledTimes(1);
    expect(messages(a)).toBe(12);
    expect(live.tree(a).root.retained).toBe(1);
  });

  it('keeps newer counts from batches that arrived while the snapshot was read', async () => {
    const a = freshConnection();
    let answer: (r: Result<TopicUpdate[]>) => void = () => undefined;
    backend.snapshot.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    const loading = live.load(a);
    live.applyBatch([{ connectionId: a, updates: [update('s/1', 15)], cleared: false }], 0);
    answer({ ok: true, value: [update('s/1', 12), update('s/2', 4)] });
    await loading;
    expect(live.tree(a).node('s/1')?.topic?.count).toBe(15);
    expect(messages(a)).toBe(19);
  });

  it('reads again next time when the snapshot could not be read', async () => {
    const a = freshConnection();
    backend.snapshot.mockResolvedValueOnce({ ok: false, error: { code: 'not_connected', message: 'No such connection.', hint: '' } });
    await live.load(a);
    expect(live.tree(a).topicCount).toBe(0);
    backend.snapshot.mockResolvedValueOnce({ ok: true, value: [update('s/1', 1)] });
    await live.load(a);
    expect(backend.snapshot).toHaveBeenCalledTimes(2);
    expect(live.tree(a).topicCount).toBe(1);
  });

  it('after a reconnect, replaces what was shown with the restarted backend’s lower counts', async () => {
    const a = freshConnection();
    backend.snapshot.mockResolvedValueOnce({ ok: true, value: [update('s/1', 500), update('s/gone', 20)] });
    await live.load(a);
    // Every connection shown so far is read again; this one restarted with fresh counts.
    backend.snapshot.mockImplementation(async (id) => ({ ok: true, value: id === a ? [update('s/1', 3)] : [] }));
    live.reloadShown();
    await live.load(a); // the reload in flight
    expect(live.tree(a).node('s/gone')).toBeNull();
    expect(live.tree(a).node('s/1')?.topic?.count).toBe(3);
    expect(messages(a)).toBe(3);
  });
});

describe('the decay sweep', () => {
  it('lets quiet topics of every connection fade', () => {
    const a = freshConnection();
    const b = freshConnection();
    live.applyBatch(
      [
        { connectionId: a, updates: [update('t', 1, { rate: 8 })], cleared: false },
        { connectionId: b, updates: [update('t', 1, { rate: 2 })], cleared: false },
      ],
      1000,
    );
    live.decay(1000 + 120_000);
    expect(live.tree(a).root.rate).toBeCloseTo(0, 9);
    expect(live.tree(b).root.rate).toBeCloseTo(0, 9);
  });
});
