/**
 * The Sparkplug B payload schema, compiled once with protobufjs. The `.proto`
 * text below is written from the Eclipse Sparkplug specification's payload
 * definition (version 3.0, chapter "Payloads"; the same messages, field
 * numbers and types as Eclipse Tahu's sparkplug_b.proto), without comments.
 * Data types are the specification's numbering.
 *
 * One deliberate difference: each `oneof value { … }` is written as the same
 * fields, `optional`. On the wire the two are identical (a oneof only says at
 * most one member is set; the decoder picks the member by the metric's data
 * type), and protobufjs keeps a oneof by deleting its other members on every
 * set, which turns each metric into a slow dictionary object: 3.5 µs per
 * 10-metric message instead of about 1.
 */
import { protobuf } from '../libraries';
import type { U64 } from '../long-values';

export const SPARKPLUG_B_PROTO = `
syntax = "proto2";
package org.eclipse.tahu.protobuf;

enum DataType {
  Unknown = 0; Int8 = 1; Int16 = 2; Int32 = 3; Int64 = 4; UInt8 = 5; UInt16 = 6; UInt32 = 7; UInt64 = 8;
  Float = 9; Double = 10; Boolean = 11; String = 12; DateTime = 13; Text = 14; UUID = 15; DataSet = 16;
  Bytes = 17; File = 18; Template = 19; PropertySet = 20; PropertySetList = 21;
  Int8Array = 22; Int16Array = 23; Int32Array = 24; Int64Array = 25; UInt8Array = 26; UInt16Array = 27;
  UInt32Array = 28; UInt64Array = 29; FloatArray = 30; DoubleArray = 31; BooleanArray = 32;
  StringArray = 33; DateTimeArray = 34;
}

message Payload {
  message Template {
    message Parameter {
      optional string name = 1;
      optional uint32 type = 2;
      optional uint32 int_value = 3;
      optional uint64 long_value = 4;
      optional float float_value = 5;
      optional double double_value = 6;
      optional bool boolean_value = 7;
      optional string string_value = 8;
      optional ParameterValueExtension extension_value = 9;
      message ParameterValueExtension { extensions 1 to max; }
    }
    optional string version = 1;
    repeated Metric metrics = 2;
    repeated Parameter parameters = 3;
    optional string template_ref = 4;
    optional bool is_definition = 5;
    extensions 6 to max;
  }

  message DataSet {
    message DataSetValue {
    optional uint32 int_value = 1;
    optional uint64 long_value = 2;
    optional float float_value = 3;
    optional double double_value = 4;
    optional bool boolean_value = 5;
    optional string string_value = 6;
    optional DataSetValueExtension extension_value = 7;
      message DataSetValueExtension { extensions 1 to max; }
    }
    message Row {
      repeated DataSetValue elements = 1;
      extensions 2 to max;
    }
    optional uint64 num_of_columns = 1;
    repeated string columns = 2;
    repeated uint32 types = 3;
    repeated Row rows = 4;
    extensions 5 to max;
  }

  message PropertyValue {
    optional uint32 type = 1;
    optional bool is_null = 2;
    optional uint32 int_value = 3;
    optional uint64 long_value = 4;
    optional float float_value = 5;
    optional double double_value = 6;
    optional bool boolean_value = 7;
    optional string string_value = 8;
    optional PropertySet propertyset_value = 9;
    optional PropertySetList propertysets_value = 10;
    optional PropertyValueExtension extension_value = 11;
    message PropertyValueExtension { extensions 1 to max; }
  }

  message PropertySet {
    repeated string keys = 1;
    repeated PropertyValue values = 2;
    extensions 3 to max;
  }

  message PropertySetList {
    repeated PropertySet propertyset = 1;
    extensions 2 to max;
  }

  message MetaData {
    optional bool is_multi_part = 1;
    optional string content_type = 2;
    optional uint64 size = 3;
    optional uint64 seq = 4;
    optional string file_name = 5;
    optional string file_type = 6;
    optional string md5 = 7;
    optional string description = 8;
    extensions 9 to max;
  }

  message Metric {
    optional string name = 1;
    optional uint64 alias = 2;
    optional uint64 timestamp = 3;
    optional uint32 datatype = 4;
    optional bool is_historical = 5;
    optional bool is_transient = 6;
    optional bool is_null = 7;
    optional MetaData metadata = 8;
    optional PropertySet properties = 9;
    optional uint32 int_value = 10;
    optional uint64 long_value = 11;
    optional float float_value = 12;
    optional double double_value = 13;
    optional bool boolean_value = 14;
    optional string string_value = 15;
    optional bytes bytes_value = 16;
    optional DataSet dataset_value = 17;
    optional Template template_value = 18;
    optional MetricValueExtension extension_value = 19;
    message MetricValueExtension { extensions 1 to max; }
  }

  optional uint64 timestamp = 1;
  repeated Metric metrics = 2;
  optional uint64 seq = 3;
  optional string uuid = 4;
  optional bytes body = 5;
  extensions 6 to max;
}
`;

/** The specification's data type names by number. */
export const DATA_TYPES = [
  'Unknown', 'Int8', 'Int16', 'Int32', 'Int64', 'UInt8', 'UInt16', 'UInt32', 'UInt64', 'Float', 'Double', 'Boolean', 'String', 'DateTime', 'Text', 'UUID', 'DataSet',
  'Bytes', 'File', 'Template', 'PropertySet', 'PropertySetList', 'Int8Array', 'Int16Array', 'Int32Array', 'Int64Array', 'UInt8Array', 'UInt16Array', 'UInt32Array',
  'UInt64Array', 'FloatArray', 'DoubleArray', 'BooleanArray', 'StringArray', 'DateTimeArray',
] as const;
export type DataTypeName = (typeof DATA_TYPES)[number];

