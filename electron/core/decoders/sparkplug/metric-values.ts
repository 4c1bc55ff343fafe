/**
 * A Sparkplug metric's value as a plain value, read from the member of the
 * value field its data type names: signed integers from their two's
 * complement, 64-bit integers exactly, DateTime as ISO text, arrays from
 * their little-endian packing, data sets as `{columns, types, rows}`,
 * templates as `{template, metrics}` (nested, within the payload's budget).
 * A member that does not match the data type is the sender's mistake and is
 * said, never guessed around.
 */
import { DecodeError } from '../decode-error';
import { isoTime, longNumber, longValue } from '../long-values';
import { bytesText, plainObject, type Budget, type Plain } from '../plain-value';
import { dataTypeName, type DataSetMessage, type MetricMessage, type TemplateMessage } from './schema';


/** The data types whose arrays are packed numbers of this many bytes (Sparkplug 3.0 §6.4.17). */
const PACKED: Record<number, { bytes: number; read: (view: DataView, at: number) => Plain }> = {
  22: { bytes: 1, read: (v, at) => v.getInt8(at) },
  23: { bytes: 2, read: (v, at) => v.getInt16(at, true) },
  24: { bytes: 4, read: (v, at) => v.getInt32(at, true) },
  25: { bytes: 8, read: (v, at) => bigPlain(v.getBigInt64(at, true)) },
  26: { bytes: 1, read: (v, at) => v.getUint8(at) },
  27: { bytes: 2, read: (v, at) => v.getUint16(at, true) },
  28: { bytes: 4, read: (v, at) => v.getUint32(at, true) },
  29: { bytes: 8, read: (v, at) => bigPlain(v.getBigUint64(at, true)) },
  30: { bytes: 4, read: (v, at) => v.getFloat32(at, true) },
  31: { bytes: 8, read: (v, at) => v.getFloat64(at, true) },
  34: { bytes: 8, read: (v, at) => isoTime(Number(v.getBigInt64(at, true))) },
};

function bigPlain(v: bigint): Plain {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v.toString();
}

function packedArray(bytes: Uint8Array, type: number, budget: Budget, depth: number): Plain {
  const layout = PACKED[type];
  if (layout) {
    if (bytes.length % layout.bytes !== 0) throw new DecodeError(`a ${dataTypeName(type)} of ${bytes.length} bytes is not a whole number of ${layout.bytes}-byte items`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.length);
    const out: Plain[] = [];
    for (let at = 0; at < bytes.length; at += layout.bytes) {
      budget.spend(depth + 1);
      out.push(layout.read(view, at));
    }
    return out;
  }
  if (type === 33) {
    // StringArray: UTF-8 strings, each ended by a zero byte.
    const out: Plain[] = [];
    let start = 0;
    for (let i = 0; i < bytes.length; i++) {
      if (bytes[i] !== 0) continue;
      budget.spend(depth + 1);
      out.push(Buffer.from(bytes.buffer, bytes.byteOffset + start, i - start).toString('utf8'));
      start = i + 1;
    }
    if (start !== bytes.length) throw new DecodeError('a StringArray does not end with a zero byte');
    return out;
  }
  if (type === 32) {
    // BooleanArray: a 4-byte little-endian count, then the booleans packed eight to a byte, first in the high bit.
    if (bytes.length < 4) throw new DecodeError('a BooleanArray is shorter than its 4-byte count');
    const count = new DataView(bytes.buffer, bytes.byteOffset, 4).getUint32(0, true);
    if (Math.ceil(count / 8) !== bytes.length - 4) throw new DecodeError(`a BooleanArray says ${count} values but holds ${(bytes.length - 4) * 8} bits`);
    const out: Plain[] = [];
    for (let i = 0; i < count; i++) {
      budget.spend(depth + 1);
      out.push((((bytes[4 + (i >> 3)] as number) >> (7 - (i & 7))) & 1) === 1);
    }
    return out;
  }
  return bytesText(bytes);
}

type Members = Partial<Record<'int_value' | 'float_value' | 'double_value' | 'boolean_value' | 'string_value', number | boolean | string>> & { long_value?: MetricMessage['long_value'] };

function lacking(type: number, member: string, where: string, name: string): never {
  throw new DecodeError(`${where}${name ? ` ${name}` : ''} is a ${dataTypeName(type)} but carries no ${member}`);
}

