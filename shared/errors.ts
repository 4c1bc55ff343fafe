/**
 * Every code an `AppError` can carry, each with what it means. The code is
 * what programs compare (the window asks for secrets on `secrets_required`,
 * the grade treats `tls_unknown_ca` as an untrusted broker); the message and
 * hint next to it are for the operator. A new code is one line here: the
 * compiler refuses any code not listed, in the core, the hosts and the window.
 */
import { z } from 'zod';

export const ERROR_MEANINGS = {
  // Crossing the process boundary
  unknown_channel: 'The window asked for a channel the core does not have (the two sides are different versions).',
  invalid_payload: 'A request failed its schema; `field` names the first failing field.',
  internal: 'A handler failed unexpectedly; the details went to the log, not to the window.',
  invalid_frame: 'The headless host received a WebSocket frame that is not a request.',
  untrusted_sender: 'An IPC call came from a frame or origin other than the app’s own window.',
  transport_failed: 'A request did not reach the core.',
  transport_closed: 'The connection to the headless host dropped while a request was pending.',
  not_found: 'The connection (or other item) named does not exist (any more).',

  // Saved connections
  profiles_read_only: 'Connections cannot be changed while the connections file has a problem (newer or unreadable); nothing was changed.',
  profiles_write_failed: 'Saving the connections file failed; the previous file is intact.',
  profiles_recovered: 'The connections file was damaged and its backup was used.',
  profiles_unreadable: 'Neither the connections file nor its backup could be read.',
  profiles_newer: 'The connections file comes from a newer version of the app.',
  profiles_import_invalid: 'A connections export could not be read.',
  profiles_import_newer: 'A connections export comes from a newer version of the app.',
  profiles_key_in_file: 'The connections file holds a private key in the clear that the keychain cannot take yet; connections are read-only until it can.',
  profiles_migrated: 'The connections file was updated to the current format; what changed is said in the message.',
  profile_invalid: 'A connection fails its schema as it is about to be saved; nothing was changed.',
  client_key_twice: 'A client certificate file holding its key came with another key for the same connection.',
  secrets_required: 'An imported connection needs its secrets before it can connect.',
  secret_missing: 'A secret the connection lists is missing from the keychain.',
  keychain_unavailable: 'The OS keychain cannot be reached.',
  keychain_corrupt: 'A keychain entry is not in the format this app writes, or one of its parts is missing.',

  // Sessions and live data
  not_connected: 'The connection is not live, so it cannot publish or subscribe.',
  identity_invalid: 'A saved client certificate and key cannot be loaded, for a reason no more specific code names.',
  identity_missing: 'A PKCS#12 file given to the command line holds no client certificate with its key.',
  no_feed: 'The calling window receives no live data (it has no telemetry feed).',
  too_many_windows: 'More windows or tabs show live data than the core serves at once.',
  retained_changed: 'The retained messages under a topic changed since the operator confirmed clearing them.',

  // Certificate import
  bundle_too_large: 'The picked files add up to far more than a certificate bundle.',
  bundle_too_many_files: 'More files were picked than an import takes.',
  bundle_empty: 'Nothing was found in what the operator picked.',
  drop_unreadable: 'Dropped files could not be read by the window.',
  file_unreadable: 'A picked file could not be read by the window.',
  import_expired: 'The inspected bundle is no longer held (it expired or was saved already); it must be imported again.',
  nothing_found: 'No certificate or key was found in the bundle.',
  nothing_usable: 'The bundle holds neither a client identity nor a CA certificate.',
  not_certificate_or_key: 'A file is neither a certificate nor a key.',
  multiple_identities: 'The bundle holds more than one client identity.',
  key_without_certificate: 'A private key belongs to none of the bundle’s certificates.',
  certificate_without_key: 'A client certificate has no private key in the bundle.',
  key_unreadable: 'A private key cannot be read.',
  key_unsupported: 'A key is of a kind TLS cannot use (an SSH key).',
  pem_invalid: 'A PEM block cannot be read.',
  pkcs12_wrong_password: 'The PKCS#12 passphrase is wrong.',
  pkcs12_password_required: 'The PKCS#12 file needs a passphrase.',
  pkcs12_unsupported: 'The PKCS#12 file uses an algorithm the app does not read.',
  pkcs12_malformed: 'The PKCS#12 file is damaged.',
  zip_path_escape: 'A zip entry’s name points outside the archive.',
  zip_too_large: 'A zip archive unpacks to more than an import takes.',
  zip_encrypted: 'A zip archive is encrypted.',
  zip_unsupported: 'A zip archive uses a compression method the app does not read.',
  zip_malformed: 'A zip archive is damaged.',
  // Import warnings: usable, but worth a look
  ca_as_client: 'A CA certificate was offered as the client certificate.',
  ca_key_included: 'The bundle holds a CA’s private key, which a device never needs.',
  chain_incomplete: 'The issuer of the client certificate is not in the bundle.',
  crl_ignored: 'A certificate revocation list was skipped.',
  csr_ignored: 'A certificate signing request was skipped.',
  file_skipped: 'A file in the bundle is not a certificate or key and was skipped.',
  nested_archive: 'An archive inside the archive was skipped.',
  no_client_auth: 'The client certificate is not issued for client authentication.',
  pem_block_ignored: 'A PEM block that is neither a certificate nor a key was skipped.',
  public_key_unmatched: 'A public key matches none of the certificates.',
  self_signed_trusted: 'A self-signed certificate that is not a CA will be trusted as the broker’s own certificate.',
  weak_key: 'The client key is smaller than brokers expect (RSA under 2048 bits).',
  identity_expired: 'The client certificate has expired.',
  identity_not_yet_valid: 'The client certificate is not valid yet.',
  identity_expiring: 'The client certificate expires soon (shared/expiry.ts).',
  ca_expired: 'A CA certificate has expired.',
  ca_not_yet_valid: 'A CA certificate is not valid yet.',
  ca_expiring: 'A CA certificate expires soon (shared/expiry.ts).',
  // A saved connection's certificates
  certificate_expired: 'A certificate the connection uses has expired.',
  certificate_expiring: 'A certificate the connection uses expires soon (shared/expiry.ts).',

  // Connecting: TLS verification, handshake and key loading (electron/core/tls/errors.ts)
  tls_unknown_ca: 'The broker’s certificate was issued by a CA the connection does not trust.',
  tls_missing_intermediate: 'The broker’s chain lacks an intermediate CA.',
  tls_self_signed: 'The broker presented a self-signed certificate the connection does not trust.',
  tls_cert_expired: 'The broker’s certificate has expired.',
  tls_cert_not_yet_valid: 'The broker’s certificate is not valid yet.',
  tls_hostname_mismatch: 'The broker’s certificate is not issued for the host connected to.',
  tls_pin_mismatch: 'The broker’s certificate matches none of the pins.',
  tls_cert_revoked: 'The broker’s certificate was revoked.',
  tls_bad_signature: 'A signature in the broker’s chain does not verify.',
  tls_invalid_ca: 'A certificate in the broker’s chain is not a CA.',
  tls_invalid_purpose: 'The broker’s certificate is not issued for a TLS server.',
  tls_chain_too_long: 'The broker’s chain is longer than allowed.',
  tls_client_cert_required: 'The broker requires a client certificate and none was sent.',
  tls_client_cert_rejected: 'The broker refused the client certificate.',
  tls_client_cert_expired: 'The broker says the client certificate has expired.',
  tls_client_cert_revoked: 'The broker says the client certificate was revoked.',
  tls_client_cert_unknown_ca: 'The broker does not trust the client certificate’s issuer.',
  tls_protocol_version: 'Broker and connection share no TLS version.',
  tls_handshake_failure: 'The broker aborted the TLS handshake.',
  tls_alpn_refused: 'The broker refused the ALPN protocol.',
  tls_not_tls: 'The port does not speak TLS.',
  tls_handshake_timeout: 'The TLS handshake did not finish in time.',
  key_missing: 'The client certificate has no private key.',
  certificate_missing: 'The private key has no client certificate.',
  key_invalid: 'The client key or certificate cannot be read (not PEM, unsupported format or encryption).',
  key_mismatch: 'The private key does not belong to the client certificate.',
  key_passphrase_missing: 'The private key is encrypted and no passphrase was given.',
  key_wrong_passphrase: 'The passphrase does not decrypt the private key.',
  net_dns: 'The broker’s host name does not resolve.',
  net_refused: 'Nothing listens on the broker’s port.',
  net_reset: 'The broker closed the connection during setup.',
  net_timeout: 'The broker did not answer in time.',
  net_unreachable: 'The broker’s network cannot be reached.',
  connect_failed: 'Connecting failed for a reason no other code describes.',
  // Connecting: MQTT CONNACK and DISCONNECT reason codes
  mqtt_connack_timeout: 'The broker accepted TLS but did not answer the MQTT CONNECT.',
  mqtt_unspecified: 'The broker refused without saying why.',
  mqtt_malformed: 'The broker found a packet malformed.',
  mqtt_protocol_error: 'The broker reports a protocol error.',
  mqtt_implementation_specific: 'The broker refused for a reason of its own.',
  mqtt_protocol_version: 'The broker does not speak this MQTT version.',
  mqtt_client_id_rejected: 'The broker refused the client ID.',
  mqtt_bad_credentials: 'The broker refused the user name or password.',
  mqtt_not_authorized: 'The broker does not authorise this client.',
  mqtt_server_unavailable: 'The broker is unavailable.',
  mqtt_server_busy: 'The broker is busy.',
  mqtt_banned: 'The broker banned this client.',
  mqtt_bad_auth_method: 'The broker does not support the authentication method.',
  mqtt_topic_invalid: 'The broker refused a topic name.',
  mqtt_packet_too_large: 'A packet was larger than the broker takes.',
  mqtt_quota_exceeded: 'A broker quota was exceeded.',
  mqtt_payload_format_invalid: 'The payload does not match its declared format.',
  mqtt_retain_not_supported: 'The broker does not support retained messages.',
  mqtt_qos_not_supported: 'The broker does not support the QoS asked for.',
  mqtt_use_another_server: 'The broker sent the client to another server.',
  mqtt_server_moved: 'The broker moved to another server.',
  mqtt_connection_rate_exceeded: 'The client connected too often.',
  mqtt_session_taken_over: 'Another client connected with the same client ID.',
  mqtt_keepalive_timeout: 'The broker heard nothing within the keepalive.',
  mqtt_server_shutting_down: 'The broker is shutting down.',

  // Checks in the window before a request is sent
  confirm_insecure: 'Verification is off but the operator has not acknowledged it.',
  invalid_dashboard: 'A dashboard edit cannot be made (the window refused it before saving).',
  invalid_publish: 'The publish form is incomplete or its payload is not valid base64.',
  path_missing: 'Charting a JSON field needs a path.',
  ca_file_refused: 'A picked CA file holds something other than certificates (a private key, another block) and was not added.',
  certificate_file_refused: 'A picked client certificate file holds something it must not (several keys, another block) and was not used.',
} as const satisfies Record<string, string>;

export type ErrorCode = keyof typeof ERROR_MEANINGS;

export const ERROR_CODES = Object.keys(ERROR_MEANINGS) as [ErrorCode, ...ErrorCode[]];

export const ErrorCodeSchema = z.enum(ERROR_CODES);

export function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(ERROR_MEANINGS, code);
}
