/**
 * Connections from other tools through the real `profiles.import` handler,
 * the real keychain (gnome-keyring) and a real mosquitto: an MQTTX export and
 * MQTT Explorer's settings.json, written at test time in their real formats,
 * arrive with their groups; the passwords and keys they held in clear are in
 * the keychain and nowhere else (not in the data folder, the response, or any
 * event); the summary names them and says the file still holds them; an
 * imported MQTT Explorer connection with inline certificates connects with
 * mutual TLS and its password; and an import that cannot be written leaves
 * neither connections nor secrets behind.
 */
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConnectionsImport } from '../../shared/profiles';
import { explorerConnection, explorerSettings, mqttxConnection, mqttxExportJson, mqttxExportYaml } from '../fixtures/foreign-exports';
import { startMosquitto, tlsListener, writePasswordFile, type Broker } from '../fixtures/mosquitto';
import { createTestPki, type TestPki } from '../fixtures/pki';
import { createTestBackend, tempDir, waitForSession, type TestBackend } from '../support/backend';
import { failIfLastResortReached } from '../support/last-resort';

failIfLastResortReached();

const SECRETS = { plantA: 'plant-a-pw-7d1f', plantB: 'plant-b-pw-93aa', gateway: 'gateway-pw-51c0' };
const COLLECTION = '0b6f1c9e-3d2a-4c55-9a10-2f6e8d7c4b31';

let pki: TestPki;
let broker: Broker;
let t: TestBackend;
let cutWrites = false;
const events: string[] = [];

beforeAll(async () => {
  const dir = tempDir('foreign');
  pki = createTestPki(path.join(dir, 'pki'));
  const passwords = await writePasswordFile(path.join(dir, 'pw'), { gateway: SECRETS.gateway });
  broker = await startMosquitto([{ ...tlsListener(pki.server, 'mtls', { cafile: pki.caBundle.path, requireCertificate: true }), passwordFile: passwords }]);
  t = await createTestBackend({
    profileStore: {
      beforeRename: () => {
        if (cutWrites) throw new Error('power cut');
      },
    },
  });
  t.backend.events.attach((name, payload) => events.push(`${name} ${JSON.stringify(payload)}`));
});

afterAll(async () => {
  await t?.cleanup();
  await broker?.stop();
});

async function importText(text: string): Promise<ConnectionsImport> {
  const result = await t.backend.dispatch('profiles.import', { text });
  if (!result.ok) throw new Error(`${result.error.code}: ${result.error.message}`);
  return result.value as ConnectionsImport;
}

function dataFolderText(): string {
  const walk = (root: string): string[] => readdirSync(root).flatMap((name) => (statSync(path.join(root, name)).isDirectory() ? walk(path.join(root, name)) : [path.join(root, name)]));
  return walk(t.dataDir)
    .map((file) => readFileSync(file).toString('latin1'))
    .join('\n');
}

/** Lines of the key's base64 body: any one of them anywhere is a leak. */
const keyLines = (pem: string) => pem.split('\n').filter((line) => line.length >= 40 && !line.startsWith('-----'));

