/**
 * Cloud presets (shared/presets.ts) and Azure's SAS rules (shared/sas.ts,
 * electron/core/sessions/sas-token.ts): each preset fills valid settings with
 * what its cloud requires, the values the operator types are checked and
 * named when wrong, and a SAS token is exactly what Microsoft's documented
 * sample makes from the same key and expiry.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { CLOUD_PRESETS, presetDefaults, presetHost, presetProblem, type PresetId } from '../../shared/presets';
import { createProfile, ProfileSettingsSchema } from '../../shared/profiles';
import { azureHubHost, deviceKeyProblem, SAS_LIFETIME, sasIdentity, sasRenewalDelayMs, sasSettingsProblem } from '../../shared/sas';
import { attemptPassword, sasToken } from '../../electron/core/sessions/sas-token';

const values = { host: 'Example-Endpoint.iot.eu-west-1.amazonaws.com', deviceId: 'sensor-042' };

describe('cloud presets', () => {
  it('fill settings the profile schema accepts, for every preset and variant', () => {
    for (const preset of CLOUD_PRESETS) {
      for (const variant of preset.variants) {
        const { settings, next } = presetDefaults(preset.id, { ...values, variant: variant.id });
        const parsed = ProfileSettingsSchema.safeParse(settings);
        expect(parsed.success, `${preset.id}/${variant.id}: ${parsed.error?.message}`).toBe(true);
        expect(settings.tls).toMatchObject({ trust: 'system', verify: true, minVersion: 'TLSv1.2' });
        expect(next.length).toBeGreaterThan(0);
      }
    }
  });

  it('AWS IoT: the thing name is the client id, port 443 asks for ALPN x-amzn-mqtt-ca, 8883 for none', () => {
    const direct = presetDefaults('aws-iot', values);
    expect(direct.settings).toMatchObject({ url: 'mqtts://example-endpoint.iot.eu-west-1.amazonaws.com:8883', clientId: 'sensor-042', protocolVersion: 5 });
    expect(direct.settings.tls.alpn).toEqual([]);
    expect(direct.signIn).toBe('client-certificate');
    const https = presetDefaults('aws-iot', { ...values, variant: '443' });
    expect(https.settings.url).toBe('mqtts://example-endpoint.iot.eu-west-1.amazonaws.com:443');
    expect(https.settings.tls.alpn).toEqual(['x-amzn-mqtt-ca']);
  });

  it('Azure IoT Hub: MQTT 3.1.1, the hub user name, the device id as client id, a SAS token or a certificate', () => {
    const sas = presetDefaults('azure-iot-hub', { host: 'My-Hub', deviceId: 'thermostat-7' });
    expect(sas.settings).toMatchObject({
      url: 'mqtts://my-hub.azure-devices.net:8883',
      protocolVersion: 4,
      clientId: 'thermostat-7',
      username: 'my-hub.azure-devices.net/thermostat-7/?api-version=2021-04-12',
      sasToken: { lifetimeSeconds: 3600 },
      subscriptions: [{ filter: 'devices/thermostat-7/messages/devicebound/#', qos: 1 }],
    });
    expect(sas.signIn).toBe('sas-token');
    expect(sasSettingsProblem(sas.settings.username ?? '', sas.settings.clientId)).toBeNull();
    const x509 = presetDefaults('azure-iot-hub', { host: 'my-hub.azure-devices.net', deviceId: 'thermostat-7', variant: 'x509' });
    expect(x509.settings.sasToken).toBeNull();
    expect(x509.settings.username).toBe(sas.settings.username);
    expect(x509.signIn).toBe('client-certificate');
  });

  it('HiveMQ Cloud and EMQX Cloud: TLS with the operator\u2019s user name and password, on their ports', () => {
    const hive = presetDefaults('hivemq-cloud', { host: 'https://abc123.s1.eu.hivemq.cloud/', deviceId: '' });
    expect(hive.settings.url).toBe('mqtts://abc123.s1.eu.hivemq.cloud:8883');
    expect(hive.settings.username).toBeUndefined();
    expect(hive.signIn).toBe('password');
    expect(presetDefaults('hivemq-cloud', { host: 'abc123.s1.eu.hivemq.cloud', deviceId: '', variant: 'wss' }).settings.url).toBe('wss://abc123.s1.eu.hivemq.cloud:8884/mqtt');
    expect(presetDefaults('emqx-cloud', { host: 'a1.ala.eu-central-1.emqxsl.com:8883', deviceId: '' }).settings.url).toBe('mqtts://a1.ala.eu-central-1.emqxsl.com:8883');
    expect(presetDefaults('emqx-cloud', { host: 'a1.ala.eu-central-1.emqxsl.com', deviceId: '', variant: 'wss' }).settings.url).toBe('wss://a1.ala.eu-central-1.emqxsl.com:8084/mqtt');
  });

  it('takes a pasted URL as its host and names the field that is wrong', () => {
    expect(presetHost(' mqtts://Broker.Example.com:8883/x?y ')).toBe('broker.example.com');
    const cases: Array<[PresetId, { host: string; deviceId: string }, string, RegExp]> = [
      ['aws-iot', { host: '', deviceId: 'x' }, 'host', /device data endpoint/],
      ['aws-iot', { host: 'bad host!', deviceId: 'x' }, 'host', /not a host name/],
      ['aws-iot', { host: 'a.example', deviceId: '' }, 'deviceId', /thing name/],
      ['azure-iot-hub', { host: 'hub', deviceId: 'dev/1' }, 'deviceId', /cannot contain/],
      ['hivemq-cloud', { host: 'under_score.example', deviceId: '' }, 'host', /not a host name/],
    ];
    for (const [id, v, field, message] of cases) expect(presetProblem(id, v)).toMatchObject({ field, message: expect.stringMatching(message) });
    expect(presetProblem('hivemq-cloud', { host: 'abc.s1.eu.hivemq.cloud', deviceId: '' })).toBeNull();
    expect(presetProblem('azure-iot-hub', { host: 'hub', deviceId: 'dev-1' })).toBeNull();
  });
});

describe('Azure SAS rules', () => {
  it('reads the resource and client id out of the hub user name, modules included', () => {
    expect(sasIdentity('Hub.azure-devices.net/dev-1/?api-version=2021-04-12')).toEqual({ hubHost: 'hub.azure-devices.net', clientId: 'dev-1', resource: 'hub.azure-devices.net/devices/dev-1' });
    expect(sasIdentity('hub.azure-devices.net/dev-1/mod-a/?api-version=2021-04-12&model-id=dtmi:x;1')).toMatchObject({ clientId: 'dev-1/mod-a', resource: 'hub.azure-devices.net/devices/dev-1/modules/mod-a' });
    expect(sasIdentity('operator')).toBeNull();
    expect(sasSettingsProblem('operator', 'x')).toMatch(/IoT Hub's format/);
    expect(sasSettingsProblem('hub.azure-devices.net/dev-1/?api-version=2021-04-12', 'other')).toMatch(/client id must be the device id \(dev-1\)/);
    expect(azureHubHost(' Hub ')).toBe('hub.azure-devices.net');
  });

  it('accepts device keys as the portal shows them and says what is wrong with others', () => {
    expect(deviceKeyProblem(randomBytes(32).toString('base64'))).toBeNull();
    expect(deviceKeyProblem(randomBytes(64).toString('base64'))).toBeNull();
    expect(deviceKeyProblem('not a key')).toMatch(/base64/);
    expect(deviceKeyProblem(randomBytes(8).toString('base64'))).toMatch(/16 to 64 bytes; this one holds 8/);
  });

  it('renews when a fifth of the lifetime is left', () => {
    expect(sasRenewalDelayMs(3600)).toBe(2_880_000);
    expect(sasRenewalDelayMs(SAS_LIFETIME.min)).toBe(8000);
  });

  it('signs the token as Microsoft\u2019s documented Node sample does', () => {
    // learn.microsoft.com/azure/iot-hub/iot-hub-dev-guide-sas, "Security token structure", Node.js sample.
    const documented = (resourceUri: string, signingKey: string, expires: number) => {
      const uri = encodeURIComponent(resourceUri);
      const hmac = createHmac('sha256', Buffer.from(signingKey, 'base64'));
      hmac.update(uri + '\n' + expires);
      return 'SharedAccessSignature sr=' + uri + '&sig=' + encodeURIComponent(hmac.digest('base64')) + '&se=' + expires;
    };
    const key = randomBytes(32).toString('base64');
    expect(sasToken('hub.azure-devices.net/devices/dev-1', key, 1_900_000_000)).toBe(documented('hub.azure-devices.net/devices/dev-1', key, 1_900_000_000));
  });

  it('makes a fresh token per attempt from the device key, and refuses what the hub would refuse', () => {
    const key = randomBytes(32).toString('base64');
    const settings = ProfileSettingsSchema.parse(presetDefaults('azure-iot-hub', { host: 'hub', deviceId: 'dev-1' }).settings);
    const profile = createProfile({ ...settings, sasToken: { lifetimeSeconds: 600 } }, 'p');
    const now = Date.UTC(2030, 0, 1);
    const attempt = attemptPassword(profile, { password: 'stale', deviceKey: key }, now);
    expect(attempt.password).toBe(sasToken('hub.azure-devices.net/devices/dev-1', key, now / 1000 + 600));
    expect(attempt.renewAt).toBe(now + 480_000);
    expect(attemptPassword(profile, { deviceKey: key }, now + 1000).password).not.toBe(attempt.password);
    expect(() => attemptPassword(profile, {}, now)).toThrow(/device key of Azure: dev-1 is not in the keychain/);
    expect(() => attemptPassword(profile, { deviceKey: 'short' }, now)).toThrow(/cannot sign a token/);
    expect(() => attemptPassword({ ...profile, clientId: 'other' }, { deviceKey: key }, now)).toThrow(/client id must be the device id/);
    const plain = createProfile({ ...settings, sasToken: null }, 'q');
    expect(attemptPassword(plain, { password: 'pw', deviceKey: key }, now)).toEqual({ password: 'pw', renewAt: null });
  });
});
