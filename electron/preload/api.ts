/**
 * The renderer's whole API, generated from the request table: one invoke per channel plus
 * onEvent. Built from an ipcRenderer-like object so it can be tested without Electron; index.ts
 * exposes it.
 */
import type { AppApi, AppEvent } from '../../contract/contract.ts';
import { CHANNELS, EVENT_CHANNEL } from '../../contract/requests.ts';

export interface IpcRendererLike {
  invoke(channel: string, ...args: unknown[]): Promise<unknown>;
  on(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: unknown, payload: unknown) => void): unknown;
}

export function createApi(ipc: IpcRendererLike): AppApi {
  // Each request forwards exactly its arguments to its channel; main validates them.
  const requests = Object.fromEntries(Object.entries(CHANNELS).map(([name, channel]) => [name, (...args: unknown[]) => ipc.invoke(channel, ...args)]));
  return {
    ...(requests as Omit<AppApi, 'onEvent'>),
    onEvent(listener: (event: AppEvent) => void) {
      // The IPC event object (with its sender) never reaches the page: only the payload does.
      const wrapped = (_event: unknown, payload: unknown) => listener(payload as AppEvent);
      ipc.on(EVENT_CHANNEL, wrapped);
      return () => {
        ipc.removeListener(EVENT_CHANNEL, wrapped);
      };
    },
  };
}
