/**
 * Reading other tools' connections files (electron/core/profiles/importers/,
 * through `readConnectionsFile` in exchange.ts): MQTTX exports in JSON and
 * YAML and MQTT Explorer's settings.json, written at test time in their real
 * formats (test/fixtures/foreign-exports.ts), map what maps, keep MQTTX's
 * collections as groups, hand passwords and inline keys over for the keychain,
 * list files named by path without reading them, and refuse hostile or
 * foreign files with the fix. The keychain and the handlers are tested in
 * test/integration/connections-import.test.ts.
 */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createDemoPki } from '../../electron/core/demo/demo-broker';
import { exportProfiles, MAX_YAML_TEXT, readConnectionsFile, type ConnectionsFile } from '../../electron/core/profiles/exchange';
import type { ForeignConnections } from '../../electron/core/profiles/importers/imported';
import { createProfile, ProfileSettingsSchema } from '../../shared/profiles';
import { explorerConnection, explorerSettings, mqttxConnection, mqttxExportJson, mqttxExportYaml } from '../fixtures/foreign-exports';

const pki = createDemoPki();
const PLANTS = 'f3a1c2d4-0000-4000-8000-000000000001';
const LABS = 'f3a1c2d4-0000-4000-8000-000000000002';

function foreign(file: ConnectionsFile): ForeignConnections {
  if (file.source === 'mqtts-dashboard') throw new Error('read as this app\u2019s export');
  return file;
}

function refusal(text: string): unknown {
  try {
    readConnectionsFile(text);
  } catch (error) {
    return (error as { error?: unknown }).error ?? error;
  }
  return 'accepted';
}

const mqttxFleet = () => [
  mqttxConnection({
    name: 'Plant A',
    host: 'broker.plant-a.example',
    port: 8883,
    protocol: 'mqtts',
    ssl: true,
    certType: 'self',
    ca: '/home/op/certs/plant-ca.crt',
    cert: '/home/op/certs/dashboard.crt',
    key: '/home/op/certs/dashboard.key',
    clientId: 'dash-a',
    username: 'operator',
    password: 'plant-a-secret',
    ALPNProtocols: '[mqtt, x-custom]',
    parentId: PLANTS,
    subscriptions: [
      { topic: 'plant/#', qos: 1 },
      { topic: 'old/#', qos: 0, disabled: true },
      { topic: 'bad/#/x', qos: 0 },
    ],
    will: { lastWillTopic: 'dash/offline', lastWillPayload: 'bye', lastWillQos: 1, lastWillRetain: true },
    maximumPacketSize: 1_048_576,
  }),
  mqttxConnection({ name: 'Plant B', host: 'ws.plant-b.example', port: 8084, protocol: 'wss', ssl: true, path: 'mqtt', mqttVersion: '3.1.1', username: 'viewer', password: 'plant-b-secret', parentId: PLANTS }),
  mqttxConnection({ name: 'Lab', host: 'lab.example', port: 1883, mqttVersion: '3.1', clientIdWithTime: true, parentId: LABS }),
  mqttxConnection({ name: 'Inline', host: 'inline.example', port: 8883, protocol: 'mqtts', ssl: true, certType: 'self', rejectUnauthorized: false, ca: pki.ca, cert: `${pki.operator.certificate}${pki.operator.key}` }),
];