/** The scalar member for a scalar data type (shared by metrics, data set cells and template parameters); `where` and `name` only word a refusal. */
function scalar(m: Members, type: number, where: string, name = ''): Plain {
  switch (type) {
    case 1: // Int8
      return m.int_value !== undefined ? ((m.int_value as number) << 24) >> 24 : lacking(type, 'int_value', where, name);
    case 2: // Int16
      return m.int_value !== undefined ? ((m.int_value as number) << 16) >> 16 : lacking(type, 'int_value', where, name);
    case 3: // Int32
      return m.int_value !== undefined ? (m.int_value as number) | 0 : lacking(type, 'int_value', where, name);
    case 5: // UInt8
    case 6: // UInt16
    case 7: // UInt32
      return m.int_value !== undefined ? (m.int_value as number) >>> 0 : m.long_value !== undefined ? longValue(m.long_value, false) : lacking(type, 'int_value', where, name);
    case 4: // Int64
      return m.long_value !== undefined ? longValue(m.long_value, true) : lacking(type, 'long_value', where, name);
    case 8: // UInt64
      return m.long_value !== undefined ? longValue(m.long_value, false) : lacking(type, 'long_value', where, name);
    case 9: // Float
      return m.float_value !== undefined ? (m.float_value as number) : lacking(type, 'float_value', where, name);
    case 10: // Double
      return m.double_value !== undefined ? (m.double_value as number) : lacking(type, 'double_value', where, name);
    case 11: // Boolean
      return m.boolean_value !== undefined ? (m.boolean_value as boolean) : lacking(type, 'boolean_value', where, name);
    case 12: // String
    case 14: // Text
    case 15: // UUID
      return m.string_value !== undefined ? (m.string_value as string) : lacking(type, 'string_value', where, name);
    case 13: // DateTime
      return m.long_value !== undefined ? isoTime(longNumber(m.long_value)) : lacking(type, 'long_value', where, name);
    default:
      return undeclared(m);
  }
}

/** A value whose data type is unknown (DATA before any birth, no datatype given): whichever member is set. */
function undeclared(m: Members & { bytes_value?: Uint8Array }): Plain {
  if (m.double_value !== undefined) return m.double_value as number;
  if (m.float_value !== undefined) return m.float_value as number;
  if (m.int_value !== undefined) return m.int_value as number;
  if (m.long_value !== undefined) return longValue(m.long_value, false);
  if (m.boolean_value !== undefined) return m.boolean_value as boolean;
  if (m.string_value !== undefined) return m.string_value as string;
  if (m.bytes_value !== undefined) return bytesText(m.bytes_value as Uint8Array);
  return null;
}

function dataSet(d: DataSetMessage, budget: Budget, depth: number): Plain {
  const out = plainObject();
  out.columns = d.columns.slice();
  out.types = d.types.map((t) => dataTypeName(t));
  out.rows = d.rows.map((row, r) => {
    budget.spend(depth + 1);
    return row.elements.map((cell, c) => {
      budget.spend(depth + 2);
      return scalar(cell, d.types[c] ?? 0, `cell ${c + 1} of row ${r + 1}`);
    });
  });
  return out;
}

function template(t: TemplateMessage, budget: Budget, depth: number): Plain {
  const out = plainObject();
  if (t.template_ref) out.template = t.template_ref;
  if (t.is_definition) out.definition = true;
  if (t.version) out.version = t.version;
  if (t.parameters.length) {
    const parameters = plainObject();
    for (const p of t.parameters) {
      budget.spend(depth + 2);
      parameters[p.name ?? ''] = scalar(p, p.type ?? 0, 'template parameter', p.name ?? '');
    }
    out.parameters = parameters;
  }
  const metrics = plainObject();
  for (const m of t.metrics) metrics[m.name ?? ''] = metricValue(m, m.datatype ?? 0, budget, depth + 2);
  out.metrics = metrics;
  return out;
}

/** One metric's value for its data type (the metric's own, or its birth's). */
export function metricValue(m: MetricMessage, type: number, budget: Budget, depth: number): Plain {
  budget.spend(depth);
  if (m.is_null) return null;
  if (type >= 1 && type <= 15) return scalar(m, type, 'metric', m.name ?? '');
  switch (type) {
    case 16:
      if (m.dataset_value === undefined || !m.dataset_value) throw new DecodeError(`metric ${m.name ?? ''} is a DataSet but carries none`);
      return dataSet(m.dataset_value, budget, depth + 1);
    case 19:
      if (m.template_value === undefined || !m.template_value) throw new DecodeError(`metric ${m.name ?? ''} is a Template but carries none`);
      return template(m.template_value, budget, depth + 1);
    case 17: // Bytes
    case 18: // File
      return m.bytes_value !== undefined ? bytesText(m.bytes_value as Uint8Array) : null;
  }
  if (type >= 22 && type <= 34) return m.bytes_value !== undefined ? packedArray(m.bytes_value as Uint8Array, type, budget, depth) : null;
  return undeclared(m);
}
