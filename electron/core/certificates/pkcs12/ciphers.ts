/**
 * The ciphers of password-based encryption: the CBC ciphers Node has (AES,
 * 3DES, and single DES run as 3DES with repeated key parts), and the legacy
 * RC2 (RFC 2268) and RC4 that OpenSSL 3 and Electron's BoringSSL dropped but
 * most legacy PKCS#12 exports (Windows, macOS, Java, OpenSSL 1.x) still use.
 * Decryption only: the app never writes these formats.
 */
import { createDecipheriv } from 'node:crypto';

export type Cipher =
  /** A CBC cipher Node has; DES and two-key 3DES are run as des-ede3-cbc with repeated key parts. */
  | { kind: 'node'; algorithm: 'aes-128-cbc' | 'aes-192-cbc' | 'aes-256-cbc' | 'des-ede3-cbc' | 'des-cbc' | 'des-ede-cbc'; block: number }
  | { kind: 'rc2'; effectiveBits: number; block: 8 }
  | { kind: 'rc4'; block: 1 };

export const cbc = (algorithm: Extract<Cipher, { kind: 'node' }>['algorithm']): Cipher => ({ kind: 'node', algorithm, block: algorithm.startsWith('aes') ? 16 : 8 });
export const rc2 = (effectiveBits: number): Cipher => ({ kind: 'rc2', effectiveBits, block: 8 });
export const RC4: Cipher = { kind: 'rc4', block: 1 };

/** The plaintext, or null when the padding is wrong, the usual sign of a wrong password. */
export function runCipher(cipher: Cipher, key: Buffer, iv: Buffer, data: Buffer): Buffer | null {
  switch (cipher.kind) {
    case 'rc4':
      return rc4(key, data);
    case 'rc2':
      return unpad(rc2CbcDecrypt(key, cipher.effectiveBits, iv, data), 8);
    case 'node': {
      let algorithm: string = cipher.algorithm;
      let nodeKey = key;
      // Node's default provider (and BoringSSL) lack single DES and des-ede; EDE3 with repeated parts computes the same.
      if (algorithm === 'des-cbc') [algorithm, nodeKey] = ['des-ede3-cbc', Buffer.concat([key, key, key])];
      if (algorithm === 'des-ede-cbc') [algorithm, nodeKey] = ['des-ede3-cbc', Buffer.concat([key, key.subarray(0, 8)])];
      const decipher = createDecipheriv(algorithm, nodeKey, iv);
      try {
        return Buffer.concat([decipher.update(data), decipher.final()]);
      } catch {
        return null;
      }
    }
  }
}

function unpad(data: Buffer, block: number): Buffer | null {
  const n = data[data.length - 1] ?? 0;
  if (n < 1 || n > block || n > data.length) return null;
  for (let i = data.length - n; i < data.length; i++) if (data[i] !== n) return null;
  return data.subarray(0, data.length - n);
}

// ---------------------------------------------------------------- RFC 2268 (RC2) and RC4

/** RFC 2268 section 2: a permutation of 0..255 from the digits of pi. */
const PITABLE = Buffer.from(
  [
    'd978f9c419ddb5ed28e9fd794aa0d89d',
    'c67e37832b76538e624c6488448bfba2',
    '179a59f587b34f1361456d8d09817d32',
    'bd8f40eb86b77b0bf09521225c6b4e82',
    '54d66593ce60b21c7356c014a78cf1dc',
    '1275ca1f3bbee4d1423dd430a33cb626',
    '6fbf0eda4669075727f21d9bbc944303',
    'f811c7f690ef3ee706c3d52fc8661ed7',
    '08e8eade8052eef784aa72ac354d6a2a',
    '961ad2715a1549744b9fd05e0418a4ec',
    'c2e0416e0f51cbcc2491af50a1f47039',
    '997c3a8523b8b47afc02365b25559731',
    '2d5dfa98e38a92ae05df2910676cbac9',
    'd300e6cfe19ea82c6316013f58e289a9',
    '0d38341bab33ffb0bb480c5fb9b1cd2e',
    'c5f3db47e5a59c770aa62068fe7fc1ad',
  ].join(''),
  'hex',
);

