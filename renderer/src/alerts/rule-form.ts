/**
 * The rule editor's form as plain data: what the operator typed (strings, as
 * inputs hold them) and the rule it makes, checked by the same schema main
 * checks (shared/alerts.ts), so a mistake is named before anything is sent.
 * A threshold watches a series of one of the connection's charts (its alerts
 * then show on that chart) or a topic typed in; a silence may show on a chart.
 */
import { AlertRuleSchema, type AlertRule, type RuleKind } from '../../../shared/alerts';
import type { Profile } from '../../../shared/profiles';
import type { ExtractorSpecInput } from '../../../shared/telemetry';

export interface RuleDraft {
  kind: RuleKind;
  name: string;
  /** Threshold: `topic` (typed below) or `<chart id>#<series index>`. */
  source: string;
  topic: string;
  extractor: 'number' | 'boolean' | 'json';
  path: string;
  direction: 'above' | 'below';
  value: string;
  clearAt: string;
  forSeconds: string;
  /** Silence: a topic or filter, how long, and the chart to mark ('' for none). */
  filter: string;
  seconds: string;
  chartId: string;
  /** Down: seconds; expiry: days. */
  downSeconds: string;
  days: string;
}

export function emptyDraft(profile: Profile): RuleDraft {
  const first = profile.dashboard.charts[0];
  return {
    kind: 'threshold',
    name: '',
    source: first ? `${first.id}#0` : 'topic',
    topic: '',
    extractor: 'number',
    path: '',
    direction: 'above',
    value: '',
    clearAt: '',
    forSeconds: '0',
    filter: '',
    seconds: '60',
    chartId: '',
    downSeconds: '30',
    days: '30',
  };
}

/** The form filled with a saved rule, to change it (saved under the same id: its alert goes on). */
export function draftFromRule(rule: AlertRule, profile: Profile): RuleDraft {
  const draft: RuleDraft = { ...emptyDraft(profile), kind: rule.kind, name: rule.name };
  switch (rule.kind) {
    case 'threshold': {
      const chart = profile.dashboard.charts.find((c) => c.id === rule.chartId);
      const index = chart?.series.findIndex((s) => s.connectionId === rule.series.connectionId && s.topic === rule.series.topic && JSON.stringify(s.extractor) === JSON.stringify(rule.series.extractor)) ?? -1;
      const e = rule.series.extractor;
      return {
        ...draft,
        source: chart && index >= 0 ? `${chart.id}#${index}` : 'topic',
        topic: rule.series.topic,
        extractor: e.kind,
        path: e.kind === 'json' ? e.path : '',
        direction: rule.direction,
        value: String(rule.value),
        clearAt: rule.clearAt === null ? '' : String(rule.clearAt),
        forSeconds: String(rule.forSeconds),
      };
    }
    case 'silence':
      return { ...draft, filter: rule.filter, seconds: String(rule.seconds), chartId: rule.chartId ?? '' };
    case 'down':
      return { ...draft, downSeconds: String(rule.seconds) };
    case 'grade':
      return draft;
    case 'expiry':
      return { ...draft, days: String(rule.days) };
  }
}

/** The series the threshold form can pick: every series of the connection's charts. */
export function seriesChoices(profile: Profile): Array<{ value: string; chartTitle: string; index: number }> {
  return profile.dashboard.charts.flatMap((chart, c) => chart.series.map((_, index) => ({ value: `${chart.id}#${index}`, chartTitle: chart.title || `Chart ${c + 1}`, index })));
}

export type DraftOutcome = { ok: true; rule: AlertRule } | { ok: false; message: string; field: keyof RuleDraft };

/** A number typed in a field, or the reason it is not one. */
function numberIn(text: string, what: string): number | string {
  if (text.trim() === '') return `Enter ${what}.`;
  const n = Number(text);
  return Number.isFinite(n) ? n : `${what[0]?.toUpperCase()}${what.slice(1)} must be a number.`;
}