describe('MQTTX exports', () => {
  it('map host, port, protocol, MQTT version, credentials, TLS, subscriptions and will', () => {
    const read = foreign(readConnectionsFile(mqttxExportJson(mqttxFleet())));
    expect(read.source).toBe('mqttx');
    const [a, b, lab, inline] = read.connections;
    expect(a?.settings).toMatchObject({
      name: 'Plant A',
      url: 'mqtts://broker.plant-a.example:8883',
      protocolVersion: 5,
      clientId: 'dash-a',
      username: 'operator',
      will: { topic: 'dash/offline', payload: 'bye', qos: 1, retain: true },
      tls: { trust: 'system', ca: [], clientCertificate: null, alpn: ['mqtt', 'x-custom'], verify: true },
      subscriptions: [{ filter: 'plant/#', qos: 1 }],
      maxPacketSize: 1_048_576,
    });
    expect(a?.notes).toEqual([expect.stringMatching(/1 subscription is not a valid topic filter/)]);
    expect(b?.settings).toMatchObject({ url: 'wss://ws.plant-b.example:8084/mqtt', protocolVersion: 4, username: 'viewer' });
    expect(lab?.settings).toMatchObject({ url: 'mqtt://lab.example:1883', protocolVersion: 4 });
    expect(lab?.notes.join(' ')).toMatch(/MQTT 3\.1 is not spoken here.*time stamp/);
    expect(inline?.settings.tls).toMatchObject({ trust: 'custom', verify: false });
    expect(inline?.notes.join(' ')).toMatch(/verification was off in MQTTX and stays off/);
  });

  it('keeps collections as groups, and says their names were not exported', () => {
    const read = foreign(readConnectionsFile(mqttxExportJson(mqttxFleet())));
    expect(read.connections.map((c) => c.settings.group)).toEqual(['MQTTX collection 1', 'MQTTX collection 1', 'MQTTX collection 2', '']);
    expect(read.notes).toEqual([expect.stringMatching(/not the collection’s name: they became the groups MQTTX collection 1, MQTTX collection 2/)]);
  });

  it('hands passwords and inline keys over for the keychain, and lists files named by path without reading them', () => {
    const read = foreign(readConnectionsFile(mqttxExportJson(mqttxFleet())));
    const [a, b, lab, inline] = read.connections;
    expect(a?.secrets).toEqual({ password: 'plant-a-secret' });
    expect(a?.files).toEqual([
      { field: 'ca', path: '/home/op/certs/plant-ca.crt' },
      { field: 'clientCertificate', path: '/home/op/certs/dashboard.crt' },
      { field: 'clientKey', path: '/home/op/certs/dashboard.key' },
    ]);
    expect(a?.pendingSecrets).toEqual(['clientKey']);
    expect(b?.secrets).toEqual({ password: 'plant-b-secret' });
    expect(lab?.secrets).toEqual({});
    // Inline PEM: the certificates stay with the connection, the key goes apart, and nothing is left to pick.
    expect(inline?.settings.tls.ca).toEqual([`${pki.ca.trim()}\n`]);
    expect(inline?.settings.tls.clientCertificate).toBe(`${pki.operator.certificate.trim()}\n`);
    expect(createPrivateKey(inline?.secrets.clientKey ?? '').equals(createPrivateKey(pki.operator.key))).toBe(true);
    expect(inline?.files).toEqual([]);
    expect(JSON.stringify(read.connections.map((c) => c.settings))).not.toMatch(/secret|PRIVATE KEY/);
  });

  it('says a file field that is neither a path nor PEM instead of listing it, and asks for an inline key\u2019s passphrase', () => {
    const encryptedKey = createPrivateKey(pki.operator.key).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'kept-elsewhere' }).toString();
    const read = foreign(
      readConnectionsFile(
        mqttxExportJson([mqttxConnection({ name: 'Odd', host: 'odd.example', port: 8883, protocol: 'mqtts', ssl: true, certType: 'self', ca: `line one\nline two`, cert: pki.operator.certificate, key: encryptedKey })]),
      ),
    );
    const [odd] = read.connections;
    expect(odd?.files).toEqual([]);
    expect(odd?.notes).toContain('Its CA file field holds neither a file path nor a PEM file, and was left out.');
    expect(odd?.secrets.clientKey).toMatch(/ENCRYPTED PRIVATE KEY/);
    expect(odd?.notes).toContain('Its private key is encrypted: type its passphrase in the connection\u2019s TLS settings before connecting.');
  });

  it('reads the YAML export to the same connections as the JSON one', () => {
    const fleet = mqttxFleet();
    const fromYaml = foreign(readConnectionsFile(mqttxExportYaml(fleet)));
    const fromJson = foreign(readConnectionsFile(mqttxExportJson(fleet)));
    expect(fromYaml).toEqual(fromJson);
  });

  it('imports what it can and says which connection was left out and why', () => {
    const read = foreign(readConnectionsFile(mqttxExportJson([mqttxConnection({ name: 'Broken', host: 'has space.example', port: 1883 }), mqttxConnection({ name: 'Fine', host: 'fine.example', port: 1883 })])));
    expect(read.connections.map((c) => c.settings.name)).toEqual(['Fine']);
    expect(read.notes).toEqual([expect.stringMatching(/^Broken was not imported: its broker address mqtt:\/\/has space\.example:1883 cannot be used/)]);
  });
});

