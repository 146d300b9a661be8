import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineHost, type HostState } from './engine-host.ts';
import { loadAudioFile } from '../../model/audio/load-audio.ts';
import { fsddAvailable, fsddPath } from '../../model/testing/fsdd-fixture.ts';
import { Engine } from './engine.ts';
import type { DecodingSettings } from '../../contract/contract.ts';
import { collectTransferables, serializeError } from './engine-protocol.ts';

const DIGITS_MODEL = fileURLToPath(new URL('../../e2e/fixtures/digits-model', import.meta.url));
const skip = fsddAvailable() && existsSync(join(DIGITS_MODEL, 'meta.json')) ? false : 'FSDD recordings or the digits model fixture are missing';
const DIGITS: DecodingSettings = { mode: 'digits', customVocabulary: '', beam: 8 };
const OPEN: DecodingSettings = { mode: 'open', customVocabulary: '', beam: 1 };

test('protocol helpers: errors keep their message, transfer lists hold whole buffers only once', () => {
  assert.deepEqual(serializeError(new RangeError('too big')), { name: 'RangeError', message: 'too big' });
  assert.deepEqual(serializeError('plain'), { name: 'Error', message: 'plain' });
  const a = new Float32Array(4);
  const shared = new Float32Array(8);
  const view = shared.subarray(2, 4); // a view into a larger buffer must not be transferred
  assert.deepEqual(collectTransferables({ a, again: a, nested: [{ b: new Uint8Array(2) }], view }).length, 2);
});

test('in-process engine: errors before a model, digits transcription, streaming = offline, inspection shapes', { skip }, async () => {
  const engine = new Engine({ backend: 'wasm' });
  await assert.rejects(engine.transcribe(new Float32Array(160), OPEN, false), /no model is loaded/);
  await assert.rejects(engine.call('nope' as never, [] as never), /unknown engine method "nope"/);
  await assert.rejects(engine.loadModel('/nonexistent/model'), /no such folder/);
  const summary = await engine.loadModel(DIGITS_MODEL);
  assert.deepEqual([summary.arch, summary.layers, summary.units, summary.stack], ['lstm', 2, 128, 3]);
  const status = await engine.status();
  assert.equal(status.backend, 'wasm');
  assert.equal(status.model?.name, summary.name);

  const audio = await loadAudioFile(fsddPath(5, 'nicolas', 4));
  const offline = await engine.transcribe(audio.samples, DIGITS, true);
  assert.equal(offline.text, 'five');
  const inspection = offline.inspection!;
  assert.equal(inspection.classes.length, 29);
  assert.equal(inspection.logProbs.length, inspection.steps * 29);
  assert.equal(inspection.featureDim, 39);
  assert.equal(inspection.featureFrames, 1 + Math.ceil((audio.samples.length - 400) / 160));
  assert.equal(inspection.steps, Math.ceil(inspection.featureFrames / 3));
  for (const layer of inspection.layers) assert.equal(layer.forgetGate?.length, inspection.steps * layer.units);

  const { streamId } = await engine.streamStart(DIGITS, true);
  let steps = 0;
  let frames = 0;
  for (let at = 0; at < audio.samples.length; at += 1234) {
    const update = await engine.streamPush(streamId, audio.samples.slice(at, at + 1234));
    steps += update.inspection.steps;
    frames += update.inspection.featureFrames;
  }
  const final = await engine.streamFinish(streamId);
  assert.equal(final.transcript.text, offline.text);
  assert.equal(steps + final.inspection.steps, inspection.steps);
  assert.equal(frames + final.inspection.featureFrames, inspection.featureFrames);
  await assert.rejects(engine.streamPush(streamId, new Float32Array(10)), /no open stream/);

  await assert.rejects(engine.decodeAudio(new Uint8Array([0, 1, 2, 3]), 'junk.bin'), /junk\.bin/);
  const decoded = await engine.decodeAudio(readFileSync(fsddPath(5, 'nicolas', 4)), '5.wav');
  assert.equal(decoded.samples.length, audio.samples.length, '8 kHz → 16 kHz like loadAudioFile');
  engine.dispose();
});

