/**
 * The publish form's fields turned into a `sessions.publish` request, or a
 * sentence saying what to fix first; and the words for a send in progress and
 * a send done, which claim no more than the broker confirmed.
 */
import type { InvokeRequest } from '../../../shared/contract';
import type { Qos } from '../../../shared/mqtt';
/** One row of the MQTT 5 user properties editor. */
export type UserProperty = { key: string; value: string };

export interface PublishForm {
  topic: string;
  payload: string;
  encoding: 'text' | 'base64';
  qos: Qos;
  retain: boolean;
  contentType: string;
  userProperties: UserProperty[];
}

export function publishRequest(id: string, f: PublishForm, mqtt5: boolean): { ok: true; request: InvokeRequest<'sessions.publish'> } | { ok: false; reason: string } {
  if (!f.topic) return { ok: false, reason: 'Enter the topic to publish to.' };
  if (/[+#]/.test(f.topic)) return { ok: false, reason: 'A topic to publish to cannot contain + or #; those are for subscriptions.' };
  let payload = f.payload;
  if (f.encoding === 'base64') {
    payload = payload.replace(/\s+/g, '');
    // Whole 4-character groups, padding only at the end of the last one (and never a group of padding alone).
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{2,3})?$/.test(payload)) return { ok: false, reason: 'The payload is not valid base64.' };
  }
  const request: InvokeRequest<'sessions.publish'> = { id, topic: f.topic, payload, encoding: f.encoding, qos: f.qos, retain: f.retain };
  if (mqtt5) {
    const named = f.userProperties.filter((p) => p.key.trim() !== '');
    const userProperties = Object.fromEntries(named.map((p) => [p.key.trim(), p.value]));
    if (named.length !== Object.keys(userProperties).length) return { ok: false, reason: 'Two user properties have the same name; this form sends one value per name.' };
    const properties: NonNullable<InvokeRequest<'sessions.publish'>['properties']> = {};
    if (f.contentType.trim()) properties.contentType = f.contentType.trim();
    if (named.length) properties.userProperties = userProperties;
    if (Object.keys(properties).length) request.properties = properties;
  }
  return { ok: true, request };
}

/** While a send waits: QoS 1/2 wait for the broker's acknowledgement, QoS 0 only for the write. */
export function pendingText(qos: Qos): string {
  return qos === 0 ? 'Sending…' : `Waiting for the broker to acknowledge (QoS ${qos})…`;
}

/**
 * After a send succeeded. An acknowledgement means the broker took the message,
 * not that a subscriber got it; QoS 0 has none at all.
 */
export function sentText(topic: string, qos: Qos, retain: boolean, time: string): string {
  const retained = retain ? ', retained' : '';
  return qos === 0
    ? `Sent to ${topic} at ${time} (QoS 0${retained}: the broker does not acknowledge it).`
    : `The broker acknowledged the message to ${topic} at ${time} (QoS ${qos}${retained}).`;
}
