/**
 * The window's side of decoders: rule edits in the connection form (order is
 * meaning, a decoder change drops a stale message name, a re-imported .proto
 * replaces its namesake), the rules coming back unchanged through the form,
 * and the Sparkplug B tree as rows (group → edge node → device → metric,
 * devices closed until opened, the filter keeping parents).
 */
import { describe, expect, it } from 'vitest';
import { initialState, toSettings } from '../../renderer/src/connections/form-state';
import { addRule, changeRule, isDefault, moveRuleUp, removeRule, withoutProto, withProto } from '../../renderer/src/decoders/rule-edits';
import { deviceKey, sparkplugRows, valueText } from '../../renderer/src/sparkplug/sparkplug-rows';
import { DEFAULT_DECODERS, type Decoders } from '../../shared/decoders';
import { createProfile, ProfileSettingsSchema } from '../../shared/profiles';
import { metricPath, type SparkplugTree } from '../../shared/sparkplug';

describe('decoder rules in the connection form', () => {
  it('adds, changes, moves and removes rules; a decoder change drops the message name', () => {
    let d: Decoders = DEFAULT_DECODERS;
    expect(isDefault(d)).toBe(true);
    d = addRule(d, { filter: 'factory/+/telemetry', decoder: 'protobuf', message: 'acme.Telemetry' });
    d = moveRuleUp(d, 1);
    expect(d.rules.map((r) => r.filter)).toEqual(['factory/+/telemetry', 'spBv1.0/#']);
    expect(changeRule(d, 0, { decoder: 'cbor' }).rules[0]).toEqual({ filter: 'factory/+/telemetry', decoder: 'cbor', message: '' });
    expect(changeRule(d, 0, { message: 'acme.Other' }).rules[0]?.message).toBe('acme.Other');
    expect(removeRule(d, 1).rules).toHaveLength(1);
    expect(moveRuleUp(d, 0)).toBe(d);
    expect(isDefault(d)).toBe(false);
  });

  it('replaces a re-imported .proto of the same name and drops a removed one', () => {
    let d = withProto(DEFAULT_DECODERS, { name: 'acme.proto', text: 'a' });
    d = withProto(d, { name: 'acme.proto', text: 'b' });
    d = withProto(d, { name: 'common.proto', text: 'c' });
    expect(d.protos).toEqual([
      { name: 'acme.proto', text: 'b' },
      { name: 'common.proto', text: 'c' },
    ]);
    expect(withoutProto(d, 'acme.proto').protos.map((p) => p.name)).toEqual(['common.proto']);
  });

  it('brings a saved profile’s rules and files back unchanged, dropping rules left without a filter', () => {
    const decoders: Decoders = { rules: [{ filter: 'a/#', decoder: 'msgpack', message: '' }, { filter: 'b/+', decoder: 'protobuf', message: 'acme.T' }], protos: [{ name: 'acme.proto', text: 'syntax = "proto3";' }] };
    const profile = createProfile(ProfileSettingsSchema.parse({ name: 'P', url: 'mqtts://h:8883', decoders }), 'p1');
    const f = initialState(profile);
    expect(toSettings(f).decoders).toEqual(decoders);
    const typed = changeRule(f.decoders, 1, { filter: ' b/+ ', message: ' acme.T ' });
    expect(toSettings({ ...f, decoders: addRule(typed) }).decoders).toEqual(decoders);
    expect(initialState(null).decoders).toEqual(DEFAULT_DECODERS);
  });
});

describe('the Sparkplug B tree as rows', () => {
  const metric = (name: string, value: number | string | boolean | null) => ({ name, alias: null, type: 'Double', value, timestamp: null });
  const tree: SparkplugTree = {
    nodes: [
      { group: 'Plant1', edge: 'Edge1', born: true, offline: false, births: 1, metrics: [metric('Uptime', 5)], seqGaps: 0, lastSeq: 3, bdSeq: 0, staleDeaths: 0, devices: [{ device: 'Press7', born: true, offline: false, births: 1, metrics: [metric('Temperature', 21.123456789), metric('Running', true)] }] },
      { group: 'Plant1', edge: 'Edge2', born: false, offline: false, births: 0, metrics: [], seqGaps: 0, lastSeq: null, bdSeq: null, staleDeaths: 0, devices: [] },
    ],
    hosts: [],
    truncated: false,
  };

  it('opens groups and nodes, keeps devices closed until opened', () => {
    const closed = sparkplugRows(tree, new Set(), '').rows.map((r) => `${r.kind}:${r.depth}`);
    expect(closed).toEqual(['group:0', 'node:1', 'device:2', 'metric:2', 'node:1']);
    const open = sparkplugRows(tree, new Set([deviceKey(tree.nodes[0] as never, 'Press7')]), '').rows.map((r) => (r.kind === 'metric' ? r.metric.name : r.kind));
    expect(open).toEqual(['group', 'node', 'device', 'Temperature', 'Running', 'Uptime', 'node']);
  });

  it('filters by metric name, keeping the parents', () => {
    const rows = sparkplugRows(tree, new Set(), 'temp').rows.map((r) => (r.kind === 'metric' ? r.metric.name : r.kind));
    expect(rows).toEqual(['group', 'node', 'device', 'Temperature']);
  });

  it('shows values readably and charts a metric by a path the extractor reads', () => {
    expect(valueText(21.123456789)).toBe('21.123457');
    expect(valueText(null)).toBe('null');
    expect(metricPath('Node Control/Rebirth')).toBe('metrics["Node Control/Rebirth"]');
    expect(metricPath('say "hi"')).toBe(`metrics['say "hi"']`);
    expect(metricPath('a]b')).toBeNull();
  });
});
