/**
 * A connection's messages as they arrive, every topic in one list (newest
 * first), narrowed by a topic filter and a text, with a pause to read: a
 * virtualized list (only the rows in view are rendered) over the window's
 * bounded MessageList, fed by the telemetry batches. A row opens the message:
 * its facts, its payload preview, the whole payload while it is kept.
 */
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { KeptMessage } from '../../../shared/telemetry';
import type { Profile } from '../../../shared/profiles';
import { useFrameSignal } from '../app/frame-signal';
import { useServices } from '../app/services';
import { formatBytes, formatCount, formatTimeMs, plural } from '../app/format';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { filterProblem, LIST_CAPACITY, type ListFilter } from './message-list';
import { fromKeptMessage, fromPreview, type PayloadContent } from './payload';
import { useViewportHeight } from './viewport';

/** Must match `.message-row` in styles.css. */
const ROW_HEIGHT = 24;
const OVERSCAN = 8;
/** Typing settles this long before the list is asked for anew. */
const FILTER_SETTLE_MS = 250;

function MessageRow({ message, selected, onSelect }: { message: KeptMessage; selected: boolean; onSelect: () => void }) {
  return (
    <div role="option" aria-selected={selected} className={`message-row ${selected ? 'selected' : ''}`} onClick={onSelect} data-testid="message-row" data-topic={message.topic} data-seq={message.seq}>
      <span className="message-time mono">{formatTimeMs(message.time)}</span>
      <span className="message-topic" title={message.topic}>
        {message.topic}
      </span>
      <span className="message-flags" title={`QoS ${message.qos}${message.retain ? ', retained' : ''}`}>
        Q{message.qos}
        {message.retain ? ' R' : ''}
      </span>
      <span className="message-size">{formatBytes(message.size)}</span>
      <span className="message-preview mono">{message.preview.encoding === 'text' ? message.preview.data : `(binary, ${formatBytes(message.size)})`}</span>
    </div>
  );
}

function MessageDetail({ connectionId, message }: { connectionId: string; message: KeptMessage }) {
  const { client } = useServices();
  const [full, setFull] = useState<PayloadContent | null>(null);
  const [decodeError, setDecodeError] = useState<string | null>(null);
  const { busy, error, run } = useAction();
  const content = full ?? fromPreview(message.preview);

  async function loadFull() {
    const result = await run(() => client.invoke('topics.message', { connectionId, topic: message.topic, seq: message.seq }));
    if (!result.ok) return;
    setFull(fromKeptMessage(result.value));
    setDecodeError(result.value.decoded?.error ?? null);
  }

  // A binary payload is read back at once: a decoder rule may read it (Sparkplug B, Protobuf…), and it then shows decoded.
  const binary = message.preview.encoding === 'base64';
  useEffect(() => {
    if (binary) void loadFull();
    // Once per message shown (the detail is keyed by message).
  }, []);

  return (
    <div className="message-detail" data-testid="message-detail">
      <h3 className="mono wrap topic-title">{message.topic}</h3>
      <p className="muted small">
        {formatTimeMs(message.time)} · QoS {message.qos} · {message.retain ? 'retained' : 'not retained'} · {formatBytes(message.size)}
      </p>
      {decodeError && <p className="warn small" data-testid="message-decode-error">{decodeError}</p>}
      <pre className="payload-text mono" data-testid="message-payload">
        {content.text ?? '(binary payload: open the topic for its hex view)'}
      </pre>
      {message.preview.truncated && !full && (
        <button type="button" className="small-button" onClick={() => void loadFull()} disabled={busy} data-testid="message-load-full">
          Load full payload
        </button>
      )}
      {busy && <Busy label="Loading…" />}
      {error && <Problem problem={error} />}
    </div>
  );
}

export function MessageListView({ profile }: { profile: Profile }) {
  const { messages: list } = useServices();
  useFrameSignal(list.signal);
  const [filter, setFilter] = useState<ListFilter>({ topicFilter: '', text: '' });
  const [selected, setSelected] = useState<KeptMessage | null>(null);
  const problem = filterProblem(filter);
  const scroller = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const height = useViewportHeight(scroller);

  useEffect(() => {
    if (problem) return;
    const timer = setTimeout(() => void list.open(profile.id, filter), list.connectionId === profile.id ? FILTER_SETTLE_MS : 0);
    return () => clearTimeout(timer);
  }, [list, profile.id, filter, problem]);
  useEffect(() => () => void list.close(), [list]);

  // Newer messages go on top: an operator scrolled down to read keeps the same rows in view.
  const messages = list.messages;
  const newest = messages[0]?.seq ?? null;
  const previousNewest = useRef<number | null>(null);
  useLayoutEffect(() => {
    const el = scroller.current;
    const before = previousNewest.current;
    previousNewest.current = newest;
    if (!el || before === null || newest === before || el.scrollTop === 0) return;
    const moved = messages.findIndex((m) => m.seq === before);
    if (moved > 0) {
      el.scrollTop += moved * ROW_HEIGHT;
      setScrollTop(el.scrollTop);
    }
  }, [newest, messages]);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(messages.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const visible = messages.slice(first, last);
  const mine = list.connectionId === profile.id;

  return (
    <div className="message-list-view" data-testid="message-list">
      <div className="message-tools">
        <input type="search" value={filter.topicFilter} onChange={(e) => setFilter({ ...filter, topicFilter: e.target.value })} placeholder="Topic filter, e.g. plant/+/temp" aria-label="Topic filter" aria-invalid={!!problem || undefined} spellCheck={false} data-testid="message-topic-filter" />
        <input type="search" value={filter.text} onChange={(e) => setFilter({ ...filter, text: e.target.value })} placeholder="Text in topic or payload" aria-label="Text in topic or payload" spellCheck={false} data-testid="message-text-filter" />
        <button type="button" aria-pressed={list.paused} onClick={() => void list.setPaused(!list.paused)} disabled={!mine} data-testid="message-pause">
          {list.paused ? 'Resume' : 'Pause'}
        </button>
      </div>
      {problem && <p className="warn small">{problem}</p>}
      <p className="muted small" role="status" data-testid="message-status">
        {list.paused ? 'Paused: new messages are not listed. ' : ''}
        {plural(messages.length, 'message')} listed{messages.length >= LIST_CAPACITY ? ` (the newest ${formatCount(LIST_CAPACITY)})` : ''}
        {list.unlisted > 0 ? ` · ${plural(list.unlisted, 'message')} arrived too fast to list` : ''}
      </p>
      <div className="message-split">
        <div ref={scroller} className="message-scroll" role="listbox" aria-label="Messages" tabIndex={0} onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)} data-testid="message-scroll" data-rows={messages.length}>
          {messages.length === 0 && <p className="muted tree-empty">{list.paused ? 'Paused.' : 'No messages yet. Messages that arrive, and the ones kept, are listed here.'}</p>}
          <div className="tree-spacer" style={{ height: messages.length * ROW_HEIGHT }}>
            <div className="tree-window" style={{ transform: `translateY(${first * ROW_HEIGHT}px)` }}>
              {visible.map((message) => (
                <MessageRow key={message.seq} message={message} selected={selected?.seq === message.seq} onSelect={() => setSelected(message)} />
              ))}
            </div>
          </div>
        </div>
        {selected && <MessageDetail key={selected.seq} connectionId={profile.id} message={selected} />}
      </div>
    </div>
  );
}
