import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_FEATURES, DEFAULT_MODEL, featureDim, type RecurrentKind } from '../config.ts';
import { loadAudioFile } from '../audio/load-audio.ts';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, writeModelFolder } from '../io/model-store.ts';
import { AcousticModel } from '../nn/acoustic-model.ts';
import { fsddAvailable, fsddPath } from '../testing/fsdd-fixture.ts';
import { selectBackend } from './backend.ts';
import { resolveDecoding } from '../ctc/decode-settings.ts';
import { Recognizer } from './recognizer.ts';
import { extractFeatures } from '../features/mfcc.ts';

await selectBackend('wasm');
const skip = fsddAvailable() ? false : 'FSDD recordings not found in ../shared/data/fsdd';

/** A random (untrained) model saved to disk: its outputs are arbitrary but deterministic. */
async function savedModel(arch: RecurrentKind, stack: number): Promise<string> {
  const dim = featureDim(DEFAULT_FEATURES);
  const normalisation = { mean: new Array(dim).fill(0), std: new Array(dim).fill(10) };
  const model = AcousticModel.create({ ...DEFAULT_MODEL, arch, layers: 2, units: 16, stack }, DEFAULT_FEATURES, normalisation, 11);
  const dir = join(mkdtempSync(join(tmpdir(), 'recognizer-')), 'model');
  await writeModelFolder(
    dir,
    { format: MODEL_FORMAT, formatVersion: MODEL_FORMAT_VERSION, name: 'random', architecture: model.config, features: model.features, normalisation, provenance: {}, metrics: {} },
    model.namedVariables(),
  );
  model.dispose();
  return dir;
}

test('streaming in uneven chunks gives the same log-probabilities and text as offline', { skip }, async () => {
  const audio = await loadAudioFile(fsddPath(7, 'jackson', 3));
  for (const [arch, stack] of [['lstm', 3], ['peephole', 1], ['gru', 2]] as const) {
    const recognizer = await Recognizer.load(await savedModel(arch, stack));
    const decoding = resolveDecoding({ beam: 4 }, recognizer.model.alphabet);
    const offline = recognizer.transcribeSamples(audio.samples, decoding);
    const session = recognizer.startStream(decoding);
    const sizes = [1, 159, 160, 1000, 37, 4096, 333];
    let stepsSeen = 0;
    const streamedFeatures: Float32Array[] = [];
    for (let offset = 0, i = 0; offset < audio.samples.length; i++) {
      const size = sizes[i % sizes.length];
      const update = session.push(audio.samples.subarray(offset, offset + size));
      assert.equal(update.firstStep, stepsSeen);
      streamedFeatures.push(update.features.data);
      stepsSeen += update.steps;
      offset += size;
    }
    const { result, features: last } = session.finish();
    assert.equal(result.steps, offline.steps, `${arch}: steps`);
    // The raw frames each push returns, joined, are the whole utterance's features.
    const expected = extractFeatures(audio.samples, recognizer.model.features).data;
    assert.deepEqual(Float32Array.from([...streamedFeatures, last.data].flatMap((part) => [...part])), expected, `${arch}: streamed features`);
    let maxDiff = 0;
    for (let i = 0; i < offline.logProbs.length; i++) maxDiff = Math.max(maxDiff, Math.abs(result.logProbs[i] - offline.logProbs[i]));
    assert.ok(maxDiff < 1e-4, `${arch}: log-probabilities differ by ${maxDiff}`);
    assert.equal(result.text, offline.text, `${arch}: text`);
    assert.throws(() => session.push(new Float32Array(10)), /finished/);
    recognizer.dispose();
  }
});

test('inspection returns every gate and state with the shape [steps × units]', { skip }, async () => {
  const audio = await loadAudioFile(fsddPath(2, 'george', 1));
  const recognizer = await Recognizer.load(await savedModel('lstm', 3));
  const t = recognizer.transcribeSamples(audio.samples, {}, { inspect: true });
  assert.equal(t.traces?.length, 2);
  // The raw (unnormalised) features it ran on come back, equal to an extraction of their own.
  const features = extractFeatures(audio.samples, recognizer.model.features);
  assert.deepEqual(t.features, features);
  assert.equal(recognizer.transcribeSamples(audio.samples, {}).features, undefined, 'only when inspecting');
  for (const layer of t.traces ?? []) {
    for (const name of ['cellState', 'hidden', 'inputGate', 'forgetGate', 'outputGate', 'candidate'] as const) {
      assert.equal(layer[name]?.length, t.steps * 16, name);
    }
    for (const gate of [layer.inputGate!, layer.forgetGate!, layer.outputGate!]) assert.ok(gate.every((v) => v >= 0 && v <= 1));
  }
  assert.equal(t.steps, Math.ceil((1 + Math.ceil((audio.samples.length - 400) / 160)) / 3));
  assert.ok(Math.abs(t.stepSeconds - 0.03) < 1e-12);
  recognizer.dispose();
});

test('with the general LM, streaming runs the beam search incrementally: LM-shaped partials, final equal to offline', async () => {
  const { BUNDLED_GENERAL_LM } = await import('../ctc/decode-settings.ts');
  const recognizer = await Recognizer.load(join(import.meta.dirname, '..', '..', 'assets', 'models', 'base'));
  const decoding = resolveDecoding({ generalLm: BUNDLED_GENERAL_LM }, recognizer.model.alphabet);
  assert.ok(decoding.lm && decoding.vocabulary && decoding.vocabulary.entries.length > 70_000);
  const audio = await loadAudioFile(join(import.meta.dirname, '..', '..', 'assets', 'samples', 'an4-mskh-one-five-two-three-two.wav'));
  const offline = recognizer.transcribeSamples(audio.samples, decoding);
  // A phone model hears "two" and "to" alike, and the LM may prefer "five to three".
  assert.match(offline.text, /^one five (two|to) three two$/);
  const session = recognizer.startStream(decoding);
  const partials: string[] = [];
  for (let offset = 0; offset < audio.samples.length; offset += 1600) partials.push(session.push(audio.samples.subarray(offset, offset + 1600)).partial);
  const { result } = session.finish();
  assert.equal(result.text, offline.text);
  assert.deepEqual(result.words.map((w) => [w.word, w.start, w.end]), offline.words.map((w) => [w.word, w.start, w.end]));
  // Partials grow towards the answer, and every finished word in them is a lexicon word.
  assert.match(partials.at(-1)!, /^one five (two|to) three/, `last partial "${partials.at(-1)}"`);
  // A phone model's search runs over pronunciations; its partials are said in the LM's words.
  const lexicon = decoding.phoneWords ? new Set([...decoding.phoneWords.homophones.values()].flat()) : decoding.vocabulary!.words;
  for (const partial of partials) {
    const words = partial.split(' ').filter(Boolean);
    for (const word of words.slice(0, -1)) assert.ok(lexicon.has(word), `"${word}" in "${partial}"`);
  }
  recognizer.dispose();
});
