/**
 * The connection form's state (renderer/src/connections/form-state.ts) and the
 * subscription rows it shares with the subscriptions editor
 * (renderer/src/topics/subscription-rows.ts): a saved profile comes back
 * unchanged through the form, secrets are sent only when typed or removed,
 * fields that belong together change together, and the rows main's
 * validation names are marked.
 */
import { describe, expect, it } from 'vitest';
import { createProfile, ProfileSettingsSchema, type Profile } from '../../shared/profiles';
import { createDispatcher, type Handlers } from '../../electron/core/ipc/dispatcher';
import { invokeNames } from '../../shared/contract';
import { formProblem, initialState, pickCaFiles, pickClientCertificate, sentSubscriptionRows, toSecrets, toSettings, withCaFiles, withCertificatesOf, withVerify } from '../../renderer/src/connections/form-state';
import { settingsOf } from '../../renderer/src/connections/settings';
import { invalidRows } from '../../renderer/src/topics/subscription-rows';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const PIN = `sha256:${'ab'.repeat(32)}`;

function profile(extra: Record<string, unknown> = {}): Profile {
  const settings = ProfileSettingsSchema.parse({
    name: 'Plant A',
    group: 'plants',
    url: 'mqtts://broker.example:8883',
    protocolVersion: 5,
    clientId: 'dash-1',
    username: 'operator',
    keepalive: 30,
    clean: false,
    will: { topic: 'dash/offline', payload: 'bye', qos: 1, retain: true },
    tls: { trust: 'system+custom', ca: [CERT], clientCertificate: CERT, servername: 'broker.internal', alpn: ['x-amzn-mqtt-ca'], minVersion: 'TLSv1.3', pins: [PIN], verify: true },
    subscriptions: [
      { filter: 'plant/#', qos: 1 },
      { filter: 'alarms/+', qos: 2 },
    ],
    ...extra,
  });
  return createProfile(settings, 'p1', { secrets: { password: true, clientKey: true, passphrase: false, deviceKey: false } });
}

