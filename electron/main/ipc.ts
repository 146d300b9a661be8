/**
 * One ipcMain.handle per contract channel. Each handler first checks the sender (the app's own
 * window, showing the app's page, validate.ts), then the arguments (the request table's schemas,
 * contract/requests.ts); only then does it call the
 * app backend. Structural types keep it testable without Electron.
 */
import type { AppEvent } from '../../contract/contract.ts';
import { CHANNELS, EVENT_CHANNEL, validateRequest, type RequestName } from '../../contract/requests.ts';
import { IpcValidationError } from '../../contract/schemas.ts';
import { senderProblem, type TrustedOrigin } from './validate.ts';

/** The parts of Electron's IpcMainInvokeEvent we read. */
export interface InvokeEventLike {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}

export interface IpcMainLike {
  handle(channel: string, listener: (event: InvokeEventLike, ...args: unknown[]) => unknown): void;
  removeHandler(channel: string): void;
}

/** The backend's request methods (see app/app-backend.ts). */
export type RequestHandlers = { [K in RequestName]: (...args: never[]) => Promise<unknown> };

export interface IpcOptions {
  ipcMain: IpcMainLike;
  backend: RequestHandlers;
  /** Read on every message: the window may be re-created. */
  trusted: () => TrustedOrigin;
  /** Where rejections are logged (main's console by default). */
  log?: (message: string) => void;
}

/** Registers every handler; returns a function that removes them. */
export function registerIpc({ ipcMain, backend, trusted, log = (m) => console.warn(m) }: IpcOptions): () => void {
  const names = Object.keys(CHANNELS) as RequestName[];
  for (const name of names) {
    ipcMain.handle(CHANNELS[name], async (event, ...args) => {
      const problem = senderProblem(
        { webContentsId: event.sender.id, frameUrl: event.senderFrame?.url ?? '', isMainFrame: event.senderFrame !== null && !event.senderFrame.parent },
        trusted(),
      );
      if (problem) {
        log(`ipc: rejected ${name}: ${problem}`);
        throw new IpcValidationError(`${name} rejected: ${problem}`);
      }
      let valid: unknown[];
      try {
        valid = validateRequest(name, args);
      } catch (error) {
        log(`ipc: rejected ${name}: ${(error as Error).message}`);
        throw error;
      }
      const handler = backend[name] as (...a: unknown[]) => Promise<unknown>;
      return handler(...valid);
    });
  }
  return () => {
    for (const name of names) ipcMain.removeHandler(CHANNELS[name]);
  };
}

/** Forwards backend events to the window (dropped while it is gone or reloading). */
export function forwardEvents(subscribe: (listener: (event: AppEvent) => void) => () => void, target: () => { isDestroyed(): boolean; send(channel: string, event: AppEvent): void } | null): () => void {
  return subscribe((event) => {
    const webContents = target();
    if (webContents && !webContents.isDestroyed()) webContents.send(EVENT_CHANNEL, event);
  });
}
