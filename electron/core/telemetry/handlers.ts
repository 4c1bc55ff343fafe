/**
 * The `topics.*` channels (what arrived on a connection, the messages kept
 * per topic and how many, clearing retained messages) and the `telemetry.*`
 * channels (a window's feed and message list, chart views, CSV, the memory
 * budget).
 */
import { AppFailure } from '../../../shared/result';
import { seriesFileName } from '../../../shared/telemetry';
import type { Handlers } from '../ipc/dispatcher';
import type { ProfileStore } from '../profiles/profile-store';
import { listed } from './messages';
import type { SessionManager } from '../sessions/manager';
import type { SettingsStore } from '../settings';
import type { ChartViews } from '../history/views';
import type { ClientFeeds } from './client-feeds';
import type { Telemetry } from './service';

export interface TopicHandlerDeps {
  telemetry: Telemetry;
  sessions: Pick<SessionManager, 'get'>;
  profiles: Pick<ProfileStore, 'get' | 'put'>;
}

function noMessage(topic: string): AppFailure {
  return new AppFailure('not_found', `No message has arrived on ${topic} yet.`, 'Wait for a message, or check the subscription.');
}

export function topicHandlers({ telemetry, sessions, profiles }: TopicHandlerDeps) {
  return {
    'topics.snapshot': ({ connectionId }) => {
      const now = Date.now();
      return telemetry.store(connectionId).all().map((s) => s.update(now));
    },
    'topics.payload': ({ connectionId, topic }) => {
      const stats = telemetry.store(connectionId).get(topic);
      if (!stats) throw noMessage(topic);
      const decoded = stats.decoding?.whole(stats);
      return { base64: stats.payload.toString('base64'), size: stats.size, complete: stats.fullPayloadKept, ...(decoded && { decoded }) };
    },
    'topics.history': ({ connectionId, topic }) => {
      const store = telemetry.store(connectionId);
      const stats = store.get(topic);
      if (!stats) throw noMessage(topic);
      return { messages: store.history.messagesOf(stats).map(listed), perTopic: store.history.perTopic };
    },
    'topics.message': ({ connectionId, topic, seq }) => {
      const store = telemetry.store(connectionId);
      const stats = store.get(topic);
      if (!stats) throw noMessage(topic);
      const message = store.history.message(stats, seq);
      if (!message) throw new AppFailure('not_found', `That message on ${topic} is no longer kept in memory.`, 'Newer messages replaced it: pick one from the current list.');
      const decoded = stats.decoding?.earlier(message.payload, message.size);
      return { base64: Buffer.from(message.payload).toString('base64'), size: message.size, complete: message.payload.length === message.size, ...(decoded && { decoded }) };
    },
    'topics.historySettings': async ({ connectionId, messageHistory }) => {
      const profile = { ...profiles.get(connectionId), messageHistory };
      await profiles.put(profile);
      return profile;
    },
    'topics.retained': ({ connectionId, prefix }) => ({ topics: telemetry.store(connectionId).retainedUnder(prefix) }),
    'topics.clearRetained': async ({ connectionId, prefix, topics: confirmed }) => {
      const topics = telemetry.store(connectionId).retainedUnder(prefix);
      const same = topics.length === confirmed.length && confirmed.every((t) => topics.includes(t));
      if (!same) {
        throw new AppFailure('retained_changed', `The retained messages under ${prefix || 'the root'} changed since you confirmed (${topics.length} now, ${confirmed.length} confirmed).`, 'Review the new list and confirm again.');
      }
      const session = sessions.get(connectionId);
      for (const topic of topics) await session.publish(topic, Buffer.alloc(0), { qos: 1, retain: true });
      return { cleared: topics.length };
    },
  } satisfies Pick<Handlers, 'topics.snapshot' | 'topics.payload' | 'topics.history' | 'topics.message' | 'topics.historySettings' | 'topics.retained' | 'topics.clearRetained'>;
}

export interface TelemetryHandlerDeps {
  telemetry: Telemetry;
  /** Views of any range: memory and the recorded history together (history/views.ts). */
  views: Pick<ChartViews, 'view'>;
  feeds: ClientFeeds;
  settings: Pick<SettingsStore, 'update'>;
}

export function telemetryHandlers({ telemetry, views, feeds, settings }: TelemetryHandlerDeps) {
  return {
    'telemetry.ack': ({ seq }, context) => {
      feeds.of(context).ack(seq);
      return null;
    },
    'telemetry.topics': ({ connectionIds }, context) => {
      feeds.of(context).showTopicsOf(connectionIds);
      return null;
    },
    'telemetry.focus': ({ topic }, context) => {
      const stats = topic ? telemetry.topic(topic.connectionId, topic.topic) : null;
      feeds.of(context).focus(topic, stats);
      return stats?.update(Date.now()) ?? null;
    },
    'telemetry.watch': ({ keys }, context) => {
      feeds.of(context).watch(keys);
      return null;
    },
    'telemetry.messages': ({ list }, context) => {
      feeds.of(context).listMessages(list);
      return null;
    },
    'telemetry.view': (request) => views.view(request),
    'telemetry.csv': ({ key }) => ({ fileName: seriesFileName(key), text: telemetry.csv(key) }),
    'telemetry.budget': async ({ megabytes }) => {
      if (megabytes !== undefined) {
        await settings.update({ sampleBudgetMB: megabytes });
        telemetry.setBudget(megabytes * 1024 * 1024);
      }
      return telemetry.budget();
    },
  } satisfies Pick<Handlers, 'telemetry.ack' | 'telemetry.topics' | 'telemetry.focus' | 'telemetry.watch' | 'telemetry.messages' | 'telemetry.view' | 'telemetry.csv' | 'telemetry.budget'>;
}