describe('the connection form', () => {
  it('sends back every setting of a saved profile it did not touch', () => {
    const p = profile();
    expect(ProfileSettingsSchema.parse(toSettings(initialState(p)))).toEqual(ProfileSettingsSchema.parse(settingsOf(p)));
  });

  it('starts a new connection on mqtts:// with verification on and nothing to send but defaults', () => {
    const f = initialState(null);
    expect(f.url).toBe('mqtts://');
    expect(f.verify).toBe(true);
    expect(f.insecureAcknowledged).toBe(false);
    expect(toSecrets(f)).toEqual({});
  });

  it('names an unnamed connection after its host and reads lists of ALPN protocols and pins', () => {
    const f = { ...initialState(null), url: ' mqtts://iot.example.com:443 ', alpn: 'x-amzn-mqtt-ca,  mqtt ', pins: `${PIN}\n\n  ${PIN.toUpperCase()}, ` };
    const settings = toSettings(f);
    expect(settings.name).toBe('iot.example.com:443');
    expect(settings.url).toBe('mqtts://iot.example.com:443');
    expect(settings.tls?.alpn).toEqual(['x-amzn-mqtt-ca', 'mqtt']);
    expect(settings.tls?.pins).toEqual([PIN, PIN.toUpperCase()]);
  });

  it('sends a secret only when typed, and null to remove one', () => {
    const f = initialState(profile());
    expect(toSecrets(f)).toEqual({});
    expect(toSecrets({ ...f, password: 'pw', passphrase: 'pp', clientKey: { name: 'k.pem', text: 'KEY' } })).toEqual({ password: 'pw', passphrase: 'pp', clientKey: 'KEY' });
    expect(toSecrets({ ...f, password: 'typed', clearPassword: true })).toEqual({ password: null });
    const removed = { ...f, removeIdentity: true, clientKey: { name: 'k.pem', text: 'KEY' } };
    expect(toSecrets(removed)).toEqual({ clientKey: null, passphrase: null });
    expect(toSettings(removed).tls?.clientCertificate).toBeNull();
  });

  it('asks for the acknowledgement again whenever verification is switched, and refuses to save without it', () => {
    const off = withVerify(initialState(profile()), false);
    expect(formProblem(off)?.code).toBe('confirm_insecure');
    expect(formProblem({ ...off, insecureAcknowledged: true })).toBeNull();
    const on = withVerify({ ...off, insecureAcknowledged: true }, true);
    expect(on.insecureAcknowledged).toBe(false);
    expect(formProblem(on)).toBeNull();
    // A saved connection with verification off was acknowledged when it was saved.
    expect(formProblem(initialState(profile({ tls: { verify: false } })))).toBeNull();
  });

  it('trusts picked CA files instead of the system roots only', () => {
    const f = withCaFiles(initialState(null), [{ name: 'ca.pem', text: CERT }]);
    expect(f.trust).toBe('custom');
    expect(withCaFiles({ ...f, trust: 'system+custom' }, [{ name: 'b.pem', text: CERT }]).ca.map((c) => c.name)).toEqual(['ca.pem', 'b.pem']);
  });

  it('takes over certificates the import wizard saved, keeping the other edits', () => {
    const edited = { ...initialState(profile({ tls: { trust: 'system' } })), name: 'Renamed', passphrase: 'typed' };
    const after = withCertificatesOf(edited, profile());
    expect(after.name).toBe('Renamed');
    expect(after.trust).toBe('system+custom');
    expect(after.ca.map((c) => c.name)).toEqual(['CA 1 (saved)']);
    expect(after.passphrase).toBe('');
  });

  it('refuses a CA file that holds a key, and marks a client certificate file that brings its own', () => {
    const KEY = '-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n';
    const ca = pickCaFiles([{ name: 'ca.pem', text: CERT }, { name: 'ca-with-key.pem', text: CERT + KEY }]);
    expect(ca.taken.map((c) => c.name)).toEqual(['ca.pem']);
    expect(ca.refused).toMatchObject({ code: 'ca_file_refused', message: expect.stringContaining('ca-with-key.pem was not added.') });
    expect(pickClientCertificate({ name: 'device.pem', text: CERT + KEY })).toEqual({ taken: [{ name: 'device.pem', text: CERT + KEY, holdsKey: true }], refused: null });
    expect(pickClientCertificate({ name: 'two-keys.pem', text: CERT + KEY + KEY }).refused?.code).toBe('certificate_file_refused');
  });

  it('drops empty subscription rows and trims filters', () => {
    const f = { ...initialState(null), subscriptions: [{ filter: ' a/# ', qos: 1 as const }, { filter: '  ', qos: 0 as const }, { filter: 'b', qos: 2 as const }] };
    expect(toSettings(f).subscriptions).toEqual([{ filter: 'a/#', qos: 1 }, { filter: 'b', qos: 2 }]);
    expect(sentSubscriptionRows(f)).toEqual([0, 2]);
  });
});

describe('subscription rows, in the form and the editor alike', () => {
  it('marks filters MQTT refuses as they are typed, but not an empty row', () => {
    const rows = [{ filter: 'plant/#', qos: 0 as const }, { filter: 'a/#/b', qos: 0 as const }, { filter: '', qos: 0 as const }, { filter: 'x+/y', qos: 1 as const }];
    expect([...invalidRows(rows, null)]).toEqual([1, 3]);
  });

  it('marks the row main refused, mapped through the rows the form sent', async () => {
    const missing = Object.fromEntries(invokeNames.map((n) => [n, () => null])) as unknown as Handlers;
    const dispatch = createDispatcher(missing);
    const f = { ...initialState(null), url: 'mqtts://broker.example', subscriptions: [{ filter: '', qos: 0 as const }, { filter: 'ok/#', qos: 0 as const }, { filter: 'x'.repeat(70_000), qos: 0 as const }] };
    const result = await dispatch('profiles.save', { settings: toSettings(f), secrets: toSecrets(f) });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.field).toEqual(['settings', 'subscriptions', 1, 'filter']);
    expect([...invalidRows(f.subscriptions, result.error, sentSubscriptionRows(f))]).toEqual([2]);
    // The editor sends every row: main's index is the row.
    expect([...invalidRows(f.subscriptions, result.error)]).toEqual([1]);
  });
});
