/**
 * A connection's Sparkplug B fleet as births, deaths and data define it:
 * group → edge node → device → metric, each node and device online or
 * offline (a DEATH after its last birth) or not yet born, sequence gaps, host
 * applications' STATE; the rebirth request per node; a selected metric with
 * its type, alias and value, charted by name from its DATA topic. Read from
 * main (`sparkplug.tree`) when the connection's topics change, at most
 * twice a second.
 */
import { useEffect, useMemo, useRef, useState } from 'react';
import type { Profile } from '../../../shared/profiles';
import { metricPath, sparkplugTopic, type SparkplugTree } from '../../../shared/sparkplug';
import { formatCount, formatTime } from '../app/format';
import { useFrameSignal } from '../app/frame-signal';
import { useClient } from '../app/services';
import { Problem } from '../feedback/Problem';
import type { AppError } from '../../../shared/result';
import { ChartSeriesForm } from '../topics/ChartSeriesForm';
import type { TopicTree } from '../topics/topic-tree';
import { RebirthButton } from './RebirthButton';
import { isOpen, sparkplugRows, valueText, type Row } from './sparkplug-rows';

const REFRESH_MS = 500;
const plural = (n: number, noun: string) => `${formatCount(n)} ${noun}${n === 1 ? '' : 's'}`;
const EMPTY: SparkplugTree = { nodes: [], hosts: [], truncated: false };

function useSparkplugTree(connectionId: string, tree: TopicTree): { data: SparkplugTree; error: AppError | null } {
  const client = useClient();
  const version = useFrameSignal(tree.signal);
  const [data, setData] = useState<SparkplugTree>(EMPTY);
  const [error, setError] = useState<AppError | null>(null);
  const last = useRef(0);
  useEffect(() => {
    let cancelled = false;
    const read = () => {
      last.current = Date.now();
      void client.invoke('sparkplug.tree', { connectionId }).then((result) => {
        if (cancelled) return;
        if (result.ok) {
          setData(result.value);
          setError(null);
        } else setError(result.error);
      });
    };
    const wait = Math.max(0, last.current + REFRESH_MS - Date.now());
    const timer = setTimeout(read, wait);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  }, [client, connectionId, version]);
  return { data, error };
}

function State({ born, offline }: { born: boolean; offline: boolean }) {
  const label = offline ? 'offline' : born ? 'online' : 'no birth';
  return (
    <span className={`sp-state sp-${label.replace(' ', '-')}`} data-testid="sp-state">
      {label}
    </span>
  );
}

function RowView({ row, open, selected, onToggle, onSelect }: { row: Row; open: boolean; selected: boolean; onToggle: () => void; onSelect: () => void }) {
  const indent = <span className="tree-indent" style={{ width: row.depth * 14 }} />;
  const toggle =
    row.kind === 'metric' ? (
      <span className="tree-toggle" aria-hidden="true" />
    ) : (
      <span className="tree-toggle" aria-hidden="true">
        {open ? '▾' : '▸'}
      </span>
    );
  const common = { role: 'treeitem', 'aria-level': row.depth + 1, 'aria-selected': selected, className: `tree-row ${selected ? 'selected' : ''}`, 'data-testid': `sp-${row.kind}` } as const;
  switch (row.kind) {
    case 'group':
      return (
        <div {...common} aria-expanded={open} onClick={onToggle} data-name={row.group}>
          {indent}
          {toggle}
          <span className="tree-name">{row.group}</span>
          <span className="tree-count muted">{plural(row.nodes, 'edge node')}</span>
        </div>
      );
    case 'node':
      return (
        <div {...common} aria-expanded={open} onClick={onSelect} data-name={row.node.edge}>
          {indent}
          <span onClick={(e) => (e.stopPropagation(), onToggle())}>{toggle}</span>
          <span className="tree-name">{row.node.edge}</span>
          <State born={row.node.born} offline={row.node.offline} />
          {row.node.seqGaps > 0 && <span className="badge-retained">{formatCount(row.node.seqGaps)} seq gaps</span>}
        </div>
      );
    case 'device':
      return (
        <div {...common} aria-expanded={open} onClick={onSelect} data-name={row.device.device}>
          {indent}
          <span onClick={(e) => (e.stopPropagation(), onToggle())}>{toggle}</span>
          <span className="tree-name">{row.device.device}</span>
          <State born={row.device.born} offline={row.device.offline || row.node.offline} />
          <span className="tree-count muted">{plural(row.device.metrics.length, 'metric')}</span>
        </div>
      );
    case 'metric':
      return (
        <div {...common} onClick={onSelect} data-name={row.metric.name}>
          {indent}
          {toggle}
          <span className="tree-name" title={row.metric.name}>
            {row.metric.name}
          </span>
          <span className="tree-count mono" data-testid="sp-value">
            {valueText(row.metric.value)}
          </span>
        </div>
      );
  }
}

