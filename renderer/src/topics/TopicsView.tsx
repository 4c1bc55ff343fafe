/**
 * The Topics tab of a connection: its subscriptions, the live topic tree with
 * filter-as-you-type, and the selected topic's payload panel; with Sparkplug B
 * topics, a switch to the fleet grouped by edge node, device and metric.
 */
import { useDeferredValue, useState } from 'react';
import type { Profile } from '../../../shared/profiles';
import { useFrameSignal } from '../app/frame-signal';
import { useServices } from '../app/services';
import { formatCount, formatRate } from '../app/format';
import { PayloadPanel } from './PayloadPanel';
import { SubscriptionsEditor } from './SubscriptionsEditor';
import type { TopicTree } from './topic-tree';
import { TopicTreeView } from './TopicTreeView';
import { SparkplugSwitch, type TopicsMode } from '../sparkplug/SparkplugSwitch';
import { SparkplugView } from '../sparkplug/SparkplugView';

/** The selected topic per connection, kept while the operator looks at other tabs. */
const selectedTopics = new Map<string, string>();

function TreeSummary({ tree }: { tree: TopicTree }) {
  useFrameSignal(tree.signal);
  const root = tree.root;
  return (
    <span className="muted small" data-testid="tree-summary">
      {formatCount(tree.topicCount)} topics · {formatCount(root.messages)} messages {formatRate(Math.max(0, root.rate)) && `· ${formatRate(Math.max(0, root.rate))}`}
    </span>
  );
}

export function TopicsView({ profile, connected, onOpenDashboard, onPublish }: { profile: Profile; connected: boolean; onOpenDashboard: () => void; onPublish?: (topic: string) => void }) {
  const tree = useServices().topics.tree(profile.id);
  const [filter, setFilter] = useState('');
  const shownFilter = useDeferredValue(filter);
  const [selected, setSelectedState] = useState<string | null>(() => selectedTopics.get(profile.id) ?? null);
  const [mode, setMode] = useState<TopicsMode>('topics');
  const select = (path: string) => {
    selectedTopics.set(profile.id, path);
    setSelectedState(path);
  };

  return (
    <div className="topics-view" data-testid="topics-view">
      <SubscriptionsEditor profile={profile} />
      <SparkplugSwitch tree={tree} mode={mode} onMode={setMode} />
      {mode === 'sparkplug' && <SparkplugView profile={profile} tree={tree} connected={connected} onOpenDashboard={onOpenDashboard} />}
      <div className="topics-split" hidden={mode === 'sparkplug'}>
        <section className="panel tree-panel" aria-label="Topic tree">
          <div className="tree-head">
            <input type="search" className="tree-filter" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Filter topics (any part of the name)" aria-label="Filter topics" spellCheck={false} data-testid="topic-filter" />
            <TreeSummary tree={tree} />
          </div>
          {profile.subscriptions.length === 0 && <p className="muted small tree-hint" data-testid="no-subscriptions">This connection subscribes to nothing yet: add a filter above (# for every topic) and its messages appear here.</p>}
          <TopicTreeView tree={tree} filter={shownFilter} selected={selected} onSelect={select} />
        </section>
        <section className="panel payload-side" aria-label="Selected topic">
          {selected === null ? (
            <p className="muted">Select a topic to see its last payload, chart its values, or clear retained messages.</p>
          ) : (
            <>
              {onPublish && <button type="button" className="small-button publish-here" onClick={() => onPublish(selected)} data-testid="publish-to-topic">Publish to this topic</button>}
              <PayloadPanel key={selected} tree={tree} profile={profile} path={selected} connected={connected} onOpenDashboard={onOpenDashboard} />
            </>
          )}
        </section>
      </div>
    </div>
  );
}
