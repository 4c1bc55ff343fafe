/**
 * Every connection's topic tree in this window: created on the first update or
 * when the connection is shown, filled from `topics.snapshot` the first time it
 * is shown, then kept current by the batches. A one-second sweep lets the
 * rates of quiet topics decay. One per window, made at startup (app/compose.ts).
 */
import type { ApiClient } from '../../../shared/client';
import type { TelemetryBatch } from '../../../shared/telemetry';
import { TopicTree } from './topic-tree';

export class LiveTopics {
  private readonly trees = new Map<string, TopicTree>();
  /** Connections whose snapshot was read (or is being read). */
  private readonly loaded = new Map<string, Promise<void>>();

  constructor(private readonly client: ApiClient) {}

  tree(connectionId: string): TopicTree {
    let tree = this.trees.get(connectionId);
    if (!tree) this.trees.set(connectionId, (tree = new TopicTree()));
    return tree;
  }

  /** Reads a connection's topics once; batches applied meanwhile are kept (counts only grow). */
  load(connectionId: string, force = false): Promise<void> {
    const existing = this.loaded.get(connectionId);
    if (existing && !force) return existing;
    const load = this.client.invoke('topics.snapshot', { connectionId }).then((result) => {
      if (!result.ok) {
        this.loaded.delete(connectionId);
        return;
      }
      const tree = this.tree(connectionId);
      // A forced reload replaces everything: the backend may have restarted with fresh counts.
      // Batches sent before the snapshot was taken arrived before its answer, so none is lost.
      if (force) tree.clear();
      tree.apply(result.value, Date.now());
      tree.signal.bump();
    });
    this.loaded.set(connectionId, load);
    return load;
  }

  applyBatch(topics: TelemetryBatch['topics'], now: number): void {
    for (const part of topics) {
      const tree = this.tree(part.connectionId);
      if (part.cleared) {
        tree.clear();
        tree.signal.bump();
      }
      if (tree.apply(part.updates, now)) tree.signal.bump();
    }
  }

  decay(now: number): void {
    for (const tree of this.trees.values()) if (tree.decay(now)) tree.signal.bump();
  }

  /** After the transport reconnected: the backend may have restarted, read every shown connection again. */
  reloadShown(): void {
    for (const connectionId of [...this.loaded.keys()]) void this.load(connectionId, true);
  }
}
