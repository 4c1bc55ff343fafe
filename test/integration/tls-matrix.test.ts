/**
 * Every certificate situation an operator meets, against real mosquitto TLS
 * listeners, through the CLI's `probe` (the same core as the app): each asserts
 * the error code, the hint, the grade and the exit code.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../../electron/cli/index';
import { buildProbeProfile, probeOnce } from '../../electron/cli/probe';
import { createSystemTrust } from '../../electron/core/tls/system-roots';
import { startMosquitto, tlsListener, writePasswordFile, type Broker } from '../fixtures/mosquitto';
import { CLIENT_KEY_PASSPHRASE, createTestPki, fingerprintPin, spkiPin, type TestPki } from '../fixtures/pki';
import { tempDir } from '../support/backend';

let pki: TestPki;
let broker: Broker;
let dir: string;

beforeAll(async () => {
  dir = tempDir('matrix');
  pki = createTestPki(path.join(dir, 'pki'));
  const passwords = await writePasswordFile(path.join(dir, 'pw'), { operator: 'right-password' });
  const leaf = (item: { cert: { path: string }; key: { path: string } }) => ({ certfile: item.cert.path, keyfile: item.key.path });
  broker = await startMosquitto([
    { name: 'leafOnly', tls: leaf(pki.server) },
    tlsListener(pki.server, 'fullChain'),
    tlsListener(pki.serverUntrusted, 'untrusted'),
    tlsListener(pki.serverExpired, 'expired'),
    tlsListener(pki.serverNotYetValid, 'notYetValid'),
    tlsListener(pki.serverWrongHost, 'wrongHost'),
    tlsListener(pki.serverExpiring, 'expiring'),
    tlsListener(pki.server, 'mtls', { cafile: pki.caBundle.path, requireCertificate: true }),
    tlsListener(pki.server, 'tls12', { tlsVersion: 'tlsv1.2' }),
    tlsListener(pki.serverRsa, 'tls12rsa', { tlsVersion: 'tlsv1.2', ciphers: 'AES128-GCM-SHA256' }),
    { ...tlsListener(pki.server, 'auth'), passwordFile: passwords },
    { ...tlsListener(pki.server, 'wss'), protocol: 'websockets' },
    { name: 'plain' },
  ]);
});

afterAll(async () => {
  await broker?.stop();
});

interface Report {
  connected: boolean;
  grade: string;
  reasons: Array<{ level: string; code: string; message: string }>;
  tls: null | { version: string | null; cipher: string | null; authorized: boolean; authorizationError: string | null; peerChain: Array<{ subject: string }>; clientCertificate: { subject: string } | null; pin: { matched: boolean | null } };
  error: null | { code: string; message: string; hint: string };
}

async function probe(listener: string, args: string[], env: Record<string, string> = {}, scheme = 'mqtts'): Promise<{ exit: number; report: Report; out: string }> {
  const out: string[] = [];
  const url = `${scheme}://localhost:${broker.ports[listener]}${scheme === 'wss' ? '/mqtt' : ''}`;
  const exit = await runCli(['probe', url, '--json', '--timeout', '8000', ...args], { stdout: (l) => out.push(l), stderr: (l) => out.push(l), env });
  const text = out.join('\n');
  return { exit, report: JSON.parse(text) as Report, out: text };
}

const root = () => ['--ca', pki.rootOnly.path];
const bundle = () => ['--ca', pki.caBundle.path];
const codes = (r: Report) => r.reasons.map((x) => x.code);

describe('TLS situations against real mosquitto listeners', () => {
  it('1. good chain (leaf served, intermediate trusted locally): secure, exit 0', async () => {
    const { exit, report } = await probe('leafOnly', bundle());
    expect(report).toMatchObject({ connected: true, grade: 'secure', error: null });
    expect(report.tls?.authorized).toBe(true);
    expect(report.tls?.peerChain.length).toBeGreaterThanOrEqual(2);
    expect(exit).toBe(0);
  });

  it('2. intermediate served by the broker, only the root trusted: secure, exit 0', async () => {
    const { exit, report } = await probe('fullChain', root());
    expect(report.grade).toBe('secure');
    expect(report.tls?.peerChain.map((c) => c.subject).join('|')).toMatch(/localhost.*Intermediate.*Root/);
    expect(exit).toBe(0);
  });

  it('3. intermediate not served and not trusted: missing intermediate, exit 3', async () => {
    const { exit, report } = await probe('leafOnly', root());
    expect(report.connected).toBe(false);
    expect(report.error?.code).toBe('tls_missing_intermediate');
    expect(report.error?.hint).toMatch(/intermediate CA certificate/);
    expect(report.grade).toBe('insecure');
    expect(report.tls?.authorizationError).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    expect(exit).toBe(3);
  });

  it('4. broker certificate from an untrusted CA: unknown CA, exit 3', async () => {
    const { exit, report } = await probe('untrusted', root());
    expect(report.error?.code).toBe('tls_unknown_ca');
    expect(report.error?.hint).toMatch(/root CA certificate/);
    // The CA the broker's chain needs, next to the one this connection trusts.
    expect(report.error?.message).toMatch(/needs the CA Untrusted Test Root CA, which this connection does not trust: it trusts MQTTS Dashboard Test Root CA\./);
    expect(report.error?.hint).toMatch(/Untrusted Test Root CA/);
    expect(report.reasons.filter((r) => r.message === report.error?.message)).toHaveLength(1);
    expect(report.grade).toBe('insecure');
    expect(exit).toBe(3);
  });

  it('5. expired broker certificate: exit 3 with the expiry date', async () => {
    const { exit, report } = await probe('expired', root());
    expect(report.error?.code).toBe('tls_cert_expired');
    expect(report.error?.message).toMatch(/expired \(on \d{4}-\d\d-\d\d\)/);
    expect(report.error?.hint).toMatch(/renew/);
    expect(report.grade).toBe('insecure');
    expect(exit).toBe(3);
  });

  it('6. broker certificate not yet valid: exit 3', async () => {
    const { exit, report } = await probe('notYetValid', root());
    expect(report.error?.code).toBe('tls_cert_not_yet_valid');
    expect(report.error?.hint).toMatch(/date and time/);
    expect(report.grade).toBe('insecure');
    expect(exit).toBe(3);
  });

  it('7. certificate for another host: hostname mismatch naming the valid names, exit 3', async () => {
    const { exit, report } = await probe('wrongHost', root());
    expect(report.error?.code).toBe('tls_hostname_mismatch');
    expect(report.error?.message).toMatch(/not issued for localhost.*wrong\.example/);
    expect(report.error?.hint).toMatch(/SNI server name/);
    expect(report.grade).toBe('insecure');
    // The chain itself verified: the host name is the one fact that failed, and it is said once.
    expect(report.tls?.authorized).toBe(true);
    expect(report.tls?.authorizationError).toBeNull();
    expect(codes(report)).toContain('chain_verified');
    expect(report.reasons.filter((r) => r.level !== 'ok')).toEqual([{ level: 'insecure', code: 'hostname_mismatch', message: report.error?.message }]);
    expect(exit).toBe(3);
    // The operator's fix works: the SNI name the certificate lists.
    const fixed = await probe('wrongHost', [...root(), '--servername', 'wrong.example']);
    expect(fixed.report.grade).toBe('secure');
  });

  it('8. mutual TLS with the client certificate: secure, client certificate reported, exit 0', async () => {
    const { exit, report } = await probe('mtls', [...root(), '--cert', pki.client.cert.path, '--key', pki.client.key.path]);
    expect(report.connected).toBe(true);
    expect(report.tls?.clientCertificate?.subject).toContain('device-001');
    expect(codes(report)).toContain('client_certificate');
    expect(exit).toBe(0);
  });

  it('9. mutual TLS required, no client certificate: exit 3 telling to add one', async () => {
    const { exit, report } = await probe('mtls', root());
    expect(report.connected).toBe(false);
    expect(report.error?.code).toBe('tls_client_cert_required');
    expect(report.error?.hint).toMatch(/client certificate and private key/);
    // The broker's own chain verified: nothing says it is untrustworthy, the connection just was not allowed.
    expect(report.grade).toBe('unknown');
    expect(exit).toBe(3);
  });

  it('10. client certificate from a CA the broker does not trust: exit 3', async () => {
    const { exit, report } = await probe('mtls', [...root(), '--cert', pki.clientUntrusted.cert.path, '--key', pki.clientUntrusted.key.path]);
    expect(report.error?.code).toBe('tls_client_cert_unknown_ca');
    expect(report.error?.hint).toMatch(/signed by a CA the broker/);
    expect(report.grade).toBe('unknown');
    expect(exit).toBe(3);
  });

  it('11. encrypted key with the right, a wrong and no passphrase', async () => {
    const args = [...root(), '--cert', pki.clientEncryptedKey.cert.path, '--key', pki.clientEncryptedKey.key.path, '--passphrase-env', 'KEY_PASS'];
    const right = await probe('mtls', args, { KEY_PASS: CLIENT_KEY_PASSPHRASE });
    expect(right.exit).toBe(0);
    const wrong = await probe('mtls', args, { KEY_PASS: 'wrong horse' });
    expect(wrong.report.error?.code).toBe('key_wrong_passphrase');
    expect(wrong.report.error?.hint).toMatch(/passphrase/);
    expect(wrong.report.grade).toBe('unknown');
    expect(wrong.exit).toBe(3);
    const missing = await probe('mtls', [...root(), '--cert', pki.clientEncryptedKey.cert.path, '--key', pki.clientEncryptedKey.key.path]);
    expect(missing.report.error?.code).toBe('key_passphrase_missing');
    expect(missing.exit).toBe(3);
    // The passphrase is never printed.
    expect(right.out + wrong.out).not.toContain('horse');
  });

  it('11b. PKCS#12 identity, legacy (RC2/3DES) and OpenSSL 3 (AES) encryption, right and wrong password', async () => {
    for (const legacy of [true, false]) {
      const file = path.join(dir, `device-${legacy ? 'legacy' : 'aes'}.p12`);
      execFileSync('openssl', ['pkcs12', '-export', ...(legacy ? ['-legacy'] : []), '-inkey', pki.client.key.path, '-in', pki.client.cert.path, '-passout', 'pass:p12-pass', '-out', file]);
      const ok = await probe('mtls', [...root(), '--pfx', file, '--passphrase-env', 'P12'], { P12: 'p12-pass' });
      expect(ok.report.tls?.clientCertificate?.subject).toContain('device-001');
      expect(ok.exit).toBe(0);
      const wrong = await probe('mtls', [...root(), '--pfx', file, '--passphrase-env', 'P12'], { P12: 'nope' });
      expect(wrong.report.error?.code).toBe('key_wrong_passphrase');
      expect(wrong.exit).toBe(3);
    }
  });

  it('12. key that does not match the certificate: exit 3', async () => {
    const { exit, report } = await probe('mtls', [...root(), '--cert', pki.clientOtherKey.cert.path, '--key', pki.clientOtherKey.key.path]);
    expect(report.error?.code).toBe('key_mismatch');
    expect(report.error?.hint).toMatch(/issued together/);
    expect(report.grade).toBe('unknown');
    expect(exit).toBe(3);
  });

  it('13. TLS 1.3 minimum against a TLS 1.2-only listener: protocol version, exit 3', async () => {
    const { exit, report } = await probe('tls12', [...root(), '--min-tls', 'TLSv1.3']);
    expect(report.error?.code).toBe('tls_protocol_version');
    expect(report.error?.hint).toMatch(/TLSv1\.2/);
    expect(report.grade).toBe('unknown');
    expect(exit).toBe(3);
    const ok = await probe('tls12', root());
    expect(ok.report.tls?.version).toBe('TLSv1.2');
    expect(ok.report.grade).toBe('secure');
  });

  it('14. pin of the broker certificate or of its public key: match secure, mismatch refused', async () => {
    const byCert = await probe('fullChain', [...root(), '--pin', fingerprintPin(pki.server.cert.pem)]);
    expect(byCert.report.tls?.pin.matched).toBe(true);
    expect(codes(byCert.report)).toContain('pin_match');
    expect(byCert.exit).toBe(0);
    const byKey = await probe('fullChain', [...root(), '--pin', spkiPin(pki.server.cert.pem)]);
    expect(byKey.exit).toBe(0);
    const wrong = await probe('fullChain', [...root(), '--pin', fingerprintPin(pki.serverWrongHost.cert.pem)]);
    expect(wrong.report.connected).toBe(false);
    expect(wrong.report.error?.code).toBe('tls_pin_mismatch');
    expect(wrong.report.error?.hint).toMatch(/intercepting/);
    expect(wrong.report.grade).toBe('insecure');
    expect(wrong.exit).toBe(3);
  });

  it('15. verification turned off: connects, always insecure, exit 2', async () => {
    const { exit, report } = await probe('untrusted', ['--insecure']);
    expect(report.connected).toBe(true);
    expect(report.grade).toBe('insecure');
    expect(codes(report)).toEqual(expect.arrayContaining(['verification_off', 'chain_unverified']));
    expect(exit).toBe(2);
    // Even when the chain would verify.
    const verifiable = await probe('fullChain', [...root(), '--insecure']);
    expect(verifiable.report.grade).toBe('insecure');
    expect(verifiable.exit).toBe(2);
  });

  it('16. broker certificate expiring within 30 days: warning, exit 1', async () => {
    const { exit, report } = await probe('expiring', root());
    expect(report.grade).toBe('warning');
    expect(codes(report)).toContain('peer_expiring');
    expect(exit).toBe(1);
  });

  it('17. TLS 1.2 with a cipher without forward secrecy: warning, exit 1', async () => {
    const { exit, report } = await probe('tls12rsa', root());
    expect(report.tls?.version).toBe('TLSv1.2');
    expect(report.tls?.cipher).toBe('TLS_RSA_WITH_AES_128_GCM_SHA256');
    expect(codes(report)).toContain('no_forward_secrecy');
    expect(exit).toBe(1);
  });

  it('18. user name and password: right connects, wrong is refused by the broker', async () => {
    const ok = await probe('auth', [...root(), '--username', 'operator', '--password-env', 'MQTT_PW'], { MQTT_PW: 'right-password' });
    expect(ok.exit).toBe(0);
    const bad = await probe('auth', [...root(), '--username', 'operator', '--password-env', 'MQTT_PW'], { MQTT_PW: 'wrong' });
    expect(bad.report.error?.code).toBe('mqtt_not_authorized');
    expect(bad.exit).toBe(3);
    expect(ok.out + bad.out).not.toContain('right-password');
    // MQTT 5 refuses with its own reason code (mosquitto answers 0x87 "not authorized" to a bad password).
    const v5 = await probe('auth', [...root(), '--mqtt-version', '5', '--username', 'operator', '--password-env', 'MQTT_PW'], { MQTT_PW: 'wrong' });
    expect(v5.report.error).toMatchObject({ code: 'mqtt_not_authorized', hint: expect.stringMatching(/allow this client/) });
    expect(v5.exit).toBe(3);
    const v5ok = await probe('auth', [...root(), '--mqtt-version', '5', '--username', 'operator', '--password-env', 'MQTT_PW'], { MQTT_PW: 'right-password' });
    expect(v5ok.exit).toBe(0);
  });

  it('19. MQTT over secure WebSockets: secure, exit 0', async () => {
    const { exit, report } = await probe('wss', root(), {}, 'wss');
    expect(report.connected).toBe(true);
    expect(report.tls?.version).toBe('TLSv1.3');
    expect(exit).toBe(0);
  });

  it('20. plain mqtt:// connects but is insecure, exit 2', async () => {
    const { exit, report } = await probe('plain', [], {}, 'mqtt');
    expect(report).toMatchObject({ connected: true, grade: 'insecure', tls: null });
    expect(exit).toBe(2);
  });

  it('22. "system" trust reads the OS store, where a company root usually lives', async () => {
    const profile = buildProbeProfile({ url: `mqtts://localhost:${broker.ports.fullChain}`, ca: [], alpn: [], pins: [], insecure: false, timeoutMs: 8000, protocolVersion: 4, json: true });
    expect(profile.tls.trust).toBe('system');
    const osStore = path.join(dir, 'os-ca-certificates.crt');
    writeFileSync(osStore, pki.rootOnly.pem);
    const withCompanyRoot = await probeOnce(profile, {}, { timeoutMs: 8000, systemTrust: createSystemTrust({ platform: 'linux', files: [osStore] }) });
    expect(withCompanyRoot.state).toBe('connected');
    expect(withCompanyRoot.security.grade).toBe('secure');
    const nodeRootsOnly = await probeOnce(profile, {}, { timeoutMs: 8000, systemTrust: createSystemTrust({ platform: 'linux', files: [] }) });
    expect(nodeRootsOnly.error?.code).toBe('tls_unknown_ca');
  });

  it('23. ALPN protocols are offered and the choice reported', async () => {
    const { report } = await probe('fullChain', [...root(), '--alpn', 'x-amzn-mqtt-ca']);
    // mosquitto does not negotiate ALPN: the offer is harmless and nothing is selected.
    expect(report.connected).toBe(true);
  });

  it('21. nothing listening: connection refused, exit 3; bad arguments: exit 64', async () => {
    const out: string[] = [];
    const refused = await runCli(['probe', 'mqtts://127.0.0.1:1', '--json'], { stdout: (l) => out.push(l), stderr: (l) => out.push(l), env: {} });
    expect(refused).toBe(3);
    expect(JSON.parse(out[0] ?? '{}').error.code).toBe('net_refused');
    const io = { stdout: () => undefined, stderr: () => undefined, env: {} };
    expect(await runCli(['probe'], io)).toBe(64);
    expect(await runCli(['probe', 'https://x', '--json'], io)).toBe(64);
    expect(await runCli(['probe', 'mqtts://x', '--min-tls', 'TLSv1.0'], io)).toBe(64);
    expect(await runCli(['probe', 'mqtts://x', '--bogus'], io)).toBe(64);
    const missingFile = path.join(dir, 'nope.pem');
    expect(await runCli(['probe', 'mqtts://x', '--ca', missingFile], io)).toBe(64);
    writeFileSync(path.join(dir, 'empty.pem'), '');
  });
});
