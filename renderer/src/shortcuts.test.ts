import { test } from 'node:test';
import assert from 'node:assert/strict';
import { SHORTCUT_TABLE, shortcutFor, type KeyPress } from './shortcuts.ts';

const press = (key: string, extra: Partial<KeyPress> = {}): KeyPress => ({ key, ctrlKey: false, metaKey: false, altKey: false, repeat: false, typing: false, ...extra });

test('letters record and stop, but not while typing or repeating', () => {
  assert.deepEqual(shortcutFor(press('r')), { kind: 'toggle-record' });
  assert.deepEqual(shortcutFor(press('R')), { kind: 'toggle-record' });
  assert.deepEqual(shortcutFor(press('s')), { kind: 'stop-record' });
  assert.deepEqual(shortcutFor(press('Escape')), { kind: 'stop-record' });
  assert.equal(shortcutFor(press('r', { typing: true })), null);
  assert.equal(shortcutFor(press('r', { repeat: true })), null);
  assert.equal(shortcutFor(press('r', { altKey: true })), null);
  assert.equal(shortcutFor(press('x')), null);
});

test('Ctrl or ⌘ combinations open, export and switch tabs, also from a field', () => {
  assert.deepEqual(shortcutFor(press('o', { ctrlKey: true })), { kind: 'open-file' });
  assert.deepEqual(shortcutFor(press('o', { metaKey: true, typing: true })), { kind: 'open-file' });
  assert.deepEqual(shortcutFor(press('e', { ctrlKey: true })), { kind: 'export' });
  assert.deepEqual(shortcutFor(press('1', { ctrlKey: true })), { kind: 'tab', tab: 'record' });
  assert.deepEqual(shortcutFor(press('4', { metaKey: true })), { kind: 'tab', tab: 'library' });
  assert.deepEqual(shortcutFor(press('6', { ctrlKey: true })), { kind: 'tab', tab: 'settings' });
  assert.equal(shortcutFor(press('7', { ctrlKey: true })), null);
  assert.equal(shortcutFor(press('0', { ctrlKey: true })), null);
  assert.equal(shortcutFor(press('r', { ctrlKey: true })), null, 'Ctrl+R is left alone');
});

test('the table lists every action', () => {
  const text = SHORTCUT_TABLE.map((row) => row.does).join('\n');
  for (const does of ['recording', 'Stop', 'Open', 'Export', 'Go to Library']) assert.ok(text.includes(does), does);
});
