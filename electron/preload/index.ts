/**
 * Preload (sandboxed, bundled to CommonJS): exposes exactly AppApi as `window.api` and nothing
 * else. ipcRenderer itself is never exposed, so the page can reach only the contract's channels.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createApi } from './api.ts';

contextBridge.exposeInMainWorld('api', createApi(ipcRenderer));
