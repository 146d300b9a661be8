/**
 * The one place that reads `window.api`. Everything in the renderer talks to the engine side
 * through this object, so tests can host the UI with any AppApi (fake, or a bridge to the real
 * backend) installed before the bundle runs.
 */
import { useEffect, useRef } from 'react';
import type { AppApi, AppEvent } from '../../contract/contract.ts';

/** The AppApi installed by the preload; throws with a clear message when nothing installed one. */
export function getApi(): AppApi {
  const api = (window as Partial<Window>).api;
  if (!api) throw new Error('window.api is missing: expected the preload (or a test bridge) to install an AppApi before the renderer starts');
  return api;
}

/** Calls `handler` for every engine event while the component is mounted. */
export function useAppEvent(handler: (event: AppEvent) => void): void {
  const latest = useRef(handler);
  latest.current = handler;
  useEffect(() => getApi().onEvent((event) => latest.current(event)), []);
}

/** The message of anything thrown, for showing in the UI. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message.replace(/^Error invoking remote method '[^']+': (Error: )?/, '');
  return String(error);
}
