/**
 * Each cloud preset (shared/presets.ts) against a local stand-in that
 * requires what that cloud requires, through the real handlers, the real
 * keychain and a real mosquitto: AWS IoT Core's mutual TLS on 8883 and its
 * ALPN on 443 (a TLS front that refuses any other ALPN), Azure IoT Hub's user
 * name format with an X.509 identity or a SAS token whose signature, scope and
 * expiry the front checks and that is renewed before it expires, and HiveMQ
 * Cloud / EMQX Cloud user names and passwords (a mosquitto password file made
 * by mosquitto_passwd). The presets keep trust on the system roots; the test's
 * root CA plays the OS store's company root. The only setting the test
 * changes, as an operator could, is the broker address.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { presetDefaults, type PresetId, type PresetValues } from '../../shared/presets';
import type { Profile, ProfileSettingsInput, SecretInput } from '../../shared/profiles';
import type { ImportSummary } from '../../shared/certificates';
import type { SessionView } from '../../shared/sessions';
import { SAS_LIFETIME } from '../../shared/sas';
import { createSystemTrust } from '../../electron/core/tls/system-roots';
import { azureSasCheck, startCloudFront, type CloudFront } from '../fixtures/cloud-front';
import { startMosquitto, tlsListener, writePasswordFile, type Broker } from '../fixtures/mosquitto';
import { createTestPki, type TestPki } from '../fixtures/pki';
import { call, createTestBackend, tempDir, waitForSession, type TestBackend } from '../support/backend';
import { failIfLastResortReached } from '../support/last-resort';

failIfLastResortReached();

const THING = 'thing-042';
const HUB = 'test-hub';
const HUB_HOST = 'test-hub.azure-devices.net';
const DEVICE = 'thermostat-7';
const DEVICE_KEY = randomBytes(32).toString('base64');
const USERS = { 'hive-operator': `hive-${randomBytes(6).toString('hex')}`, 'emqx-operator': `emqx-${randomBytes(6).toString('hex')}` };

let pki: TestPki;
let broker: Broker;
let t: TestBackend;
let awsFront: CloudFront;
let azureSasFront: CloudFront;
let azureX509Front: CloudFront;

beforeAll(async () => {
  const dir = tempDir('cloud');
  pki = createTestPki(path.join(dir, 'pki'));
  const passwords = await writePasswordFile(path.join(dir, 'pw'), USERS);
  broker = await startMosquitto([
    // What the fronts forward to once they let a client through.
    { name: 'plain' },
    tlsListener(pki.server, 'mtls', { cafile: pki.caBundle.path, requireCertificate: true }),
    { ...tlsListener(pki.server, 'passwords'), passwordFile: passwords },
  ]);
  const served = { cert: pki.server.fullChain.pem, key: pki.server.key.pem, upstreamPort: broker.ports.plain ?? 0 };
  awsFront = await startCloudFront({
    ...served,
    clientCa: pki.caBundle.pem,
    alpn: ['x-amzn-mqtt-ca'],
    check: (connect) => (connect.clientId === THING ? { accept: true } : { accept: false, reason: `client id ${connect.clientId} is not the thing name` }),
  });
  azureSasFront = await startCloudFront({ ...served, check: azureSasCheck({ hubHost: HUB_HOST, deviceId: DEVICE, deviceKey: DEVICE_KEY }) });
  azureX509Front = await startCloudFront({ ...served, clientCa: pki.caBundle.pem, check: azureSasCheck({ hubHost: HUB_HOST, deviceId: DEVICE }) });
  // The presets trust the system roots; here the OS store holds the test's root CA, as a company's would.
  t = await createTestBackend({ systemTrust: createSystemTrust({ platform: 'linux', files: [pki.rootOnly.path] }) });
});

afterAll(async () => {
  await t?.cleanup();
  await Promise.all([awsFront?.close(), azureSasFront?.close(), azureX509Front?.close()]);
  await broker?.stop();
});

/** The preset's settings with the broker address the operator would type for this machine. */
function fromPreset(id: PresetId, values: PresetValues, url: string, change: Partial<ProfileSettingsInput> = {}): ProfileSettingsInput {
  return { ...presetDefaults(id, values).settings, url, ...change };
}

function save(settings: ProfileSettingsInput, secrets: SecretInput = {}, id?: string): Promise<Profile> {
  return call<Profile>(t, 'profiles.save', { id, settings, secrets });
}

async function connect(id: string): Promise<SessionView> {
  await call(t, 'sessions.connect', { id });
  return waitForSession(t.backend, id, (v) => v.state === 'connected' || v.state === 'failed' || (v.state === 'reconnecting' && v.error !== null));
}

