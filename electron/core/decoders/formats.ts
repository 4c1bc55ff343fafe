/**
 * The generic decoders: JSON, UTF-8 text, hex, CBOR (cbor-x) and MessagePack
 * (@msgpack/msgpack). Each reads the whole payload or refuses it with the
 * reason (trailing bytes, a cut-off item, invalid UTF-8); what the libraries
 * decode is mapped to plain values within the plain-value budget. Declared
 * lengths are capped before anything is allocated for them.
 */
import type { Decoder as CborDecoder } from 'cbor-x';
import type { Decoder as MsgpackDecoder } from '@msgpack/msgpack';
import { DecodeError, libraryReason } from './decode-error';
import { stateless, type PayloadDecoder } from './decoder';
import { cborX, msgpack as msgpackLibrary } from './libraries';
import { MAX_NODES, toPlain, type Plain } from './plain-value';

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(payload: Buffer, what: string): string {
  try {
    return utf8.decode(payload);
  } catch {
    throw new DecodeError(`it is not ${what}: it is not valid UTF-8`);
  }
}

export const jsonDecoder: PayloadDecoder = stateless('json', (payload) => {
  let value: unknown;
  try {
    value = JSON.parse(text(payload, 'JSON'));
  } catch (error) {
    if (error instanceof DecodeError) throw error;
    throw new DecodeError(`it is not valid JSON: ${libraryReason(error)}`);
  }
  return toPlain(value);
});

export const textDecoder: PayloadDecoder = stateless('text', (payload) => text(payload, 'text'));

/** Bytes written out as hex (the hex view of the window shows more; this is the value charts and previews see). */
export const hexDecoder: PayloadDecoder = stateless('hex', (payload) => {
  const shown = payload.subarray(0, 4096).toString('hex').replace(/(..)(?!$)/g, '$1 ');
  return payload.length > 4096 ? `${shown} … (${payload.length} bytes)` : shown;
});

// Made with the first CBOR payload (the library loads then). cbor-x's limits are its module's own; nothing else in the process decodes CBOR.
let cbor: CborDecoder | null = null;
function cborReader(): CborDecoder {
  if (cbor) return cbor;
  cborX.setSizeLimits({ maxArraySize: MAX_NODES, maxMapSize: MAX_NODES, maxObjectSize: MAX_NODES });
  cbor = new cborX.Decoder({ mapsAsObjects: false, useRecords: false });
  return cbor;
}
const cborTag = (value: object) => (value instanceof cborX.Tag ? { tag: value.tag, value: value.value as unknown } : null);

export const cborDecoder: PayloadDecoder = stateless('cbor', (payload) => {
  if (payload.length === 0) throw new DecodeError('it is not CBOR: the payload is empty');
  let value: unknown;
  try {
    value = cborReader().decode(payload);
  } catch (error) {
    throw new DecodeError(`it is not valid CBOR: ${libraryReason(error)}`);
  }
  return toPlain(value, undefined, 0, cborTag);
});

// Made with the first MessagePack payload (the library loads then).
let msgpack: MsgpackDecoder | null = null;
const msgpackReader = (): MsgpackDecoder =>
  (msgpack ??= new msgpackLibrary.Decoder({ useBigInt64: true, maxArrayLength: MAX_NODES, maxMapLength: MAX_NODES, maxExtLength: 16 * 1024 * 1024 }));
const msgpackExt = (value: object) => (value instanceof msgpackLibrary.ExtData ? { tag: `ext ${value.type}`, value: value.data as unknown } : null);

export const msgpackDecoder: PayloadDecoder = stateless('msgpack', (payload) => {
  if (payload.length === 0) throw new DecodeError('it is not MessagePack: the payload is empty');
  let value: unknown;
  try {
    value = msgpackReader().decode(payload);
  } catch (error) {
    throw new DecodeError(`it is not valid MessagePack: ${libraryReason(error)}`);
  }
  return toPlain(value, undefined, 0, msgpackExt);
});

export type { Plain };
