/**
 * The selected topic (or subtree): its last payload as text, pretty JSON or
 * hex, all rendered as text; size, QoS, retained, last update; the whole
 * payload on request when the preview was cut (`topics.payload`); its kept
 * messages, two of which can be compared; charting its value or a JSON field;
 * and clearing retained messages at or below it, where there are some. A
 * topic a decoder rule matches shows its decoded form (charted by path as
 * JSON is) with the raw hex one click away, and how many of its payloads did
 * not decode and why.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import { DECODER_LABELS, type DecodedPayload, type DecodedPreview } from '../../../shared/decoders';
import type { PayloadPreview, TopicUpdate } from '../../../shared/telemetry';
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
import { fromBase64, fromPreview, hexDump, parseDecoded, parseJsonDocument, scalarKind, type PayloadContent } from './payload';
import type { TopicTree } from './topic-tree';
import { TopicHistoryList } from './TopicHistoryList';
import { SparkplugFacts } from '../sparkplug/SparkplugFacts';

type Mode = 'text' | 'json' | 'hex' | 'decoded';

interface FullPayload {
  content: PayloadContent;
  decoded: DecodedPayload | null;
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

  // Batches carry the payload (preview and decoded form) of the focused topic only: an update made before this panel focused it keeps the last one seen.
  const shownPayload = useRef<{ preview?: PayloadPreview; form?: DecodedPreview }>({});
  if (update?.preview) shownPayload.current.preview = update.preview;
  if (update?.decoded?.json !== undefined) shownPayload.current.form = update.decoded;
  const preview = shownPayload.current.preview;
  const form = shownPayload.current.form;
  const content = useMemo(() => full?.content ?? (preview ? fromPreview(preview) : null), [full, preview]);
  // The decoded form: main's (a decoder rule matched), whole when loaded, else the batch's preview.
  const decodedJson = full?.decoded?.json ?? form?.json;
  const decodedCut = full?.decoded ? full.decoded.truncated : !!form?.truncated;
  const decoded = useMemo(() => parseDecoded(decodedJson, decodedCut), [decodedJson, decodedCut]);
  const decoder = update?.decoded?.decoder ?? null;
  const decodedDocument = decoded.ok && decoded.value !== null && typeof decoded.value === 'object';
  const json = useMemo(() => (decoder ? decoded : parseJsonDocument(content?.text ?? null)), [decoder, decoded, content]);
  const scalarText = decoder ? (decoded.ok && !decodedDocument ? String(decoded.value) : null) : (content?.text ?? null);
  const scalar = useMemo(() => (decoder ? (decodedDocument ? null : scalarKind(scalarText)) : json.ok ? null : scalarKind(scalarText)), [decoder, decodedDocument, json, scalarText]);
  const shown: Mode = decoder
    ? mode === 'hex' || !decodedJson
      ? 'hex'
      : 'decoded'
    : mode === 'json' && !json.ok
      ? 'text'
      : mode === 'decoded' || mode === null
        ? json.ok
          ? 'json'
          : content?.text === null
            ? 'hex'
            : 'text'
        : mode;
  const hex = useMemo(() => (shown === 'hex' && content ? hexDump(content.bytes()) : ''), [shown, content]);

  async function loadFull(topic: TopicUpdate | null = update) {
    if (!topic) return;
    const result = await run(() => client.invoke('topics.payload', { connectionId: profile.id, topic: topic.topic }));
    if (!result.ok) return;
    setFull({ content: fromBase64(result.value.base64, result.value.complete), decoded: result.value.decoded ?? null, size: result.value.size, complete: result.value.complete, count: topic.count });
  }

  // The window's batches carry this topic's decoded form while the panel shows it; the answer is the topic as it is now.
  useEffect(() => {
    let shown = true;
    void client.invoke('telemetry.focus', { topic: path ? { connectionId: profile.id, topic: path } : null }).then((result) => {
      if (!shown || !result.ok || !result.value) return;
      if (tree.apply([result.value], Date.now())) tree.signal.bump();
      // A decoded preview cut short (a Sparkplug birth, a large message) is read whole once when the topic is selected.
      if (result.value.decoded?.truncated) void loadFull(result.value);
    });
    return () => {
      shown = false;
      void client.invoke('telemetry.focus', { topic: null });
    };
    // Once per selection (the panel is keyed by topic), not on every update.
  }, []);

  if (!node) return <p className="muted">This topic is not in the tree any more.</p>;

  const truncated = decoder ? decodedCut : full ? !full.complete : !!preview?.truncated;
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
              {decoder ? (
                <button type="button" aria-pressed={shown === 'decoded'} onClick={() => setMode('decoded')} disabled={!decodedJson} data-testid="view-decoded">
                  {DECODER_LABELS[decoder]}
                </button>
              ) : (
                <>
                  <button type="button" aria-pressed={shown === 'text'} onClick={() => setMode('text')} disabled={content.text === null} data-testid="view-text">
                    Text
                  </button>
                  <button type="button" aria-pressed={shown === 'json'} onClick={() => setMode('json')} disabled={!json.ok} data-testid="view-json">
                    JSON
                  </button>
                </>
              )}
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
          {update.decoded && update.decoded.failures > 0 && (
            <p className="warn small" data-testid="decode-failures">
              {formatCount(update.decoded.failures)} {update.decoded.failures === 1 ? 'payload' : 'payloads'} of this topic did not decode as {DECODER_LABELS[update.decoded.decoder]}. {update.decoded.lastFailure}
            </p>
          )}
          {form?.sparkplug && <SparkplugFacts facts={form.sparkplug} offline={update.offline} connectionId={profile.id} connected={connected} />}
          {truncated && (
            <p className="muted small" data-testid="payload-truncated">
              {full ? `Only the first bytes of this ${formatBytes(full.size)} payload were kept.` : 'This is a preview; load the full payload to see all of it.'}
            </p>
          )}
          {shown === 'json' && json.ok && <JsonView value={json.value} onPick={setFieldPath} picked={fieldPath} />}
          {shown === 'decoded' && decodedDocument && <JsonView value={decoded.value} onPick={setFieldPath} picked={fieldPath} />}
          {shown === 'decoded' && !decodedDocument && (
            <pre className="payload-text mono" data-testid="payload-decoded">
              {decoded.ok ? scalarText : (decodedJson ?? '')}
            </pre>
          )}
          {shown === 'text' && <pre className="payload-text mono" data-testid="payload-text">{content.text ?? ''}</pre>}
          {shown === 'hex' && <pre className="payload-text mono" data-testid="payload-hex">{hex}</pre>}
          {(decoder ? decodedDocument : json.ok) && <ChartSeriesForm profile={profile} topic={update.topic} kind="json" path={fieldPath} onPath={setFieldPath} onOpenDashboard={onOpenDashboard} />}
          {!(decoder ? decodedDocument : json.ok) && scalar && <ChartSeriesForm profile={profile} topic={update.topic} kind={scalar} path="" onPath={() => undefined} onOpenDashboard={onOpenDashboard} />}
          <TopicHistoryList connectionId={profile.id} topic={update.topic} count={update.count} />
        </>
      )}
      {error && <Problem problem={error} />}
    </div>
  );
}