function rc2Schedule(key: Buffer, effectiveBits: number): Uint16Array {
  const l = new Uint8Array(128);
  l.set(key);
  const t = key.length;
  const pi = (n: number) => PITABLE[n & 0xff] ?? 0;
  const at = (n: number) => l[n] ?? 0;
  for (let i = t; i < 128; i++) l[i] = pi(at(i - 1) + at(i - t));
  // Reducing the effective key size is what made the 40-bit export variant legal to ship.
  const t8 = (effectiveBits + 7) >> 3;
  const tm = 0xff >> (8 * t8 - effectiveBits);
  l[128 - t8] = pi(at(128 - t8) & tm);
  for (let i = 127 - t8; i >= 0; i--) l[i] = pi(at(i + 1) ^ at(i + t8));
  const k = new Uint16Array(64);
  for (let i = 0; i < 64; i++) k[i] = at(2 * i) | (at(2 * i + 1) << 8);
  return k;
}

function rc2CbcDecrypt(key: Buffer, effectiveBits: number, iv: Buffer, data: Buffer): Buffer {
  const schedule = rc2Schedule(key, effectiveBits);
  const k = (n: number) => schedule[n] ?? 0;
  const out = Buffer.alloc(data.length);
  let previous = iv;
  for (let offset = 0; offset < data.length; offset += 8) {
    const block = data.subarray(offset, offset + 8);
    let r0 = block.readUInt16LE(0);
    let r1 = block.readUInt16LE(2);
    let r2 = block.readUInt16LE(4);
    let r3 = block.readUInt16LE(6);
    let j = 63;
    const unmix = () => {
      r3 = ((r3 << 11) | (r3 >> 5)) & 0xffff;
      r3 = (r3 - k(j--) - (r2 & r1) - (~r2 & r0)) & 0xffff;
      r2 = ((r2 << 13) | (r2 >> 3)) & 0xffff;
      r2 = (r2 - k(j--) - (r1 & r0) - (~r1 & r3)) & 0xffff;
      r1 = ((r1 << 14) | (r1 >> 2)) & 0xffff;
      r1 = (r1 - k(j--) - (r0 & r3) - (~r0 & r2)) & 0xffff;
      r0 = ((r0 << 15) | (r0 >> 1)) & 0xffff;
      r0 = (r0 - k(j--) - (r3 & r2) - (~r3 & r1)) & 0xffff;
    };
    const unmash = () => {
      r3 = (r3 - k(r2 & 63)) & 0xffff;
      r2 = (r2 - k(r1 & 63)) & 0xffff;
      r1 = (r1 - k(r0 & 63)) & 0xffff;
      r0 = (r0 - k(r3 & 63)) & 0xffff;
    };
    for (let n = 0; n < 5; n++) unmix();
    unmash();
    for (let n = 0; n < 6; n++) unmix();
    unmash();
    for (let n = 0; n < 5; n++) unmix();
    out.writeUInt16LE(r0 ^ previous.readUInt16LE(0), offset);
    out.writeUInt16LE(r1 ^ previous.readUInt16LE(2), offset + 2);
    out.writeUInt16LE(r2 ^ previous.readUInt16LE(4), offset + 4);
    out.writeUInt16LE(r3 ^ previous.readUInt16LE(6), offset + 6);
    previous = block;
  }
  return out;
}

function rc4(key: Buffer, data: Buffer): Buffer {
  const s = new Uint8Array(256).map((_, i) => i);
  const at = (n: number) => s[n] ?? 0;
  const swap = (a: number, b: number) => {
    const t = at(a);
    s[a] = at(b);
    s[b] = t;
  };
  for (let i = 0, j = 0; i < 256; i++) {
    j = (j + at(i) + (key[i % key.length] ?? 0)) & 0xff;
    swap(i, j);
  }
  const out = Buffer.alloc(data.length);
  for (let n = 0, i = 0, j = 0; n < data.length; n++) {
    i = (i + 1) & 0xff;
    j = (j + at(i)) & 0xff;
    swap(i, j);
    out[n] = (data[n] ?? 0) ^ at((at(i) + at(j)) & 0xff);
  }
  return out;
}
