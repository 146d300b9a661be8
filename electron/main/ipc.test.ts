import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { AppEvent } from '../../contract/contract.ts';
import { CHANNELS, EVENT_CHANNEL } from '../../contract/requests.ts';
import { forwardEvents, registerIpc, type IpcMainLike, type InvokeEventLike, type RequestHandlers } from './ipc.ts';

const PAGE = 'file:///app/out/renderer/index.html';

function setup() {
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>();
  const ipcMain: IpcMainLike = { handle: (c, l) => void handlers.set(c, l), removeHandler: (c) => void handlers.delete(c) };
  const calls: [string, unknown[]][] = [];
  const backend = Object.fromEntries(Object.keys(CHANNELS).map((name) => [name, async (...args: unknown[]) => { calls.push([name, args]); return `${name} done`; }])) as unknown as RequestHandlers;
  const log: string[] = [];
  const dispose = registerIpc({ ipcMain, backend, trusted: () => ({ webContentsId: 7, pagePrefix: 'file:///app/out/renderer/' }), log: (m) => log.push(m) });
  const invoke = (name: keyof typeof CHANNELS, event: InvokeEventLike, ...args: unknown[]) => Promise.resolve(handlers.get(CHANNELS[name])!(event, ...args));
  return { handlers, calls, log, dispose, invoke };
}

const fromApp: InvokeEventLike = { sender: { id: 7 }, senderFrame: { url: PAGE, parent: null } };

test('every channel gets a handler that reaches the backend only with valid arguments from the app window', async () => {
  const { handlers, calls, log, dispose, invoke } = setup();
  assert.deepEqual([...handlers.keys()].sort(), Object.values(CHANNELS).sort());
  assert.equal(await invoke('getAudio', fromApp, 'abc-1'), 'getAudio done');
  assert.deepEqual(calls, [['getAudio', ['abc-1']]]);

  await assert.rejects(invoke('getAudio', { ...fromApp, sender: { id: 8 } }, 'abc-1'), /getAudio rejected: the message did not come from the app window/);
  await assert.rejects(invoke('getAudio', { sender: { id: 7 }, senderFrame: { url: PAGE, parent: {} } }, 'abc-1'), /sub-frame/);
  await assert.rejects(invoke('getAudio', { sender: { id: 7 }, senderFrame: null }, 'abc-1'), /sub-frame|not valid/);
  await assert.rejects(invoke('getAudio', { sender: { id: 7 }, senderFrame: { url: 'https://example.com/', parent: null } }, 'abc-1'), /not the app's page/);
  await assert.rejects(invoke('pushAudio', fromApp, 'abc', new Float32Array(160_001)), /over the limit/);
  await assert.rejects(invoke('deleteTranscript', fromApp), /expected 1 argument/);
  assert.equal(calls.length, 1, 'rejected messages never reach the backend');
  assert.equal(log.length, 6);
  dispose();
  assert.equal(handlers.size, 0);
});

test('events go to the window while it exists, and stop after unsubscribe', () => {
  const listeners = new Set<(e: AppEvent) => void>();
  const subscribe = (l: (e: AppEvent) => void) => { listeners.add(l); return () => void listeners.delete(l); };
  const sent: [string, AppEvent][] = [];
  let destroyed = false;
  const stop = forwardEvents(subscribe, () => ({ isDestroyed: () => destroyed, send: (c, e) => void sent.push([c, e]) }));
  for (const l of listeners) l({ type: 'library-changed' });
  destroyed = true;
  for (const l of listeners) l({ type: 'library-changed' });
  assert.deepEqual(sent, [[EVENT_CHANNEL, { type: 'library-changed' }]]);
  stop();
  assert.equal(listeners.size, 0);
});