describe('MQTT Explorer settings', () => {
  it('maps its connections, takes inline certificates in PEM or DER, and hands password and key over', () => {
    const derCertificate = new X509Certificate(pki.operator.certificate).raw;
    const derKey = createPrivateKey(pki.operator.key).export({ type: 'pkcs8', format: 'der' });
    const text = explorerSettings([
      explorerConnection({ name: 'Gateway', host: 'gw.example', port: 8883, encryption: true, username: 'ops', password: 'gw-secret', clientId: 'dash-gw', selfSignedCertificate: { name: 'ca.pem', bytes: pki.ca }, clientCertificate: { name: 'client.der', bytes: derCertificate }, clientKey: { name: 'client.key.der', bytes: derKey } }),
      explorerConnection({ name: 'Site WS', host: 'site.example', port: 443, protocol: 'ws', basePath: 'mqtt', encryption: true, certValidation: false }),
      // A connection from before configVersion 1: subscriptions are bare topics.
      { ...explorerConnection({ name: 'Old', host: 'old.example', port: 1883 }), configVersion: undefined, subscriptions: ['sensors/#'] },
    ]);
    const read = foreign(readConnectionsFile(text));
    expect(read.source).toBe('mqtt-explorer');
    const [gw, ws, old] = read.connections;
    expect(gw?.settings).toMatchObject({ name: 'Gateway', url: 'mqtts://gw.example:8883', clientId: 'dash-gw', username: 'ops', group: '', tls: { trust: 'custom', ca: [`${pki.ca.trim()}\n`], verify: true } });
    expect(new X509Certificate(gw?.settings.tls.clientCertificate ?? '').fingerprint256).toBe(new X509Certificate(pki.operator.certificate).fingerprint256);
    expect(gw?.secrets.password).toBe('gw-secret');
    expect(createPrivateKey(gw?.secrets.clientKey ?? '').equals(createPrivateKey(pki.operator.key))).toBe(true);
    expect(gw?.settings.subscriptions).toEqual([
      { filter: '#', qos: 0 },
      { filter: '$SYS/#', qos: 0 },
    ]);
    expect(ws?.settings).toMatchObject({ url: 'wss://site.example:443/mqtt', tls: { verify: false } });
    expect(old?.settings.subscriptions).toEqual([{ filter: 'sensors/#', qos: 0 }]);
    expect(read.notes).toEqual([]);
  });

  it('says which inline file it could not read, and imports the connection without it', () => {
    const text = explorerSettings([explorerConnection({ name: 'Odd', host: 'odd.example', port: 8883, encryption: true, selfSignedCertificate: { name: 'notes.txt', bytes: 'just some notes, not a certificate at all, long enough to be picked' } })]);
    const [odd] = foreign(readConnectionsFile(text)).connections;
    expect(odd?.settings.tls).toMatchObject({ trust: 'system', ca: [] });
    expect(odd?.notes).toEqual([expect.stringMatching(/CA file notes\.txt was not fully taken: it is neither a PEM file nor a DER certificate or key/)]);
  });
});

describe('files that are not what they claim', () => {
  it('refuses with the fix: not JSON or YAML, XML, a spreadsheet, an unknown document', () => {
    expect(refusal('{"broken": ')).toMatchObject({ code: 'profiles_import_invalid', message: expect.stringMatching(/looks like JSON but is not valid JSON/) });
    expect(refusal('<?xml version="1.0"?><root/>')).toMatchObject({ code: 'profiles_import_invalid', hint: expect.stringMatching(/JSON or YAML/) });
    expect(refusal('PK\u0003\u0004binary')).toMatchObject({ code: 'profiles_import_invalid', message: expect.stringMatching(/spreadsheet or a zip/) });
    expect(refusal('key: [unclosed')).toMatchObject({ code: 'profiles_import_invalid', message: expect.stringMatching(/neither JSON nor valid YAML/) });
    expect(refusal('{"something": "else"}')).toMatchObject({ code: 'profiles_import_invalid', hint: expect.stringMatching(/MQTTX export.*settings\.json/) });
  });

  it('names the connection and field a wrong type sits in', () => {
    const broken = [mqttxConnection({ name: 'A', host: 'a.example', port: 1883 }), { ...mqttxConnection({ name: 'B', host: 'b.example', port: 1883 }), port: 'eighty' }];
    expect(refusal(mqttxExportJson(broken))).toMatchObject({ code: 'profiles_import_invalid', message: expect.stringMatching(/^Connection 2 of the MQTTX export cannot be read: port/), hint: expect.stringMatching(/Export Data/) });
    const explorer = JSON.stringify({ ConnectionManager_connections: { x: { ...explorerConnection({ name: 'X', host: 'x', port: 1 }), clientKey: { name: 'k', data: '<script>' } } } });
    expect(refusal(explorer)).toMatchObject({ code: 'profiles_import_invalid', message: expect.stringMatching(/clientKey\.data: not base64/) });
  });

  it('caps the number of connections and the size of YAML before reading further', () => {
    const many = JSON.stringify(Array.from({ length: 1001 }, () => ({ host: 'h', port: 1, clientId: 'c', mqttVersion: '5.0' })));
    expect(refusal(many)).toMatchObject({ code: 'profiles_import_too_large', message: expect.stringMatching(/holds 1001 connections; an import takes at most 1000/) });
    const bigYaml = `- host: h\n  note: "${'x'.repeat(MAX_YAML_TEXT)}"\n`;
    expect(refusal(bigYaml)).toMatchObject({ code: 'profiles_import_too_large', hint: expect.stringMatching(/JSON/) });
  });

  it('reads YAML aliases as references, so a small file cannot expand into a large one', () => {
    const laughs = ['a: &a ["x","x","x","x","x","x","x","x","x","x"]', ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)},*${String.fromCharCode(97 + i)}]`)].join('\n');
    const started = Date.now();
    expect(refusal(laughs)).toMatchObject({ code: 'profiles_import_invalid' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('still reads this app\u2019s own export, which carries no secrets', () => {
    const profile = createProfile(ProfileSettingsSchema.parse({ name: 'Mine', url: 'mqtts://mine.example:8883', group: 'Site' }), 'p1', { secrets: { password: true, clientKey: false, passphrase: false, deviceKey: false } });
    const read = readConnectionsFile(exportProfiles([profile]).text);
    expect(read.source).toBe('mqtts-dashboard');
    expect(read.source === 'mqtts-dashboard' && read.profiles[0]).toMatchObject({ name: 'Mine', group: 'Site', pendingSecrets: ['password'] });
  });
});
