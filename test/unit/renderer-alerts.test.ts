/**
 * The window's side of alerts: the rule editor's form turns what the operator
 * typed into a rule (or names the field that is wrong), the alert list
 * follows the core's engine through the contract (memory client over the
 * real dispatcher and the real engine), and charts get one mark per firing
 * and clear.
 */
import { describe, expect, it } from 'vitest';
import { AlertRulesSchema, type AlertChange } from '../../shared/alerts';
import { createProfile, ProfileSettingsSchema, type Profile } from '../../shared/profiles';
import { AlertEngine, ruleKey } from '../../electron/core/alerts/engine';
import { alertHandlers } from '../../electron/core/alerts/handlers';
import { AlertListModel } from '../../renderer/src/alerts/alert-list';
import { markOf, mergeMarks, MAX_MARKS } from '../../renderer/src/alerts/chart-marks';
import { draftFromRule, emptyDraft, newRuleId, ruleFromDraft, seriesChoices, type RuleDraft } from '../../renderer/src/alerts/rule-form';
import { fakeClock } from '../support/fake-clock';
import { createMemoryClient } from '../support/memory-client';

const temp = { connectionId: 'yard', topic: 'yard/mast/temp', extractor: { kind: 'json' as const, path: 'c' }, label: '' };
const plant: Profile = createProfile(ProfileSettingsSchema.parse({ name: 'Plant', url: 'mqtts://plant.example:8883' }), 'p1', {
  dashboard: { charts: [{ id: 'c1', title: 'Mast', unit: '°C', window: '5m', series: [temp] }] },
});

function draft(change: Partial<RuleDraft>): RuleDraft {
  return { ...emptyDraft(plant), ...change };
}

describe('the rule form', () => {
  it('watches a chart series (its alerts then mark that chart), even one of another connection', () => {
    expect(seriesChoices(plant)).toEqual([{ value: 'c1#0', chartTitle: 'Mast', index: 0 }]);
    const made = ruleFromDraft(draft({ value: '30', clearAt: '28', forSeconds: '10' }), plant, 'r1');
    expect(made).toEqual({
      ok: true,
      rule: { id: 'r1', name: '', enabled: true, chartId: 'c1', kind: 'threshold', series: { connectionId: 'yard', topic: 'yard/mast/temp', extractor: { kind: 'json', path: 'c' } }, direction: 'above', value: 30, clearAt: 28, forSeconds: 10 },
    });
  });

  it('makes each kind of rule from what was typed', () => {
    const rules = [
      ruleFromDraft(draft({ source: 'topic', topic: ' plant/boiler ', extractor: 'number', direction: 'below', value: '-5.5' }), plant, 'a'),
      ruleFromDraft(draft({ kind: 'silence', filter: 'plant/dev7/#', seconds: '120', chartId: 'c1' }), plant, 'b'),
      ruleFromDraft(draft({ kind: 'down', downSeconds: '0', name: 'Plant offline' }), plant, 'c'),
      ruleFromDraft(draft({ kind: 'grade' }), plant, 'd'),
      ruleFromDraft(draft({ kind: 'expiry', days: '14' }), plant, 'e'),
    ].map((r) => (r.ok ? r.rule : r.message));
    expect(AlertRulesSchema.parse(rules)).toEqual(rules);
    expect(rules).toMatchObject([
      { kind: 'threshold', chartId: null, series: { connectionId: 'p1', topic: 'plant/boiler', extractor: { kind: 'number' } }, direction: 'below', value: -5.5, clearAt: null },
      { kind: 'silence', filter: 'plant/dev7/#', seconds: 120, chartId: 'c1', connectionId: null },
      { kind: 'down', seconds: 0, name: 'Plant offline' },
      { kind: 'grade' },
      { kind: 'expiry', days: 14 },
    ]);
  });

  it('fills the form with a saved rule, and gives the same rule back unchanged', () => {
    const drafts = [
      draft({ value: '30', clearAt: '28', forSeconds: '10' }),
      draft({ source: 'topic', topic: 'plant/boiler', extractor: 'json', path: 'temp', direction: 'below', value: '-5.5' }),
      draft({ kind: 'silence', filter: 'plant/dev7/#', seconds: '120', chartId: 'c1', name: 'Door 7' }),
      draft({ kind: 'down', downSeconds: '45' }),
      draft({ kind: 'grade' }),
      draft({ kind: 'expiry', days: '14' }),
    ];
    for (const d of drafts) {
      const made = ruleFromDraft(d, plant, 'same');
      if (!made.ok) throw new Error(made.message);
      expect(ruleFromDraft(draftFromRule(made.rule, plant), plant, 'same')).toEqual(made);
    }
  });

  it('names the field that is wrong, in the words of the fix', () => {
    const problem = (change: Partial<RuleDraft>) => {
      const made = ruleFromDraft(draft(change), plant, 'x');
      return made.ok ? null : [made.field, made.message];
    };
    expect(problem({ value: '' })).toEqual(['value', 'Enter the threshold.']);
    expect(problem({ value: 'hot' })).toEqual(['value', 'The threshold must be a number.']);
    expect(problem({ value: '30', clearAt: '31' })?.[0]).toBe('clearAt');
    expect(problem({ source: 'topic', topic: '' })).toEqual(['topic', 'Enter the topic whose value is watched.']);
    expect(problem({ source: 'topic', topic: 'a', extractor: 'json', path: ' ' })?.[0]).toBe('path');
    expect(problem({ source: 'gone#3', value: '1' })?.[0]).toBe('source');
    expect(problem({ kind: 'silence', filter: 'a/#/b' })).toEqual(['filter', 'A filter uses + for one level and # only as the last level.']);
    expect(problem({ kind: 'silence', filter: 'a', seconds: '0' })).toEqual(['seconds', 'At least 1 second.']);
    expect(problem({ kind: 'down', downSeconds: '1.5' })).toEqual(['downSeconds', 'Whole seconds, please.']);
    expect(problem({ kind: 'expiry', days: '0' })).toEqual(['days', 'At least 1 day.']);
  });

  it('gives a new rule an id no other rule of the connection has', () => {
    const id = newRuleId(plant.alerts);
    expect(id).toMatch(/^r-[0-9a-f]{8}$/);
    expect(plant.alerts.map((r) => r.id)).not.toContain(id);
  });
});

