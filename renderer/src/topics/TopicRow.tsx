/**
 * One row of the topic tree: the open/close mark, the level's name (as text:
 * topic names come from the network), the retained mark, and the subtree's
 * message count and rate, with a short flash when a message just arrived at
 * or below it (highlight.ts). Rendered fresh each frame from the mutable node.
 */
import type { TopicNode } from './topic-tree';
import { formatCount, formatRate, plural } from '../app/format';
import { flashOf } from './highlight';

/** Indentation stops growing here; a hostile topic can be thousands of levels deep. */
const MAX_INDENT_LEVELS = 24;

export function TopicRow({ id, node, expanded, selected, now, onSelect, onToggle }: { id: string; node: TopicNode; expanded: boolean; selected: boolean; now: number; onSelect: () => void; onToggle: () => void }) {
  const own = node.topic;
  const flash = flashOf(node.changedAt, now);
  const retainedHere = !!own?.retained;
  const retainedBelow = node.retained - (retainedHere ? 1 : 0);
  return (
    <div
      id={id}
      role="treeitem"
      aria-level={node.depth + 1}
      aria-expanded={node.hasChildren ? expanded : undefined}
      aria-selected={selected}
      className={`tree-row ${selected ? 'selected' : ''}`}
      data-testid="topic-row"
      data-topic={node.path}
      onClick={onSelect}
    >
      {flash && <span key={flash.key} className="tree-flash" data-testid="topic-flash" aria-hidden="true" style={{ animationDelay: `${flash.delayMs}ms` }} />}
      <span className="tree-indent" style={{ width: Math.min(node.depth, MAX_INDENT_LEVELS) * 14 }} />
      {node.hasChildren ? (
        <span
          className="tree-toggle"
          aria-hidden="true"
          onClick={(e) => {
            e.stopPropagation();
            onToggle();
          }}
        >
          {expanded ? '▾' : '▸'}
        </span>
      ) : (
        <span className="tree-toggle" aria-hidden="true" />
      )}
      <span className={`tree-name ${node.name === '' ? 'muted' : ''}`} title={node.path}>
        {node.name === '' ? '(empty level)' : node.name}
      </span>
      {retainedHere && (
        <span className="badge-retained" data-testid="retained-badge" title="The broker holds a retained message for this topic">
          retained
        </span>
      )}
      {!node.hasChildren || !expanded
        ? retainedBelow > 0 && (
            <span className="badge-retained subtle" title={`${retainedBelow} retained below`}>
              {retainedBelow} retained
            </span>
          )
        : null}
      <span className="tree-count" data-testid="topic-count" data-count={node.messages} title={`${plural(node.messages, 'message')}${node.hasChildren ? ` in ${plural(node.topics, 'topic')}` : ''}`}>
        {formatCount(node.messages)}
      </span>
      <span className="tree-rate">{formatRate(Math.max(0, node.rate))}</span>
    </div>
  );
}
