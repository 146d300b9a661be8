/** The app's panels, in tab order (the tab bar, and Ctrl/⌘ + 1–6 in shortcuts.ts). */
export type TabId = 'record' | 'inspect' | 'files' | 'library' | 'voice' | 'settings';

export const TABS: readonly { id: TabId; label: string }[] = [
  { id: 'record', label: 'Record' },
  { id: 'inspect', label: 'Look inside' },
  { id: 'files', label: 'Files' },
  { id: 'library', label: 'Library' },
  { id: 'voice', label: 'Your voice' },
  { id: 'settings', label: 'Settings' },
];
