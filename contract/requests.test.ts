import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS, type Settings } from './contract.ts';
import { CHANNELS, REQUESTS, validateRequest } from './requests.ts';
import { IpcValidationError } from './schemas.ts';

const SETTINGS: Settings = { activeModelId: 'bundled:base', decoding: { mode: 'custom', customVocabulary: 'yes\nno', beam: 8 }, microphoneId: '' };
const rejects = (name: string, args: unknown, pattern: RegExp) =>
  assert.throws(() => validateRequest(name, args), (e: unknown) => e instanceof IpcValidationError && pattern.test((e as Error).message));

test('every request has its own channel and schemas (the compiler checks them against AppApi), and good arguments pass unchanged', () => {
  assert.deepEqual(Object.keys(CHANNELS).sort(), Object.keys(REQUESTS).sort());
  assert.equal(new Set(Object.values(CHANNELS)).size, Object.keys(CHANNELS).length, 'no channel serves two requests');
  const pcm = new Float32Array(LIMITS.maxChunkSamples);
  assert.equal(validateRequest('pushAudio', ['mwx1-abc', pcm])[1], pcm);
  assert.deepEqual(validateRequest('setSettings', [SETTINGS]), [SETTINGS]);
  const commands: Settings = { ...SETTINGS, decoding: { mode: 'commands', customVocabulary: 'stop\nplay music', beam: 8 } };
  assert.deepEqual(validateRequest('setSettings', [commands]), [commands]);
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
  rejects('editTranscriptWords', ['id', 'one two'], /expected a list of words, got a string/);
  rejects('editTranscriptWords', ['id', ['one', 2]], /argument 2\[1\]: expected a string/);
  rejects('editTranscriptWords', ['id', ['x'.repeat(LIMITS.maxWordLength + 1)]], /\[0\]: expected 0–200 characters, got 201/);
  assert.deepEqual(validateRequest('editTranscriptWords', ['id', ['one', '']]), ['id', ['one', '']]);
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

test('fine-tuning requests: file lists and fine-tune requests are checked field by field, model ids with a colon pass', () => {
  const files = [{ path: 'a/1_nicolas_0.wav', bytes: new ArrayBuffer(8) }];
  assert.deepEqual(validateRequest('importDatasetFiles', ['ds-1', files])[1], files);
  const request = { datasetId: 'ds-1', baseModelId: 'bundled:base', epochs: 0, learningRate: 0, frozenLayers: 1, head: 'gru', name: 'Mine' };
  assert.deepEqual(validateRequest('startFineTune', [request]), [request]);
  assert.deepEqual(validateRequest('compareWithParent', ['user:my-voice', 'ds-1']), ['user:my-voice', 'ds-1']);
  rejects('deleteModel', ['user:../x'], /expected letters, digits/);
  rejects('deleteModel', ['a:b:c'], /expected letters, digits/);
  rejects('importDatasetFiles', ['ds', []], /expected 1–5000 files, got 0/);
  rejects('importDatasetFiles', ['ds', 'files'], /expected an array/);
  rejects('importDatasetFiles', ['ds', [{ path: 'a.wav' }]], /\[0\]\.bytes: expected an ArrayBuffer, got nothing/);
  rejects('importDatasetFiles', ['ds', [{ path: 'a.wav', bytes: new ArrayBuffer(2), extra: 1 }]], /\[0\]: expected exactly the keys bytes, path/);
  rejects('importDatasetFiles', ['ds', [{ path: 'a.wav', bytes: new Uint8Array(2) }]], /bytes: expected an ArrayBuffer, got a Uint8Array/);
  rejects('importDatasetFiles', ['ds', [{ path: '', bytes: new ArrayBuffer(2) }]], /path: expected 1–1024/);
  rejects('startFineTune', [{ ...request, extra: 1 }], /expected exactly the keys/);
  rejects('startFineTune', [{ ...request, head: 'transformer' }], /head: expected keep, lstm, peephole or gru/);
  rejects('startFineTune', [{ ...request, epochs: 1.5 }], /epochs: expected an integer/);
  rejects('startFineTune', [{ ...request, learningRate: Number.NaN }], /learningRate/);
  rejects('startFineTune', [{ ...request, frozenLayers: -1 }], /frozenLayers/);
  rejects('startFineTune', [{ ...request, name: '' }], /name: expected 1–200/);
  rejects('startFineTune', [{ ...request, datasetId: '../../etc' }], /datasetId: expected letters/);
});

test('oversized fine-tuning messages are rejected', () => {
  const request = { datasetId: 'ds-1', baseModelId: 'bundled:base', epochs: LIMITS.maxEpochs + 1, learningRate: 0, frozenLayers: 0, head: 'keep', name: 'x' };
  rejects('startFineTune', [request], /epochs: expected an integer from 0 \(the default\) to 200/);
  rejects('startFineTune', [{ ...request, epochs: 1, name: 'x'.repeat(LIMITS.maxTitleLength + 1) }], /name: expected 1–200/);
  const many = Array.from({ length: LIMITS.maxImportFiles + 1 }, () => ({ path: 'a.wav', bytes: new ArrayBuffer(1) }));
  rejects('importDatasetFiles', ['ds', many], /expected 1–5000 files, got 5001/);
  // Two "half-gigabyte-plus" buffers stand in (instanceof passes, nothing is allocated).
  const big = Object.create(ArrayBuffer.prototype, { byteLength: { value: LIMITS.maxImportBytes / 2 + 1 } });
  rejects('importDatasetFiles', ['ds', [{ path: 'a.wav', bytes: big }, { path: 'b.wav', bytes: big }]], /over the limit of 1073741824 bytes in all/);
  rejects('importDatasetFiles', ['ds', [{ path: 'x'.repeat(2000), bytes: new ArrayBuffer(1) }]], /expected 1–1024 characters/);
  rejects('addDatasetRecording', ['ds', 'one', new Float32Array(LIMITS.maxChunkSamples + 1)], /over the limit/);
});
