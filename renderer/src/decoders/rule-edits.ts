/**
 * Edits of a connection's decoder rules and .proto files as the connection
 * form makes them, pure: add, change, move up and remove a rule (order is
 * meaning: the first matching rule wins), and take an imported .proto file
 * (replacing one of the same name) or drop one.
 */
import { DEFAULT_DECODERS, type DecoderRule, type Decoders, type ProtoFile } from '../../../shared/decoders';

export function addRule(d: Decoders, rule: DecoderRule = { filter: '', decoder: 'json', message: '' }): Decoders {
  return { ...d, rules: [...d.rules, rule] };
}

export function changeRule(d: Decoders, index: number, change: Partial<DecoderRule>): Decoders {
  return { ...d, rules: d.rules.map((r, i) => (i === index ? { ...r, ...change, ...(change.decoder && change.decoder !== 'protobuf' && { message: '' }) } : r)) };
}

export function moveRuleUp(d: Decoders, index: number): Decoders {
  if (index <= 0 || index >= d.rules.length) return d;
  const rules = [...d.rules];
  [rules[index - 1], rules[index]] = [rules[index] as DecoderRule, rules[index - 1] as DecoderRule];
  return { ...d, rules };
}

export function removeRule(d: Decoders, index: number): Decoders {
  return { ...d, rules: d.rules.filter((_, i) => i !== index) };
}

export function withProto(d: Decoders, file: ProtoFile): Decoders {
  return { ...d, protos: [...d.protos.filter((p) => p.name !== file.name), file] };
}

export function withoutProto(d: Decoders, name: string): Decoders {
  return { ...d, protos: d.protos.filter((p) => p.name !== name) };
}

/** Whether the rules are the defaults a new connection gets (Sparkplug B on spBv1.0/#, nothing else). */
export function isDefault(d: Decoders): boolean {
  return JSON.stringify(d) === JSON.stringify(DEFAULT_DECODERS);
}
