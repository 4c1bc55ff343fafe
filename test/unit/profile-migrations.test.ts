/**
 * The profiles file's format history: steps in order, one test per step. The
 * moves into the real keychain and the rewrite on disk are tested in
 * test/integration/keys-in-clear.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { ProfileSchema, ProfileSettingsSchema } from '../../shared/profiles';
import { createDemoPki } from '../../electron/core/demo/demo-broker';
import { MIGRATIONS, migrateProfiles, PROFILES_VERSION } from '../../electron/core/profiles/migrations';
import { v1ToV2 } from '../../electron/core/profiles/migrations/v1-to-v2';
import { v2ToV3 } from '../../electron/core/profiles/migrations/v2-to-v3';
import { v3ToV4 } from '../../electron/core/profiles/migrations/v3-to-v4';
import { v4ToV5 } from '../../electron/core/profiles/migrations/v4-to-v5';
import { v5ToV6 } from '../../electron/core/profiles/migrations/v5-to-v6';
import { v6ToV7 } from '../../electron/core/profiles/migrations/v6-to-v7';
import { DEFAULT_DECODERS } from '../../shared/decoders';
import { v7ToV8 } from '../../electron/core/profiles/migrations/v7-to-v8';
import { defaultAlertRules } from '../../shared/alerts';
import { DEFAULT_RECORDING } from '../../shared/history';
import { DEFAULT_MESSAGE_HISTORY } from '../../shared/telemetry';
import { v8ToV9 } from '../../electron/core/profiles/migrations/v8-to-v9';
import { DEFAULT_REVOCATION } from '../../shared/revocation';

const pki = createDemoPki();

/** A profile as format 1 wrote it: the same fields, certificate fields free-form. */
function v1Profile(id: string, tls: Record<string, unknown>, extra: Record<string, unknown> = {}) {
  const settings = ProfileSettingsSchema.parse({ name: `Line ${id}`, url: `mqtts://${id}.example:8883` });
  return { ...settings, id, secrets: { password: false, clientKey: false, passphrase: false }, pendingSecrets: [], dashboard: { charts: [] }, ...extra, tls: { ...settings.tls, ...tls } };
}

describe('migration steps', () => {
  it('run in order, one per format, and the current format is the one after the last', () => {
    expect(MIGRATIONS.map((step) => step.from)).toEqual(MIGRATIONS.map((_, i) => i + 1));
    expect(PROFILES_VERSION).toBe(MIGRATIONS.length + 1);
  });

  it('leave a file of the current format as it is', () => {
    const profiles = [v1Profile('a', { clientCertificate: `${pki.operator.certificate}${pki.operator.key}` })];
    expect(migrateProfiles(profiles, PROFILES_VERSION)).toEqual({ profiles, notes: [], secrets: [] });
  });
});

describe('v1 to v2: connections hold no private key', () => {
  const combined = `${pki.operator.certificate}${pki.operator.key}`;

  it('takes the key out of a client certificate and hands it over for the keychain', () => {
    const { profiles, notes, secrets } = v1ToV2.run([v1Profile('a', { clientCertificate: `subject=/CN=x\n${combined}` })]);
    expect(profiles[0]).toMatchObject({ id: 'a', tls: { clientCertificate: pki.operator.certificate } });
    expect(secrets).toEqual([{ profileId: 'a', profileName: 'Line a', item: 'clientKey', value: pki.operator.key.trim() }]);
    expect(notes).toEqual([]);
    expect(JSON.stringify(profiles)).not.toMatch(/PRIVATE KEY/);
  });

  it('drops a key found among the CAs, and any other block, saying so', () => {
    const { profiles, notes, secrets } = v1ToV2.run([
      v1Profile('b', { trust: 'custom', ca: [`${pki.ca}${pki.operator.key}`, `${pki.ca}-----BEGIN X509 CRL-----\nAAAA\n-----END X509 CRL-----\n`] }),
    ]);
    expect(profiles[0]).toMatchObject({ tls: { ca: [pki.ca, pki.ca] } });
    expect(secrets).toEqual([]);
    expect(notes).toEqual(['Line b: removed from its CA certificates: a private key.', 'Line b: removed from its CA certificates: a "X509 CRL" block.']);
  });

  it('leaves clean profiles untouched, and what it cannot read for the schema to judge', () => {
    const clean = v1Profile('c', { ca: [pki.ca], clientCertificate: pki.operator.certificate });
    const odd = { id: 'd', tls: 'not an object' };
    const { profiles, notes, secrets } = v1ToV2.run([clean, odd]);
    expect(profiles).toEqual([clean, odd]);
    expect(notes).toEqual([]);
    expect(secrets).toEqual([]);
  });

  it('produces profiles the current schema accepts', () => {
    const { profiles } = migrateProfiles([v1Profile('e', { ca: [`${pki.ca}${pki.operator.key}`], clientCertificate: `${combined}${pki.operator.key.slice(0, 50)}` })], 1);
    const parsed = ProfileSchema.safeParse(profiles[0]);
    expect(parsed.success).toBe(true);
  });
});

