/**
 * Translation of everything that can go wrong while connecting (OpenSSL
 * verification codes, TLS alerts, key loading, socket errors, MQTT CONNACK and
 * DISCONNECT reason codes, faults the session finds on a live link) into one
 * sentence of cause and one of fix, plus whether retrying can help. Pure: the
 * session and the CLI both call it.
 */
import type { ErrorCode } from '../../../shared/errors';
import type { AppError } from '../../../shared/result';
import type { CertificateSummary } from '../../../shared/security';

export interface TranslatedError extends AppError {
  /** Network trouble is retried with backoff; a bad certificate or bad credentials are not. */
  retryable: boolean;
  /** The library's own code (OpenSSL verify code, errno, MQTT reason code), for the details view. */
  cause: string | null;
}

export interface ErrorContext {
  host: string;
  port: number;
  /** Whether this connection presented a client certificate. */
  hasClientCertificate: boolean;
  /** The broker's leaf certificate, when the handshake got far enough to see it. */
  peerLeaf?: CertificateSummary | null;
  /** The chain the broker presented, leaf first: the issuer of its last certificate is the CA it needs. */
  peerChain?: readonly CertificateSummary[];
  /** What this connection trusts: its own CA certificates by subject, and whether the system roots count. */
  trusted?: { system: boolean; subjects: readonly string[] };
  /** The minimum TLS version this connection asked for. */
  minVersion?: string;
  /** Whether the broker had accepted the connection (CONNACK) before it ended. */
  connected?: boolean;
}

interface Entry {
  code: ErrorCode;
  retryable: boolean;
  /** `detail` is the error's own message, for entries that quote what was found. */
  message: (c: ErrorContext, detail: string) => string;
  hint: (c: ErrorContext) => string;
}

const at = (c: ErrorContext) => `${c.host}:${c.port}`;
const issuedBy = (c: ErrorContext) => (c.peerLeaf ? ` (issued by ${c.peerLeaf.issuer})` : '');
const names = (c: ErrorContext) =>
  c.peerLeaf && c.peerLeaf.subjectAltNames.length
    ? ` It is valid for ${c.peerLeaf.subjectAltNames.join(', ')}.`
    : '';

/** A CA as operators name it: its common name, or the whole subject when it has none. */
const caName = (dn: string) => /(?:^|,\s*)CN=([^,]+)/.exec(dn)?.[1]?.trim() || dn;
/** The CA the presented chain needs: the issuer of its last certificate (a self-signed one names itself). */
const neededCa = (c: ErrorContext) => {
  const issuer = c.peerChain?.[c.peerChain.length - 1]?.issuer ?? c.peerLeaf?.issuer;
  return issuer ? caName(issuer) : null;
};
const trustedText = (trusted: NonNullable<ErrorContext['trusted']>) => {
  const own = trusted.subjects.map(caName).join('; ');
  if (trusted.system) return own ? `the system roots and ${own}` : 'the system roots, none of which issued it';
  return own || 'no CA at all';
};
/** The CA the chain needs next to the ones configured: which certificate to import, at a glance. */
const trustGap = (c: ErrorContext) => {
  const needed = neededCa(c);
  if (!needed || !c.trusted) return '';
  return ` The broker's chain needs the CA ${needed}; this connection trusts ${trustedText(c.trusted)}.`;
};

const fatal = (code: ErrorCode, message: Entry['message'], hint: Entry['hint']): Entry => ({ code, retryable: false, message, hint });
const transient = (code: ErrorCode, message: Entry['message'], hint: Entry['hint']): Entry => ({ code, retryable: true, message, hint });

