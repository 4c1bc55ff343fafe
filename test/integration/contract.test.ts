/**
 * One contract suite, two transports: the Electron bridge (main's real IPC
 * binding and the real preload API over faithful in-memory ipcMain/ipcRenderer
 * fakes) and the WebSocket host (for real, over a socket). Both drive the same
 * real backend, keychain and broker; whatever one transport can do, the other
 * must do the same way.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { ApiClient } from '../../shared/client';
import type { EventName, EventPayload } from '../../shared/contract';
import type { SessionView } from '../../shared/sessions';
import { attachWindow, bindInvokeHandlers } from '../../electron/main/ipc';
import { APP_PAGE_URL } from '../../electron/main/trust';
import { createPreloadApi } from '../../electron/preload/api';
import { startHost, type RunningHost } from '../../electron/host/server';
import { createBridgeClient } from '../../renderer/src/client/bridge-client';
import { createWebSocketClient, type WebSocketLike } from '../../renderer/src/client/websocket-client';
import { FakeIpcMain, FakeWindow } from '../support/electron-ipc-fakes';
import { createTestBackend, tempDir, type TestBackend } from '../support/backend';
import { useTlsBroker } from '../support/tls-broker';

const { pki, url } = useTlsBroker();

function nextEvent<K extends EventName>(client: ApiClient, name: K, match: (p: EventPayload<K>) => boolean, timeoutMs = 10_000): Promise<EventPayload<K>> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no ${name} event matched within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = client.on(name, (payload) => {
      if (!match(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

interface Transport {
  client: ApiClient;
  t: TestBackend;
  close(): Promise<void>;
}

function contractSuite(name: string, open: () => Promise<Transport>) {
  describe(`contract over ${name}`, () => {
    let x: Transport;
    beforeAll(async () => {
      x = await open();
    });
    afterAll(async () => {
      await x?.close();
    });

    it('answers app.info with the keychain status', async () => {
      const info = await x.client.invoke('app.info', {});
      expect(info.ok).toBe(true);
      if (!info.ok) return;
      expect(info.value.name).toBe('MQTTS Dashboard');
      expect(info.value.keychain.available).toBe(true);
    });

    it('rejects a payload that does not match its schema with an error value', async () => {
      const bad = await x.client.invoke('profiles.save', { settings: { name: '', url: 'ftp://nope' } } as never);
      expect(bad.ok).toBe(false);
      if (bad.ok) return;
      expect(bad.error.code).toBe('invalid_payload');
      expect(bad.error.message).toMatch(/settings\.url/);
      const wrongType = await x.client.invoke('sessions.connect', { id: 42 } as never);
      expect(wrongType.ok || wrongType.error.code).toBe('invalid_payload');
    });

    it('saves a profile with a password that never comes back, and pushes the change', async () => {
      const pushed = nextEvent(x.client, 'profiles.changed', (list) => list.some((p) => p.name === 'contract'));
      const saved = await x.client.invoke('profiles.save', {
        settings: { name: 'contract', url: url(), username: 'op', tls: { trust: 'custom', ca: [pki().rootOnly.pem] } },
        secrets: { password: 'hunter2-contract' },
      });
      expect(saved.ok).toBe(true);
      if (!saved.ok) return;
      expect(saved.value.secrets.password).toBe(true);
      expect(JSON.stringify(saved)).not.toContain('hunter2-contract');
      const list = await pushed;
      expect(JSON.stringify(list)).not.toContain('hunter2-contract');
      expect(await x.t.secrets.get(saved.value.id, 'password')).toBe('hunter2-contract');
    });

    it('connects, pushes state changes with the TLS version, disconnects', async () => {
      const list = await x.client.invoke('profiles.list', {});
      if (!list.ok) throw new Error(list.error.message);
      const profile = list.value.find((p) => p.name === 'contract');
      if (!profile) throw new Error('profile missing');
      const connected = nextEvent(x.client, 'sessions.changed', (v: SessionView) => v.id === profile.id && v.state === 'connected');
      const started = await x.client.invoke('sessions.connect', { id: profile.id });
      expect(started.ok).toBe(true);
      const view = await connected;
      expect(view.security.tls?.version).toBe('TLSv1.3');
      const closed = await x.client.invoke('sessions.disconnect', { id: profile.id });
      expect(closed.ok && closed.value.state).toBe('closed');
    });

    it("lists the certificates the connection relies on, its broker's chain as the handshake showed it", async () => {
      const inventory = await x.client.invoke('trust.inventory', {});
      expect(inventory.ok).toBe(true);
      if (!inventory.ok) return;
      const roles = inventory.value.certificates.flatMap((c) => c.uses.filter((u) => u.connectionName === 'contract').map((u) => u.role));
      expect(roles).toEqual(expect.arrayContaining(['ca', 'broker', 'broker-chain']));
    });

    it('deletes a profile together with its keychain secrets', async () => {
      const list = await x.client.invoke('profiles.list', {});
      if (!list.ok) throw new Error(list.error.message);
      const profile = list.value.find((p) => p.name === 'contract');
      if (!profile) throw new Error('profile missing');
      const deleted = await x.client.invoke('profiles.delete', { id: profile.id });
      expect(deleted.ok).toBe(true);
      expect(await x.t.secrets.get(profile.id, 'password')).toBeNull();
      const after = await x.client.invoke('profiles.list', {});
      expect(after.ok && after.value.some((p) => p.id === profile.id)).toBe(false);
      const missing = await x.client.invoke('sessions.connect', { id: profile.id });
      expect(missing.ok || missing.error.code).toBe('not_found');
    });
  });
}

const trustedPage = { appUrl: APP_PAGE_URL };

contractSuite('Electron IPC', async () => {
  const t = await createTestBackend({ transport: 'electron' });
  const ipcMain = new FakeIpcMain();
  const unbind = bindInvokeHandlers(ipcMain, t.backend.dispatch, trustedPage);
  const window = new FakeWindow(ipcMain, { url: trustedPage.appUrl, parent: null });
  attachWindow(t.backend.events, window);
  const client = createBridgeClient(createPreloadApi(window));
  return {
    client,
    t,
    close: async () => {
      window.destroy();
      unbind();
      await t.cleanup();
    },
  };
});

contractSuite('WebSocket host', async () => {
  const t = await createTestBackend({ transport: 'websocket' });
  const host = await startHost({ backend: t.backend, staticDir: tempDir('static') });
  const client = createWebSocketClient(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, (url) => new WebSocket(url, { origin: host.origin }) as unknown as WebSocketLike);
  await client.ready;
  return {
    client,
    t,
    close: async () => {
      client.close();
      await host.close();
      await t.cleanup();
    },
  };
});

describe('Electron IPC specifics', () => {
  it('refuses invokes from a frame that is not our page, before the handler runs', async () => {
    const t = await createTestBackend({ transport: 'electron' });
    const ipcMain = new FakeIpcMain();
    bindInvokeHandlers(ipcMain, t.backend.dispatch, trustedPage);
    const api = createPreloadApi(new FakeWindow(ipcMain, { url: 'https://evil.example/', parent: null }));
    const result = await api.invoke['profiles.save']({ settings: { name: 'evil', url: 'mqtts://evil.example' } });
    expect(result.ok || result.error.code).toBe('untrusted_sender');
    const subframe = createPreloadApi(new FakeWindow(ipcMain, { url: trustedPage.appUrl, parent: {} }));
    const fromFrame = await subframe.invoke['profiles.list']({});
    expect(fromFrame.ok || fromFrame.error.code).toBe('untrusted_sender');
    expect(t.backend.profiles.list()).toHaveLength(0);
    await t.cleanup();
  });

  it('exposes exactly one function per channel and nothing else', () => {
    const api = createPreloadApi(new FakeWindow(new FakeIpcMain(), null));
    expect(Object.keys(api).sort()).toEqual(['invoke', 'on']);
    expect(Object.keys(api.invoke).sort()).toMatchInlineSnapshot(`
      [
        "alerts.acknowledge",
        "alerts.history",
        "alerts.list",
        "alerts.mute",
        "alerts.rules",
        "app.info",
        "certificates.apply",
        "certificates.cancel",
        "certificates.inspect",
        "dashboard.save",
        "decoders.inspectProto",
        "demo.remove",
        "demo.start",
        "demo.status",
        "history.export",
        "history.settings",
        "history.status",
        "profiles.delete",
        "profiles.describe",
        "profiles.export",
        "profiles.import",
        "profiles.list",
        "profiles.save",
        "sessions.connect",
        "sessions.disconnect",
        "sessions.list",
        "sessions.publish",
        "sparkplug.rebirth",
        "sparkplug.tree",
        "telemetry.ack",
        "telemetry.budget",
        "telemetry.csv",
        "telemetry.focus",
        "telemetry.messages",
        "telemetry.topics",
        "telemetry.view",
        "telemetry.watch",
        "topics.clearRetained",
        "topics.history",
        "topics.historySettings",
        "topics.message",
        "topics.payload",
        "topics.retained",
        "topics.snapshot",
        "trust.inventory",
        "trust.report",
      ]
    `);
    expect(Object.keys(api.on).sort()).toMatchInlineSnapshot(`
      [
        "alerts.changed",
        "certificates.progress",
        "history.changed",
        "history.export",
        "profiles.changed",
        "sessions.changed",
        "telemetry.batch",
        "trust.changed",
      ]
    `);
  });
});

describe('WebSocket host access control', () => {
  let t: TestBackend;
  let host: RunningHost;
  beforeAll(async () => {
    t = await createTestBackend();
    host = await startHost({ backend: t.backend, staticDir: tempDir('static') });
  });
  afterAll(async () => {
    await host?.close();
    await t?.cleanup();
  });

  function attempt(url: string, headers: Record<string, string>): Promise<number> {
    return new Promise((resolve) => {
      const ws = new WebSocket(url, { headers });
      ws.on('open', () => {
        ws.close();
        resolve(101);
      });
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
  }

  it('accepts the token from our own origin', async () => {
    expect(await attempt(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { Origin: host.origin })).toBe(101);
  });

  it('refuses a WebSocket without the token or with a wrong one', async () => {
    expect(await attempt(`ws://127.0.0.1:${host.port}/ws`, { Origin: host.origin })).toBe(401);
    expect(await attempt(`ws://127.0.0.1:${host.port}/ws?token=${host.token.slice(0, -1)}x`, { Origin: host.origin })).toBe(401);
  });

  it('refuses a WebSocket from a foreign origin, even with the token', async () => {
    expect(await attempt(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { Origin: 'http://evil.example' })).toBe(403);
    expect(await attempt(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, {})).toBe(403);
  });

  it('refuses a Host header that is not loopback (DNS rebinding)', async () => {
    expect(await attempt(`ws://127.0.0.1:${host.port}/ws?token=${host.token}`, { Origin: 'http://evil.example', Host: `evil.example:${host.port}` })).toBe(421);
  });

  it('listens on 127.0.0.1 only', () => {
    expect(host.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/#token=/);
  });
});
