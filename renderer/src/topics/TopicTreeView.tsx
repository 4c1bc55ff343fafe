/**
 * The topic tree on screen: a virtualized list (fixed row height, only the
 * rows in view are rendered) over the tree's visible rows, redrawn at most
 * once per frame. One tab stop; arrow keys move the selection, Right/Left
 * open and close (or go to the child/parent), Home/End and Page keys jump,
 * Enter toggles.
 */
import { useLayoutEffect, useRef, useState, type KeyboardEvent } from 'react';
import { useFrameSignal } from '../app/frame-signal';
import type { TopicNode, TopicTree } from './topic-tree';
import { TopicRow } from './TopicRow';
import { useViewportHeight } from './viewport';

/** Must match `.tree-row` in styles.css. */
export const ROW_HEIGHT = 26;
const OVERSCAN = 8;

export function rowId(node: TopicNode): string {
  return `topic-node-${node.id}`;
}

export function TopicTreeView({ tree, filter, selected, onSelect }: { tree: TopicTree; filter: string; selected: string | null; onSelect: (path: string) => void }) {
  useFrameSignal(tree.signal);
  const [, setExpansionVersion] = useState(0);
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const height = useViewportHeight(scroller);
  const rows = tree.rows(filter);
  const index = selected === null ? -1 : rows.findIndex((n) => n.path === selected);

  // Keep the selected row in view when the keyboard moves it.
  const follow = useRef(false);
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!follow.current || !el || index < 0) return;
    follow.current = false;
    const top = index * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
    setScrollTop(el.scrollTop);
  }, [index]);

  function toggle(node: TopicNode, expanded = !tree.expansion.isExpanded(node)) {
    tree.expansion.set(node, expanded);
    setExpansionVersion(tree.expansion.version);
  }

  function select(i: number) {
    const node = rows[Math.max(0, Math.min(rows.length - 1, i))];
    if (!node) return;
    follow.current = true;
    onSelect(node.path);
  }

  function onKeyDown(event: KeyboardEvent) {
    const node = index >= 0 ? rows[index] : undefined;
    const page = Math.max(1, Math.floor(height / ROW_HEIGHT) - 1);
    switch (event.key) {
      case 'ArrowDown':
        select(index + 1);
        break;
      case 'ArrowUp':
        select(index < 0 ? 0 : index - 1);
        break;
      case 'PageDown':
        select(index + page);
        break;
      case 'PageUp':
        select(index - page);
        break;
      case 'Home':
        select(0);
        break;
      case 'End':
        select(rows.length - 1);
        break;
      case 'ArrowRight':
        if (!node) select(0);
        else if (node.hasChildren && !tree.expansion.isExpanded(node)) toggle(node, true);
        else if (node.hasChildren) select(index + 1);
        break;
      case 'ArrowLeft':
        if (!node) select(0);
        else if (node.hasChildren && tree.expansion.isExpanded(node)) toggle(node, false);
        else if (node.parent && node.parent.depth >= 0) {
          const parent = rows.indexOf(node.parent);
          if (parent >= 0) select(parent);
        }
        break;
      case 'Enter':
      case ' ':
        if (node?.hasChildren) toggle(node);
        else if (!node) select(0);
        break;
      default:
        return;
    }
    event.preventDefault();
  }

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const visible = rows.slice(first, last);
  const active = index >= 0 ? rows[index] : undefined;
  // One clock reading per frame for every row's flash.
  const now = Date.now();

  return (
    <div
      ref={scroller}
      className="tree-scroll"
      role="tree"
      aria-label="Topics"
      tabIndex={0}
      aria-activedescendant={active ? rowId(active) : undefined}
      onKeyDown={onKeyDown}
      onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}
      data-testid="topic-tree"
      data-rows={rows.length}
    >
      {rows.length === 0 && <p className="muted tree-empty">{filter ? `No topic contains “${filter}”.` : 'No messages yet. Messages on the subscribed topics appear here.'}</p>}
      <div className="tree-spacer" style={{ height: rows.length * ROW_HEIGHT }}>
        <div className="tree-window" style={{ transform: `translateY(${first * ROW_HEIGHT}px)` }}>
          {visible.map((node) => (
            <TopicRow
              key={node.id}
              id={rowId(node)}
              node={node}
              expanded={node.hasChildren && tree.expansion.isExpanded(node)}
              selected={node.path === selected}
              now={now}
              onSelect={() => onSelect(node.path)}
              onToggle={() => toggle(node)}
            />
          ))}
        </div>
      </div>
    </div>
  );
}
