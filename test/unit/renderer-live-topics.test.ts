/**
 * Every connection's topic tree in the window (renderer/src/topics/live-topics.ts):
 * the snapshot read when a connection is first shown, the batches pushed by
 * main, a cleared store, a reload after the backend restarted, and the decay
 * sweep. The backend is a stand-in for `client.invoke('topics.snapshot')`.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Result } from '../../shared/result';
import type { TopicUpdate } from '../../shared/telemetry';

const backend = vi.hoisted(() => ({
  snapshot: vi.fn<(connectionId: string) => Promise<Result<TopicUpdate[]>>>(),
}));

vi.mock('../../renderer/src/client', () => ({
  client: {
    invoke: (name: string, request: { connectionId: string }) => {
      if (name !== 'topics.snapshot') throw new Error(`unexpected call ${name}`);
      return backend.snapshot(request.connectionId);
    },
    on: () => () => undefined,
  },
}));

const { applyTopicBatch, decayRates, loadTopics, reloadShownTopics, topicTree } = await import('../../renderer/src/topics/live-topics');

function update(topic: string, count: number, extra: Partial<TopicUpdate> = {}): TopicUpdate {
  return { topic, count, rate: 0, retained: false, qos: 1, size: 2, updatedAt: 0, preview: { encoding: 'text', data: String(count), truncated: false }, ...extra };
}

function messages(connectionId: string): number {
  return topicTree(connectionId).root.messages;
}

let frames: Array<(now: number) => void> = [];
/** Runs the animation frames requested so far: what the views hear about. */
function nextFrame(): void {
  const due = frames;
  frames = [];
  for (const cb of due) cb(performance.now());
}

let connection = 0;
/** A connection no other test has used (the module keeps its trees for the whole window). */
function freshConnection(): string {
  return `conn-${++connection}`;
}

beforeEach(() => {
  frames = [];
  vi.stubGlobal('requestAnimationFrame', (cb: (now: number) => void) => frames.push(cb));
  backend.snapshot.mockReset();
});

afterEach(() => {
  nextFrame();
  vi.unstubAllGlobals();
});

describe('batches from main', () => {
  it('keeps one tree per connection and tells its view once per frame', () => {
    const a = freshConnection();
    const b = freshConnection();
    const version = topicTree(a).signal.version();
    applyTopicBatch(
      [
        { connectionId: a, updates: [update('x/1', 3)], cleared: false },
        { connectionId: b, updates: [update('y/1', 5), update('y/2', 1)], cleared: false },
      ],
      0,
    );
    applyTopicBatch([{ connectionId: a, updates: [update('x/1', 4)], cleared: false }], 50);
    expect(messages(a)).toBe(4);
    expect(messages(b)).toBe(6);
    expect(topicTree(a)).toBe(topicTree(a));
    expect(topicTree(a)).not.toBe(topicTree(b));
    expect(topicTree(a).signal.version()).toBe(version);
    nextFrame();
    expect(topicTree(a).signal.version()).toBe(version + 1);
  });

  it('replaces the whole tree when main says the store was cleared', () => {
    const a = freshConnection();
    applyTopicBatch([{ connectionId: a, updates: [update('old/topic', 9)], cleared: false }], 0);
    applyTopicBatch([{ connectionId: a, updates: [update('new/topic', 1)], cleared: true }], 10);
    expect(topicTree(a).node('old/topic')).toBeNull();
    expect(topicTree(a).topicCount).toBe(1);
    expect(messages(a)).toBe(1);
  });

  it('empties the view on a clear even without new updates', () => {
    const a = freshConnection();
    applyTopicBatch([{ connectionId: a, updates: [update('t', 2)], cleared: false }], 0);
    nextFrame();
    const version = topicTree(a).signal.version();
    applyTopicBatch([{ connectionId: a, updates: [], cleared: true }], 10);
    expect(topicTree(a).topicCount).toBe(0);
    nextFrame();
    expect(topicTree(a).signal.version()).toBe(version + 1);
  });
});

describe('the snapshot read when a connection is shown', () => {
  it('fills the tree once, however often the connection is shown', async () => {
    const a = freshConnection();
    backend.snapshot.mockResolvedValue({ ok: true, value: [update('s/1', 10), update('s/2', 2, { retained: true })] });
    await Promise.all([loadTopics(a), loadTopics(a)]);
    await loadTopics(a);
    expect(backend.snapshot).toHaveBeenCalledTimes(1);
    expect(messages(a)).toBe(12);
    expect(topicTree(a).root.retained).toBe(1);
  });

  it('keeps newer counts from batches that arrived while the snapshot was read', async () => {
    const a = freshConnection();
    let answer: (r: Result<TopicUpdate[]>) => void = () => undefined;
    backend.snapshot.mockReturnValue(new Promise((resolve) => (answer = resolve)));
    const loading = loadTopics(a);
    applyTopicBatch([{ connectionId: a, updates: [update('s/1', 15)], cleared: false }], 0);
    answer({ ok: true, value: [update('s/1', 12), update('s/2', 4)] });
    await loading;
    expect(topicTree(a).node('s/1')?.topic?.count).toBe(15);
    expect(messages(a)).toBe(19);
  });

  it('reads again next time when the snapshot could not be read', async () => {
    const a = freshConnection();
    backend.snapshot.mockResolvedValueOnce({ ok: false, error: { code: 'not_connected', message: 'No such connection.', hint: '' } });
    await loadTopics(a);
    expect(topicTree(a).topicCount).toBe(0);
    backend.snapshot.mockResolvedValueOnce({ ok: true, value: [update('s/1', 1)] });
    await loadTopics(a);
    expect(backend.snapshot).toHaveBeenCalledTimes(2);
    expect(topicTree(a).topicCount).toBe(1);
  });

  it('after a reconnect, replaces what was shown with the restarted backend’s lower counts', async () => {
    const a = freshConnection();
    backend.snapshot.mockResolvedValueOnce({ ok: true, value: [update('s/1', 500), update('s/gone', 20)] });
    await loadTopics(a);
    // Every connection shown so far is read again; this one restarted with fresh counts.
    backend.snapshot.mockImplementation(async (id) => ({ ok: true, value: id === a ? [update('s/1', 3)] : [] }));
    reloadShownTopics();
    await loadTopics(a); // the reload in flight
    expect(topicTree(a).node('s/gone')).toBeNull();
    expect(topicTree(a).node('s/1')?.topic?.count).toBe(3);
    expect(messages(a)).toBe(3);
  });
});

describe('the decay sweep', () => {
  it('lets quiet topics of every connection fade', () => {
    const a = freshConnection();
    const b = freshConnection();
    applyTopicBatch(
      [
        { connectionId: a, updates: [update('t', 1, { rate: 8 })], cleared: false },
        { connectionId: b, updates: [update('t', 1, { rate: 2 })], cleared: false },
      ],
      1000,
    );
    decayRates(1000 + 120_000);
    expect(topicTree(a).root.rate).toBeCloseTo(0, 9);
    expect(topicTree(b).root.rate).toBeCloseTo(0, 9);
  });
});
