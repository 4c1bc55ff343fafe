import { describe, expect, it } from 'vitest';
import { translateError, type ErrorContext } from '../../electron/core/tls/errors';

const ctx: ErrorContext = { host: 'broker.example', port: 8883, hasClientCertificate: false };
const withCert: ErrorContext = { ...ctx, hasClientCertificate: true };
const leaf = {
  subject: 'CN=broker.example',
  issuer: 'CN=Acme Intermediate',
  subjectAltNames: ['DNS:broker.example', 'DNS:mqtt.example'],
  serialNumber: '01',
  notBefore: '2025-01-01T00:00:00.000Z',
  notAfter: '2026-01-01T00:00:00.000Z',
  fingerprint256: 'AA:BB',
  keyType: 'EC P-256',
  keyBits: 256,
  isCA: false,
  selfSigned: false,
  unreadable: [],
};

function t(code: string | number, context: ErrorContext = ctx, message = 'x') {
  return translateError(Object.assign(new Error(message), { code }), context);
}

describe('error translation', () => {
  it.each([
    ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'tls_unknown_ca', /does not trust/, /root CA/],
    ['SELF_SIGNED_CERT_IN_CHAIN', 'tls_unknown_ca', /does not trust/, /root CA/],
    ['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'tls_missing_intermediate', /intermediate CA certificate is missing/, /intermediate/],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'tls_self_signed', /self-signed/, /pin/],
    ['CERT_HAS_EXPIRED', 'tls_cert_expired', /expired/, /renew/],
    ['CERT_NOT_YET_VALID', 'tls_cert_not_yet_valid', /not valid yet/, /date and time/],
    ['ERR_TLS_CERT_ALTNAME_INVALID', 'tls_hostname_mismatch', /not issued for broker\.example/, /host name the certificate lists/],
    ['TLS_PIN_MISMATCH', 'tls_pin_mismatch', /pinned/, /intercept/],
    ['ERROR_IN_CERT_NOT_BEFORE_FIELD', 'tls_cert_malformed', /malformed/, /reissue/],
    ['TLS_PEER_UNREADABLE', 'tls_cert_malformed', /malformed/, /reissue/],
    ['MQTT_MALFORMED_PACKET', 'mqtt_malformed_packet', /not valid MQTT/, /retried/],
    ['ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED', 'tls_client_cert_required', /requires a client certificate/, /Import the client certificate/],
    ['ERR_SSL_TLSV1_ALERT_UNKNOWN_CA', 'tls_client_cert_unknown_ca', /does not trust the CA that issued the client certificate/, /signed by a CA the broker/],
    ['ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE', 'tls_client_cert_rejected', /rejected the client certificate/, /registered/],
    ['ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED', 'tls_client_cert_expired', /expired/, /Renew/],
    ['ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION', 'tls_protocol_version', /share no TLS version/, /TLSv1\.2/],
    ['ERR_SSL_UNSUPPORTED_PROTOCOL', 'tls_protocol_version', /share no TLS version/, /TLSv1\.2/],
    ['ERR_SSL_WRONG_VERSION_NUMBER', 'tls_not_tls', /plain MQTT port/, /8883/],
    ['ERR_OSSL_BAD_DECRYPT', 'key_wrong_passphrase', /passphrase does not decrypt/, /passphrase/],
    ['ERR_MISSING_PASSPHRASE', 'key_passphrase_missing', /encrypted and no passphrase/, /passphrase/],
    ['ERR_OSSL_X509_KEY_VALUES_MISMATCH', 'key_mismatch', /does not belong/, /issued together/],
    ['CLIENT_KEY_MISSING', 'key_missing', /has no private key/, /private key issued together/],
    ['CLIENT_CERT_MISSING', 'certificate_missing', /has no client certificate/, /client certificate issued for this key/],
    ['TLS_HANDSHAKE_TIMEOUT', 'tls_handshake_timeout', /did not finish in time/, /TLS port/],
    ['ECONNREFUSED', 'net_refused', /broker\.example:8883/, /firewall/],
    ['ENOTFOUND', 'net_dns', /could not be resolved/, /DNS/],
    ['EAI_AGAIN', 'net_dns', /could not be resolved/, /DNS/],
  ])('%s → %s with a cause and a fix', (raw, code, message, hint) => {
    const out = t(raw);
    expect(out.code).toBe(code);
    expect(out.message).toMatch(message);
    expect(out.hint).toMatch(hint);
    expect(out.cause).toBe(raw);
  });

  it('retries network trouble and never certificate or credential problems', () => {
    for (const code of ['ECONNREFUSED', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNRESET', 'EHOSTUNREACH', 'TLS_HANDSHAKE_TIMEOUT']) expect(t(code).retryable).toBe(true);
    for (const code of ['UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'CERT_HAS_EXPIRED', 'ERR_TLS_CERT_ALTNAME_INVALID', 'TLS_PIN_MISMATCH', 'ERR_OSSL_BAD_DECRYPT', 'ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED']) {
      expect(t(code).retryable).toBe(false);
    }
    expect(t(4).retryable).toBe(false);
    expect(t(0x86).retryable).toBe(false);
    expect(t(3).retryable).toBe(true);
    expect(t(0x89).retryable).toBe(true);
  });

  it('names the peer certificate where it helps', () => {
    const mismatch = t('ERR_TLS_CERT_ALTNAME_INVALID', { ...ctx, peerLeaf: leaf });
    expect(mismatch.message).toContain('DNS:mqtt.example');
    const unknown = t('UNABLE_TO_GET_ISSUER_CERT_LOCALLY', { ...ctx, peerLeaf: leaf });
    expect(unknown.message).toContain('issued by CN=Acme Intermediate');
    const expired = t('CERT_HAS_EXPIRED', { ...ctx, peerLeaf: leaf });
    expect(expired.message).toContain('2026-01-01');
  });

  it.each([
    [4, 'mqtt_bad_credentials', /user name or password/],
    [5, 'mqtt_not_authorized', /not authorized/],
    [1, 'mqtt_protocol_version', /protocol version/],
    [2, 'mqtt_client_id_rejected', /client ID/],
    [3, 'mqtt_server_unavailable', /unavailable/],
    [0x86, 'mqtt_bad_credentials', /user name or password/],
    [0x87, 'mqtt_not_authorized', /not authorized/],
    [0x84, 'mqtt_protocol_version', /MQTT 5/],
    [0x85, 'mqtt_client_id_rejected', /client ID/],
    [0x8a, 'mqtt_banned', /banned/],
    [0x8e, 'mqtt_session_taken_over', /same client ID/],
    [0x9c, 'mqtt_use_another_server', /another server/],
  ])('CONNACK/DISCONNECT reason %i → %s', (reason, code, message) => {
    const out = t(reason);
    expect(out.code).toBe(code);
    expect(out.message).toMatch(message);
    expect(out.hint.length).toBeGreaterThan(10);
  });

  it('tells a missing client certificate from a rejected one on a TLS 1.2 handshake failure', () => {
    expect(t('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE').code).toBe('tls_client_cert_required');
    expect(t('ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE', withCert).code).toBe('tls_handshake_failure');
  });

  it('recognises OpenSSL failures reported only in the message', () => {
    expect(translateError(new Error('error:1C800064:Provider routines::bad decrypt'), ctx).code).toBe('key_wrong_passphrase');
    expect(translateError(new Error('error:05800074:x509 certificate routines::key values mismatch'), ctx).code).toBe('key_mismatch');
  });

  it('keeps unknown errors readable instead of hiding them', () => {
    const out = t('EWHATEVER', ctx, 'something odd');
    expect(out.code).toBe('connect_failed');
    expect(out.message).toContain('something odd');
    expect(out.message).toContain('EWHATEVER');
  });
});
