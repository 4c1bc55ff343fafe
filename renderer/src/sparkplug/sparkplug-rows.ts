/**
 * The Sparkplug B tree as rows on screen: group → edge node → device →
 * metric (a node's own metrics sit under the node), host applications apart;
 * groups and nodes open by default, devices closed; a filter shows the
 * metrics whose name, device or node contains it, with their parents. Pure:
 * built again from each `sparkplug.tree` answer.
 */
import type { SparkplugDevice, SparkplugMetric, SparkplugNode, SparkplugTree } from '../../../shared/sparkplug';

export type Row =
  | { kind: 'group'; key: string; depth: 0; group: string; nodes: number }
  | { kind: 'node'; key: string; depth: 1; node: SparkplugNode }
  | { kind: 'device'; key: string; depth: 2; node: SparkplugNode; device: SparkplugDevice }
  | { kind: 'metric'; key: string; depth: 2 | 3; node: SparkplugNode; device: SparkplugDevice | null; metric: SparkplugMetric };

/** Rows shown at most; the rest are counted, and the filter narrows them. */
export const MAX_ROWS = 2000;

export const groupKey = (group: string) => `g\u0000${group}`;
export const nodeKey = (node: Pick<SparkplugNode, 'group' | 'edge'>) => `n\u0000${node.group}\u0000${node.edge}`;
export const deviceKey = (node: Pick<SparkplugNode, 'group' | 'edge'>, device: string) => `d\u0000${node.group}\u0000${node.edge}\u0000${device}`;
export const metricKey = (node: Pick<SparkplugNode, 'group' | 'edge'>, device: string, metric: string) => `m\u0000${node.group}\u0000${node.edge}\u0000${device}\u0000${metric}`;

/** Whether a row is open: groups and nodes unless closed, devices only when opened (`toggled` flips the default). */
export function isOpen(kind: Row['kind'], key: string, toggled: ReadonlySet<string>): boolean {
  const byDefault = kind === 'group' || kind === 'node';
  return byDefault !== toggled.has(key);
}

export function sparkplugRows(tree: SparkplugTree, toggled: ReadonlySet<string>, filter: string): { rows: Row[]; hidden: number } {
  const f = filter.trim().toLowerCase();
  const matches = (...texts: string[]) => !f || texts.some((t) => t.toLowerCase().includes(f));
  const rows: Row[] = [];
  let hidden = 0;
  const push = (row: Row) => {
    if (rows.length < MAX_ROWS) rows.push(row);
    else hidden++;
  };
  const groups = new Map<string, SparkplugNode[]>();
  for (const node of tree.nodes) groups.set(node.group, [...(groups.get(node.group) ?? []), node]);
  for (const [group, nodes] of groups) {
    const shownNodes = nodes.filter((n) => matches(n.edge, group) || n.metrics.some((m) => matches(m.name)) || n.devices.some((d) => matches(d.device) || d.metrics.some((m) => matches(m.name))));
    if (shownNodes.length === 0) continue;
    push({ kind: 'group', key: groupKey(group), depth: 0, group, nodes: nodes.length });
    if (!f && !isOpen('group', groupKey(group), toggled)) continue;
    for (const node of shownNodes) {
      const nk = nodeKey(node);
      push({ kind: 'node', key: nk, depth: 1, node });
      if (!f && !isOpen('node', nk, toggled)) continue;
      const nodeMatch = matches(node.edge, group);
      for (const device of node.devices) {
        const deviceMatch = nodeMatch || matches(device.device);
        if (!deviceMatch && !device.metrics.some((m) => matches(m.name))) continue;
        const dk = deviceKey(node, device.device);
        push({ kind: 'device', key: dk, depth: 2, node, device });
        if (!f && !isOpen('device', dk, toggled)) continue;
        for (const metric of device.metrics) if (deviceMatch || matches(metric.name)) push({ kind: 'metric', key: metricKey(node, device.device, metric.name), depth: 3, node, device, metric });
      }
      for (const metric of node.metrics) if (nodeMatch || matches(metric.name)) push({ kind: 'metric', key: metricKey(node, '', metric.name), depth: 2, node, device: null, metric });
    }
  }
  return { rows, hidden };
}

/** A metric's value as the tree shows it. */
export function valueText(value: SparkplugMetric['value']): string {
  if (value === null) return 'null';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : String(Math.round(value * 1e6) / 1e6);
  return String(value);
}