function Details({ row, profile, connected, onOpenDashboard }: { row: Row; profile: Profile; connected: boolean; onOpenDashboard: () => void }) {
  if (row.kind === 'group') return <p className="muted">Group {row.group}: select an edge node, a device or a metric.</p>;
  const node = row.node;
  const nodeFacts = (
    <dl className="facts compact">
      <dt>Edge node</dt>
      <dd className="mono">{node.edge}</dd>
      <dt>Group</dt>
      <dd className="mono">{node.group}</dd>
      <dt>State</dt>
      <dd>
        <State born={node.born} offline={node.offline} />
      </dd>
      <dt>Births</dt>
      <dd>{formatCount(node.births)}</dd>
      <dt>Sequence gaps</dt>
      <dd data-testid="sp-seq-gaps">{formatCount(node.seqGaps)}</dd>
      <dt>bdSeq</dt>
      <dd>{node.bdSeq ?? '–'}</dd>
    </dl>
  );
  if (row.kind === 'node' || row.kind === 'device') {
    return (
      <div data-testid="sp-details">
        <h3 className="mono wrap">{row.kind === 'device' ? `${node.edge} / ${row.device.device}` : node.edge}</h3>
        {nodeFacts}
        {node.staleDeaths > 0 && <p className="muted small">{formatCount(node.staleDeaths)} NDEATH of an earlier session (another bdSeq) ignored.</p>}
        {!node.born && <p className="warn small">No NBIRTH seen since the app started: DATA sent by alias cannot be named until the node publishes its births.</p>}
        <RebirthButton connectionId={profile.id} group={node.group} edge={node.edge} connected={connected} />
      </div>
    );
  }
  const device = row.device?.device ?? '';
  const topic = device ? sparkplugTopic('DDATA', node.group, node.edge, device) : sparkplugTopic('NDATA', node.group, node.edge);
  return <MetricDetails key={row.key} row={row} topic={topic} device={device} profile={profile} onOpenDashboard={onOpenDashboard} />;
}

function MetricDetails({ row, topic, device, profile, onOpenDashboard }: { row: Extract<Row, { kind: 'metric' }>; topic: string; device: string; profile: Profile; onOpenDashboard: () => void }) {
  const { metric, node } = row;
  const [path, setPath] = useState(() => metricPath(metric.name) ?? '');
  return (
    <div data-testid="sp-details">
      <h3 className="mono wrap">{metric.name}</h3>
      <dl className="facts compact">
        <dt>Value</dt>
        <dd className="mono" data-testid="sp-metric-value">
          {valueText(metric.value)}
        </dd>
        <dt>Type</dt>
        <dd>{metric.type}</dd>
        <dt>Alias</dt>
        <dd>{metric.alias ?? '–'}</dd>
        <dt>Time</dt>
        <dd>{metric.timestamp === null ? '–' : formatTime(metric.timestamp)}</dd>
        <dt>{device ? 'Device' : 'Edge node'}</dt>
        <dd className="mono">{device || node.edge}</dd>
        <dt>State</dt>
        <dd>
          <State born={row.device?.born ?? node.born} offline={node.offline || !!row.device?.offline} />
        </dd>
      </dl>
      <p className="muted small">
        Charted from <span className="mono">{topic}</span> by the path <span className="mono">{metricPath(metric.name) ?? '(this name cannot be written as a path)'}</span>.
      </p>
      <ChartSeriesForm profile={profile} topic={topic} kind="json" path={path} onPath={setPath} onOpenDashboard={onOpenDashboard} />
    </div>
  );
}

export function SparkplugView({ profile, tree, connected, onOpenDashboard }: { profile: Profile; tree: TopicTree; connected: boolean; onOpenDashboard: () => void }) {
  const { data, error } = useSparkplugTree(profile.id, tree);
  const [toggled, setToggled] = useState<ReadonlySet<string>>(new Set());
  const [filter, setFilter] = useState('');
  const [selected, setSelected] = useState<string | null>(null);
  const { rows, hidden } = useMemo(() => sparkplugRows(data, toggled, filter), [data, toggled, filter]);
  const chosen = rows.find((r) => r.key === selected) ?? null;
  const toggle = (key: string) =>
    setToggled((t) => {
      const next = new Set(t);
      if (next.has(key)) next.delete(key);
      else next.add(key);
      return next;
    });

  return (
    <div className="topics-split" data-testid="sparkplug-view">
      <section className="panel tree-panel" aria-label="Sparkplug B fleet">
        <div className="tree-head">
          <input type="search" className="tree-filter" value={filter} onChange={(e) => setFilter(e.target.value)} placeholder="Filter nodes, devices, metrics" aria-label="Filter the Sparkplug fleet" spellCheck={false} data-testid="sp-filter" />
          <span className="muted small">
            {plural(data.nodes.length, 'edge node')} · {plural(data.nodes.reduce((n, node) => n + node.devices.length, 0), 'device')}
          </span>
        </div>
        {data.hosts.length > 0 && (
          <p className="small" data-testid="sp-hosts">
            Host applications:{' '}
            {data.hosts.map((h) => (
              <span key={h.host} className="sp-host">
                <span className="mono">{h.host}</span> <State born offline={!h.online} />{' '}
              </span>
            ))}
          </p>
        )}
        <div className="tree-scroll" role="tree" aria-label="Sparkplug B fleet" data-testid="sp-tree">
          {rows.length === 0 && <p className="muted tree-empty">{filter ? `Nothing contains “${filter}”.` : 'No Sparkplug B edge node seen yet. Subscribe to spBv1.0/# to see births, data and deaths.'}</p>}
          {rows.map((row) => (
            <RowView key={row.key} row={row} open={row.kind !== 'metric' && (!!filter.trim() || isOpen(row.kind, row.key, toggled))} selected={row.key === selected} onToggle={() => toggle(row.key)} onSelect={() => setSelected(row.key)} />
          ))}
          {(hidden > 0 || data.truncated) && <p className="muted small">More rows than shown: type a filter to narrow them.</p>}
        </div>
        {error && <Problem problem={error} />}
      </section>
      <section className="panel payload-side" aria-label="Selected Sparkplug item">
        {chosen ? <Details row={chosen} profile={profile} connected={connected} onOpenDashboard={onOpenDashboard} /> : <p className="muted">Select an edge node, a device or a metric to see its state, request a rebirth, or chart a metric by name.</p>}
      </section>
    </div>
  );
}