const UNKNOWN_CA = fatal(
  'tls_unknown_ca',
  (c) => {
    const needed = neededCa(c);
    if (needed && c.trusted) return `The broker's certificate chain needs the CA ${needed}, which this connection does not trust: it trusts ${trustedText(c.trusted)}.`;
    return `The broker's certificate${issuedBy(c)} was issued by a CA this connection does not trust.`;
  },
  (c) => {
    const needed = neededCa(c);
    return `Import the broker's root CA certificate${needed && c.trusted ? ` (${needed})` : ''} and select it as this connection's CA.`;
  },
);
const MISSING_INTERMEDIATE = fatal(
  'tls_missing_intermediate',
  (c) => `The broker's certificate${issuedBy(c)} could not be chained to a trusted root: an intermediate CA certificate is missing.${trustGap(c)}`,
  () => "Add the intermediate CA certificate to this connection's CAs, or have the broker send its full chain.",
);
const SELF_SIGNED = fatal(
  'tls_self_signed',
  (c) => `The broker presented a self-signed certificate${c.peerLeaf ? ` (${caName(c.peerLeaf.subject)})` : ''} that this connection does not trust${c.trusted ? `; it trusts ${trustedText(c.trusted)}` : ''}.`,
  () => 'Import that certificate as the CA of this connection, or pin its SHA-256 fingerprint.',
);
const CLIENT_CERT_REJECTED = fatal(
  'tls_client_cert_rejected',
  () => 'The broker rejected the client certificate.',
  () => 'Check that the client certificate is the one registered with the broker and is signed by a CA the broker trusts.',
);
const PROTOCOL_VERSION = fatal(
  'tls_protocol_version',
  (c) => `The broker and this connection share no TLS version${c.minVersion ? ` (this connection requires ${c.minVersion} or newer)` : ''}.`,
  () => 'Lower the minimum TLS version to TLSv1.2 if the broker cannot do TLSv1.3, or upgrade the broker.',
);
const NOT_TLS = fatal(
  'tls_not_tls',
  (c) => `${at(c)} did not answer with TLS; it is probably a plain MQTT port.`,
  () => "Use the broker's TLS port (usually 8883), or mqtt:// if the port is meant to be unencrypted.",
);
const WRONG_PASSPHRASE = fatal(
  'key_wrong_passphrase',
  () => 'The passphrase does not decrypt the private key.',
  () => 'Enter the passphrase the key or PKCS#12 file was exported with.',
);
const PASSPHRASE_MISSING = fatal(
  'key_passphrase_missing',
  () => 'The private key is encrypted and no passphrase was given.',
  () => "Enter the key's passphrase in the connection settings.",
);
const KEY_MISMATCH = fatal(
  'key_mismatch',
  () => 'The private key does not belong to the client certificate.',
  () => 'Select the key file issued together with this certificate (their public keys must match).',
);
const REFUSED = transient(
  'net_refused',
  (c) => `Nothing accepted the connection at ${at(c)}.`,
  () => 'Check the host and port, that the broker is running, and that no firewall blocks the port.',
);
const DNS = transient(
  'net_dns',
  (c) => `The host name ${c.host} could not be resolved.`,
  () => 'Check the spelling of the host name and this computer\'s DNS or network connection.',
);
const TIMEOUT = transient(
  'net_timeout',
  (c) => `${at(c)} did not answer in time.`,
  () => 'Check that the host is reachable from this network and that the port is open.',
);
const RESET = transient(
  'net_reset',
  (c) => (c.connected ? `The connection to ${at(c)} was closed by the broker or the network.` : `The broker at ${at(c)} closed the connection during setup.`),
  (c) => c.connected
    ? 'Reconnecting. If it keeps happening, check the broker\'s log and the network path.'
    : c.hasClientCertificate
      ? 'If it keeps happening, the broker may be rejecting this client certificate or client ID; check the broker log.'
      : 'If it keeps happening, the broker may require a client certificate or reject this client ID; check the broker log.',
);
const UNREACHABLE = transient(
  'net_unreachable',
  (c) => `No network route to ${c.host}.`,
  () => 'Check this computer\'s network connection, VPN or proxy.',
);

const MALFORMED_CERT = fatal(
  'tls_cert_malformed',
  () => "The broker's certificate is malformed: a field of it (such as its validity dates) cannot be read.",
  () => "Ask the broker's operator to reissue the certificate; do not turn verification off for it, it proves nothing.",
);

const BROKER_PROTOCOL_HINT =
  'It is retried with growing delays. If it repeats, the broker (or a proxy or load balancer in between) sends invalid MQTT: check that the port serves MQTT, the broker\'s version and its log.';

