/**
 * The record of brokers' last-seen chains (trust.json): it survives a
 * restart, is written atomically with the previous good version as backup,
 * falls back to that backup (or to nothing, saying so) when damaged, forgets
 * deleted connections, and does not rewrite the file on every handshake. And
 * the CRL files a connection keeps: PEM or DER as picked, nothing else.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { crlFieldProblem, crlFileText, CrlPemSchema } from '../../shared/revocation';
import { generateKey, issueCertificate } from '../../electron/core/certificates/issue';
import type { Logger } from '../../electron/core/logger';
import { TRUST_FILE, TrustStateStore } from '../../electron/core/trust/state-store';
import { tempDir } from '../support/backend';

const quiet: Logger = { info: () => undefined, warn: () => undefined, error: () => undefined };

function cert(cn: string): Buffer {
  const keys = generateKey('ec-p256');
  return issueCertificate({ subject: { CN: cn }, publicKey: keys.publicKey, signingKey: keys.privateKey, notBefore: new Date(Date.now() - 1000), notAfter: new Date(Date.now() + 86_400_000) }).der;
}

async function reopen(dir: string): Promise<TrustStateStore> {
  const store = new TrustStateStore(dir, quiet);
  await store.load();
  return store;
}

describe('trust state', () => {
  const chain = [cert('broker'), cert('ca')];

  it('keeps each connection\'s chain across a restart, DER for DER', async () => {
    const dir = tempDir('trust-state');
    const store = await reopen(dir);
    expect(store.recordChain('a', chain, 1000)).toBe(true);
    expect(store.recordChain('a', chain, 2000)).toBe(false);
    await store.flush();
    const again = await reopen(dir);
    expect(again.all().get('a')?.certificates.map((d) => d.toString('hex'))).toEqual(chain.map((d) => d.toString('hex')));
    expect(again.notice).toBeNull();
  });

  it('writes seenAt alone at most hourly, the chain at every change', async () => {
    const dir = tempDir('trust-seen');
    const store = await reopen(dir);
    store.recordChain('a', chain, 1000);
    await store.flush();
    const written = readFileSync(path.join(dir, TRUST_FILE), 'utf8');
    store.recordChain('a', chain, 1000 + 60_000);
    await store.flush();
    expect(readFileSync(path.join(dir, TRUST_FILE), 'utf8')).toBe(written);
    store.recordChain('a', [chain[0] as Buffer], 1000 + 120_000);
    await store.flush();
    expect(JSON.parse(readFileSync(path.join(dir, TRUST_FILE), 'utf8')).chains.a.certificates).toHaveLength(1);
  });

  it('falls back to the backup when the file is damaged, and says so', async () => {
    const dir = tempDir('trust-corrupt');
    const store = await reopen(dir);
    store.recordChain('a', chain, 1000);
    await store.flush();
    store.recordChain('b', chain, 2000);
    await store.flush();
    writeFileSync(path.join(dir, TRUST_FILE), '{"version":1,"chains":');
    const again = await reopen(dir);
    expect(again.notice?.code).toBe('trust_state_recovered');
    expect(again.notice?.message).toMatch(/not valid JSON; its backup was used/);
    expect([...again.all().keys()]).toEqual(['a']);
  });

  it('starts afresh when neither file can be read, without failing', async () => {
    const dir = tempDir('trust-lost');
    writeFileSync(path.join(dir, TRUST_FILE), 'garbage');
    writeFileSync(path.join(dir, `${TRUST_FILE}.bak`), '{"version":1}');
    const store = await reopen(dir);
    expect(store.notice?.message).toMatch(/starts afresh/);
    expect(store.all().size).toBe(0);
  });

  it('forgets deleted connections', async () => {
    const dir = tempDir('trust-forget');
    const store = await reopen(dir);
    store.recordChain('a', chain, 1);
    store.recordChain('b', chain, 1);
    store.forget(['a']);
    await store.flush();
    expect([...(await reopen(dir)).all().keys()]).toEqual(['b']);
  });
});

describe('CRL files of a connection', () => {
  const der = Buffer.from('3082010a30', 'hex');
  it('takes PEM as it is and wraps DER in PEM lines', () => {
    const pem = crlFileText(der) as string;
    expect(pem).toBe('-----BEGIN X509 CRL-----\nMIIBCjA=\n-----END X509 CRL-----\n');
    expect(crlFileText(new TextEncoder().encode(pem))).toBe(pem);
    expect(crlFieldProblem(pem)).toBeNull();
  });

  it('refuses what is not a CRL, naming what it expected', () => {
    expect(crlFileText(new TextEncoder().encode('hello'))).toBeNull();
    expect(crlFieldProblem('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')).toMatch(/Expected a certificate revocation list/);
    expect(crlFieldProblem('-----BEGIN X509 CRL-----\nMIIB')).toMatch(/never ends/);
    expect(CrlPemSchema.safeParse('x'.repeat(2 * 1024 * 1024)).success).toBe(false);
  });
});