describe('v2 to v3: each connection says what it records', () => {
  it('writes the recording defaults out, keeping settings a file already has', () => {
    const own = { messageFilters: ['a/#'], maxPayloadBytes: 10, retentionDays: 2, retentionMB: 3 };
    const { profiles, notes, secrets } = v2ToV3.run([v1Profile('a', {}), v1Profile('b', {}, { recording: own }), 'odd']);
    expect(ProfileSchema.parse(profiles[0]).recording).toEqual(DEFAULT_RECORDING);
    expect((profiles[0] as { recording: unknown }).recording).toEqual(DEFAULT_RECORDING);
    expect((profiles[1] as { recording: unknown }).recording).toEqual(own);
    expect(profiles[2]).toBe('odd');
    expect([notes, secrets]).toEqual([[], []]);
  });

  it('records samples of charted series and no raw messages by default, for 30 days or 1 GB', () => {
    expect(DEFAULT_RECORDING).toEqual({ messageFilters: [], maxPayloadBytes: 65536, retentionDays: 30, retentionMB: 1024 });
  });
});

describe('v3 to v4: each connection says how its broker\'s chain is checked for revocation', () => {
  it('writes the defaults out (no CRL file, soft fail), keeping what a file already has', () => {
    const own = { crls: [], hardFail: true };
    const plain = v1Profile('a', {});
    delete (plain.tls as { revocation?: unknown }).revocation;
    const { profiles, notes, secrets } = v3ToV4.run([plain, v1Profile('b', { revocation: own }), { id: 'c', tls: 'odd' }, 'odd']);
    expect((profiles[0] as { tls: { revocation: unknown } }).tls.revocation).toEqual(DEFAULT_REVOCATION);
    expect(ProfileSchema.parse(profiles[0]).tls.revocation).toEqual({ crls: [], hardFail: false });
    expect((profiles[1] as { tls: { revocation: unknown } }).tls.revocation).toEqual(own);
    expect(profiles.slice(2)).toEqual([{ id: 'c', tls: 'odd' }, 'odd']);
    expect([notes, secrets]).toEqual([[], []]);
  });
});

describe('v4 to v5: charts say how they are drawn', () => {
  it('leaves format-4 dashboards as they are: a chart without kind is a line chart, a series without unit, axis or drawing is automatic', () => {
    const chart = { id: 'c', title: 'T', unit: '°C', window: '5m', series: [{ connectionId: 'a', topic: 't', extractor: { kind: 'number' }, label: '' }] };
    const v4 = { ...v1Profile('a', {}), recording: DEFAULT_RECORDING, dashboard: { charts: [chart] } };
    const { profiles, notes, secrets } = v4ToV5.run([v4]);
    expect(profiles).toEqual([v4]);
    expect([notes, secrets]).toEqual([[], []]);
    expect(ProfileSchema.parse(profiles[0]).dashboard.charts[0]).toEqual(chart);
  });

  it('keeps a stat panel and per-series settings through the schema, so the new format number is what protects them from older apps', () => {
    const panel = {
      id: 's',
      title: '',
      unit: '',
      window: '1h',
      kind: 'stat',
      stat: { thresholds: [{ value: 30, color: 'amber' }], base: 'green', silenceSeconds: 90, gaugeMin: 0, gaugeMax: 50 },
      series: [{ connectionId: 'a', topic: 't', extractor: { kind: 'boolean' }, label: '', unit: 'bar', axis: 'right', draw: 'step' }],
    };
    const profile = ProfileSchema.parse({ ...v1Profile('a', {}), recording: DEFAULT_RECORDING, dashboard: { charts: [panel] } });
    expect(profile.dashboard.charts[0]).toEqual(panel);
    expect(PROFILES_VERSION).toBe(9);
  });
});

