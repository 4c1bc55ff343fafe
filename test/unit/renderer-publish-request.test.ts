/**
 * The Publish tab's request (renderer/src/publish/publish-request.ts): what is
 * refused before anything is sent and in which words, text and base64
 * payloads, and MQTT 5 properties only on MQTT 5 connections. Every request
 * built must be one main accepts (`PublishRequestSchema`).
 */
import { describe, expect, it } from 'vitest';
import { PublishRequestSchema } from '../../shared/telemetry';
import { pendingText, publishRequest, sentText, type PublishForm } from '../../renderer/src/publish/publish-request';

function form(extra: Partial<PublishForm> = {}): PublishForm {
  return { topic: 'plant/line1/cmd', payload: 'start', encoding: 'text', qos: 1, retain: false, contentType: '', userProperties: [], ...extra };
}

function built(f: PublishForm, mqtt5 = false) {
  const result = publishRequest('conn-1', f, mqtt5);
  if (!result.ok) throw new Error(`expected a request: ${result.reason}`);
  const parsed = PublishRequestSchema.safeParse(result.request);
  expect(parsed.success, parsed.error?.message).toBe(true);
  return result.request;
}

function reason(f: PublishForm, mqtt5 = false): string {
  const result = publishRequest('conn-1', f, mqtt5);
  if (result.ok) throw new Error('expected the form to be refused');
  return result.reason;
}

describe('the topic', () => {
  it('asks for a topic when there is none', () => {
    expect(reason(form({ topic: '' }))).toBe('Enter the topic to publish to.');
  });

  it.each(['plant/+/cmd', 'plant/#', '#', 'a+b'])('refuses the subscription filter %s', (topic) => {
    expect(reason(form({ topic }))).toBe('A topic to publish to cannot contain + or #; those are for subscriptions.');
  });

  it('sends to the connection, with the topic, QoS and retain flag as entered', () => {
    expect(built(form({ topic: 'a/b c/ü', qos: 2, retain: true }))).toEqual({ id: 'conn-1', topic: 'a/b c/ü', payload: 'start', encoding: 'text', qos: 2, retain: true });
  });
});

describe('text payloads', () => {
  it('are sent exactly as typed: spaces, line breaks, JSON, unicode, nothing at all', () => {
    for (const payload of ['  21.5 \n', '{"on": true}', 'Grüße 🌡️', '', 'AAAA====']) {
      expect(built(form({ payload })).payload).toBe(payload);
    }
  });
});

describe('base64 payloads', () => {
  it('drops the spaces and line breaks a pasted dump has', () => {
    const request = built(form({ encoding: 'base64', payload: ' SGVs\nbG8s\r\n IHdv\tcmxk ' }));
    expect(request).toMatchObject({ encoding: 'base64', payload: 'SGVsbG8sIHdvcmxk' });
    expect(Buffer.from(request.payload, 'base64').toString()).toBe('Hello, world');
  });

  it.each(['AAEC/w==', 'AAECAw==', 'AAE=', 'AAECAwQF', '+/+/', 'AAE', 'AA', ''])('accepts %j', (payload) => {
    expect(built(form({ encoding: 'base64', payload })).payload).toBe(payload);
  });

  it.each(['not base64!', 'AAE*', 'AA-_', 'A', 'AAAAA', 'AA===', 'AA=A', '=AAA', 'ÄÖÜ='])('refuses %j with a sentence', (payload) => {
    expect(reason(form({ encoding: 'base64', payload }))).toBe('The payload is not valid base64.');
  });

  // Once a bug, kept as a regression test: the check refuses a length of 1 mod 4 only before padding is counted,
  // so padding after a lone data character passes ("A==", "AAAAA==") as does
  // padding alone ("=="). main decodes them leniently to fewer bytes than
  // typed; "==" publishes an empty payload, which with retain set clears the
  // topic's retained message.
  it.each(['==', 'A==', 'AAAAA=='])('refuses the malformed %j', (payload) => {
    expect(reason(form({ encoding: 'base64', payload, retain: true }))).toBe('The payload is not valid base64.');
  });
});

describe('MQTT 5 properties', () => {
  const rich = form({
    contentType: '  application/json ',
    userProperties: [
      { key: ' site ', value: 'Berlin ' },
      { key: 'line', value: '1' },
      { key: '', value: 'no name' },
      { key: '   ', value: 'blank name' },
      { key: 'empty', value: '' },
    ],
  });

  it('are left out on an MQTT 3.1.1 connection, whatever the form holds', () => {
    expect(built(rich, false)).not.toHaveProperty('properties');
  });

  it('send the content type trimmed and user property rows as one record', () => {
    expect(built(rich, true).properties).toEqual({
      contentType: 'application/json',
      userProperties: { site: 'Berlin ', line: '1', empty: '' },
    });
  });

  it('are left out when none is set', () => {
    expect(built(form({ contentType: '  ', userProperties: [{ key: '', value: '' }] }), true)).not.toHaveProperty('properties');
  });

  it('send only what is set', () => {
    expect(built(form({ contentType: 'text/plain' }), true).properties).toEqual({ contentType: 'text/plain' });
    expect(built(form({ userProperties: [{ key: 'k', value: 'v' }] }), true).properties).toEqual({ userProperties: { k: 'v' } });
  });

  it('refuse two rows with the same name, even if they differ only by spaces', () => {
    const twice = form({ userProperties: [{ key: 'site', value: 'a' }, { key: ' site', value: 'b' }] });
    expect(reason(twice, true)).toBe('Two user properties have the same name; this form sends one value per name.');
    // The same rows do not matter where properties are not sent.
    expect(built(twice, false)).not.toHaveProperty('properties');
  });

  it('carry names that look like object internals as plain names', () => {
    const props = built(form({ userProperties: [{ key: '__proto__', value: 'x' }, { key: 'constructor', value: 'y' }] }), true).properties;
    expect(Object.keys(props?.userProperties ?? {})).toEqual(['__proto__', 'constructor']);
    expect(JSON.parse(JSON.stringify(props))).toEqual({ userProperties: { ['__proto__']: 'x', constructor: 'y' } });
  });

  it('check the payload before the properties', () => {
    expect(reason(form({ encoding: 'base64', payload: '!!', userProperties: [{ key: 'a', value: '1' }, { key: 'a', value: '2' }] }), true)).toBe(
      'The payload is not valid base64.',
    );
  });
});

describe('what the panel says about a send', () => {
  it('waits for the acknowledgement of QoS 1 and 2, only for the write of QoS 0', () => {
    expect(pendingText(0)).toBe('Sending…');
    expect(pendingText(1)).toBe('Waiting for the broker to acknowledge (QoS 1)…');
    expect(pendingText(2)).toBe('Waiting for the broker to acknowledge (QoS 2)…');
  });

  it('claims an acknowledgement only where the broker gave one', () => {
    expect(sentText('a/b', 0, false, '10:00:00')).toBe('Sent to a/b at 10:00:00 (QoS 0: the broker does not acknowledge it).');
    expect(sentText('a/b', 1, true, '10:00:00')).toBe('The broker acknowledged the message to a/b at 10:00:00 (QoS 1, retained).');
    expect(sentText('a/b', 2, false, '10:00:00')).toBe('The broker acknowledged the message to a/b at 10:00:00 (QoS 2).');
  });
});