test('through a real worker: results arrive as Float32Array, errors keep their message, a crash restarts and reloads', { skip }, async () => {
  const states: [HostState, number][] = [];
  let reloads = 0;
  const host: EngineHost = new EngineHost({
    mode: 'worker',
    engineOptions: { backend: 'wasm' },
    onState: (state, detail) => states.push([state, detail.restarts]),
    onStarted: async (call) => {
      reloads += 1;
      await call('loadModel', DIGITS_MODEL);
    },
  });
  try {
    await host.start();
    const audio = await loadAudioFile(fsddPath(3, 'george', 2));
    const sent = audio.samples.slice();
    const t = await host.call('transcribe', sent, DIGITS, true);
    assert.equal(sent.length, audio.samples.length, 'request arguments are copied, never detached from the caller');
    assert.equal(t.text, 'three');
    assert.ok(t.inspection!.logProbs instanceof Float32Array);
    assert.ok(t.inspection!.layers[0].cellState instanceof Float32Array);
    await assert.rejects(host.call('streamPush', 'missing', new Float32Array(4)), /no open stream "missing"/);

    await host.killForTest();
    // The next call waits for the restart and finds the model loaded again.
    const again = await host.call('transcribe', audio.samples, DIGITS, false);
    assert.equal(again.text, 'three');
    assert.equal(reloads, 2);
    assert.deepEqual(states, [['ready', 0], ['crashed', 0], ['restarting', 1], ['ready', 1]]);
    assert.equal((await host.call('status')).model?.dir, DIGITS_MODEL);
  } finally {
    await host.dispose();
  }
});

test('commands mode: one phrase of the list with its confidence, offline and streaming; open mode uses the general LM', { skip }, async () => {
  const { BUNDLED_GENERAL_LM, BUNDLED_MODEL_DIR } = await import('../../model/io/bundled-model.ts');
  const engine = new Engine({ backend: 'wasm', generalLm: BUNDLED_GENERAL_LM });
  await engine.loadModel(BUNDLED_MODEL_DIR);
  const commands: DecodingSettings = { mode: 'commands', customVocabulary: 'turn on the lights\nstop\nseven\nplay music\n', beam: 8 };
  const audio = await loadAudioFile(fsddPath(7, 'jackson', 2));
  const offline = await engine.transcribe(audio.samples, commands, false);
  assert.equal(offline.text, 'seven');
  assert.deepEqual(offline.command && [offline.command.phrase, offline.command.accepted], ['seven', true]);
  assert.ok(offline.command!.confidence > 0.5 && offline.command!.confidence <= 1, `confidence ${offline.command!.confidence}`);
  const { streamId } = await engine.streamStart(commands, false);
  for (let at = 0; at < audio.samples.length; at += 1600) await engine.streamPush(streamId, audio.samples.slice(at, at + 1600));
  const final = await engine.streamFinish(streamId);
  assert.deepEqual(final.transcript.command, offline.command);
  // Speech that is none of the phrases: nothing, flagged.
  const other = await loadAudioFile(join(fileURLToPath(new URL('../../assets/samples', import.meta.url)), 'an4-mskh-one-five-two-three-two.wav'));
  const rejected = await engine.transcribe(other.samples, commands, false);
  assert.equal(rejected.text, '');
  assert.equal(rejected.command?.accepted, false);
  // Open mode with the engine's general LM: a lexicon beam search even when the setting says greedy.
  const open = await engine.transcribe(other.samples, OPEN, false);
  assert.match(open.text, /^one five (two|to) three two$/); // "to": a phone model hears it like "two"; the LM picks
  assert.equal(open.command, undefined);
});
