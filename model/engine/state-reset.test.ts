/**
 * The recurrent state is reset to zero after a long pause (segmenter's resetPauseSteps), so an
 * hour of live audio cannot drift: after a reset the network's output is exactly that of a
 * recognizer started there. Checked on the bundled model and committed real speech:
 *  - the log-probabilities after each reset equal a fresh zero-state run over the same feature
 *    frames (runFeatures), a segment starts there, and its words are that run's, decoded alone;
 *  - where resets fall depends only on the audio, not on how it was chunked (0.5 s live pushes
 *    give the same resets and text as the offline 20 s chunks);
 *  - with resets turned off there are none.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadAudioFile } from '../audio/load-audio.ts';
import { selectBackend } from './backend.ts';
import { Recognizer } from './recognizer.ts';
import { defaultSegmenterOptions } from './segmenter.ts';
import { resolveDecoding } from '../ctc/decode-settings.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SAMPLES = join(ROOT, 'assets', 'samples');

await selectBackend('wasm');
const recognizer = await Recognizer.load(join(ROOT, 'assets', 'models', 'base'));
const model = recognizer.model;

/** Speech, 3 s of quiet room, speech, 3 s, speech: two long pauses. */
async function speechWithLongPauses(): Promise<Float32Array> {
  const pause = new Float32Array(16000 * 3);
  for (let i = 0; i < pause.length; i++) pause[i] = 1e-3 * Math.sin(i * 0.37); // a quiet room, not digital zero
  const files = ['an4-mskh-one-five-two-three-two.wav', 'an4-mskh-enter-seventy-one.wav', 'an4-mskh-one-five-two-three-two.wav'];
  const parts: Float32Array[] = [];
  for (const [i, file] of files.entries()) {
    parts.push((await loadAudioFile(join(SAMPLES, file))).samples);
    if (i < files.length - 1) parts.push(pause);
  }
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

test('after a long pause the state is reset: the output equals a recognizer started there', async () => {
  const samples = await speechWithLongPauses();
  // Words from any model (a phone model's greedy output is phones): AN4's vocabulary, no LM.
  const an4 = resolveDecoding({ vocabulary: join(ROOT, 'assets', 'vocabularies', 'an4.txt') }, model.alphabet);
  const whole = recognizer.transcribeSamples(samples, an4, { inspect: true });
  assert.ok(whole.stateResets.length >= 2, `expected a reset in each 3 s pause, got ${JSON.stringify(whole.stateResets)}`);
  const k = model.config.stack;
  const dim = model.inputDim;
  const features = whole.features!;
  whole.stateResets.forEach((reset, i) => {
    // From this reset to the next (or the end): a fresh zero-state run over the same frames.
    const next = whole.stateResets[i + 1] ?? whole.steps;
    const raw = features.data.slice(reset * k * dim, Math.min(features.frames, next * k) * dim); // [frames × dim], normalised in place by runFeatures
    const run = recognizer.runFeatures(raw, raw.length / dim);
    const fresh = run.logProbs.dataSync() as Float32Array; // [steps × classes]
    run.logProbs.dispose();
    for (const s of run.states) [s.hidden, s.cellState].forEach((t) => t?.dispose());
    const after = whole.logProbs.subarray(reset * model.classes, next * model.classes);
    assert.equal(fresh.length, after.length);
    let worst = 0;
    for (let j = 0; j < fresh.length; j++) worst = Math.max(worst, Math.abs(fresh[j] - after[j]));
    assert.ok(worst < 1e-4, `after the reset at step ${reset}: max |Δ log p| ${worst}`);

    // A reset ends a segment: the words from it to the next are the fresh run's, decoded alone.
    const [from, to] = [reset * model.stepSeconds, next * model.stepSeconds];
    assert.ok(whole.segments.some((s) => Math.abs(s.start - from) < 1e-9) || whole.words.every((w) => w.start < from || w.start >= to), `a segment starts at the reset (${from} s)`);
    const between = whole.words.filter((w) => w.start >= from - 1e-9 && w.start < to).map((w) => w.word).join(' ');
    assert.equal(between, recognizer.decodeLogProbs(fresh, an4).text, `text after the reset at ${from.toFixed(2)} s`);
  });
  // (Recognizing the audio cut at the reset differs only in the first two feature frames, whose
  // deltas see the cut, yet that can flip this weak model's text; hence the same frames.)
  assert.match(whole.text, /^one five (two|to) three two .*one five (two|to) three two$/);
});

test('resets depend on the audio, not on the chunking; turned off, there are none', async () => {
  const samples = await speechWithLongPauses();
  const offline = recognizer.transcribeSamples(samples, {});
  const session = recognizer.startStream({});
  for (let at = 0; at < samples.length; at += 8000) session.push(samples.subarray(at, Math.min(samples.length, at + 8000)));
  const live = session.finish().result;
  assert.deepEqual(live.stateResets, offline.stateResets);
  assert.equal(live.text, offline.text);
  assert.deepEqual(live.logProbs, offline.logProbs);

  const never = recognizer.transcribeSamples(samples, {}, { segmenter: { ...defaultSegmenterOptions(model.stepSeconds), resetPauseSteps: undefined } });
  assert.deepEqual(never.stateResets, []);
  // Without the reset the state after the pause is carried: the output there differs.
  const reset = offline.stateResets[0];
  let differs = 0;
  for (let i = reset * model.classes; i < (reset + 10) * model.classes; i++) differs = Math.max(differs, Math.abs(never.logProbs[i] - offline.logProbs[i]));
  assert.ok(differs > 1e-6, 'a carried state gives different output after the pause (else the reset test could not fail)');
});
