/**
 * Sandboxed preload (one CJS bundle): exposes the contract-generated API as
 * `window.api` and nothing else.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createPreloadApi } from './api';

contextBridge.exposeInMainWorld('api', createPreloadApi(ipcRenderer));
