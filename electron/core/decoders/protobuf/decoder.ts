/**
 * Payloads of one Protobuf message type (a rule's `message`) decoded with
 * protobufjs and read through its reflection into plain values: fields by
 * their `.proto` names; scalars that are absent on the wire read as their
 * defaults (proto3 does not send zeros, and a chart of `temp` must still get
 * its 0); unset message fields and oneof members left out; enums by name;
 * 64-bit integers exact; bytes as base64; the well-known types readably
 * (Timestamp as ISO time, Duration as "1.5s", wrappers as their value,
 * Struct/Value/ListValue as JSON). protobufjs stops nesting at 100 levels,
 * the plain-value budget at MAX_DEPTH and MAX_NODES.
 */
import type * as Protobuf from 'protobufjs';
import { protobuf } from '../libraries';
import { DecodeError, libraryReason } from '../decode-error';
import { stateless, type PayloadDecoder } from '../decoder';
import { isoTime, longNumber, longValue, type U64 } from '../long-values';
import { Budget, bytesText, plainObject, type Plain } from '../plain-value';

const has = (m: object, key: string) => Object.prototype.hasOwnProperty.call(m, key);
const UNSIGNED = new Set(['uint64', 'fixed64']);
const WRAPPERS = new Set(['DoubleValue', 'FloatValue', 'Int64Value', 'UInt64Value', 'Int32Value', 'UInt32Value', 'BoolValue', 'StringValue', 'BytesValue'].map((n) => `.google.protobuf.${n}`));

type Message = Record<string, unknown>;

function scalarValue(field: Protobuf.Field, value: unknown): Plain {
  if (field.resolvedType instanceof protobuf.Enum) return field.resolvedType.valuesById[value as number] ?? (value as number);
  if (field.long) return longValue(value as U64, !UNSIGNED.has(field.type));
  if (value instanceof Uint8Array) return bytesText(value);
  if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') return value;
  return null;
}

function wellKnown(type: Protobuf.Type, m: Message, budget: Budget, depth: number): Plain | undefined {
  switch (type.fullName) {
    case '.google.protobuf.Timestamp':
      return isoTime(longNumber(m.seconds as U64) * 1000 + Math.floor(((m.nanos as number) || 0) / 1e6));
    case '.google.protobuf.Duration':
      return `${longNumber(m.seconds as U64) + ((m.nanos as number) || 0) / 1e9}s`;
    case '.google.protobuf.Struct':
      return structFields(m, budget, depth);
    case '.google.protobuf.Value':
      return structValue(m, budget, depth);
    case '.google.protobuf.ListValue':
      return ((m.values as Message[]) ?? []).map((v) => structValue(v, budget, depth + 1));
  }
  if (WRAPPERS.has(type.fullName)) return fieldValue(type.fields.value as Protobuf.Field, m.value, budget, depth);
  return undefined;
}

function structValue(v: Message, budget: Budget, depth: number): Plain {
  budget.spend(depth);
  if (has(v, 'numberValue')) return v.numberValue as number;
  if (has(v, 'stringValue')) return v.stringValue as string;
  if (has(v, 'boolValue')) return v.boolValue as boolean;
  if (has(v, 'structValue')) return structFields(v.structValue as Message, budget, depth + 1);
  if (has(v, 'listValue')) return ((v.listValue as Message).values as Message[]).map((x) => structValue(x, budget, depth + 1));
  return null;
}

function structFields(struct: Message, budget: Budget, depth: number): Plain {
  const out = plainObject();
  const fields = (struct.fields as Record<string, Message> | undefined) ?? {};
  for (const k of Object.keys(fields)) out[k] = structValue(fields[k] as Message, budget, depth + 1);
  return out;
}

function fieldValue(field: Protobuf.Field, value: unknown, budget: Budget, depth: number): Plain {
  budget.spend(depth);
  const type = field.resolvedType;
  if (type instanceof protobuf.Type) return messageValue(type, value as Message, budget, depth + 1);
  return scalarValue(field, value);
}

export function messageValue(type: Protobuf.Type, m: Message, budget: Budget, depth: number): Plain {
  budget.spend(depth);
  const known = wellKnown(type, m, budget, depth);
  if (known !== undefined) return known;
  const out = plainObject();
  for (const field of type.fieldsArray) {
    const name = field.name;
    const value = m[name];
    if (field.map) {
      const entries = plainObject();
      const keyType = (field as unknown as Protobuf.MapField).keyType;
      const keyLong = /64$/.test(keyType);
      for (const key of Object.keys((value as Record<string, unknown>) ?? {})) {
        // protobufjs keys 64-bit map keys by an 8-character hash of their bits.
        const unsigned = UNSIGNED.has(keyType);
        const shown = keyLong ? String(longValue(protobuf.util.longFromHash(key, unsigned) as U64, !unsigned)) : key;
        entries[shown] = fieldValue(field, (value as Record<string, unknown>)[key], budget, depth + 1);
      }
      out[name] = entries;
      continue;
    }
    if (field.repeated) {
      out[name] = ((value as unknown[]) ?? []).map((item) => fieldValue(field, item, budget, depth + 1));
      continue;
    }
    if (field.partOf && !has(m, name)) continue;
    if (field.resolvedType instanceof protobuf.Type && (value === null || value === undefined || !has(m, name))) continue;
    out[name] = fieldValue(field, value, budget, depth + 1);
  }
  return out;
}

export function protobufDecoder(type: Protobuf.Type): PayloadDecoder {
  const name = type.fullName.slice(1);
  return stateless('protobuf', (payload) => {
    let message: Protobuf.Message;
    try {
      message = type.decode(payload);
    } catch (error) {
      throw new DecodeError(`it is not a ${name} message: ${libraryReason(error)}`);
    }
    return messageValue(type, message as unknown as Message, new Budget(), 0);
  });
}