describe('an MQTTX export', () => {
  let report: ConnectionsImport;
  const inlineKey = () => pki.client.key.pem;

  it('arrives with its collection as a group and its passwords and inline key in the keychain', async () => {
    const text = mqttxExportYaml([
      mqttxConnection({ name: 'Plant A', host: 'broker.plant-a.example', port: 8883, protocol: 'mqtts', ssl: true, certType: 'self', ca: '/home/op/plant-ca.crt', username: 'operator', password: SECRETS.plantA, parentId: COLLECTION }),
      mqttxConnection({ name: 'Plant B', host: 'broker.plant-b.example', port: 8883, protocol: 'mqtts', ssl: true, username: 'viewer', password: SECRETS.plantB, parentId: COLLECTION, cert: pki.client.cert.pem, key: inlineKey() }),
      mqttxConnection({ name: 'Lab', host: 'lab.example', port: 1883 }),
    ]);
    report = await importText(text);
    expect(report.source).toBe('mqttx');
    expect(report.profiles.map((p) => [p.name, p.group])).toEqual([
      ['Plant A', 'MQTTX collection 1'],
      ['Plant B', 'MQTTX collection 1'],
      ['Lab', ''],
    ]);
    const [a, b, lab] = report.profiles;
    expect(a?.secrets).toMatchObject({ password: true, clientKey: false });
    expect(b?.secrets).toMatchObject({ password: true, clientKey: true });
    expect(lab?.secrets).toMatchObject({ password: false, clientKey: false });
    expect(await t.secrets.get(a?.id ?? '', 'password')).toBe(SECRETS.plantA);
    expect(await t.secrets.get(b?.id ?? '', 'password')).toBe(SECRETS.plantB);
    expect(createPrivateKey((await t.secrets.get(b?.id ?? '', 'clientKey')) ?? '').equals(createPrivateKey(inlineKey()))).toBe(true);
    expect(new X509Certificate(b?.tls.clientCertificate ?? '').subject).toContain('device-001');
    expect(t.backend.profiles.list().map((p) => p.name)).toEqual(['Plant A', 'Plant B', 'Lab']);
  });

  it('says which secrets were moved, that the file still holds them, and which file to pick', () => {
    expect(report.secretsMoved.map((m) => [m.connection, m.items])).toEqual([
      ['Plant A', ['password']],
      ['Plant B', ['password', 'clientKey']],
    ]);
    expect(report.summary).toEqual(
      expect.arrayContaining([
        'Imported 3 connections from MQTTX, in 1 group: MQTTX collection 1.',
        'Moved to the OS keychain: the passwords of Plant A and Plant B and the private key of Plant B.',
        expect.stringMatching(/^MQTTX names 1 certificate or key file by its path on its computer; it was not read\. Pick it in each connection’s TLS settings: Plant A: CA file \/home\/op\/plant-ca\.crt\.$/),
      ]),
    );
    expect(report.sourceWarning).toBe('The file you imported still holds these secrets in clear text: delete it, or keep it where only you can read it.');
    expect(report.filesToPick).toEqual([{ profileId: report.profiles[0]?.id, connection: 'Plant A', field: 'ca', path: '/home/op/plant-ca.crt' }]);
  });

  it('left no secret in the data folder, the response or any event', () => {
    const found = [dataFolderText(), JSON.stringify(report), ...events].join('\n');
    for (const secret of [SECRETS.plantA, SECRETS.plantB, ...keyLines(inlineKey())]) expect(found.includes(secret), secret.slice(0, 12)).toBe(false);
    expect(found).not.toMatch(/PRIVATE KEY/);
  });

  it('imports nothing, and keeps no secret, when the connections cannot be written', async () => {
    const before = await t.secrets.accounts();
    cutWrites = true;
    try {
      const result = await t.backend.dispatch('profiles.import', { text: mqttxExportJson([mqttxConnection({ name: 'Never', host: 'never.example', port: 1883, username: 'u', password: 'never-stored' })]) });
      expect(result).toMatchObject({ ok: false, error: { code: 'profiles_write_failed' } });
    } finally {
      cutWrites = false;
    }
    expect(t.backend.profiles.list().map((p) => p.name)).not.toContain('Never');
    expect((await t.secrets.accounts()).sort()).toEqual(before.sort());
  });
});

describe('MQTT Explorer settings', () => {
  it('arrive with inline certificates and the password in the keychain, and connect with mutual TLS', async () => {
    const derKey = createPrivateKey(pki.client.key.pem).export({ type: 'pkcs8', format: 'der' });
    const text = explorerSettings([
      explorerConnection({
        name: 'Gateway',
        host: 'localhost',
        port: broker.ports.mtls ?? 0,
        encryption: true,
        username: 'gateway',
        password: SECRETS.gateway,
        selfSignedCertificate: { name: 'root.pem', bytes: pki.rootOnly.pem },
        clientCertificate: { name: 'client.der', bytes: new X509Certificate(pki.client.cert.pem).raw },
        clientKey: { name: 'client.key', bytes: derKey },
        subscriptions: [{ topic: 'plant/#', qos: 1 }],
      }),
    ]);
    const report = await importText(text);
    expect(report.source).toBe('mqtt-explorer');
    const [gateway] = report.profiles;
    expect(gateway?.secrets).toMatchObject({ password: true, clientKey: true });
    expect(report.summary).toContain('Moved to the OS keychain: the password of Gateway and the private key of Gateway.');
    expect(report.sourceWarning).toMatch(/still holds these secrets in clear text/);

    await t.backend.dispatch('sessions.connect', { id: gateway?.id ?? '' });
    const view = await waitForSession(t.backend, gateway?.id ?? '', (v) => v.state === 'connected' || v.state === 'failed');
    expect(view.state).toBe('connected');
    expect(view.security.grade).toBe('secure');
    await t.backend.dispatch('sessions.disconnect', { id: gateway?.id ?? '' });

    const found = [dataFolderText(), JSON.stringify(report), ...events].join('\n');
    expect(found.includes(SECRETS.gateway)).toBe(false);
    for (const line of keyLines(pki.client.key.pem)) expect(found.includes(line)).toBe(false);
    expect(found.includes(Buffer.from(derKey).toString('base64').slice(0, 60))).toBe(false);
  });

  it('refuses a damaged file with its fix, and saves nothing', async () => {
    const before = t.backend.profiles.list().length;
    const result = await t.backend.dispatch('profiles.import', { text: JSON.stringify({ ConnectionManager_connections: { x: { name: 'X', host: 'x.example', port: 'high' } } }) });
    expect(result).toMatchObject({ ok: false, error: { code: 'profiles_import_invalid', message: expect.stringMatching(/Connection 1 of the MQTT Explorer settings cannot be read: port/), hint: expect.stringMatching(/settings\.json/) } });
    expect(t.backend.profiles.list()).toHaveLength(before);
  });
});
