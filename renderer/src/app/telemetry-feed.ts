/**
 * The live-data hot path: each `telemetry.batch` is applied to the topic trees
 * and the charts on screen (plain mutable objects, no React state), then
 * acknowledged at once so main may send the next one; drawing happens later,
 * at most once per animation frame, through the frame signals. Also the
 * one-second rate decay, and a resync when the host's socket came back.
 */
import type { TelemetryBatch } from '../../../shared/telemetry';
import type { Services } from './services';

const DECAY_INTERVAL_MS = 1000;

interface Reconnecting {
  onConnectionChange(listener: (open: boolean) => void): () => void;
}

function reconnecting(c: unknown): c is Reconnecting {
  return typeof (c as Partial<Reconnecting>).onConnectionChange === 'function';
}

/** Feeds the window's topic trees, charts and budget from the backend's batches; returns the function that stops. */
export function startTelemetryFeed({ client, topics, messages, charts, budget }: Services): () => void {
  const apply = (batch: TelemetryBatch): void => {
    try {
      const now = Date.now();
      topics.applyBatch(batch.topics, now);
      if (batch.messages) messages.apply(batch.messages);
      charts.applyBatch(batch.series);
      budget.set(batch.budget);
    } finally {
      // Acknowledge even if applying failed: a stuck feed would be worse than one lost batch.
      void client.invoke('telemetry.ack', { seq: batch.seq });
    }
  };
  const offs = [client.on('telemetry.batch', apply)];
  const decay = setInterval(() => topics.decay(Date.now()), DECAY_INTERVAL_MS);
  if (reconnecting(client)) {
    let wasOpen = true;
    offs.push(
      client.onConnectionChange((open) => {
        if (open && !wasOpen) {
          topics.reloadShown();
          messages.reopen();
          charts.rewatch();
        }
        wasOpen = open;
      }),
    );
  }
  return () => {
    clearInterval(decay);
    offs.forEach((off) => off());
  };
}
