import { describe, expect, it } from 'vitest';
import { brokerUrlProblem, PinSchema, ProfileSettingsSchema, topicFilterValid } from '../../shared/profiles';

describe('profile settings', () => {
  it('accepts the four MQTT schemes and explains anything else', () => {
    for (const url of ['mqtts://b.example:8883', 'wss://b.example/mqtt', 'mqtt://localhost', 'ws://10.0.0.1:9001']) {
      expect(brokerUrlProblem(url)).toBeNull();
    }
    expect(brokerUrlProblem('https://b.example')).toMatch(/https: is not supported/);
    expect(brokerUrlProblem('b.example:8883')).toMatch(/not supported|Enter a broker URL/);
    expect(brokerUrlProblem('mqtts://user:pw@b.example')).toMatch(/not in the URL/);
  });

  it('normalises pins and rejects malformed ones', () => {
    const hex = 'AB'.repeat(32);
    expect(PinSchema.parse(`sha256:${hex}`)).toBe(`sha256:${'ab'.repeat(32)}`);
    expect(PinSchema.parse(`SHA256:${hex.match(/../g)!.join(':')}`)).toBe(`sha256:${'ab'.repeat(32)}`);
    expect(PinSchema.safeParse('sha256:1234').success).toBe(false);
    expect(PinSchema.safeParse(`md5:${hex}`).success).toBe(false);
  });

  it('checks topic filters the way a broker does', () => {
    expect(topicFilterValid('plant/+/temp')).toBe(true);
    expect(topicFilterValid('#')).toBe(true);
    expect(topicFilterValid('a/#/b')).toBe(false);
    expect(topicFilterValid('a/b#')).toBe(false);
    expect(topicFilterValid('a/+b')).toBe(false);
  });

  it('defaults to verification on, TLS 1.2 minimum and system roots', () => {
    const settings = ProfileSettingsSchema.parse({ name: 'x', url: 'mqtts://h' });
    expect(settings.tls).toMatchObject({ verify: true, minVersion: 'TLSv1.2', trust: 'system', pins: [] });
  });
});
