/**
 * The selected topic (or subtree): its last payload as text, pretty JSON or
 * hex, all rendered as text; size, QoS, retained, last update; the whole
 * payload on request when the preview was cut (`topics.payload`); its kept
 * messages, two of which can be compared; charting its value or a JSON field;
 * and clearing retained messages at or below it, where there are some.
 */
import { useMemo, useState } from 'react';
import type { Profile } from '../../../shared/profiles';
import { useFrameSignal } from '../app/frame-signal';
import { useClient } from '../app/services';
import { Busy } from '../feedback/Busy';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import { ChartSeriesForm } from './ChartSeriesForm';
import { ClearRetained } from './ClearRetained';
import { formatBytes, formatCount, formatRate, formatTime, plural } from '../app/format';
import { JsonView } from './JsonView';
import { fromBase64, fromPreview, hexDump, parseJsonDocument, scalarKind, type PayloadContent } from './payload';
import type { TopicTree } from './topic-tree';
import { TopicHistoryList } from './TopicHistoryList';

type Mode = 'text' | 'json' | 'hex';

interface FullPayload {
  content: PayloadContent;
  size: number;
  complete: boolean;
  /** The topic's message count when it was read, to say when a newer one arrived. */
  count: number;
}

export function PayloadPanel({ tree, profile, path, connected, onOpenDashboard }: { tree: TopicTree; profile: Profile; path: string; connected: boolean; onOpenDashboard: () => void }) {
  const client = useClient();
  useFrameSignal(tree.signal);
  const node = tree.node(path);
  const update = node?.topic ?? null;
  const [full, setFull] = useState<FullPayload | null>(null);
  const { busy: loading, error, run } = useAction();
  const [mode, setMode] = useState<Mode | null>(null);
  const [fieldPath, setFieldPath] = useState('');

  const preview = update?.preview;
  const content = useMemo(() => full?.content ?? (preview ? fromPreview(preview) : null), [full, preview]);
  const json = useMemo(() => parseJsonDocument(content?.text ?? null), [content]);
  const scalar = useMemo(() => (json.ok ? null : scalarKind(content?.text ?? null)), [json, content]);
  const shown: Mode = mode === 'json' && !json.ok ? 'text' : (mode ?? (json.ok ? 'json' : content?.text === null ? 'hex' : 'text'));
  const hex = useMemo(() => (shown === 'hex' && content ? hexDump(content.bytes()) : ''), [shown, content]);

  async function loadFull() {
    if (!update) return;
    const result = await run(() => client.invoke('topics.payload', { connectionId: profile.id, topic: update.topic }));
    if (!result.ok) return;
    setFull({ content: fromBase64(result.value.base64, result.value.complete), size: result.value.size, complete: result.value.complete, count: update.count });
  }

  if (!node) return <p className="muted">This topic is not in the tree any more.</p>;

  const truncated = full ? !full.complete : !!preview?.truncated;
  return (
    <div className="payload-panel" data-testid="payload-panel" data-topic={path}>
      <h3 className="mono wrap topic-title">{path || '(empty level)'}</h3>
      {node.hasChildren && (
        <p className="muted small">
          {plural(node.topics, 'topic')}, {plural(node.messages, 'message')}
          {node.retained ? `, ${formatCount(node.retained)} retained` : ''} at or below this level.
        </p>
      )}
      {update && (
        <dl className="facts compact" data-testid="payload-facts">
          <dt>Size</dt>
          <dd>{formatBytes(update.size)}</dd>
          <dt>QoS</dt>
          <dd>{update.qos}</dd>
          <dt>Retained</dt>
          <dd>{update.retained ? 'yes' : 'no'}</dd>
          <dt>Last update</dt>
          <dd>{formatTime(update.updatedAt)}</dd>
          <dt>Messages</dt>
          <dd data-testid="payload-count">
            {formatCount(update.count)} {formatRate(node.ownRate) && `(${formatRate(node.ownRate)})`}
          </dd>
        </dl>
      )}
      <ClearRetained key={path} connectionId={profile.id} prefix={path} connected={connected} available={node.retained > 0} />
      {update && content && (
        <>
          <div className="payload-tools">
            <div className="segmented" role="group" aria-label="Show the payload as">
              <button type="button" aria-pressed={shown === 'text'} onClick={() => setMode('text')} disabled={content.text === null} data-testid="view-text">
                Text
              </button>
              <button type="button" aria-pressed={shown === 'json'} onClick={() => setMode('json')} disabled={!json.ok} data-testid="view-json">
                JSON
              </button>
              <button type="button" aria-pressed={shown === 'hex'} onClick={() => setMode('hex')} data-testid="view-hex">
                Hex
              </button>
            </div>
            {truncated && !full && (
              <button type="button" onClick={() => void loadFull()} disabled={loading} data-testid="load-full">
                Load full payload
              </button>
            )}
            {loading && <Busy label="Loading…" />}
          </div>
          {full && full.count !== update.count && <p className="muted small">Showing the payload loaded at message {formatCount(full.count)}; newer messages arrived.</p>}
          {truncated && (
            <p className="muted small" data-testid="payload-truncated">
              {full ? `Only the first bytes of this ${formatBytes(full.size)} payload were kept.` : 'This is a preview; load the full payload to see all of it.'}
            </p>
          )}
          {shown === 'json' && json.ok && <JsonView value={json.value} onPick={setFieldPath} picked={fieldPath} />}
          {shown === 'text' && <pre className="payload-text mono" data-testid="payload-text">{content.text ?? ''}</pre>}
          {shown === 'hex' && <pre className="payload-text mono" data-testid="payload-hex">{hex}</pre>}
          {json.ok && <ChartSeriesForm profile={profile} topic={update.topic} kind="json" path={fieldPath} onPath={setFieldPath} onOpenDashboard={onOpenDashboard} />}
          {!json.ok && scalar && <ChartSeriesForm profile={profile} topic={update.topic} kind={scalar} path="" onPath={() => undefined} onOpenDashboard={onOpenDashboard} />}
          <TopicHistoryList connectionId={profile.id} topic={update.topic} count={update.count} />
        </>
      )}
      {error && <Problem problem={error} />}
    </div>
  );
}
