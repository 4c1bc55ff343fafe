/**
 * Bounded, seeded fuzzing of the certificate readers with mutations of valid
 * inputs made at run time (PEM bundles, DER certificates and keys, PKCS#12
 * files written by openssl, zips of them). Each reader may refuse what it is
 * given only with its own error type: scanPem and inspectBundle never throw
 * (inspectBundle reports findings, and its last-resort catch must never be
 * what saved the day), the ASN.1 reader throws Asn1Error, the PKCS#12 reader
 * Pkcs12Error, the zip reader ZipError. Never a RangeError or TypeError. A
 * failing case prints its seed and index, so it reproduces.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { Asn1Error, children, readBer, readNode, type Node } from '../../electron/core/certificates/asn1';
import { inspectBundle, type BundleInput } from '../../electron/core/certificates/bundle';
import { generateKey, privateKeyPem } from '../../electron/core/certificates/issue';
import { kdfMeter, Pkcs12Error, readPkcs12 } from '../../electron/core/certificates/pkcs12';
import { readZip, ZipError } from '../../electron/core/certificates/zip';
import { ImportSummarySchema } from '../../shared/certificates';
import { scanPem } from '../../shared/pem';
import { deviceIdentity } from '../fixtures/device-identity';
import { seededRandom } from '../support/random';
import { writeZip } from '../support/zip';

const PASSWORD = 'fuzz-pass';
let dir: string;
let pem: string;
let ders: Buffer[];
let p12s: Buffer[];

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), 'mqtts-fuzz-'));
  const { ca, leaf, key, keyPem } = deviceIdentity('fuzz-device');
  const rsa = generateKey('rsa-2048');
  pem = [ca.pem, leaf.pem, keyPem, privateKeyPem(rsa.privateKey, PASSWORD), rsa.publicKey.export({ type: 'spki', format: 'pem' }).toString()].join('\n');
  ders = [leaf.der, key.privateKey.export({ type: 'pkcs8', format: 'der' }), rsa.privateKey.export({ type: 'pkcs8', format: 'der', cipher: 'aes-256-cbc', passphrase: PASSWORD }), rsa.publicKey.export({ type: 'spki', format: 'der' })];
  writeFileSync(path.join(dir, 'key.pem'), keyPem);
  writeFileSync(path.join(dir, 'leaf.pem'), leaf.pem);
  writeFileSync(path.join(dir, 'ca.pem'), ca.pem);
  // Cheap to open (one iteration), so the fuzzing spends its time on structure, not on key derivation. Without a MAC
  // (openssl's -iter also sets the MAC's count, so -nomac comes after it), damage reaches the bags instead of stopping at the integrity check.
  const variants = [['-iter', '1'], ['-legacy', '-noiter', '-nomaciter'], ['-iter', '1', '-nomac', '-certpbe', 'AES-256-CBC'], ['-legacy', '-noiter', '-nomac', '-certpbe', 'PBE-SHA1-RC2-40']];
  p12s = variants.map((extra, i) => {
    const out = path.join(dir, `v${i}.p12`);
    execFileSync('openssl', ['pkcs12', '-export', '-inkey', path.join(dir, 'key.pem'), '-in', path.join(dir, 'leaf.pem'), '-certfile', path.join(dir, 'ca.pem'), '-passout', `pass:${PASSWORD}`, '-out', out, ...extra]);
    return readFileSync(out);
  });
});

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/** Byte-level damage: flips biased to the values length and tag fields are sensitive to, cuts, duplicated and dropped ranges. */
function mutateBytes(random: Random, input: Buffer): Buffer {
  let out = Buffer.from(input);
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * out.length);
    const kind = random();
    if (kind < 0.6) out[at] = pick(random, [0x00, 0xff, 0x80, 0x81, 0x30, 0x04, Math.floor(random() * 256)]);
    else if (kind < 0.7) out = out.subarray(0, at);
    else if (kind < 0.85) out = Buffer.concat([out.subarray(0, at), out.subarray(at, at + Math.floor(random() * 64)), out.subarray(at)]);
    else out = Buffer.concat([out.subarray(0, at), out.subarray(at + 1 + Math.floor(random() * 16))]);
  }
  return out;
}

const MARKERS = ['-----BEGIN ', '-----END ', '-----', '-----BEGIN CERTIFICATE-----\n', '-----END CERTIFICATE-----\n', '-----END PRIVATE KEY-----', 'Proc-Type: 4,ENCRYPTED\n', '\n\n', '====', '\u0000', 'é'];

