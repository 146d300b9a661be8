/**
 * The whole request path Electron runs, without Electron: the preload's generated API
 * (electron/preload/api.ts) → a structured clone, as IPC makes → main's registered handler
 * (electron/main/ipc.ts: sender check, then the request table's zod schemas) → the real app
 * backend with its engine. Good requests transcribe and record for real; bad payloads and a
 * foreign sender are refused with the request named, and reach nothing.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AppApi } from '../contract/contract.ts';
import { createAppBackend } from '../app/app-backend.ts';
import { decodeWavBytes } from '../model/audio/wav.ts';
import { fsddAvailable, fsddPath } from '../model/testing/fsdd-fixture.ts';
import { createApi } from '../electron/preload/api.ts';
import { registerIpc, type InvokeEventLike } from '../electron/main/ipc.ts';

const DIGITS_MODEL = fileURLToPath(new URL('./fixtures/digits-model', import.meta.url));
const skip = fsddAvailable() && existsSync(join(DIGITS_MODEL, 'meta.json')) ? false : 'FSDD recordings or the digits model fixture are missing';

const PAGE = 'file:///app/out/renderer/index.html';
const WINDOW_ID = 3;

test('preload → IPC → main\'s checks → backend: real requests work end to end, bad ones are refused before the backend', { skip }, async () => {
  const userData = mkdtempSync(join(tmpdir(), 'cellscribe-ipc-'));
  const backend = await createAppBackend({ userDataDir: userData, bundledModelDir: DIGITS_MODEL, engine: 'in-process', engineOptions: { backend: 'wasm' } });
  const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => unknown>();
  const rejected: string[] = [];
  const reached: string[] = [];
  const counted = new Proxy(backend, {
    get: (target, name) => {
      const value = Reflect.get(target, name);
      return typeof value === 'function' ? (...args: unknown[]) => (reached.push(String(name)), value.apply(target, args)) : value;
    },
  });
  const dispose = registerIpc({
    ipcMain: { handle: (channel, listener) => void handlers.set(channel, listener), removeHandler: (channel) => void handlers.delete(channel) },
    backend: counted,
    trusted: () => ({ webContentsId: WINDOW_ID, pagePrefix: 'file:///app/out/renderer/' }),
    log: (message) => void rejected.push(message),
  });
  /** The renderer's window.api as the preload builds it, its messages sent from `event`'s frame. */
  const apiFrom = (event: InvokeEventLike): AppApi =>
    createApi({
      invoke: async (channel, ...args) => {
        const handler = handlers.get(channel);
        if (!handler) throw new Error(`No handler registered for '${channel}'`);
        // IPC carries a structured clone: typed arrays and ArrayBuffers arrive as such, copied.
        return structuredClone(await handler(event, ...structuredClone(args)));
      },
      on: () => undefined,
      removeListener: () => undefined,
    });
  const api = apiFrom({ sender: { id: WINDOW_ID }, senderFrame: { url: PAGE, parent: null } });
  try {
    assert.equal((await api.getStatus()).state, 'ready');
    const settings = await api.setSettings({ ...(await api.getSettings()), decoding: { mode: 'digits', customVocabulary: '', beam: 8 } });
    assert.equal(settings.decoding.mode, 'digits');

    // A file, as the Files tab sends it: bytes in an ArrayBuffer.
    const bytes = readFileSync(fsddPath(7, 'jackson', 3));
    const file = await api.transcribeFile('job-1', '7_jackson_3.wav', bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    assert.equal(file.transcript.text, 'seven');
    assert.ok(file.inspection.logProbs instanceof Float32Array);

    // A recording, as the capture worklet sends it: Float32Array chunks of 16 kHz audio.
    const wav = decodeWavBytes(readFileSync(fsddPath(2, 'george', 1)), 'fsdd').channels[0];
    const pcm = new Float32Array(wav.length * 2).map((_, i) => wav[i >> 1]);
    const { sessionId } = await api.startRecording();
    for (let at = 0; at < pcm.length; at += 1600) await api.pushAudio(sessionId, pcm.slice(at, at + 1600));
    const stopped = await api.stopRecording(sessionId);
    assert.equal(stopped.transcript.text, 'two');
    assert.deepEqual(Array.from(await api.getAudio(sessionId)), Array.from(pcm));
    assert.equal(rejected.length, 0, rejected.join('\n'));

    // Bad payloads and a foreign sender: refused, named, and the backend never called.
    const before = reached.length;
    const bad: [() => Promise<unknown>, RegExp][] = [
      [() => api.pushAudio(sessionId, [0.1, 0.2] as unknown as Float32Array), /pushAudio/],
      [() => api.pushAudio(sessionId, new Float32Array(160_001)), /over the limit/],
      [() => api.transcribeFile('job-2', 'x.wav', 'not bytes' as unknown as ArrayBuffer), /transcribeFile/],
      [() => api.renameTranscript(sessionId, 'x'.repeat(1000)), /renameTranscript/],
      [() => api.getAudio('../../etc/passwd'), /getAudio/],
      [() => api.setSettings({ ...settings, decoding: { ...settings.decoding, beam: -1 } }), /setSettings/],
      [() => apiFrom({ sender: { id: WINDOW_ID + 1 }, senderFrame: { url: PAGE, parent: null } }).deleteTranscript(sessionId), /did not come from the app window/],
      [() => apiFrom({ sender: { id: WINDOW_ID }, senderFrame: { url: 'https://example.com/', parent: null } }).deleteTranscript(sessionId), /not the app's page/],
    ];
    for (const [call, pattern] of bad) await assert.rejects(call(), pattern);
    assert.equal(reached.length, before, `refused requests reached the backend: ${reached.slice(before).join(', ')}`);
    assert.equal(rejected.length, bad.length);
    assert.equal((await api.listTranscripts('')).length, 2, 'nothing deleted or added by the refused requests');
  } finally {
    dispose();
    await backend.dispose();
  }
});
