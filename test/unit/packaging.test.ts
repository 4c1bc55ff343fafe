/**
 * The installer configuration, checked with electron-builder's own loader and
 * schema validation (building installers needs the Electron binary, which this
 * machine cannot download): targets for Linux, macOS and Windows, icons that
 * exist, keytar unpacked from the asar, the built main entry, and the Electron
 * fuses that lock the packaged binary down.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(__dirname, '../..');

interface BuilderConfig {
  appId?: string;
  productName?: string;
  asarUnpack?: string[];
  files?: Array<string | { filter?: string[] }>;
  extraMetadata?: { main?: string };
  linux?: { target?: string[]; icon?: string };
  mac?: { target?: string; icon?: string };
  win?: { target?: string; icon?: string };
  deb?: { depends?: string[] };
  electronFuses?: Record<string, boolean> | null;
}

async function builder() {
  // electron-builder's own modules: the same loader and schema `electron-builder` uses.
  const { getConfig, validateConfiguration } = (await import('app-builder-lib/out/util/config/config.js')) as {
    getConfig(dir: string, file: string | null, options: null): Promise<BuilderConfig>;
    validateConfiguration(config: BuilderConfig, logger: unknown): Promise<void>;
  };
  const { DebugLogger } = (await import('builder-util')) as { DebugLogger: new (enabled: boolean) => unknown };
  return { getConfig, validate: (config: BuilderConfig) => validateConfiguration(config, new DebugLogger(false)) };
}

async function load(): Promise<BuilderConfig> {
  const { getConfig, validate } = await builder();
  const config = await getConfig(root, path.join(root, 'electron-builder.yml'), null);
  await validate(config);
  return config;
}

function pngSize(file: string): { width: number; height: number } {
  const bytes = readFileSync(file);
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('installer configuration', () => {
  it('passes electron-builder\'s schema validation, which does reject a broken one', async () => {
    await expect(load()).resolves.toBeTruthy();
    const { validate } = await builder();
    await expect(validate({ ...(await load()), linux: { targett: 'AppImage' } as never })).rejects.toThrow(/Invalid configuration object/);
  });

  it('builds AppImage and deb, dmg, and an NSIS installer under the app id and name', async () => {
    const config = await load();
    expect(config.appId).toMatch(/^[a-z0-9.-]+$/);
    expect(config.productName).toBe(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).productName);
    expect(config.linux?.target).toEqual(['AppImage', 'deb']);
    expect(config.mac?.target).toBe('dmg');
    expect(config.win?.target).toBe('nsis');
    expect(config.deb?.depends).toContain('libsecret-1-0');
  });

  it('unpacks keytar from the asar and ships the built bundles', async () => {
    const config = await load();
    expect(config.asarUnpack).toContain('**/node_modules/keytar/**');
    expect(config.asarUnpack).toContain('**/node_modules/better-sqlite3/**');
    const files = (config.files ?? []).flatMap((f) => (typeof f === 'string' ? [f] : (f.filter ?? [])));
    expect(files).toContain('out/**');
    expect(config.extraMetadata?.main).toBe('out/main/index.js');
    expect(JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')).main).toBe('out/main/index.js');
  });

  it('has icons large enough for every platform', async () => {
    const config = await load();
    for (const icon of [config.linux?.icon, config.mac?.icon, config.win?.icon]) {
      expect(icon).toBeTruthy();
      const { width, height } = pngSize(path.join(root, icon as string));
      expect(width).toBeGreaterThanOrEqual(512);
      expect(height).toBe(width);
    }
  });

  it('sets the fuses: no running as Node, no NODE_OPTIONS or inspector, encrypted cookies, asar only and integrity-checked', async () => {
    const config = await load();
    expect(config.electronFuses).toEqual({
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableCookieEncryption: true,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      grantFileProtocolExtraPrivileges: false,
    });
    // A misspelt fuse would silently stay at Electron's default: the schema refuses it.
    const { validate } = await builder();
    await expect(validate({ ...config, electronFuses: { runAsnode: false } })).rejects.toThrow(/Invalid configuration object/);
  });
});