describe('the alert list in the window', () => {
  it('lists what the engine lists and follows its changes: acknowledged and cleared alerts leave, removed ones go', async () => {
    const clock = fakeClock();
    let profiles = [createProfile(ProfileSettingsSchema.parse({ name: 'Plant', url: 'mqtts://plant.example:8883' }), 'p1', { alerts: AlertRulesSchema.parse([{ id: 'down', kind: 'down', seconds: 0 }, { id: 'grade', kind: 'grade' }]) })];
    const pushed: AlertChange[] = [];
    const engine = new AlertEngine({ clock, emit: (c) => pushed.push(c) });
    engine.configure(profiles);
    const handlers = alertHandlers({
      alerts: engine,
      profiles: {
        get: (id) => structuredClone(profiles.find((p) => p.id === id) as Profile),
        put: async (...saved) => {
          profiles = profiles.map((p) => saved.find((s) => s.id === p.id) ?? p);
          engine.configure(profiles);
        },
      },
    });
    const client = createMemoryClient(handlers);
    const relay = () => pushed.splice(0).forEach((c) => client.emit('alerts.changed', c));
    const model = new AlertListModel(client);
    const base = { id: 'p1', name: 'Plant', url: 'mqtts://plant.example:8883', reason: '', error: null, attempt: 0, nextRetryAt: null, history: [], faults: { lost: 0, protocolErrors: 0, stalls: 0, oversizedPackets: 0, lastOversizedBytes: null } };
    engine.session({ ...base, state: 'reconnecting', security: { transport: 'mqtts', encrypted: true, tls: null, grade: 'unknown', reasons: [], error: null } });
    await model.load();
    const stop = model.follow();
    expect(model.get().alerts.map((a) => [a.key, a.state])).toEqual([[ruleKey('p1', 'down'), 'firing']]);

    engine.session({ ...base, state: 'connected', security: { transport: 'mqtts', encrypted: true, tls: null, grade: 'insecure', reasons: [{ level: 'insecure', code: 'x', message: 'Verification is off.' }], error: null } });
    relay();
    expect(model.get().alerts.map((a) => [a.key, a.state])).toEqual([
      [ruleKey('p1', 'grade'), 'firing'],
      [ruleKey('p1', 'down'), 'cleared'],
    ]);
    await client.invoke('alerts.acknowledge', { key: ruleKey('p1', 'down') });
    relay();
    expect(model.get().alerts.map((a) => a.key)).toEqual([ruleKey('p1', 'grade')]);
    await client.invoke('alerts.rules', { connectionId: 'p1', rules: [] });
    relay();
    expect(model.get().alerts).toEqual([]);
    stop();
    engine.dispose();
  });
});

describe('marks on charts', () => {
  it('one per firing and clear, in time order, the newest kept', () => {
    const alert = { key: 'rule:p1:hot', title: 'Plant: hot' };
    expect(markOf(alert, 'acknowledged', 5)).toEqual([]);
    expect(markOf(alert, 'cleared', null)).toEqual([]);
    const marks = mergeMarks(markOf(alert, 'cleared', 20), [...markOf(alert, 'fired', 10), ...markOf(alert, 'cleared', 20)]);
    expect(marks.map((m) => [m.change, m.at])).toEqual([
      ['fired', 10],
      ['cleared', 20],
    ]);
    const many = mergeMarks([], Array.from({ length: MAX_MARKS + 5 }, (_, i) => markOf(alert, 'fired', i)[0]!));
    expect(many).toHaveLength(MAX_MARKS);
    expect(many[0]?.at).toBe(5);
  });
});
