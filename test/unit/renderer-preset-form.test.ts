/**
 * The connection form with a cloud preset and a SAS token
 * (renderer/src/connections/form-state.ts): a preset fills what its cloud
 * expects and keeps what the operator chose (a typed name, picked CA files),
 * a SAS connection comes back unchanged through the form, the device key is
 * sent only when typed and removed when SAS is turned off, and the form says
 * what is missing before asking main.
 */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { presetDefaults } from '../../shared/presets';
import { createProfile, ProfileSettingsSchema } from '../../shared/profiles';
import { formProblem, initialState, toSecrets, toSettings, withPreset } from '../../renderer/src/connections/form-state';
import { settingsOf } from '../../renderer/src/connections/settings';

const KEY = randomBytes(32).toString('base64');
const CA = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('a cloud preset in the form', () => {
  it('fills an Azure SAS connection that saves as the preset says', () => {
    const f = withPreset(initialState(null), presetDefaults('azure-iot-hub', { host: 'my-hub', deviceId: 'dev-1' }));
    expect(f).toMatchObject({ name: 'Azure: dev-1', url: 'mqtts://my-hub.azure-devices.net:8883', clientId: 'dev-1', username: 'my-hub.azure-devices.net/dev-1/?api-version=2021-04-12', sasToken: true, sasLifetime: '3600', protocolVersion: 4 });
    const settings = ProfileSettingsSchema.parse(toSettings(f));
    expect(settings).toMatchObject({ sasToken: { lifetimeSeconds: 3600 }, subscriptions: [{ filter: 'devices/dev-1/messages/devicebound/#', qos: 1 }] });
  });

  it('keeps a typed name, picked CA files and the user name of a preset that has none', () => {
    const typed = { ...initialState(null), name: 'Line 7', username: 'op', ca: [{ name: 'ca.pem', text: CA }], trust: 'custom' as const };
    const f = withPreset(typed, presetDefaults('hivemq-cloud', { host: 'abc.s1.eu.hivemq.cloud', deviceId: '' }));
    expect(f).toMatchObject({ name: 'Line 7', username: 'op', trust: 'custom', url: 'mqtts://abc.s1.eu.hivemq.cloud:8883', sasToken: false });
    const aws = withPreset(initialState(null), presetDefaults('aws-iot', { host: 'x-ats.iot.eu-west-1.amazonaws.com', deviceId: 'thing', variant: '443' }));
    expect(toSettings(aws).tls?.alpn).toEqual(['x-amzn-mqtt-ca']);
  });

  it('leaves every filled field for the operator to change: what they change is what is saved', () => {
    const filled = withPreset(initialState(null), presetDefaults('aws-iot', { host: 'x-ats.iot.eu-west-1.amazonaws.com', deviceId: 'thing' }));
    const changed = { ...filled, url: 'mqtts://x-ats.iot.eu-west-1.amazonaws.com:443', alpn: 'x-amzn-mqtt-ca', clientId: 'thing-debug', keepalive: '30', protocolVersion: 4 as const };
    expect(ProfileSettingsSchema.parse(toSettings(changed))).toMatchObject({ url: 'mqtts://x-ats.iot.eu-west-1.amazonaws.com:443', clientId: 'thing-debug', keepalive: 30, protocolVersion: 4, tls: { alpn: ['x-amzn-mqtt-ca'] } });
    const azure = withPreset(initialState(null), presetDefaults('azure-iot-hub', { host: 'hub', deviceId: 'dev-1' }));
    // Turning the SAS token off leaves an X.509 or password connection with the hub's user name kept.
    expect(ProfileSettingsSchema.parse(toSettings({ ...azure, sasToken: false, sasLifetime: '600' }))).toMatchObject({ sasToken: null, username: 'hub.azure-devices.net/dev-1/?api-version=2021-04-12' });
  });

  it('turns verification back on and asks for a fresh acknowledgement', () => {
    const insecure = { ...initialState(null), verify: false, insecureAcknowledged: true };
    expect(withPreset(insecure, presetDefaults('emqx-cloud', { host: 'a.emqxsl.com', deviceId: '' }))).toMatchObject({ verify: true, insecureAcknowledged: false });
  });
});

describe('a SAS token in the form', () => {
  const sasSettings = ProfileSettingsSchema.parse({ ...presetDefaults('azure-iot-hub', { host: 'hub', deviceId: 'dev-1' }).settings, sasToken: { lifetimeSeconds: 900 } });

  it('sends a saved SAS connection back unchanged, and no secret', () => {
    const profile = createProfile(sasSettings, 'p1', { secrets: { password: false, clientKey: false, passphrase: false, deviceKey: true } });
    const f = initialState(profile);
    expect(f).toMatchObject({ sasToken: true, sasLifetime: '900', deviceKeyStored: true });
    expect(ProfileSettingsSchema.parse(toSettings(f))).toEqual(ProfileSettingsSchema.parse(settingsOf(profile)));
    expect(toSecrets(f)).toEqual({});
    expect(formProblem(f)).toBeNull();
  });

  it('asks for the device key, checks it, and sends it once, trimmed', () => {
    const f = initialState(createProfile(sasSettings, 'p2'));
    expect(formProblem(f)).toMatchObject({ code: 'sas_settings_invalid', message: expect.stringMatching(/Type the device key/) });
    expect(formProblem({ ...f, deviceKey: 'abc' })).toMatchObject({ message: expect.stringMatching(/base64/) });
    expect(formProblem({ ...f, deviceKey: ` ${KEY} `, clientId: 'other' })).toMatchObject({ message: expect.stringMatching(/client id must be the device id \(dev-1\)/) });
    expect(formProblem({ ...f, deviceKey: ` ${KEY} ` })).toBeNull();
    expect(toSecrets({ ...f, deviceKey: ` ${KEY} ` })).toEqual({ deviceKey: KEY });
  });

  it('removes the stored device key when SAS is turned off', () => {
    const profile = createProfile(sasSettings, 'p3', { secrets: { password: false, clientKey: false, passphrase: false, deviceKey: true } });
    const f = { ...initialState(profile), sasToken: false };
    expect(toSettings(f).sasToken).toBeNull();
    expect(toSecrets(f)).toEqual({ deviceKey: null });
    expect(toSecrets({ ...initialState(null) })).toEqual({});
  });
});
