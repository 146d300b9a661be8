/**
 * The keyboard shortcuts, as one table (the About box lists it) and one pure function from a key
 * press to an action, so the mapping is unit-tested without a DOM. Plain letters only act when
 * no field has the focus; Ctrl (⌘ on macOS) combinations act everywhere.
 */
import { TABS, type TabId } from './tabs.ts';

export type ShortcutAction =
  | { kind: 'toggle-record' }
  | { kind: 'stop-record' }
  | { kind: 'open-file' }
  | { kind: 'export' }
  | { kind: 'tab'; tab: TabId };

/** What the About box shows: keys and what they do. */
export const SHORTCUT_TABLE: readonly { keys: string; does: string }[] = [
  { keys: 'R', does: 'Start or stop recording' },
  { keys: 'S or Esc', does: 'Stop recording' },
  { keys: 'Ctrl/⌘ + O', does: 'Open audio files to transcribe' },
  { keys: 'Ctrl/⌘ + E', does: 'Export the open transcript (text)' },
  ...TABS.map((tab, index) => ({ keys: `Ctrl/⌘ + ${index + 1}`, does: `Go to ${tab.label}` })),
];

/** The parts of a KeyboardEvent the mapping reads. */
export interface KeyPress {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey?: boolean;
  repeat: boolean;
  /** True when the focus is in a text field, select or editable element. */
  typing: boolean;
}

export function shortcutFor(press: KeyPress): ShortcutAction | null {
  if (press.repeat || press.altKey) return null;
  const key = press.key.toLowerCase();
  if (press.ctrlKey || press.metaKey) {
    if (key === 'o') return { kind: 'open-file' };
    if (key === 'e') return { kind: 'export' };
    const index = Number(key) - 1;
    if (Number.isInteger(index) && index >= 0 && index < TABS.length) return { kind: 'tab', tab: TABS[index].id };
    return null;
  }
  if (press.typing) return null;
  if (key === 'r') return { kind: 'toggle-record' };
  if (key === 's' || key === 'escape') return { kind: 'stop-record' };
  return null;
}
