/**
 * One telemetry feed per attached window or WebSocket client, living exactly as
 * long as that client's event sink: opened when it attaches, closed when it
 * detaches. The telemetry channels find the caller's feed here.
 */
import { AppFailure } from '../../../shared/result';
import type { CallContext } from '../ipc/dispatcher';
import type { EventHub } from '../ipc/events';
import type { Logger } from '../logger';
import type { Feed } from './feed';
import type { Telemetry } from './service';

export class ClientFeeds {
  private readonly feeds = new Map<string, Feed>();

  constructor(telemetry: Telemetry, events: EventHub, logger: Logger) {
    events.observeClients((client, sink) => {
      let feed: Feed;
      try {
        feed = telemetry.openFeed((batch) => sink('telemetry.batch', batch));
      } catch (error) {
        // That window still works, without live data; its telemetry calls say why.
        logger.warn(`No live data for ${client}: ${(error as Error).message}`);
        return () => undefined;
      }
      this.feeds.set(client, feed);
      return () => {
        feed.close();
        this.feeds.delete(client);
      };
    });
  }

  of(context: CallContext): Feed {
    const feed = this.feeds.get(context.client);
    if (!feed) throw new AppFailure('no_feed', 'This window receives no live data.', 'Reload the window.');
    return feed;
  }
}
