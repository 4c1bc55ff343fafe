/**
 * Adding a series to a chart from the chart itself, from any connection: a
 * chart on one connection's dashboard may show topics of another (a gateway
 * on one broker, its sensors on another). The topic field suggests topics
 * that connection has received; the value is the payload as a number, as a
 * boolean, or a field of its JSON.
 */
import { useEffect, useId, useState } from 'react';
import type { ChartSpec, ExtractorSpecInput } from '../../../shared/telemetry';
import { useStore } from '../app/store';
import { useServices } from '../app/services';
import { useFrameSignal } from '../app/frame-signal';
import { Problem } from '../feedback/Problem';
import { useAction } from '../feedback/use-action';
import type { TopicNode } from '../topics/topic-tree';
import { addSeries } from './dashboard-edit';
import { JsonPathField } from './JsonPathField';

const MAX_SUGGESTIONS = 50;

/** Topics of a tree that received a message and contain `text` (case-insensitive), at most `max`. */
export function topicSuggestions(root: TopicNode, text: string, max = MAX_SUGGESTIONS): string[] {
  const f = text.trim().toLowerCase();
  const out: string[] = [];
  // Iterative: a hostile topic can be thousands of levels deep.
  const stack: TopicNode[] = [...root.children.values()];
  while (stack.length && out.length < max) {
    const node = stack.pop() as TopicNode;
    if (node.topic && (!f || node.lower.includes(f))) out.push(node.path);
    for (const child of node.children.values()) stack.push(child);
  }
  return out.sort();
}

export function AddSeriesForm({ profileId, spec, onDone }: { profileId: string; spec: ChartSpec; onDone: () => void }) {
  const { dashboards, topics } = useServices();
  const profiles = useStore((s) => s.profiles);
  const [connectionId, setConnectionId] = useState(profileId);
  const [topic, setTopic] = useState('');
  const [kind, setKind] = useState<ExtractorSpecInput['kind']>('number');
  const [path, setPath] = useState('');
  const { busy, error, run, fail } = useAction();
  const listId = useId();
  const tree = topics.tree(connectionId);
  useFrameSignal(tree.signal);

  useEffect(() => void topics.load(connectionId), [topics, connectionId]);

  async function add() {
    const name = topic.trim();
    if (!name) return fail({ code: 'topic_missing', message: 'Type the topic to chart.', hint: 'Pick one the connection has received from the list, or type it exactly.' });
    const extractor: ExtractorSpecInput = kind === 'json' ? { kind: 'json', path: path.trim() } : { kind };
    if (extractor.kind === 'json' && !extractor.path) return fail({ code: 'path_missing', message: 'Type the JSON path of the field (temp, or sensors[0].value).', hint: '' });
    const result = await run(() =>
      dashboards.save(profileId, (dashboard) => {
        const edit = addSeries(dashboard, spec.id, { connectionId, topic: name, extractor, label: '' }, '');
        return edit.ok ? edit.dashboard : { error: edit.reason };
      }),
    );
    if (result.ok) onDone();
  }

  return (
    <form
      className="add-series"
      data-testid="add-series"
      aria-busy={busy}
      onSubmit={(e) => {
        e.preventDefault();
        void add();
      }}
    >
      <label className="field">
        <span className="field-label">Connection</span>
        <select value={connectionId} onChange={(e) => setConnectionId(e.target.value)} data-testid="add-series-connection">
          {profiles.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span className="field-label">Topic</span>
        <input className="mono" list={listId} value={topic} onChange={(e) => setTopic(e.target.value)} placeholder="plant/line1/oven1/temperature" spellCheck={false} data-testid="add-series-topic" />
        <datalist id={listId}>
          {topicSuggestions(tree.root, topic).map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
      </label>
      <label className="field">
        <span className="field-label">Value</span>
        <select value={kind} onChange={(e) => setKind(e.target.value as ExtractorSpecInput['kind'])} data-testid="add-series-kind">
          <option value="number">The payload as a number</option>
          <option value="boolean">The payload as on/off</option>
          <option value="json">A JSON field</option>
        </select>
      </label>
      {kind === 'json' && <JsonPathField value={path} onChange={setPath} testId="add-series-path" />}
      <div className="row">
        <button type="submit" className="small-button primary" disabled={busy} data-testid="add-series-submit">
          Add to chart
        </button>
        <button type="button" className="link small" onClick={onDone}>
          Cancel
        </button>
      </div>
      {error && <Problem problem={error} />}
    </form>
  );
}