describe('v5 to v6: each connection says how its payloads are decoded', () => {
  it('writes Sparkplug B on spBv1.0/# out, keeping rules and .proto files a file already has', () => {
    const own = { rules: [{ filter: 'factory/#', decoder: 'protobuf', message: 'acme.T' }], protos: [{ name: 'acme.proto', text: 'syntax = "proto3";' }] };
    const { profiles, notes, secrets } = v5ToV6.run([v1Profile('a', {}), v1Profile('b', {}, { decoders: own }), 'odd']);
    expect(ProfileSchema.parse(profiles[0]).decoders).toEqual(DEFAULT_DECODERS);
    expect(DEFAULT_DECODERS.rules).toEqual([{ filter: 'spBv1.0/#', decoder: 'sparkplug', message: '' }]);
    expect((profiles[1] as { decoders: unknown }).decoders).toEqual(own);
    expect(profiles[2]).toBe('odd');
    expect([notes, secrets]).toEqual([[], []]);
  });
});

describe('v6 to v7: each connection holds its alert rules', () => {
  it('gives existing connections the default rules (down for 30 s, grade below secure), keeping rules a file already has', () => {
    const own = [{ id: 'quiet', name: '', enabled: true, chartId: null, kind: 'silence', connectionId: null, filter: 'a/#', seconds: 60 }];
    const { profiles, notes, secrets } = v6ToV7.run([v1Profile('a', {}, { recording: DEFAULT_RECORDING, decoders: DEFAULT_DECODERS }), v1Profile('b', {}, { alerts: own }), 'odd']);
    expect((profiles[0] as { alerts: unknown }).alerts).toEqual(defaultAlertRules());
    expect(ProfileSchema.parse(profiles[0]).alerts.map((r) => [r.kind, r.kind === 'down' ? r.seconds : null])).toEqual([
      ['down', 30],
      ['grade', null],
    ]);
    expect((profiles[1] as { alerts: unknown }).alerts).toEqual(own);
    expect(profiles[2]).toBe('odd');
    expect([notes, secrets]).toEqual([[], []]);
  });
});

describe('v7 to v8: a connection may sign in with a SAS token', () => {
  it('writes out that existing connections send their password as before, and have no device key', () => {
    const { sasToken: _dropped, ...settings } = v1Profile('a', {}, { secrets: { password: true, clientKey: false, passphrase: false } });
    const already = { ...v1Profile('b', {}), sasToken: { lifetimeSeconds: 600 }, secrets: { password: false, clientKey: false, passphrase: false, deviceKey: true } };
    const { profiles, notes, secrets } = v7ToV8.run([settings, already, 'odd']);
    expect(profiles[0]).toMatchObject({ sasToken: null, secrets: { password: true, deviceKey: false } });
    expect(ProfileSchema.parse(profiles[0]).sasToken).toBeNull();
    expect(profiles[1]).toMatchObject({ sasToken: { lifetimeSeconds: 600 }, secrets: { deviceKey: true } });
    expect(profiles[2]).toBe('odd');
    expect([notes, secrets]).toEqual([[], []]);
  });
});

describe('v8 to v9: each connection says how much message history it keeps', () => {
  it('writes the defaults out (20 per topic, 16 MB), keeping settings a file already has', () => {
    const own = { perTopic: 5, maxMB: 2 };
    const { profiles, notes, secrets } = v8ToV9.run([v1Profile('a', {}, { recording: DEFAULT_RECORDING }), v1Profile('b', {}, { messageHistory: own }), 'odd']);
    expect((profiles[0] as { messageHistory: unknown }).messageHistory).toEqual({ perTopic: 20, maxMB: 16 });
    expect(ProfileSchema.parse(profiles[0]).messageHistory).toEqual(DEFAULT_MESSAGE_HISTORY);
    expect((profiles[1] as { messageHistory: unknown }).messageHistory).toEqual(own);
    expect(profiles[2]).toBe('odd');
    expect([notes, secrets]).toEqual([[], []]);
  });
});
