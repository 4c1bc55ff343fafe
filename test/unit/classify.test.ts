/**
 * The classification of an import as a pure function of what was read and
 * of the clock: an inventory built by hand, with no file at all, gets its
 * roles, chain and findings; the same inventory at another time gets other
 * validity findings and nothing else. Each certificate's signature checks
 * happen once, however many rules ask about it.
 */
import { X509Certificate } from 'node:crypto';
import path from 'node:path';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { inspectBundle } from '../../electron/core/certificates/bundle';
import { classify, kindOf } from '../../electron/core/certificates/classify';
import { Inventory } from '../../electron/core/certificates/inventory';
import { createTestPki, type TestPki } from '../fixtures/pki';

let pki: TestPki;
beforeAll(() => {
  pki = createTestPki(path.join(mkdtempSync(path.join(os.tmpdir(), 'mqtts-classify-')), 'pki'));
});
afterEach(() => vi.restoreAllMocks());

function inventory(): Inventory {
  const inv = new Inventory();
  inv.addCert('root.pem', pki.rootCa.x509);
  inv.addCert('intermediate.pem', pki.intermediateCa.x509);
  inv.addCert('client.pem', pki.client.x509);
  inv.addKey('client.key', pki.client.privateKey, false);
  return inv;
}

describe('classify', () => {
  it('decides roles, identity, chain and CAs from an inventory alone', () => {
    const inv = inventory();
    const c = classify(inv, Date.now());
    expect(inv.certs.map(kindOf)).toEqual(['root-ca', 'intermediate-ca', 'certificate']);
    expect(c.identity?.cert.source).toBe('client.pem');
    expect(c.identity?.key.source).toBe('client.key');
    expect(c.identity?.chain.map((x) => x.source)).toEqual(['client.pem', 'intermediate.pem']);
    expect(c.cas.map((x) => x.source)).toEqual(['root.pem', 'intermediate.pem']);
    expect(c.certificateBySpki.get(inv.keys[0]?.facts.spki ?? '')?.source).toBe('client.pem');
    expect({ usable: c.usable, errors: c.errors, warnings: c.warnings }).toEqual({ usable: true, errors: [], warnings: [] });
  });

  it('is a function of the clock too: the same inventory ten years on is expired, and nothing else changes', () => {
    const inv = inventory();
    const now = classify(inv, Date.now());
    const later = classify(inv, Date.parse(pki.client.x509.validTo) + 86_400_000);
    expect(later.warnings.map((w) => w.code)).toContain('identity_expired');
    expect(later.identity?.chain.map((x) => x.source)).toEqual(now.identity?.chain.map((x) => x.source));
    expect(later.cas).toEqual(now.cas);
    expect(classify(inv, Date.now())).toEqual(now);
  });

  it('checks each signature once: one self-signature and one per chain link', () => {
    const verify = vi.spyOn(X509Certificate.prototype, 'verify');
    const r = inspectBundle([
      { name: 'ca.pem', bytes: Buffer.from(pki.caBundle.pem) },
      { name: 'client.pem', bytes: Buffer.from(pki.client.cert.pem) },
      { name: 'client.key', bytes: Buffer.from(pki.client.key.pem) },
    ]);
    expect(r.summary.usable).toBe(true);
    // The root's self-signature, the client's link to the intermediate, the intermediate's to the root.
    expect(verify).toHaveBeenCalledTimes(3);
  });
});
