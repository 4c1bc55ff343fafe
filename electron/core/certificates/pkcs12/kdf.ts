/**
 * Password-based key derivation for PKCS#12 and PKCS#5: the PKCS#12 KDF
 * (RFC 7292 appendix B.2, in JS: Node has none), PBKDF1 and PBKDF2. Each one
 * is metered, because a hostile file chooses its own iteration count: the
 * count is checked against the stated maximum, the hash rounds are taken from
 * the import's allowance before any work starts, and long derivations report
 * progress so the operator sees something move. Synchronous on purpose: it
 * runs only in the inspection worker (and the CLI), never on the thread that
 * takes in MQTT messages.
 */
import { createHash, pbkdf2Sync } from 'node:crypto';
import { IMPORT_LIMITS } from '../../../../shared/certificates';
import { Pkcs12Error } from './errors';

export interface Digest {
  /** Node's name. */
  name: string;
  label: string;
  /** Input block size in bytes, the PKCS#12 KDF's v. */
  block: number;
  /** Output size in bytes. */
  size: number;
}

export const digest = (name: string, label: string, block: number, size: number): Digest => ({ name, label, block, size });

/** What key derivation one import may still spend, and where its progress goes. */
export interface KdfMeter {
  /** Takes `rounds` hash rounds from the import's allowance; false when not that many are left. */
  take(rounds: number): boolean;
  /** Rounds of the derivation under way done so far, of `total`. */
  progress(done: number, total: number): void;
}

/** A meter with the whole per-import allowance and nowhere to report to (one file read on its own). */
export function kdfMeter(allowance: number = IMPORT_LIMITS.maxTotalKdfRounds, progress: KdfMeter['progress'] = () => undefined): KdfMeter {
  let left = allowance;
  return {
    take(rounds) {
      if (rounds > left) return false;
      left -= rounds;
      return true;
    },
    progress,
  };
}

/** Progress is reported every this many rounds of the PKCS#12 KDF (a few milliseconds of work). */
const PROGRESS_EVERY = 16_384;

export function checkIterations(iterations: number): void {
  if (iterations < 1) throw new Pkcs12Error('pkcs12_malformed', 'An iteration count of 0 is not valid.');
  if (iterations > IMPORT_LIMITS.maxKdfIterations) {
    throw new Pkcs12Error(
      'kdf_too_costly',
      `The file asks for ${iterations.toLocaleString('en-US')} key derivation iterations; this app opens files with up to ${IMPORT_LIMITS.maxKdfIterations.toLocaleString('en-US')}.`,
    );
  }
}

export function spend(meter: KdfMeter, rounds: number): void {
  if (!meter.take(rounds)) {
    throw new Pkcs12Error(
      'kdf_too_costly',
      `Opening this import needs more than ${IMPORT_LIMITS.maxTotalKdfRounds.toLocaleString('en-US')} rounds of key derivation in total, the limit for one import.`,
    );
  }
}

/** The PKCS#12 KDF: ID 1 derives keys, 2 IVs, 3 MAC keys. */
export function pkcs12Kdf(meter: KdfMeter, hash: Digest, password: Buffer, salt: Buffer, id: 1 | 2 | 3, iterations: number, length: number): Buffer {
  checkIterations(iterations);
  const blocks = Math.ceil(length / hash.size);
  const total = blocks * iterations;
  spend(meter, total);
  const v = hash.block;
  const stretch = (input: Buffer): Buffer => {
    const out = Buffer.alloc(v * Math.ceil(input.length / v));
    for (let i = 0; i < out.length; i++) out[i] = input[i % input.length] ?? 0;
    return out;
  };
  const d = Buffer.alloc(v, id);
  const i = Buffer.concat([stretch(salt), stretch(password)]);
  const out = Buffer.alloc(length);
  let done = 0;
  for (let produced = 0; ; ) {
    let a = createHash(hash.name).update(d).update(i).digest();
    for (let round = 1; round < iterations; round++) {
      a = createHash(hash.name).update(a).digest();
      if (round % PROGRESS_EVERY === 0) meter.progress(done + round, total);
    }
    done += iterations;
    produced += a.copy(out, produced);
    if (produced >= length) {
      meter.progress(total, total);
      return out;
    }
    // Each v-byte block of I becomes (I_j + B + 1) mod 2^(8v).
    const b = stretch(a).subarray(0, v);
    for (let j = 0; j < i.length; j += v) {
      let carry = 1;
      for (let k = v - 1; k >= 0; k--) {
        const sum = (i[j + k] ?? 0) + (b[k] ?? 0) + carry;
        i[j + k] = sum & 0xff;
        carry = sum >> 8;
      }
    }
  }
}

/** PKCS#5 v1.5 PBKDF1: the DES or RC2 key and IV from one hash chain. */
export function pbkdf1(meter: KdfMeter, hash: string, password: Buffer, salt: Buffer, iterations: number): { key: Buffer; iv: Buffer } {
  checkIterations(iterations);
  spend(meter, iterations);
  let t = createHash(hash).update(password).update(salt).digest();
  for (let i = 1; i < iterations; i++) {
    t = createHash(hash).update(t).digest();
    if (i % PROGRESS_EVERY === 0) meter.progress(i, iterations);
  }
  meter.progress(iterations, iterations);
  return { key: t.subarray(0, 8), iv: t.subarray(8, 16) };
}

/** PBKDF2 runs natively in one call: its progress is its start and its end. */
export function pbkdf2(meter: KdfMeter, prf: Digest, password: Buffer, salt: Buffer, iterations: number, length: number): Buffer {
  checkIterations(iterations);
  const total = Math.ceil(length / prf.size) * iterations;
  spend(meter, total);
  meter.progress(0, total);
  const key = pbkdf2Sync(password, salt, iterations, length, prf.name);
  meter.progress(total, total);
  return key;
}
