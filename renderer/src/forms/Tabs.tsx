/**
 * A row of tabs with the keyboard behaviour of the WAI-ARIA tabs pattern:
 * one tab stop, Left/Right (and Home/End) move between tabs and select them.
 * The caller renders the selected panel with `tabPanelProps`.
 */
import { useRef, type KeyboardEvent } from 'react';

export interface TabItem<K extends string> {
  key: K;
  label: string;
}

export function tabIds(prefix: string, key: string): { tab: string; panel: string } {
  return { tab: `${prefix}-tab-${key}`, panel: `${prefix}-panel-${key}` };
}

/** Props for the panel of the selected tab. */
export function tabPanelProps(prefix: string, key: string) {
  const ids = tabIds(prefix, key);
  return { id: ids.panel, role: 'tabpanel', 'aria-labelledby': ids.tab } as const;
}

export function Tabs<K extends string>({ tabs, selected, onSelect, prefix, label }: { tabs: Array<TabItem<K>>; selected: K; onSelect: (key: K) => void; prefix: string; label: string }) {
  const refs = useRef(new Map<K, HTMLButtonElement>());

  function onKeyDown(event: KeyboardEvent) {
    const i = tabs.findIndex((t) => t.key === selected);
    let j = -1;
    if (event.key === 'ArrowRight') j = (i + 1) % tabs.length;
    else if (event.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
    else if (event.key === 'Home') j = 0;
    else if (event.key === 'End') j = tabs.length - 1;
    if (j < 0) return;
    event.preventDefault();
    const next = tabs[j] as TabItem<K>;
    onSelect(next.key);
    refs.current.get(next.key)?.focus();
  }

  return (
    <div className="tabs" role="tablist" aria-label={label} onKeyDown={onKeyDown}>
      {tabs.map((t) => {
        const ids = tabIds(prefix, t.key);
        const active = t.key === selected;
        return (
          <button
            key={t.key}
            ref={(el) => {
              if (el) refs.current.set(t.key, el);
              else refs.current.delete(t.key);
            }}
            type="button"
            role="tab"
            id={ids.tab}
            aria-selected={active}
            aria-controls={active ? ids.panel : undefined}
            tabIndex={active ? 0 : -1}
            className={`tab ${active ? 'active' : ''}`}
            data-testid={`tab-${t.key}`}
            onClick={() => onSelect(t.key)}
          >
            {t.label}
          </button>
        );
      })}
    </div>
  );
}
