import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CHANNELS, LIMITS, REQUEST_SCHEMAS, type Settings } from '../contract.ts';
import { IpcValidationError, senderProblem, validateRequest } from './validate.ts';

const SETTINGS: Settings = { activeModelId: 'bundled:base', decoding: { mode: 'custom', customVocabulary: 'yes\nno', beam: 8 }, microphoneId: '' };
const rejects = (name: string, args: unknown, pattern: RegExp) =>
  assert.throws(() => validateRequest(name, args), (e: unknown) => e instanceof IpcValidationError && pattern.test((e as Error).message));

test('every request of the contract has a schema, and good arguments pass unchanged', () => {
  assert.deepEqual(Object.keys(REQUEST_SCHEMAS).sort(), Object.keys(CHANNELS).sort());
  const pcm = new Float32Array(LIMITS.maxChunkSamples);
  assert.equal(validateRequest('pushAudio', ['mwx1-abc', pcm])[1], pcm);
  assert.deepEqual(validateRequest('setSettings', [SETTINGS]), [SETTINGS]);
  assert.deepEqual(validateRequest('getStatus', []), []);
  assert.deepEqual(validateRequest('listTranscripts', ['']), ['']);
  assert.deepEqual(validateRequest('exportTranscript', ['id-1', 'srt']), ['id-1', 'srt']);
  const bytes = new ArrayBuffer(16);
  assert.equal(validateRequest('transcribeFile', ['job_1', 'a b.wav', bytes])[2], bytes);
});

test('malformed messages are rejected with what was expected', () => {
  rejects('deleteEverything', [], /unknown request "deleteEverything"/);
  rejects('__proto__', [], /unknown request/);
  rejects('getStatus', ['extra'], /expected 0 argument\(s\), got 1/);
  rejects('getAudio', [], /expected 1 argument\(s\), got 0/);
  rejects('getAudio', 'not-a-list', /expected an argument list/);
  rejects('getAudio', [42], /expected a string, got number 42/);
  rejects('getAudio', ['../../etc/passwd'], /expected letters, digits/);
  rejects('getAudio', [''], /expected 1–100 characters, got 0/);
  rejects('renameTranscript', ['id', ''], /expected 1–200 characters/);
  rejects('pushAudio', ['id', [0.1, 0.2]], /expected a Float32Array .*got an array of 2/);
  rejects('pushAudio', ['id', new Float64Array(4)], /expected a Float32Array .*got a Float64Array/);
  rejects('pushAudio', ['id', new Float32Array([0, NaN])], /sample 1 is NaN/);
  rejects('transcribeFile', ['job', 'a.wav', new Uint8Array(4)], /expected an ArrayBuffer, got a Uint8Array/);
  rejects('transcribeFile', ['job', 'a.wav', new ArrayBuffer(0)], /empty/);
  rejects('exportTranscript', ['id', 'pdf'], /expected txt, srt, vtt or json/);
  rejects('setSettings', [null], /expected an object, got null/);
  rejects('setSettings', [{ ...SETTINGS, extra: 1 }], /expected exactly the keys/);
  rejects('setSettings', [{ ...SETTINGS, decoding: { ...SETTINGS.decoding, mode: 'magic' } }], /decoding\.mode/);
  rejects('setSettings', [{ ...SETTINGS, decoding: { ...SETTINGS.decoding, beam: 1.5 } }], /decoding\.beam: expected an integer/);
  rejects('setSettings', [{ ...SETTINGS, decoding: { ...SETTINGS.decoding, beam: LIMITS.maxBeam + 1 } }], /decoding\.beam/);
});

test('oversized messages are rejected before anything reads them', () => {
  rejects('pushAudio', ['id', new Float32Array(LIMITS.maxChunkSamples + 1)], /160001 samples is over the limit of 160000/);
  rejects('listTranscripts', ['x'.repeat(LIMITS.maxQueryLength + 1)], /expected 0–200 characters, got 201/);
  rejects('renameTranscript', ['id', 'x'.repeat(LIMITS.maxTitleLength + 1)], /got 201/);
  rejects('getAudio', ['a'.repeat(LIMITS.maxIdLength + 1)], /got 101/);
  rejects('transcribeFile', ['job', 'x'.repeat(2000), new ArrayBuffer(1)], /expected 0–1024 characters/);
  rejects('setSettings', [{ ...SETTINGS, decoding: { ...SETTINGS.decoding, customVocabulary: 'a'.repeat(LIMITS.maxVocabularyLength + 1) } }], /customVocabulary: expected 0–200000/);
  // A 512 MiB + 1 buffer is not allocated here: an object that passes instanceof with a huge byteLength stands in.
  const huge = Object.create(ArrayBuffer.prototype, { byteLength: { value: LIMITS.maxFileBytes + 1 } });
  rejects('transcribeFile', ['job', 'big.wav', huge], /536870913 bytes is over the limit/);
});

test('only the app window showing the app page is a trusted sender', () => {
  const trusted = { webContentsId: 1, pagePrefix: 'file:///opt/CellScribe/resources/app.asar/out/renderer/' };
  const page = 'file:///opt/CellScribe/resources/app.asar/out/renderer/index.html';
  assert.equal(senderProblem({ webContentsId: 1, frameUrl: page, isMainFrame: true }, trusted), null);
  assert.match(senderProblem({ webContentsId: 2, frameUrl: page, isMainFrame: true }, trusted)!, /not come from the app window/);
  assert.match(senderProblem({ webContentsId: 1, frameUrl: page, isMainFrame: false }, trusted)!, /sub-frame/);
  assert.match(senderProblem({ webContentsId: 1, frameUrl: 'https://evil.example/index.html', isMainFrame: true }, trusted)!, /not the app's page/);
  assert.match(senderProblem({ webContentsId: 1, frameUrl: 'file:///home/user/Downloads/evil.html', isMainFrame: true }, trusted)!, /not the app's page/);
  assert.match(senderProblem({ webContentsId: 1, frameUrl: 'file:///opt/CellScribe/resources/app.asar/out/renderer/../../../../evil.html', isMainFrame: true }, trusted)!, /not the app's page/);
  assert.match(senderProblem({ webContentsId: 1, frameUrl: '', isMainFrame: true }, trusted)!, /not valid/);
  assert.match(senderProblem({ webContentsId: 1, frameUrl: page, isMainFrame: true }, { ...trusted, webContentsId: null })!, /app window/);
});
