/**
 * The decoding libraries, loaded on first use (see process/on-first-use.ts):
 * together they were a tenth of the core's import time at every start, while
 * most connections decode nothing but JSON and text. A connection with a
 * Sparkplug, protobuf, CBOR or MessagePack rule loads its library with the
 * first message that rule decodes, synchronously.
 */
import type * as CborX from 'cbor-x';
import type * as Msgpack from '@msgpack/msgpack';
import type * as Protobuf from 'protobufjs';
import { onFirstUse } from '../process/on-first-use';

export const protobuf = onFirstUse<typeof Protobuf>('protobufjs');
export const cborX = onFirstUse<typeof CborX>('cbor-x');
export const msgpack = onFirstUse<typeof Msgpack>('@msgpack/msgpack');
