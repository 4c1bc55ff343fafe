/**
 * A window's feed as the tests need it: it keeps every batch the core sends and
 * acknowledges each at once, as a window that keeps up does.
 */
import type { Telemetry } from '../../electron/core/telemetry/service';
import type { TelemetryBatch } from '../../shared/telemetry';

export function ackingFeed(telemetry: Telemetry): { feed: ReturnType<Telemetry['openFeed']>; batches: TelemetryBatch[] } {
  const batches: TelemetryBatch[] = [];
  const feed = telemetry.openFeed((b) => {
    batches.push(b);
    feed.ack(b.seq);
  });
  return { feed, batches };
}