const BY_CODE: Record<string, Entry> = {
  // OpenSSL chain verification, as Node reports it in error.code.
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: UNKNOWN_CA,
  SELF_SIGNED_CERT_IN_CHAIN: UNKNOWN_CA,
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: MISSING_INTERMEDIATE,
  UNABLE_TO_GET_ISSUER_CERT: MISSING_INTERMEDIATE,
  DEPTH_ZERO_SELF_SIGNED_CERT: SELF_SIGNED,
  CERT_UNTRUSTED: UNKNOWN_CA,
  CERT_HAS_EXPIRED: fatal(
    'tls_cert_expired',
    (c) => `The broker's certificate has expired${c.peerLeaf?.notAfter ? ` (on ${c.peerLeaf.notAfter.slice(0, 10)})` : ''}.`,
    () => "Ask the broker's operator to renew the certificate; if this computer's clock is wrong, correct it.",
  ),
  CERT_NOT_YET_VALID: fatal(
    'tls_cert_not_yet_valid',
    (c) => `The broker's certificate is not valid yet${c.peerLeaf?.notBefore ? ` (from ${c.peerLeaf.notBefore.slice(0, 10)})` : ''}.`,
    () => "Check this computer's date and time; otherwise ask the broker's operator for a certificate that is already valid.",
  ),
  ERR_TLS_CERT_ALTNAME_INVALID: fatal(
    'tls_hostname_mismatch',
    (c) => `The broker's certificate is not issued for ${c.host}.${names(c)}`,
    () => 'Connect using a host name the certificate lists, or set the SNI server name to one of them.',
  ),
  HOSTNAME_MISMATCH: fatal(
    'tls_hostname_mismatch',
    (c) => `The broker's certificate is not issued for ${c.host}.${names(c)}`,
    () => 'Connect using a host name the certificate lists, or set the SNI server name to one of them.',
  ),
  CERT_REVOKED: fatal('tls_cert_revoked', () => "The broker's certificate has been revoked.", () => "Ask the broker's operator for a new certificate."),
  // Our own revocation checks (electron/core/trust/revocation.ts): the detail names the certificate, the source and the answer.
  REVOCATION_REVOKED: fatal('tls_cert_revoked', (_c, detail) => detail, () => "Do not connect: ask the broker's operator to replace the revoked certificate."),
  REVOCATION_UNCHECKED: transient(
    'tls_revocation_unchecked',
    (_c, detail) => detail,
    () => "Check that this computer reaches the OCSP responder or CRL URL named (firewall, proxy), or add the CA's CRL file to the connection; turn hard fail off to connect with a warning instead.",
  ),
  CERT_SIGNATURE_FAILURE: fatal('tls_bad_signature', () => "The broker's certificate signature is invalid.", () => 'The certificate is corrupt or forged; do not connect until the broker\'s operator replaces it.'),
  INVALID_CA: fatal('tls_invalid_ca', () => 'A certificate in the broker\'s chain is used as a CA but is not one.', () => 'Ask the broker\'s operator to fix the chain it serves.'),
  INVALID_PURPOSE: fatal('tls_invalid_purpose', () => "The broker's certificate is not meant for TLS servers (wrong key usage).", () => 'Ask the broker\'s operator for a certificate with the serverAuth extended key usage.'),
  // A certificate the broker sent that OpenSSL or we could not read: no identity can be proven with it.
  ERROR_IN_CERT_NOT_BEFORE_FIELD: MALFORMED_CERT,
  ERROR_IN_CERT_NOT_AFTER_FIELD: MALFORMED_CERT,
  UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY: MALFORMED_CERT,
  UNABLE_TO_DECRYPT_CERT_SIGNATURE: MALFORMED_CERT,
  TLS_PEER_UNREADABLE: MALFORMED_CERT,
  CERT_CHAIN_TOO_LONG: fatal('tls_chain_too_long', () => "The broker's certificate chain is too long.", () => 'Ask the broker\'s operator to serve a shorter chain.'),
  TLS_PIN_MISMATCH: fatal(
    'tls_pin_mismatch',
    (c) => `The broker's certificate does not match any pinned fingerprint${c.peerLeaf ? ` (it presented ${c.peerLeaf.fingerprint256})` : ''}.`,
    () => 'If the broker\'s certificate was renewed on purpose, update the pin; otherwise do not connect: someone may be intercepting the connection.',
  ),

  // TLS alerts sent by the broker.
  ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED: fatal(
    'tls_client_cert_required',
    () => 'The broker requires a client certificate and none was sent.',
    () => 'Import the client certificate and private key this broker issued to you and add them to the connection.',
  ),
  ERR_SSL_SSLV3_ALERT_BAD_CERTIFICATE: CLIENT_CERT_REJECTED,
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_UNKNOWN: CLIENT_CERT_REJECTED,
  ERR_SSL_SSLV3_ALERT_UNSUPPORTED_CERTIFICATE: CLIENT_CERT_REJECTED,
  ERR_SSL_TLSV1_ALERT_ACCESS_DENIED: CLIENT_CERT_REJECTED,
  ERR_SSL_TLSV1_ALERT_DECRYPT_ERROR: CLIENT_CERT_REJECTED,
  ERR_SSL_TLSV1_ALERT_UNKNOWN_CA: fatal(
    'tls_client_cert_unknown_ca',
    () => 'The broker does not trust the CA that issued the client certificate.',
    () => 'Use a client certificate signed by a CA the broker is configured to trust (its cafile), or ask its operator to add your CA.',
  ),
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_EXPIRED: fatal(
    'tls_client_cert_expired',
    () => 'The broker rejected the client certificate because it has expired.',
    () => 'Renew the client certificate and import the new one.',
  ),
  ERR_SSL_SSLV3_ALERT_CERTIFICATE_REVOKED: fatal(
    'tls_client_cert_revoked',
    () => 'The broker rejected the client certificate because it has been revoked.',
    () => 'Ask the broker\'s operator for a new client certificate.',
  ),
  ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION: PROTOCOL_VERSION,
  ERR_SSL_UNSUPPORTED_PROTOCOL: PROTOCOL_VERSION,
  ERR_SSL_NO_PROTOCOLS_AVAILABLE: PROTOCOL_VERSION,
  ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL: fatal(
    'tls_alpn_refused',
    () => 'The broker accepts none of the ALPN protocols this connection offered.',
    () => 'Remove the ALPN protocols, or use the one the broker expects (AWS IoT on port 443: x-amzn-mqtt-ca).',
  ),
  ERR_SSL_WRONG_VERSION_NUMBER: NOT_TLS,
  ERR_SSL_PACKET_LENGTH_TOO_LONG: NOT_TLS,
  ERR_SSL_HTTP_REQUEST: NOT_TLS,
  ERR_SSL_RECORD_LAYER_FAILURE: NOT_TLS,
  EPROTO: NOT_TLS,

  // Loading the client identity.
  ERR_OSSL_BAD_DECRYPT: WRONG_PASSPHRASE,
  ERR_OSSL_EVP_BAD_DECRYPT: WRONG_PASSPHRASE,
  ERR_OSSL_PEM_BAD_DECRYPT: WRONG_PASSPHRASE,
  ERR_OSSL_PKCS12_MAC_VERIFY_FAILURE: WRONG_PASSPHRASE,
  ERR_OSSL_MAC_VERIFY_FAILURE: WRONG_PASSPHRASE,
  ERR_MISSING_PASSPHRASE: PASSPHRASE_MISSING,
  // Node 20 reports a missing passphrase as OpenSSL's cancelled password prompt.
  ERR_OSSL_CRYPTO_INTERRUPTED_OR_CANCELLED: PASSPHRASE_MISSING,
  ERR_OSSL_X509_KEY_VALUES_MISMATCH: KEY_MISMATCH,
  CLIENT_KEY_MISSING: fatal(
    'key_missing',
    () => 'The client certificate has no private key.',
    () => 'Import the private key issued together with the certificate (or the whole bundle).',
  ),
  CLIENT_CERT_MISSING: fatal(
    'certificate_missing',
    () => 'The private key has no client certificate.',
    () => 'Import the client certificate issued for this key (or the whole bundle).',
  ),
  ERR_OSSL_KEY_VALUES_MISMATCH: KEY_MISMATCH,
  ERR_OSSL_PEM_NO_START_LINE: fatal(
    'key_invalid',
    () => 'The client key or certificate could not be read: it is not valid PEM.',
    () => 'Import the key and certificate again from the files your broker issued.',
  ),
  ERR_OSSL_UNSUPPORTED: fatal(
    'key_invalid',
    () => 'The client key could not be read: its format or encryption is not supported, or the passphrase is wrong.',
    () => 'Check the passphrase; otherwise convert the key to PKCS#8 PEM (openssl pkcs8 -topk8).',
  ),

  // Sockets and DNS.
  ECONNREFUSED: REFUSED,
  ENOTFOUND: DNS,
  EAI_AGAIN: DNS,
  ETIMEDOUT: TIMEOUT,
  ECONNRESET: RESET,
  EPIPE: RESET,
  ECONNABORTED: RESET,
  CLOSED_BEFORE_CONNACK: RESET,
  EHOSTUNREACH: UNREACHABLE,
  ENETUNREACH: UNREACHABLE,
  EHOSTDOWN: UNREACHABLE,
  TLS_HANDSHAKE_TIMEOUT: transient(
    'tls_handshake_timeout',
    (c) => `The TLS handshake with ${at(c)} did not finish in time.`,
    () => 'Check that the port is the broker\'s TLS port and that no proxy or firewall holds the connection.',
  ),
  CONNACK_TIMEOUT: transient(
    'mqtt_connack_timeout',
    (c) => `The broker at ${at(c)} accepted the connection but never answered the MQTT CONNECT.`,
    () => 'Check that the port serves MQTT (not HTTP or another protocol) and the broker\'s load.',
  ),

  // Faults the session finds on an established link (see sessions/faults.ts). All retried:
  // the next connection may well be fine, and the backoff grows while they repeat.
  MQTT_MALFORMED_PACKET: transient(
    'mqtt_malformed_packet',
    (c, detail) => `Protocol error from the broker at ${at(c)}: it sent a packet that is not valid MQTT (${detail}), so the connection was closed.`,
    () => BROKER_PROTOCOL_HINT,
  ),
  MQTT_PROTOCOL_ERROR: transient(
    'mqtt_broker_protocol_error',
    (c, detail) => `Protocol error from the broker at ${at(c)}: ${detail}.`,
    () => BROKER_PROTOCOL_HINT,
  ),
  LINK_STALLED: transient(
    'net_stalled',
    (c, detail) => `The link to ${at(c)} went silent: ${detail}.`,
    () => 'Reconnecting. If it repeats, check the network path (VPN, NAT or firewall timeouts that drop idle connections) or raise the keepalive.',
  ),
  INCOMING_TOO_LARGE: transient(
    'mqtt_incoming_too_large',
    (c, detail) => `The broker at ${at(c)} sent a packet larger than this connection accepts (${detail}); it was refused before being read and the connection was dropped.`,
    () => 'Raise "Maximum incoming packet" in the connection settings if messages that large are expected, or find out who publishes them. With MQTT 5 the broker is told the limit and drops such messages itself.',
  ),
};