const disconnect = (id: string) => call<SessionView>(t, 'sessions.disconnect', { id });

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const full = path.join(root, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

describe('AWS IoT Core', () => {
  const values = { host: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com', deviceId: THING };

  it('on 8883: the thing name as client id, and the bundle import fills in the certificate and key AWS gave', async () => {
    const settings = fromPreset('aws-iot', values, `mqtts://localhost:${broker.ports.mtls}`);
    // The three files the AWS console hands out for a new thing.
    const files = [
      { name: 'a1b2-certificate.pem.crt', base64: Buffer.from(pki.client.cert.pem).toString('base64') },
      { name: 'a1b2-private.pem.key', base64: Buffer.from(pki.client.key.pem).toString('base64') },
      { name: 'AmazonRootCA1.pem', base64: Buffer.from(pki.caBundle.pem).toString('base64') },
    ];
    const summary = await call<ImportSummary>(t, 'certificates.inspect', { files });
    expect(summary.errors).toEqual([]);
    const profile = await call<Profile>(t, 'certificates.apply', { importId: summary.importId, settings });
    expect(profile).toMatchObject({ clientId: THING, secrets: { clientKey: true } });
    const view = await connect(profile.id);
    expect(view.state).toBe('connected');
    expect(view.security.grade).toBe('secure');
    await disconnect(profile.id);
  });

  it('on 443: sends ALPN x-amzn-mqtt-ca, which the front requires; without it the front drops the connection', async () => {
    const settings = fromPreset('aws-iot', { ...values, variant: '443' }, `mqtts://localhost:${awsFront.port}`);
    const profile = await save({ ...settings, tls: { ...settings.tls, clientCertificate: pki.client.cert.pem } }, { clientKey: pki.client.key.pem });
    expect(profile.tls.alpn).toEqual(['x-amzn-mqtt-ca']);
    const view = await connect(profile.id);
    expect(view.state).toBe('connected');
    expect(view.security.tls?.alpnProtocol).toBe('x-amzn-mqtt-ca');
    expect(awsFront.attempts.at(-1)).toMatchObject({ alpn: 'x-amzn-mqtt-ca', clientId: THING, verdict: 'accepted' });
    await disconnect(profile.id);

    const before = awsFront.attempts.length;
    await save({ ...profile, tls: { ...profile.tls, alpn: [] } }, {}, profile.id);
    const refused = await connect(profile.id);
    expect(refused.state).not.toBe('connected');
    expect(awsFront.attempts.slice(before)[0]).toMatchObject({ verdict: 'dropped', reason: expect.stringMatching(/ALPN none instead of x-amzn-mqtt-ca/) });
    await disconnect(profile.id);
  });
});

describe('Azure IoT Hub', () => {
  it('with an X.509 identity: the hub user name and the device id as client id', async () => {
    const settings = fromPreset('azure-iot-hub', { host: HUB, deviceId: DEVICE, variant: 'x509' }, `mqtts://localhost:${azureX509Front.port}`);
    const profile = await save({ ...settings, tls: { ...settings.tls, clientCertificate: pki.client.cert.pem } }, { clientKey: pki.client.key.pem });
    const view = await connect(profile.id);
    expect(view.state).toBe('connected');
    expect(azureX509Front.attempts.at(-1)).toMatchObject({ verdict: 'accepted', clientId: DEVICE, username: `${HUB_HOST}/${DEVICE}/?api-version=2021-04-12`, password: undefined });
    await disconnect(profile.id);
  });

  it('with a SAS token: signed from the device key in the keychain, checked by the front, renewed before it expires', async () => {
    // The shortest lifetime a profile takes, so a token runs out during the test.
    const settings = fromPreset('azure-iot-hub', { host: HUB, deviceId: DEVICE }, `mqtts://localhost:${azureSasFront.port}`, { sasToken: { lifetimeSeconds: SAS_LIFETIME.min } });
    const profile = await save(settings, { deviceKey: DEVICE_KEY });
    expect(profile.secrets).toMatchObject({ deviceKey: true, password: false });
    expect(await t.secrets.get(profile.id, 'deviceKey')).toBe(DEVICE_KEY);

    const from = azureSasFront.attempts.length;
    const view = await connect(profile.id);
    expect(view.state).toBe('connected');
    const first = azureSasFront.attempts.at(-1);
    expect(first).toMatchObject({ verdict: 'accepted', clientId: DEVICE });
    expect(first?.password).toMatch(/^SharedAccessSignature sr=test-hub\.azure-devices\.net%2Fdevices%2Fthermostat-7&sig=[^&]+&se=\d+$/);
    expect((first?.expiresAt ?? 0) - Date.now()).toBeLessThanOrEqual(SAS_LIFETIME.min * 1000);

    // Past the first token's expiry: a second token was sent before it, and the front never had to cut the connection.
    await new Promise((resolve) => setTimeout(resolve, (first?.expiresAt ?? Date.now()) - Date.now() + 1500));
    const seen = azureSasFront.attempts.slice(from);
    expect(seen.filter((a) => a.verdict === 'accepted').length).toBeGreaterThanOrEqual(2);
    expect(seen.filter((a) => a.verdict !== 'accepted')).toEqual([]);
    expect(seen.some((a) => a.cutAtExpiry)).toBe(false);
    expect(new Set(seen.map((a) => a.password)).size).toBe(seen.length);
    const renewed = await waitForSession(t.backend, profile.id, (v) => v.state === 'connected');
    expect(renewed.history.some((h) => h.to === 'connecting' && /Renewing the SAS token/.test(h.reason))).toBe(true);
    expect(renewed.faults.lost).toBe(0);
    // The renewed connection carries traffic: a QoS 1 publish is acknowledged through the front.
    await call(t, 'sessions.publish', { id: profile.id, topic: `devices/${DEVICE}/messages/events/`, payload: '{"t":21.5}', encoding: 'text', qos: 1, retain: false });
    await disconnect(profile.id);

    // Neither the key nor any token is in the data folder.
    for (const file of filesUnder(t.dataDir)) {
      const text = readFileSync(file).toString('latin1');
      expect(text.includes(DEVICE_KEY), file).toBe(false);
      expect(text.includes('SharedAccessSignature'), file).toBe(false);
    }
  }, 40_000);

  it('with a wrong device key: the hub refuses the token and the connection says so and stops', async () => {
    const settings = fromPreset('azure-iot-hub', { host: HUB, deviceId: DEVICE }, `mqtts://localhost:${azureSasFront.port}`, { name: 'Azure wrong key' });
    const profile = await save(settings, { deviceKey: randomBytes(32).toString('base64') });
    const view = await connect(profile.id);
    expect(view.state).toBe('failed');
    expect(view.error?.code).toBe('mqtt_not_authorized');
    expect(azureSasFront.attempts.at(-1)).toMatchObject({ verdict: 'refused', reason: 'signature does not verify with the device key' });
  });

  it('refuses to save a SAS connection whose user name or client id the hub would refuse', async () => {
    const settings = fromPreset('azure-iot-hub', { host: HUB, deviceId: DEVICE }, `mqtts://localhost:${azureSasFront.port}`, { clientId: 'someone-else' });
    const result = await t.backend.dispatch('profiles.save', { settings: settings as never, secrets: { deviceKey: DEVICE_KEY } });
    expect(result).toMatchObject({ ok: false, error: { code: 'sas_settings_invalid', message: expect.stringMatching(/client id must be the device id \(thermostat-7\)/), field: ['settings', 'username'] } });
    const badKey = await t.backend.dispatch('profiles.save', { settings: fromPreset('azure-iot-hub', { host: HUB, deviceId: DEVICE }, 'mqtts://localhost:1') as never, secrets: { deviceKey: 'not-a-key' } });
    expect(badKey).toMatchObject({ ok: false, error: { code: 'invalid_payload', message: expect.stringMatching(/base64/) } });
  });
});

describe('HiveMQ Cloud and EMQX Cloud', () => {
  const cases: Array<[PresetId, keyof typeof USERS]> = [
    ['hivemq-cloud', 'hive-operator'],
    ['emqx-cloud', 'emqx-operator'],
  ];
  for (const [preset, user] of cases) {
    it(`${preset}: TLS on the system roots with a user name and the password from the keychain`, async () => {
      const settings = fromPreset(preset, { host: `cluster1.${preset}.example`, deviceId: '' }, `mqtts://localhost:${broker.ports.passwords}`, { username: user });
      const profile = await save(settings, { password: USERS[user] });
      expect(profile.tls.trust).toBe('system');
      const view = await connect(profile.id);
      expect(view.state).toBe('connected');
      expect(view.security.grade).toBe('secure');
      await disconnect(profile.id);

      await save(profile, { password: 'wrong password' }, profile.id);
      const refused = await connect(profile.id);
      expect(refused.state).toBe('failed');
      expect(refused.error?.code).toMatch(/^mqtt_(bad_credentials|not_authorized)$/);
    });
  }
});
