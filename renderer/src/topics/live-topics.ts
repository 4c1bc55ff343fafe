/**
 * Every connection's topic tree in this window: created on the first update or
 * when the connection is shown, filled from `topics.snapshot` the first time it
 * is shown, then kept current by the batches. A one-second sweep lets the
 * rates of quiet topics decay.
 */
import type { TelemetryBatch } from '../../../shared/telemetry';
import { client } from '../client';
import { TopicTree } from './topic-tree';

const trees = new Map<string, TopicTree>();
/** Connections whose snapshot was read (or is being read). */
const loaded = new Map<string, Promise<void>>();

export function topicTree(connectionId: string): TopicTree {
  let tree = trees.get(connectionId);
  if (!tree) trees.set(connectionId, (tree = new TopicTree()));
  return tree;
}

/** Reads a connection's topics once; batches applied meanwhile are kept (counts only grow). */
export function loadTopics(connectionId: string, force = false): Promise<void> {
  const existing = loaded.get(connectionId);
  if (existing && !force) return existing;
  const load = client.invoke('topics.snapshot', { connectionId }).then((result) => {
    if (!result.ok) {
      loaded.delete(connectionId);
      return;
    }
    const tree = topicTree(connectionId);
    // A forced reload replaces everything: the backend may have restarted with fresh counts.
    // Batches sent before the snapshot was taken arrived before its answer, so none is lost.
    if (force) tree.clear();
    tree.apply(result.value, Date.now());
    tree.signal.bump();
  });
  loaded.set(connectionId, load);
  return load;
}

export function applyTopicBatch(topics: TelemetryBatch['topics'], now: number): void {
  for (const part of topics) {
    const tree = topicTree(part.connectionId);
    if (part.cleared) {
      tree.clear();
      tree.signal.bump();
    }
    if (tree.apply(part.updates, now)) tree.signal.bump();
  }
}

export function decayRates(now: number): void {
  for (const tree of trees.values()) if (tree.decay(now)) tree.signal.bump();
}

/** After the transport reconnected: the backend may have restarted, read every shown connection again. */
export function reloadShownTopics(): void {
  for (const connectionId of [...loaded.keys()]) void loadTopics(connectionId, true);
}
