import type { AppApi } from '../../contract/contract.ts';

declare global {
  interface Window {
    /** Installed by the preload (Electron) or by the e2e bridge (Chromium); read only in api.ts. */
    api: AppApi;
  }
}

declare module '*.css';

export {};
