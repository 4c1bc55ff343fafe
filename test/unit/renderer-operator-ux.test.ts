/**
 * The pure rules behind the operator's first hour in the window: which
 * verdict a connection shows while offline, how connections are told apart,
 * what the Publish tab remembers (and how much), when a payload is checked as
 * JSON, how saved CAs are named, and what the connection form sees in a
 * picked key file.
 */
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createProfile, ProfileSettingsSchema, type Profile } from '../../shared/profiles';
import type { CertificateSummary, SecurityStatus } from '../../shared/security';
import { NO_LINK_FAULTS, type SessionView } from '../../shared/sessions';
import { formProblem, initialState, pickClientCertificate, pickClientKey, subscribesToEverything, toSettings } from '../../renderer/src/connections/form-state';
import { brokerAddress, duplicateNameWarning, sameName } from '../../renderer/src/connections/names';
import { savedCaSubjects } from '../../renderer/src/connections/saved-ca';
import { checkJson, isJsonContentType, looksLikeJson, scannerAccepts } from '../../renderer/src/publish/json-payload';
import { seededRandom } from '../support/random';
import { PublishMemory, RECENT_MAX_CHARS, RECENT_PER_TOPIC, RECENT_TOPICS } from '../../renderer/src/publish/memory';
import { removedText } from '../../renderer/src/demo/removed';
import { shownVerdict } from '../../renderer/src/security/verdict';

const CERT = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
const PLAIN_KEY = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const PKCS8_ENCRYPTED = privateKey.export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();
const SEC1_ENCRYPTED = privateKey.export({ type: 'sec1', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }).toString();

function profile(name: string, url: string, id = name): Profile {
  return createProfile(ProfileSettingsSchema.parse({ name, url }), id);
}

function session(state: SessionView['state'], security: Partial<SecurityStatus>, lastVerdict: SessionView['lastVerdict']): SessionView {
  return {
    id: 'c1',
    name: 'Line 1',
    url: 'mqtts://broker:8883',
    state,
    reason: '',
    error: null,
    attempt: 0,
    nextRetryAt: null,
    history: [],
    faults: NO_LINK_FAULTS,
    security: { transport: 'mqtts', encrypted: true, tls: null, grade: 'unknown', reasons: [], error: null, ...security },
    lastVerdict,
  };
}

describe('the verdict a connection shows', () => {
  const last = { grade: 'secure' as const, reasons: [{ level: 'ok' as const, code: 'chain_verified', message: 'verified' }], at: 1_000 };

  it('is the last one, marked offline, while the connection is down for a reason that says nothing against the broker', () => {
    expect(shownVerdict(session('reconnecting', { grade: 'unknown' }, last))).toEqual({ grade: 'secure', reasons: last.reasons, offline: true, at: 1_000 });
    expect(shownVerdict(session('closed', { grade: 'secure' }, last)).offline).toBe(true);
  });

  it('is the current one while connected, when the broker was found untrustworthy, and before any handshake', () => {
    expect(shownVerdict(session('connected', { grade: 'warning' }, last))).toMatchObject({ grade: 'warning', offline: false, at: null });
    expect(shownVerdict(session('failed', { grade: 'insecure' }, last))).toMatchObject({ grade: 'insecure', offline: false });
    expect(shownVerdict(session('failed', { grade: 'unknown' }, null))).toMatchObject({ grade: 'unknown', offline: false });
    expect(shownVerdict(session('idle', { grade: 'unknown' }, undefined))).toMatchObject({ grade: 'unknown', offline: false });
  });
});

