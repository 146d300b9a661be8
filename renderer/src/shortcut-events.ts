/** Shortcut actions that a panel carries out itself (opening its file picker, exporting its transcript), as window events. */
import type { ShortcutAction } from './shortcuts.ts';

export const SHORTCUT_EVENT = 'cellscribe-shortcut';

export function dispatchShortcut(action: ShortcutAction): void {
  window.dispatchEvent(new CustomEvent<ShortcutAction>(SHORTCUT_EVENT, { detail: action }));
}

/** Subscribes a panel to shortcut actions; returns the unsubscribe function. */
export function onShortcut(listener: (action: ShortcutAction) => void): () => void {
  const handler = (event: Event) => listener((event as CustomEvent<ShortcutAction>).detail);
  window.addEventListener(SHORTCUT_EVENT, handler);
  return () => window.removeEventListener(SHORTCUT_EVENT, handler);
}
