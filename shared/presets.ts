/**
 * Cloud presets for the new-connection form: what AWS IoT Core, Azure IoT
 * Hub, HiveMQ Cloud and EMQX Cloud expect, as defaults the operator can still
 * change. Pure: the form fills its state from `presetDefaults` (the window
 * never decides a cloud's rules itself) and the tests build their connections
 * from the same function.
 *
 * - AWS IoT Core: mutual TLS on 8883, or on 443 with ALPN `x-amzn-mqtt-ca`;
 *   the client id is the thing name; the certificate and key come from the
 *   files AWS gave (the bundle import); Amazon's roots are system roots.
 * - Azure IoT Hub: MQTT 3.1.1 on 8883, client id the device id, the user name
 *   in the hub's format, and a SAS token signed with the device key (kept in
 *   the keychain, shared/sas.ts) or an X.509 client certificate.
 * - HiveMQ Cloud, EMQX Cloud: TLS with a user name and password, system roots.
 */
import type { ProfileSettingsInput, Subscription } from './profiles';
import { azureHubHost, azureUsername, SAS_LIFETIME, SAS_RENEWAL_MARGIN } from './sas';

export const AWS_ALPN = 'x-amzn-mqtt-ca';

export type PresetId = 'aws-iot' | 'azure-iot-hub' | 'hivemq-cloud' | 'emqx-cloud';

/** A field the operator fills for a preset. */
export interface PresetInput {
  key: 'host' | 'deviceId';
  label: string;
  placeholder: string;
  hint: string;
}

export interface PresetVariant {
  id: string;
  label: string;
}

export interface CloudPreset {
  id: PresetId;
  label: string;
  inputs: readonly PresetInput[];
  /** The first is the default. */
  variants: readonly [PresetVariant, ...PresetVariant[]];
}

/** The WebSocket-over-TLS port of the clouds that sign in with a user name and password (both speak MQTT over TLS on 8883). */
const WSS_PORTS = { 'hivemq-cloud': 8884, 'emqx-cloud': 8084 } as const;

/** HiveMQ Cloud and EMQX Cloud: one host to type, MQTT over TLS or WebSocket over TLS. */
function passwordCloud(id: keyof typeof WSS_PORTS, label: string, host: Omit<PresetInput, 'key'>): CloudPreset {
  return {
    id,
    label,
    inputs: [{ key: 'host', ...host }],
    variants: [
      { id: 'mqtts', label: 'MQTT over TLS, port 8883' },
      { id: 'wss', label: `WebSocket over TLS, port ${WSS_PORTS[id]}` },
    ],
  };
}

export const CLOUD_PRESETS: readonly CloudPreset[] = [
  {
    id: 'aws-iot',
    label: 'AWS IoT Core',
    inputs: [
      { key: 'host', label: 'Device data endpoint', placeholder: 'a1b2c3d4e5f6g7-ats.iot.eu-west-1.amazonaws.com', hint: 'AWS IoT console → Settings, or `aws iot describe-endpoint --endpoint-type iot:Data-ATS`.' },
      { key: 'deviceId', label: 'Thing name', placeholder: 'sensor-042', hint: 'Used as the client id, as AWS IoT policies usually require.' },
    ],
    variants: [
      { id: '8883', label: 'Port 8883' },
      { id: '443', label: `Port 443 with ALPN ${AWS_ALPN} (through firewalls that only open HTTPS)` },
    ],
  },
  {
    id: 'azure-iot-hub',
    label: 'Azure IoT Hub',
    inputs: [
      { key: 'host', label: 'IoT hub', placeholder: 'my-hub or my-hub.azure-devices.net', hint: 'The hub\u2019s name, or its host name.' },
      { key: 'deviceId', label: 'Device id', placeholder: 'thermostat-7', hint: 'As registered in the hub; used as the client id and in the user name.' },
    ],
    variants: [
      { id: 'sas', label: 'SAS token from the device key' },
      { id: 'x509', label: 'X.509 client certificate' },
    ],
  },
  passwordCloud('hivemq-cloud', 'HiveMQ Cloud', { label: 'Cluster URL', placeholder: 'abc123def456.s1.eu.hivemq.cloud', hint: 'HiveMQ Cloud console → your cluster → Overview.' }),
  passwordCloud('emqx-cloud', 'EMQX Cloud', { label: 'Deployment address', placeholder: 'a1b2c3d4.ala.eu-central-1.emqxsl.com', hint: 'EMQX Cloud console → your deployment → Overview.' }),
];

export function cloudPreset(id: PresetId): CloudPreset {
  const preset = CLOUD_PRESETS.find((p) => p.id === id);
  if (!preset) throw new Error(`unknown preset ${id}`);
  return preset;
}

export interface PresetValues {
  host: string;
  deviceId: string;
  /** One of the preset's variants; the first when absent or unknown. */
  variant?: string;
}

/** Every setting a preset decides; the rest of the form keeps what the operator typed. */
export type PresetSettings = Required<Pick<ProfileSettingsInput, 'name' | 'url' | 'protocolVersion' | 'clientId' | 'keepalive' | 'clean' | 'sasToken'>> & {
  /** Absent: the user name is the operator's (HiveMQ, EMQX, AWS). */
  username?: string;
  tls: { trust: 'system'; alpn: string[]; servername: ''; minVersion: 'TLSv1.2'; verify: true };
  /** Absent: the operator's subscriptions stay. */
  subscriptions?: Subscription[];
};