describe('telling connections apart', () => {
  it('shows host:port, with the scheme’s default port when the URL has none', () => {
    expect(brokerAddress('mqtts://broker.example.com:9883')).toBe('broker.example.com:9883');
    expect(brokerAddress('mqtts://broker.example.com')).toBe('broker.example.com:8883');
    expect(brokerAddress('wss://a1b2-ats.iot.eu-west-1.amazonaws.com/mqtt')).toBe('a1b2-ats.iot.eu-west-1.amazonaws.com:443');
    expect(brokerAddress('mqtt://10.0.0.5')).toBe('10.0.0.5:1883');
    expect(brokerAddress('not a url')).toBe('not a url');
  });

  it('finds a name already taken, whatever the case and spaces, but not the connection being edited', () => {
    const list = [profile('Line A', 'mqtts://a:8883'), profile('Line B', 'mqtts://b:8883')];
    expect(sameName(' line a ', list).map((p) => p.id)).toEqual(['Line A']);
    expect(sameName('Line A', list, 'Line A')).toEqual([]);
    expect(sameName('', list)).toEqual([]);
    expect(duplicateNameWarning('LINE B', list)).toBe('Another connection is already called Line B (b:8883): choose a name that tells them apart.');
    expect(duplicateNameWarning('Line C', list)).toBeNull();
  });
});

describe('what the Publish tab remembers', () => {
  const sent = (payload: string, at = 0) => ({ payload, encoding: 'text' as const, contentType: '', at });

  it('keeps the payloads sent to a topic, newest first, once each, a bounded number', () => {
    const memory = new PublishMemory();
    for (let i = 0; i < RECENT_PER_TOPIC + 5; i++) memory.remember('c1', 'plant/cmd', sent(`p${i}`, i));
    memory.remember('c1', 'plant/cmd', sent('p3', 99));
    const recent = memory.recentFor('c1', 'plant/cmd').map((p) => p.payload);
    expect(recent).toHaveLength(RECENT_PER_TOPIC);
    expect(recent.slice(0, 3)).toEqual(['p3', 'p14', 'p13']);
    expect(recent.filter((p) => p === 'p3')).toHaveLength(1);
    expect(memory.recentFor('c2', 'plant/cmd')).toEqual([]);
    memory.remember('c1', 'plant/cmd', sent('x'.repeat(RECENT_MAX_CHARS + 1)));
    expect(memory.recentFor('c1', 'plant/cmd')[0]?.payload).toBe('p3');
  });

  it('forgets the topic used least recently once it holds its bound of topics', () => {
    const memory = new PublishMemory();
    for (let i = 0; i < RECENT_TOPICS; i++) memory.remember('c1', `t/${i}`, sent('v'));
    memory.remember('c1', 't/0', sent('again'));
    memory.remember('c1', 't/new', sent('v'));
    expect(memory.recentFor('c1', 't/1')).toEqual([]);
    expect(memory.recentFor('c1', 't/0')).toHaveLength(2);
    expect(memory.recentFor('c1', 't/new')).toHaveLength(1);
  });

  it('aims the draft at a topic, keeping the rest of the form', () => {
    const memory = new PublishMemory();
    memory.keepDraft('c1', { ...memory.draft('c1'), payload: 'on', qos: 1 });
    memory.aim('c1', 'plant/line1/cmd');
    expect(memory.draft('c1')).toMatchObject({ topic: 'plant/line1/cmd', payload: 'on', qos: 1 });
  });
});

describe('JSON in the Publish tab', () => {
  it('is checked when the content type says JSON or the text starts like JSON', () => {
    expect(isJsonContentType('application/json')).toBe(true);
    expect(isJsonContentType('application/vnd.acme+json; charset=utf-8')).toBe(true);
    expect(isJsonContentType('text/plain')).toBe(false);
    expect(isJsonContentType('application/jsonl-ish')).toBe(false);
    expect(looksLikeJson('  {"a":1}')).toBe(true);
    expect(looksLikeJson('[1,2]')).toBe(true);
    expect(looksLikeJson('on')).toBe(false);
  });

  it('says where it breaks and formats what parses', () => {
    expect(checkJson('{"a": 1, "b": [true]}')).toEqual({ ok: true, formatted: '{\n  "a": 1,\n  "b": [\n    true\n  ]\n}' });
    expect(checkJson('{\n  "a": 1,\n  "b": }')).toEqual({ ok: false, reason: 'unexpected "}" at line 3, column 8' });
    expect(checkJson('{"cmd": "start", "speed": 3')).toEqual({ ok: false, reason: 'it ends before the JSON is complete at line 1, column 28' });
    expect(checkJson('[1, 2,]')).toEqual({ ok: false, reason: 'unexpected "]" at line 1, column 7' });
  });

  it('finds a fault exactly when JSON.parse does (seeded, bounded)', () => {
    const random = seededRandom(16);
    const parts = ['{', '}', '[', ']', ',', ':', '"k"', '"v\\n"', '"\\u00e9"', '"\\x"', '1', '-0.5e3', '01', 'true', 'nul', ' ', '\n', '"', '\\'];
    const valid = ['{"a":[1,{"b":null}],"c":"d"}', '[]', '{}', '"s"', '0', '[[[[]]]]', ' {"a" : -1.5E+2 } '];
    let samples = 0;
    for (let n = 0; n < 4000; n++) {
      const text =
        n % 4 === 0
          ? (valid[Math.floor(random() * valid.length)] ?? '')
          : Array.from({ length: 1 + Math.floor(random() * 8) }, () => parts[Math.floor(random() * parts.length)]).join('');
      let parses = true;
      try {
        JSON.parse(text);
      } catch {
        parses = false;
      }
      expect(scannerAccepts(text), text).toBe(parses);
      samples++;
    }
    expect(samples).toBe(4000);
    expect(scannerAccepts(`${'['.repeat(100_000)}${']'.repeat(100_000)}`)).toBe(true);
  });
});

