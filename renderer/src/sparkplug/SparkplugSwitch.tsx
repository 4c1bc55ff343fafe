/**
 * The switch above the topics between the plain topic tree and the Sparkplug
 * B view (group → edge node → device → metric), shown once a Sparkplug topic
 * arrived on the connection.
 */
import { useFrameSignal } from '../app/frame-signal';
import { SPARKPLUG_NAMESPACE } from '../../../shared/sparkplug';
import type { TopicTree } from '../topics/topic-tree';

export type TopicsMode = 'topics' | 'sparkplug';

export function SparkplugSwitch({ tree, mode, onMode }: { tree: TopicTree; mode: TopicsMode; onMode: (mode: TopicsMode) => void }) {
  useFrameSignal(tree.signal);
  if (!tree.node(SPARKPLUG_NAMESPACE) && mode === 'topics') return null;
  return (
    <div className="segmented view-switch" role="group" aria-label="Show the topics as">
      <button type="button" aria-pressed={mode === 'topics'} onClick={() => onMode('topics')} data-testid="view-topics">
        Topics
      </button>
      <button type="button" aria-pressed={mode === 'sparkplug'} onClick={() => onMode('sparkplug')} data-testid="view-sparkplug">
        Sparkplug B
      </button>
    </div>
  );
}
