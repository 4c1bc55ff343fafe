/**
 * The Topics tab of a connection: its subscriptions and message history
 * settings, then either the live topic tree (filter-as-you-type, the selected
 * topic's payload panel beside it) or the connection's message list; with
 * Sparkplug B topics, the tree has a switch to the fleet grouped by edge node,
 * device and metric.
 */
import { useDeferredValue, useState } from 'react';
import type { Profile } from '../../../shared/profiles';
import { useFrameSignal } from '../app/frame-signal';
import { useServices } from '../app/services';
import { formatCount, formatRate, plural } from '../app/format';
import { HistorySettings } from './HistorySettings';
import { MessageListView } from './MessageListView';
import { PayloadPanel } from './PayloadPanel';
import { SubscriptionsEditor } from './SubscriptionsEditor';
import type { TopicTree } from './topic-tree';
import { TopicTreeView } from './TopicTreeView';
import { SparkplugSwitch, type TopicsMode } from '../sparkplug/SparkplugSwitch';
import { SparkplugView } from '../sparkplug/SparkplugView';

type Shown = 'tree' | 'messages';

/** The selected topic and what is shown, per connection, kept while the operator looks at other tabs. */
const selectedTopics = new Map<string, string>();
const shownViews = new Map<string, Shown>();

/** Topics and messages of the tree, or with a filter those of the topics it keeps. */
function TreeSummary({ tree, filter }: { tree: TopicTree; filter: string }) {
  useFrameSignal(tree.signal);
  const { topics, messages, filtered } = tree.summary(filter);
  const rate = formatRate(Math.max(0, tree.root.rate));
  return (
    <span className="muted small" data-testid="tree-summary" data-topics={topics} data-messages={messages}>
      {filtered ? `${formatCount(topics)} of ${plural(tree.topicCount, 'topic')} match · ${plural(messages, 'message')}` : `${plural(topics, 'topic')} · ${plural(messages, 'message')}${rate ? ` · ${rate}` : ''}`}
    </span>
  );
}

export function TopicsView({ profile, connected, onOpenDashboard, onPublish }: { profile: Profile; connected: boolean; onOpenDashboard: () => void; onPublish?: (topic: string) => void }) {
  const tree = useServices().topics.tree(profile.id);
  const [filter, setFilter] = useState('');
  const shownFilter = useDeferredValue(filter);
  const [selected, setSelectedState] = useState<string | null>(() => selectedTopics.get(profile.id) ?? null);
  const [shown, setShownState] = useState<Shown>(() => shownViews.get(profile.id) ?? 'tree');
  const [mode, setMode] = useState<TopicsMode>('topics');
  const select = (path: string) => {
    selectedTopics.set(profile.id, path);
    setSelectedState(path);
  };
  const show = (view: Shown) => {
    shownViews.set(profile.id, view);
    setShownState(view);
  };

  return (
    <div className="topics-view" data-testid="topics-view">
      <SubscriptionsEditor profile={profile} />
      <div className="topics-head">
        <div className="segmented" role="group" aria-label="Show">
          <button type="button" aria-pressed={shown === 'tree'} onClick={() => show('tree')} data-testid="show-tree">
            Topic tree
          </button>
          <button type="button" aria-pressed={shown === 'messages'} onClick={() => show('messages')} data-testid="show-messages">
            Message list
          </button>
        </div>
        <HistorySettings key={`${profile.messageHistory.perTopic}/${profile.messageHistory.maxMB}`} profile={profile} />
      </div>
      {shown === 'messages' ? (
        <section className="panel" aria-label="Message list">
          <MessageListView profile={profile} />
        </section>
      ) : (
        <>
          <SparkplugSwitch tree={tree} mode={mode} onMode={setMode} />
          {mode === 'sparkplug' && <SparkplugView profile={profile} tree={tree} connected={connected} onOpenDashboard={onOpenDashboard} />}
          <div className="topics-split" hidden={mode === 'sparkplug'}>
            <section className="panel tree-panel" aria-label="Topic tree">
              <div className="tree-head">
                <input type="search" className="tree-filter" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Filter topics (any part of the name)" aria-label="Filter topics" spellCheck={false} data-testid="topic-filter" />
                <TreeSummary tree={tree} filter={shownFilter} />
              </div>
              {profile.subscriptions.length === 0 && <p className="muted small tree-hint" data-testid="no-subscriptions">This connection subscribes to nothing yet: add a filter above (# for every topic) and its messages appear here.</p>}
              <TopicTreeView tree={tree} filter={shownFilter} selected={selected} onSelect={select} />
            </section>
            <section className="panel payload-side" aria-label="Selected topic">
              {selected === null ? (
                <p className="muted">Select a topic to see its last payload and the messages kept, chart its values, or clear retained messages.</p>
              ) : (
                <>
                  {onPublish && <button type="button" className="small-button publish-here" onClick={() => onPublish(selected)} data-testid="publish-to-topic">Publish to this topic</button>}
                  <PayloadPanel key={selected} tree={tree} profile={profile} path={selected} connected={connected} onOpenDashboard={onOpenDashboard} />
                </>
              )}
            </section>
          </div>
        </>
      )}
    </div>
  );
}