describe('the connection form', () => {
  it('starts a new connection subscribed to #, and an edited one with its own subscriptions', () => {
    const f = initialState(null);
    expect(f.subscriptions).toEqual([{ filter: '#', qos: 0 }]);
    expect(subscribesToEverything(f)).toBe(true);
    expect(toSettings({ ...f, url: 'mqtts://b:8883' }).subscriptions).toEqual([{ filter: '#', qos: 0 }]);
    expect(initialState(profile('Line A', 'mqtts://a:8883')).subscriptions).toEqual([]);
  });

  it('sees an encrypted key from its PEM header when picked, and asks for its passphrase at the field', () => {
    expect(pickClientKey({ name: 'k.pem', text: PKCS8_ENCRYPTED }).encryptedKey).toBe(true);
    expect(pickClientKey({ name: 'k.pem', text: SEC1_ENCRYPTED }).encryptedKey).toBe(true);
    expect(pickClientKey({ name: 'k.pem', text: PLAIN_KEY }).encryptedKey).toBe(false);
    const combined = pickClientCertificate({ name: 'device.pem', text: CERT + SEC1_ENCRYPTED }).taken[0];
    expect(combined?.encryptedKey).toBe(true);

    const f = { ...initialState(null), url: 'mqtts://b:8883', clientKey: pickClientKey({ name: 'device.key', text: PKCS8_ENCRYPTED }) };
    expect(formProblem(f)).toMatchObject({ code: 'key_passphrase_missing', message: 'device.key holds an encrypted private key.', field: ['secrets', 'passphrase'] });
    expect(formProblem({ ...f, passphrase: 'pw' })).toBeNull();
    // A passphrase already in the keychain may be this key's: the core checks it on save.
    expect(formProblem(f, true)).toBeNull();
    expect(formProblem({ ...f, removeIdentity: true })).toBeNull();
  });

  it('names saved CAs by the subjects the core read from them, in order, or not at all when they do not line up', () => {
    const summary = (subject: string) => ({ subject }) as CertificateSummary;
    const saved = [CERT, CERT + CERT];
    expect(savedCaSubjects(saved, [summary('CN=Root'), summary('CN=Issuing'), summary('CN=Other Root')])).toEqual(
      new Map([
        [CERT, ['CN=Root']],
        [CERT + CERT, ['CN=Issuing', 'CN=Other Root']],
      ]),
    );
    expect(savedCaSubjects(saved, [summary('CN=Root')]).size).toBe(0);
  });
});

describe('the demo’s removal', () => {
  it('says what went', () => {
    expect(removedText('Demo fleet', 5, true)).toBe('Demo removed: its broker and simulated devices, the connection Demo fleet with its 5 charts, and its client key from the keychain.');
    expect(removedText('Demo fleet', 1, false)).toBe('Demo removed: its broker and simulated devices, the connection Demo fleet with its 1 chart.');
  });
});