export interface PresetDefaults {
  settings: PresetSettings;
  /** What the connection signs in with. */
  signIn: 'client-certificate' | 'password' | 'sas-token';
  /** What the operator still has to give, one sentence each. */
  next: string[];
}

/** `https://Host.Example:8883/path` or `host.example` → `host.example`. */
export function presetHost(text: string): string {
  return text
    .trim()
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/[/?#].*$/, '')
    .replace(/:\d*$/, '')
    .replace(/\.$/, '')
    .toLowerCase();
}

const HOST = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
/** What AWS allows in a thing name and Azure in a device id, among other characters: at least nothing that breaks a topic or the user name. */
const DEVICE_ID = /^[^\s/#+]{1,128}$/;

/** Why the values cannot fill the preset, naming the field; null when they can. */
export function presetProblem(id: PresetId, values: PresetValues): { field: PresetInput['key']; message: string } | null {
  const preset = cloudPreset(id);
  for (const input of preset.inputs) {
    const value = input.key === 'host' ? presetHost(values.host) : values.deviceId.trim();
    if (!value) return { field: input.key, message: `Enter the ${input.label.toLowerCase()}.` };
    if (input.key === 'host' && !HOST.test(id === 'azure-iot-hub' ? azureHubHost(value) : value)) {
      return { field: 'host', message: `${values.host.trim()} is not a host name.` };
    }
    if (input.key === 'deviceId' && !DEVICE_ID.test(value)) {
      return { field: 'deviceId', message: `The ${input.label.toLowerCase()} cannot contain spaces, /, # or +, and has at most 128 characters.` };
    }
  }
  return null;
}

const TLS = { trust: 'system', alpn: [], servername: '', minVersion: 'TLSv1.2', verify: true } as const;

function variantOf(preset: CloudPreset, wanted: string | undefined): string {
  return preset.variants.find((v) => v.id === wanted)?.id ?? preset.variants[0].id;
}

/** The settings a preset fills from the operator's values (check them with `presetProblem` first). */
export function presetDefaults(id: PresetId, values: PresetValues): PresetDefaults {
  const preset = cloudPreset(id);
  const variant = variantOf(preset, values.variant);
  const host = presetHost(values.host);
  const deviceId = values.deviceId.trim();
  const base = { protocolVersion: 5 as const, keepalive: 60, clean: true, sasToken: null, tls: { ...TLS, alpn: [] as string[] } };
  switch (id) {
    case 'aws-iot':
      return {
        settings: {
          ...base,
          name: `AWS IoT: ${deviceId}`,
          url: `mqtts://${host}:${variant}`,
          clientId: deviceId,
          tls: { ...base.tls, alpn: variant === '443' ? [AWS_ALPN] : [] },
        },
        signIn: 'client-certificate',
        next: [
          'Pick the thing\u2019s certificate and private key below: the files AWS IoT gave when the thing was created (or save, then use Import bundle\u2026 with them).',
          'Amazon\u2019s root CAs are among the system roots: no CA file is needed.',
        ],
      };
    case 'azure-iot-hub': {
      const hubHost = azureHubHost(host);
      const sas = variant === 'sas';
      const lifetime = SAS_LIFETIME.default;
      return {
        settings: {
          ...base,
          name: `Azure: ${deviceId}`,
          url: `mqtts://${hubHost}:8883`,
          // IoT Hub speaks MQTT 3.1.1 (its MQTT 5 support was a preview).
          protocolVersion: 4,
          clientId: deviceId,
          username: azureUsername(hubHost, deviceId),
          sasToken: sas ? { lifetimeSeconds: lifetime } : null,
          subscriptions: [{ filter: `devices/${deviceId}/messages/devicebound/#`, qos: 1 }],
        },
        signIn: sas ? 'sas-token' : 'client-certificate',
        next: sas
          ? [
              'Type the device\u2019s primary key (Azure portal \u2192 the device \u2192 Primary key) under SAS token: it is kept in the OS keychain, never sent.',
              `Each connect sends a token signed with it, valid ${lifetime / 60} minutes, renewed when ${Math.round(SAS_RENEWAL_MARGIN * 100)}% of its lifetime is left.`,
            ]
          : ['Pick the device\u2019s certificate and private key below; the device must be registered in the hub with X.509 authentication.'],
      };
    }
    case 'hivemq-cloud':
    case 'emqx-cloud': {
      const hive = id === 'hivemq-cloud';
      const wss = variant === 'wss';
      const port = wss ? WSS_PORTS[id] : 8883;
      return {
        settings: {
          ...base,
          name: `${preset.label}: ${host.split('.')[0] ?? host}`,
          url: wss ? `wss://${host}:${port}/mqtt` : `mqtts://${host}:${port}`,
          clientId: '',
          subscriptions: [{ filter: '#', qos: 0 }],
        },
        signIn: 'password',
        next: [`Type the user name and password of a credential made in the ${preset.label} console (${hive ? 'Access Management' : 'Authentication'}); the password is kept in the OS keychain.`],
      };
    }
  }
}