/** The rule the form describes, with id `id`, or what is wrong with it (and in which field). */
export function ruleFromDraft(draft: RuleDraft, profile: Profile, id: string): DraftOutcome {
  const base = { id, name: draft.name.trim(), enabled: true };
  let candidate: unknown;
  const numbers: Array<[keyof RuleDraft, string]> = [];
  const read = (field: keyof RuleDraft, what: string): number => {
    const n = numberIn(draft[field], what);
    if (typeof n === 'string') numbers.push([field, n]);
    return typeof n === 'number' ? n : 0;
  };
  switch (draft.kind) {
    case 'threshold': {
      let series: { connectionId: string; topic: string; extractor: ExtractorSpecInput };
      let chartId: string | null = null;
      if (draft.source === 'topic') {
        const extractor: ExtractorSpecInput = draft.extractor === 'json' ? { kind: 'json', path: draft.path.trim() } : { kind: draft.extractor };
        series = { connectionId: profile.id, topic: draft.topic.trim(), extractor };
        if (!series.topic) return { ok: false, message: 'Enter the topic whose value is watched.', field: 'topic' };
        if (extractor.kind === 'json' && !extractor.path) return { ok: false, message: 'Enter the JSON path of the value, such as temp or sensors[0].value.', field: 'path' };
      } else {
        const [chart, index] = draft.source.split('#');
        const spec = profile.dashboard.charts.find((c) => c.id === chart);
        const picked = spec?.series[Number(index)];
        if (!spec || !picked) return { ok: false, message: 'That chart series is gone; pick another.', field: 'source' };
        series = { connectionId: picked.connectionId, topic: picked.topic, extractor: picked.extractor };
        chartId = spec.id;
      }
      const value = read('value', 'the threshold');
      const clearAt = draft.clearAt.trim() === '' ? null : read('clearAt', 'the clear-again value');
      const forSeconds = read('forSeconds', 'how many seconds');
      candidate = { ...base, chartId, kind: 'threshold', series, direction: draft.direction, value, clearAt, forSeconds };
      break;
    }
    case 'silence':
      if (!draft.filter.trim()) return { ok: false, message: 'Enter the topic, or a filter such as plant/dev7/#.', field: 'filter' };
      candidate = { ...base, chartId: draft.chartId || null, kind: 'silence', connectionId: null, filter: draft.filter.trim(), seconds: read('seconds', 'how many seconds') };
      break;
    case 'down':
      candidate = { ...base, kind: 'down', seconds: read('downSeconds', 'how many seconds') };
      break;
    case 'grade':
      candidate = { ...base, kind: 'grade' };
      break;
    case 'expiry':
      candidate = { ...base, kind: 'expiry', days: read('days', 'how many days') };
      break;
  }
  const [bad] = numbers;
  if (bad) return { ok: false, field: bad[0], message: bad[1] };
  const parsed = AlertRuleSchema.safeParse(candidate);
  if (parsed.success) return { ok: true, rule: parsed.data };
  const issue = parsed.error.issues[0];
  const key = String(issue?.path[0] ?? 'name');
  const field: keyof RuleDraft = key === 'seconds' ? (draft.kind === 'down' ? 'downSeconds' : 'seconds') : key === 'series' ? 'topic' : key in draft ? (key as keyof RuleDraft) : 'name';
  return { ok: false, field, message: issue?.message ?? 'This rule cannot be saved.' };
}

/** A fresh rule id, unique among `rules`. */
export function newRuleId(rules: readonly AlertRule[]): string {
  const taken = new Set(rules.map((r) => r.id));
  let id = '';
  // 32 random bits among at most 64 rules: a second draw is already rare.
  for (let i = 0; i < 100 && (id === '' || taken.has(id)); i++) {
    id = `r-${Array.from(crypto.getRandomValues(new Uint8Array(4)), (b) => b.toString(16).padStart(2, '0')).join('')}`;
  }
  return id;
}
