/**
 * A connection's fault line (renderer/src/connections/link-faults.ts) and
 * the packet limit field's MB ↔ bytes (packet-limit.ts), checked against
 * what main's profile schema accepts.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_PACKET_SIZE, ProfileSettingsSchema } from '../../shared/profiles';
import { NO_LINK_FAULTS } from '../../shared/sessions';
import { faultSummary } from '../../renderer/src/connections/link-faults';
import { packetLimitBytes, packetLimitText } from '../../renderer/src/connections/packet-limit';

describe('the fault line', () => {
  it('says nothing while nothing went wrong', () => {
    expect(faultSummary(NO_LINK_FAULTS)).toBeNull();
  });

  it('counts each kind of fault in words', () => {
    expect(faultSummary({ lost: 20, protocolErrors: 1, stalls: 2, oversizedPackets: 1, lastOversizedBytes: 268_435_460 })).toBe(
      'Since connecting: 20 connections lost · 1 protocol error from the broker · 2 stalled links · 1 oversized packet refused (last 256.0 MB).',
    );
    expect(faultSummary({ ...NO_LINK_FAULTS, lost: 1 })).toBe('Since connecting: 1 connection lost.');
  });
});

describe('the maximum packet size field', () => {
  const settings = (maxPacketSize: number) => ProfileSettingsSchema.safeParse({ name: 'x', url: 'mqtts://h', maxPacketSize });

  it('shows the saved limit in MB, the default when there is none', () => {
    expect(packetLimitText(undefined)).toBe('16');
    expect(packetLimitText(DEFAULT_MAX_PACKET_SIZE)).toBe('16');
    expect(packetLimitText(1536)).toBe('0.001');
    expect(packetLimitText(100 * 1024 * 1024 + 512 * 1024)).toBe('100.5');
  });

  it('turns what is typed into bytes main accepts, or into a value it refuses with the range', () => {
    expect(packetLimitBytes('16')).toBe(DEFAULT_MAX_PACKET_SIZE);
    expect(packetLimitBytes(' 0,5 ')).toBe(512 * 1024);
    expect(settings(packetLimitBytes('256')).success).toBe(true);
    expect(settings(packetLimitBytes('0.0001')).error?.issues[0]?.message).toBe('Accept at least 1 KB per packet.');
    expect(settings(packetLimitBytes('')).error?.issues[0]?.message).toBe('Accept at least 1 KB per packet.');
    expect(settings(packetLimitBytes('300')).error?.issues[0]?.message).toBe('MQTT packets are at most 256 MB.');
  });

  it('gives profiles saved before the setting existed the default', () => {
    expect(ProfileSettingsSchema.parse({ name: 'x', url: 'mqtts://h' }).maxPacketSize).toBe(16 * 1024 * 1024);
  });
});