const mqttFatal = (code: ErrorCode, message: string, hint: string): Entry => fatal(code, () => message, () => hint);
const mqttTransient = (code: ErrorCode, message: string, hint: string): Entry => transient(code, () => message, () => hint);

const BAD_CREDENTIALS = mqttFatal('mqtt_bad_credentials', 'The broker refused the user name or password.', 'Check the user name and password of this connection.');
const NOT_AUTHORIZED = mqttFatal('mqtt_not_authorized', 'The broker refused this client: it is not authorized to connect.', 'Ask the broker\'s operator to allow this client ID, user or certificate.');
const UNAVAILABLE = mqttTransient('mqtt_server_unavailable', 'The broker is unavailable right now.', 'It will be retried; if it persists, check the broker\'s health.');

/** MQTT 3.1.1 CONNACK return codes (1-5) and MQTT 5 CONNACK and DISCONNECT reason codes (0, 0x80 and above). */
const BY_MQTT_REASON: Record<number, Entry> = {
  0: mqttTransient('mqtt_disconnected', 'The broker ended the connection (normal disconnection).', 'Reconnecting; if it repeats, check the broker\'s log.'),
  1: mqttFatal('mqtt_protocol_version', 'The broker does not accept this MQTT protocol version.', 'Switch the connection between MQTT 3.1.1 and MQTT 5.'),
  2: mqttFatal('mqtt_client_id_rejected', 'The broker rejected the client ID.', 'Use a shorter client ID of letters and digits, or leave it empty to have one generated.'),
  3: UNAVAILABLE,
  4: BAD_CREDENTIALS,
  5: NOT_AUTHORIZED,
  0x80: mqttFatal('mqtt_unspecified', 'The broker refused the connection without saying why.', 'Check the broker\'s log for the reason.'),
  0x81: mqttFatal('mqtt_malformed', 'The broker found a packet malformed.', 'Check the connection settings (will message, properties); report it if they are valid.'),
  0x82: mqttFatal('mqtt_protocol_error', 'The broker reported an MQTT protocol error.', 'Check the connection settings; try MQTT 3.1.1 if the broker\'s MQTT 5 support is partial.'),
  0x83: mqttFatal('mqtt_implementation_specific', 'The broker refused the connection for an implementation-specific reason.', 'Check the broker\'s log for the reason.'),
  0x84: mqttFatal('mqtt_protocol_version', 'The broker does not accept MQTT 5.', 'Switch the connection to MQTT 3.1.1.'),
  0x85: mqttFatal('mqtt_client_id_rejected', 'The broker rejected the client ID.', 'Use another client ID, or leave it empty to have one generated.'),
  0x86: BAD_CREDENTIALS,
  0x87: NOT_AUTHORIZED,
  0x88: UNAVAILABLE,
  0x89: mqttTransient('mqtt_server_busy', 'The broker is busy.', 'It will be retried later.'),
  0x8a: mqttFatal('mqtt_banned', 'The broker has banned this client.', 'Ask the broker\'s operator why this client is banned.'),
  0x8b: mqttTransient('mqtt_server_shutting_down', 'The broker is shutting down.', 'It will be retried when the broker is back.'),
  0x8c: mqttFatal('mqtt_bad_auth_method', 'The broker does not support this authentication method.', 'Remove the authentication method or use one the broker supports.'),
  0x8d: mqttTransient('mqtt_keepalive_timeout', 'The broker closed the connection: no keepalive in time.', 'It will be retried; if it repeats, check the network or lower the keepalive.'),
  0x8e: mqttFatal('mqtt_session_taken_over', 'Another client connected with the same client ID and took over this session.', 'Give each connection its own client ID.'),
  0x8f: mqttFatal('mqtt_topic_filter_invalid', 'The broker rejected a topic filter of this connection.', 'Check the subscriptions of this connection.'),
  0x90: mqttFatal('mqtt_topic_invalid', 'The broker rejected a topic name.', 'Check the topic names of the will message and publications.'),
  0x95: mqttFatal('mqtt_packet_too_large', 'A packet was larger than the broker accepts.', 'Send smaller payloads.'),
  0x93: mqttTransient('mqtt_receive_maximum_exceeded', 'The broker says this client sent more unacknowledged messages than it allows.', 'It will be retried; publish fewer QoS 1/2 messages at once.'),
  0x94: mqttTransient('mqtt_topic_alias_invalid', 'The broker rejected a topic alias sent by this client.', 'It will be retried; report it if it repeats.'),
  0x96: mqttTransient('mqtt_rate_too_high', 'The broker says this client publishes too fast.', 'It will be retried; publish less often.'),
  0x97: mqttTransient('mqtt_quota_exceeded', 'The broker\'s quota for this client is exceeded.', 'It will be retried later; ask the broker\'s operator about its limits.'),
  0x99: mqttFatal('mqtt_payload_format_invalid', 'The broker rejected a payload format.', 'Check the will message payload.'),
  0x9a: mqttFatal('mqtt_retain_not_supported', 'The broker does not support retained messages.', 'Turn off retain on the will message.'),
  0x9b: mqttFatal('mqtt_qos_not_supported', 'The broker does not support the requested QoS.', 'Lower the QoS of the will message.'),
  0x9c: mqttFatal('mqtt_use_another_server', 'The broker asks the client to use another server.', 'Point the connection at the server the broker\'s operator names.'),
  0x9d: mqttFatal('mqtt_server_moved', 'The broker has moved.', 'Point the connection at the broker\'s new address.'),
  0x98: mqttTransient('mqtt_administrative_action', 'The broker\'s operator closed this connection.', 'It will be retried; ask the broker\'s operator if it repeats.'),
  0x9e: mqttFatal('mqtt_shared_subscriptions_unsupported', 'The broker does not support shared subscriptions.', 'Remove the $share/ subscriptions of this connection.'),
  0x9f: mqttTransient('mqtt_connection_rate_exceeded', 'The broker refused: too many connection attempts.', 'It will be retried with a longer delay.'),
  0xa0: mqttTransient('mqtt_maximum_connect_time', 'The broker ended the connection: its maximum connection time was reached.', 'It will be retried.'),
  0xa1: mqttFatal('mqtt_subscription_ids_unsupported', 'The broker does not support subscription identifiers.', 'Report it: this app does not use them.'),
  0xa2: mqttFatal('mqtt_wildcards_unsupported', 'The broker does not support wildcard subscriptions.', 'Subscribe to exact topics instead of filters with + or #.'),
};