export function dataTypeName(type: number): DataTypeName | `type ${number}` {
  return DATA_TYPES[type] ?? `type ${type}`;
}


export interface MetricMessage {
  name?: string;
  alias?: U64;
  timestamp?: U64;
  datatype?: number;
  is_historical?: boolean;
  is_transient?: boolean;
  is_null?: boolean;
  int_value?: number;
  long_value?: U64;
  float_value?: number;
  double_value?: number;
  boolean_value?: boolean;
  string_value?: string;
  bytes_value?: Uint8Array;
  dataset_value?: DataSetMessage;
  template_value?: TemplateMessage;
}

export interface DataSetMessage {
  num_of_columns?: U64;
  columns: string[];
  types: number[];
  rows: Array<{ elements: Array<Partial<Record<'int_value' | 'float_value' | 'double_value' | 'boolean_value' | 'string_value', number | boolean | string>> & { long_value?: U64 }> }>;
}

export interface TemplateMessage {
  version?: string;
  metrics: MetricMessage[];
  parameters: Array<{ name?: string; type?: number; int_value?: number; long_value?: U64; float_value?: number; double_value?: number; boolean_value?: boolean; string_value?: string }>;
  template_ref?: string;
  is_definition?: boolean;
}

export interface PayloadMessage {
  timestamp?: U64;
  metrics: MetricMessage[];
  seq?: U64;
  uuid?: string;
  body?: Uint8Array;
}

/**
 * protobufjs puts each field's default on the message prototype, so an
 * absent field reads as 0, "" or false and only hasOwnProperty tells it
 * apart: about 50 such calls per 10-metric DATA message, a sixth of reading
 * it. Here every singular field's default is undefined, so an absent field
 * reads as undefined and `m.alias !== undefined` says whether it was sent.
 * Encoding is unchanged: protobufjs writes a field only when it is an own
 * property.
 */
function withoutDefaults(namespace: protobuf.NamespaceBase): void {
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Type) {
      const prototype = nested.ctor.prototype as Record<string, unknown>;
      for (const field of nested.fieldsArray) if (!field.repeated && !field.map) prototype[field.name] = undefined;
    }
    if (nested instanceof protobuf.Namespace) withoutDefaults(nested);
  }
}

function compile() {
  const root = new protobuf.Root();
  protobuf.parse(SPARKPLUG_B_PROTO, root, { keepCase: true });
  root.resolveAll();
  withoutDefaults(root);
  return {
    Payload: root.lookupType('org.eclipse.tahu.protobuf.Payload'),
    Metric: root.lookupType('org.eclipse.tahu.protobuf.Payload.Metric'),
  };
}

let compiled: ReturnType<typeof compile> | null = null;

/** The compiled Payload type (compiled on first use: a few milliseconds, once per process). */
export function sparkplugTypes(): ReturnType<typeof compile> {
  compiled ??= compile();
  return compiled;
}

/**
 * protobufjs's reader, but for its uint64 fields (the only 64-bit kind the
 * schema has: aliases, sequence numbers, timestamps, long values). The library
 * reads each one as a Long of two 32-bit halves, made through an intermediate
 * LongBits: 44 short-lived objects per 10-metric DATA message, a third of what
 * decoding one allocated (bench/decode-core.ts). Here a value of up to 7
 * varint bytes (below 2^49: every alias, sequence number and millisecond
 * timestamp) is returned as its exact number, which every reader of these
 * fields takes (U64, long-values.ts); a longer one, or one cut short, is read
 * by the library's own method, which keeps its Long and its errors. The class
 * is made on the first decode, not when this module loads, so the library is
 * not needed before a Sparkplug payload is.
 */
function readerClass() {
  return class SparkplugReader extends protobuf.BufferReader {
    override uint64(): protobuf.Long {
      const buf = this.buf;
      const start = this.pos;
      const end = Math.min(this.len, start + 7);
      let value = 0;
      let scale = 1;
      for (let at = start; at < end; at++) {
        const byte = buf[at] as number;
        value += (byte & 127) * scale;
        if (byte < 128) {
          this.pos = at + 1;
          // A number where the library's type says Long: PayloadMessage types these fields U64 (a number or a Long).
          return value as unknown as protobuf.Long;
        }
        scale *= 128;
      }
      return super.uint64();
    }
  };
}

const EMPTY = new Uint8Array(0);
/** Decoding is synchronous: one reader serves every payload in turn (made with the schema, on first use). */
let reader: InstanceType<ReturnType<typeof readerClass>> | null = null;

/** A Sparkplug B payload decoded (throws protobufjs's error when it is not one). */
export function decodeSparkplugPayload(payload: Buffer): PayloadMessage {
  const types = sparkplugTypes();
  reader ??= new (readerClass())(EMPTY as Buffer);
  reader.buf = payload;
  reader.pos = 0;
  reader.len = payload.length;
  try {
    return types.Payload.decode(reader) as unknown as PayloadMessage;
  } finally {
    // The payload is the topic's or the parser's buffer: not held until the next message.
    reader.buf = EMPTY;
    reader.len = 0;
  }
}