/** Text-level damage: markers inserted, ranges dropped or repeated, characters replaced, a cut. */
function mutateText(random: Random, input: string): string {
  let out = input;
  const edits = 1 + Math.floor(random() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * out.length);
    const kind = random();
    if (kind < 0.35) out = out.slice(0, at) + pick(random, MARKERS) + out.slice(at);
    else if (kind < 0.55) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(random() * 200));
    else if (kind < 0.7) out = out.slice(0, at) + out.slice(at, at + Math.floor(random() * 300)) + out.slice(at);
    else if (kind < 0.9) out = out.slice(0, at) + String.fromCharCode(Math.floor(random() * 128)) + out.slice(at + 1);
    else out = out.slice(0, at);
  }
  return out;
}

/** inspectBundle must answer every input with a summary that fits the contract, its findings coming from the readers themselves. */
function expectAnswered(inputs: BundleInput[], options: { passphrase?: string }, label: string): void {
  let result;
  try {
    result = inspectBundle(inputs, options);
  } catch (error) {
    throw new Error(`${label}: inspectBundle threw ${String(error)}`);
  }
  const parsed = ImportSummarySchema.safeParse({ ...result.summary, importId: null });
  if (!parsed.success) throw new Error(`${label}: the summary does not fit the contract: ${parsed.error.message}`);
  const lastResort = result.summary.errors.find((e) => e.code === 'file_unreadable');
  if (lastResort) throw new Error(`${label}: only the last-resort catch stopped ${lastResort.message}`);
}

/** Reads a whole DER tree, as the readers do, descending into constructed values. */
function walk(node: Node, depth = 0): void {
  if (depth > 40) return;
  if (node.constructed) for (const child of children(node)) walk(child, depth + 1);
}

function only<E extends Error>(type: new (...args: never[]) => E, run: () => unknown, label: string): void {
  try {
    run();
  } catch (error) {
    if (!(error instanceof type)) throw new Error(`${label}: threw ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}`);
  }
}

describe('fuzzing the certificate readers', () => {
  it('PEM: scanPem and inspectBundle answer 400 damaged bundles (seed 101)', () => {
    const random = seededRandom(101);
    for (let i = 0; i < 400; i++) {
      const text = mutateText(random, pem);
      const label = `seed 101 case ${i}`;
      const scan = scanPem(text);
      expect(scan.steps, label).toBeLessThanOrEqual(4 * text.length + 64);
      expectAnswered([{ name: 'bundle.pem', bytes: Buffer.from(text) }], i % 2 ? { passphrase: PASSWORD } : {}, label);
    }
  });

  it('DER: the ASN.1 reader throws only Asn1Error and inspectBundle answers 1,200 damaged certificates and keys (seed 202)', () => {
    const random = seededRandom(202);
    for (let i = 0; i < 1200; i++) {
      const der = mutateBytes(random, pick(random, ders));
      const label = `seed 202 case ${i}`;
      only(Asn1Error, () => walk(readNode(der)), `${label} readNode`);
      only(Asn1Error, () => walk(readBer(der, 'the input', false)), `${label} readBer`);
      if (i % 4 === 0) expectAnswered([{ name: 'item.der', bytes: der }], { passphrase: PASSWORD }, label);
    }
  });

  it('PKCS#12: readPkcs12 throws only Pkcs12Error on 1,600 damaged files of four kinds (seed 303)', () => {
    const random = seededRandom(303);
    for (let i = 0; i < 1600; i++) {
      // Three cases in four go to the files without a MAC, whose insides the damage reaches.
      const der = mutateBytes(random, p12s[i % 4 === 0 ? i % 2 : 2 + (i % 2)] as Buffer);
      // A damaged iteration count could still be a legal, costly one: the allowance bounds the work of every case.
      only(Pkcs12Error, () => readPkcs12(der, i % 5 ? PASSWORD : '', { meter: kdfMeter(50_000) }), `seed 303 case ${i}`);
    }
  });

  it('zip: readZip throws only ZipError, and inspectBundle answers 300 damaged archives of PEM, DER and PKCS#12 (seed 404)', () => {
    const random = seededRandom(404);
    const zip = writeZip([
      { path: 'bundle/all.pem', data: pem, method: 8 },
      { path: 'bundle/leaf.der', data: ders[0] as Buffer, method: 0 },
      { path: 'bundle/device.p12', data: p12s[0] as Buffer, method: 8 },
      { path: 'README.txt', data: 'Use these files.' },
    ]);
    expectAnswered([{ name: 'bundle.zip', bytes: zip }], { passphrase: PASSWORD }, 'the archive itself');
    for (let i = 0; i < 300; i++) {
      const damaged = mutateBytes(random, zip);
      const label = `seed 404 case ${i}`;
      only(ZipError, () => readZip(damaged), label);
      expectAnswered([{ name: 'bundle.zip', bytes: damaged }], { passphrase: PASSWORD }, label);
    }
  });
});
