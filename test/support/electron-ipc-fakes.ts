/**
 * In-memory stand-ins for Electron's ipcMain / ipcRenderer / webContents,
 * faithful where our code depends on them: payloads cross by structured clone
 * (as Electron serialises them), invoke rejects when no handler is registered,
 * every invoke carries the sender frame, and `send` reaches only listeners of
 * that channel. Used because the Electron binary cannot run on the CI machine.
 */
import type { IpcMainLike, InvokeEventLike, WebContentsLike } from '../../electron/main/ipc';
import type { SenderFrameLike } from '../../electron/main/trust';
import type { IpcRendererLike } from '../../electron/preload/api';

type Handler = (event: InvokeEventLike, payload: unknown) => Promise<unknown>;
type Listener = (event: unknown, payload: unknown) => void;

export class FakeIpcMain implements IpcMainLike {
  readonly handlers = new Map<string, Handler>();
  handle(channel: string, listener: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  }
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  }
}

let nextWebContentsId = 1;

export class FakeWindow implements WebContentsLike, IpcRendererLike {
  readonly id = nextWebContentsId++;
  private readonly listeners = new Map<string, Set<Listener>>();
  private destroyedListeners: Array<() => void> = [];
  private destroyed = false;

  constructor(
    private readonly main: FakeIpcMain,
    /** The frame invokes appear to come from. */
    public frame: SenderFrameLike | null,
  ) {}

  // webContents side (main → renderer)
  send(channel: string, payload: unknown): void {
    if (this.destroyed) throw new Error('Object has been destroyed');
    const copy = structuredClone(payload);
    queueMicrotask(() => this.listeners.get(channel)?.forEach((l) => l({ sender: this }, copy)));
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  once(_event: 'destroyed', listener: () => void): this {
    this.destroyedListeners.push(listener);
    return this;
  }
  destroy(): void {
    this.destroyed = true;
    this.destroyedListeners.forEach((l) => l());
  }

  // ipcRenderer side (renderer → main)
  async invoke(channel: string, payload: unknown): Promise<unknown> {
    const handler = this.main.handlers.get(channel);
    if (!handler) throw new Error(`Error invoking remote method '${channel}': Error: No handler registered for '${channel}'`);
    const result = await handler({ senderFrame: this.frame, sender: { id: this.id } }, structuredClone(payload));
    return structuredClone(result);
  }
  on(channel: string, listener: Listener): this {
    let set = this.listeners.get(channel);
    if (!set) this.listeners.set(channel, (set = new Set()));
    set.add(listener);
    return this;
  }
  removeListener(channel: string, listener: Listener): this {
    this.listeners.get(channel)?.delete(listener);
    return this;
  }
  listenerCount(channel: string): number {
    return this.listeners.get(channel)?.size ?? 0;
  }
}