/** Whether an MQTT reason code has its own sentence (a code outside the table is a protocol error from the broker). */
export function hasReasonCode(code: number): boolean {
  return Object.prototype.hasOwnProperty.call(BY_MQTT_REASON, code);
}

interface ErrorLike {
  code?: unknown;
  message?: unknown;
  reason?: unknown;
}

function errorCode(error: ErrorLike): string | number | undefined {
  if (typeof error.code === 'string' || typeof error.code === 'number') return error.code;
  return undefined;
}

/** OpenSSL sometimes reports only in the message text; recognise the common ones. */
function codeFromMessage(message: string): string | undefined {
  if (/bad decrypt|mac verify failure/i.test(message)) return 'ERR_OSSL_BAD_DECRYPT';
  if (/key values mismatch/i.test(message)) return 'ERR_OSSL_X509_KEY_VALUES_MISMATCH';
  if (/wrong version number/i.test(message)) return 'ERR_SSL_WRONG_VERSION_NUMBER';
  if (/socket hang up|connection closed/i.test(message)) return 'ECONNRESET';
  if (/getaddrinfo/i.test(message)) return 'ENOTFOUND';
  return undefined;
}

export function translateError(error: unknown, context: ErrorContext): TranslatedError {
  const e: ErrorLike = typeof error === 'object' && error !== null ? (error as ErrorLike) : { message: String(error) };
  const message = typeof e.message === 'string' ? e.message : String(error);
  const raw = errorCode(e);
  let entry: Entry | undefined;
  if (typeof raw === 'number') entry = BY_MQTT_REASON[raw];
  else if (raw !== undefined) entry = BY_CODE[raw];
  if (!entry) {
    const guessed = codeFromMessage(message);
    if (guessed) entry = BY_CODE[guessed];
  }
  // A handshake failure alert almost always means the broker wanted a client
  // certificate we did not send (TLS 1.2), or found none of our ciphers acceptable.
  if (!entry && raw === 'ERR_SSL_SSLV3_ALERT_HANDSHAKE_FAILURE') {
    entry = context.hasClientCertificate
      ? fatal('tls_handshake_failure', () => 'The broker aborted the TLS handshake.', () => 'Check that the broker accepts this client certificate and TLS version, and read the broker\'s log.')
      : BY_CODE.ERR_SSL_TLSV13_ALERT_CERTIFICATE_REQUIRED;
  }
  const cause = raw === undefined ? null : String(raw);
  if (!entry) {
    const known = cause === null ? '' : ` (${cause})`;
    return {
      code: 'connect_failed',
      message: `The connection to ${at(context)} failed: ${message}${known}.`,
      hint: 'Check the connection settings; the error above comes from the network or TLS library.',
      retryable: typeof raw === 'string' && raw.startsWith('E') && !raw.startsWith('ERR_'),
      cause,
    };
  }
  return { code: entry.code, message: entry.message(context, message), hint: entry.hint(context), retryable: entry.retryable, cause };
}

/** The OpenSSL verification code as a sentence, for an unverified chain when verification is off. */
export function describeVerifyCode(code: string, context: ErrorContext): TranslatedError {
  return translateError({ code, message: code }, context);
}
