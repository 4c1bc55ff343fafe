/**
 * Binds the contract to Electron IPC: one `ipcMain.handle` per invoke channel,
 * each checking the sender frame before the payload goes to the core's
 * dispatcher (which validates it), and a sink that forwards core events to a
 * window. Takes Electron's objects as parameters, so the contract tests can run
 * it against in-memory fakes.
 */
import { invokeNames, ipcChannel, type EventName, type EventPayload } from '../../shared/contract';
import { err } from '../../shared/result';
import type { Dispatch } from '../core/ipc/dispatcher';
import type { EventHub } from '../core/ipc/events';
import { isTrustedSender, type SenderFrameLike, type TrustedOrigins } from './trust';

export interface InvokeEventLike {
  senderFrame: SenderFrameLike | null;
  sender: { id: number };
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, payload: unknown) => Promise<unknown>): void;
  removeHandler(channel: string): void;
}

export interface WebContentsLike {
  readonly id: number;
  send(channel: string, payload: unknown): void;
  isDestroyed(): boolean;
  once(event: 'destroyed', listener: () => void): unknown;
}

export function bindInvokeHandlers(ipcMain: IpcMainLike, dispatch: Dispatch, trusted: TrustedOrigins): () => void {
  for (const name of invokeNames) {
    ipcMain.handle(ipcChannel('invoke', name), async (event, payload) => {
      if (!isTrustedSender(event.senderFrame, trusted)) {
        return err('untrusted_sender', 'The request did not come from the application window.', 'Restart the application.');
      }
      return dispatch(name, payload, { client: clientId(event.sender.id) });
    });
  }
  return () => {
    for (const name of invokeNames) ipcMain.removeHandler(ipcChannel('invoke', name));
  };
}

/** The caller id of a window: the same for its invokes and its event sink. */
const clientId = (webContentsId: number) => `ipc:${webContentsId}`;

/** Forwards every core event to one window until it is destroyed. */
export function attachWindow(events: EventHub, contents: WebContentsLike): () => void {
  const detach = events.attach(<K extends EventName>(name: K, payload: EventPayload<K>) => {
    if (!contents.isDestroyed()) contents.send(ipcChannel('event', name), payload);
  }, clientId(contents.id));
  contents.once('destroyed', detach);
  return detach;
}

