/**
 * Offline transcription now runs in chunks through the streaming session, with pause segments
 * decoded and aligned one at a time. Checked against the way it was done before (one
 * whole-file pass: offline features, the training op over every step, one decode, one Viterbi
 * alignment over the whole lattice), rebuilt here from the parts, on the bundled model and
 * committed real speech:
 *  - short files (one segment): the same text and word timings, greedy, with vocabulary + LM, and
 *    with the bundled general LM (the incremental beam search finished = the offline search);
 *  - a longer recording made of the samples with pauses between (several segments): the same
 *    greedy labels and the same character timings as forcedAlignment over the whole lattice; a
 *    segment boundary is a word boundary (where the model wrote "enone" across a pause, the
 *    segments give "en one"), so the reference words are split there too.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { decode, type DecodeResult, type WordTiming } from '../ctc/decode.ts';
import { forcedAlignment } from '../ctc/alignment.ts';
import { greedyLabels } from '../ctc/greedy.ts';
import { loadAudioFile } from '../audio/load-audio.ts';
import { selectBackend } from './backend.ts';
import { decodeOptions, resolveDecoding, type ResolvedDecoding } from '../ctc/decode-settings.ts';
import { pcmToFeatures } from '../features/frontend.ts';
import { Recognizer } from './recognizer.ts';
import { BUNDLED_GENERAL_LM } from '../io/bundled-model.ts';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SAMPLES = join(ROOT, 'assets', 'samples');
const VOCABULARIES = join(ROOT, 'assets', 'vocabularies');
const FILES = ['an4-mskh-one-five-two-three-two.wav', 'an4-mskh-enter-seventy-one.wav', 'fsdd-jackson-seven.wav'];

await selectBackend('wasm');
const recognizer = await Recognizer.load(join(ROOT, 'assets', 'models', 'base'));

/** Per-step log-probabilities of one whole-file pass: offline features → the training op. */
function wholeLogProbs(samples: Float32Array): Float32Array {
  const model = recognizer.model;
  const features = pcmToFeatures(samples, model.features);
  const normalised = model.normaliseInPlace(features.data);
  const logProbs = tf.tidy(() => {
    const input = tf.tensor3d(normalised, [1, features.frames, model.inputDim]); // [1, frames, dim]
    const { logits } = model.forward(model.stackFrames(input)); // [1, steps, classes]
    return tf.logSoftmax(logits); // [1, steps, classes]
  });
  const values = logProbs.dataSync() as Float32Array; // [steps × classes]
  logProbs.dispose();
  return values;
}

/** Today's whole-file pass, from the parts: one decode, one alignment over the whole lattice. */
function wholeFilePass(samples: Float32Array, decoding: ResolvedDecoding): DecodeResult {
  const model = recognizer.model;
  const values = wholeLogProbs(samples);
  return decode(values, values.length / model.classes, model.alphabet, decodeOptions(decoding, model.stepSeconds));
}

/**
 * Greedy words over the whole lattice, timed by one forcedAlignment over all of it, split at
 * spaces and at the given cut steps (alignWords' rules, plus the cuts).
 */
function wholeLatticeWords(samples: Float32Array, cutSteps: number[]): DecodeResult {
  const model = recognizer.model;
  const values = wholeLogProbs(samples);
  const frames = values.length / model.classes;
  const labels = greedyLabels(values, frames, model.classes);
  const spans = forcedAlignment(values, frames, model.classes, labels)!;
  const space = model.alphabet.id(' ');
  const words: WordTiming[] = [];
  let current: typeof spans = [];
  const flush = () => {
    if (current.length === 0) return;
    words.push({
      word: model.alphabet.decode(current.map((s) => s.label)),
      start: current[0].firstFrame * model.stepSeconds,
      end: (current[current.length - 1].lastFrame + 1) * model.stepSeconds,
      confidence: Math.min(...current.map((s) => s.peakProb)),
    });
    current = [];
  };
  spans.forEach((span, i) => {
    if (labels[i] === space) { flush(); return; }
    if (current.length > 0 && cutSteps.some((c) => current[current.length - 1].lastFrame < c && span.firstFrame >= c)) flush();
    current.push(span);
  });
  flush();
  return { text: words.map((w) => w.word).join(' '), words };
}

function assertSameWords(got: DecodeResult, want: DecodeResult, what: string): void {
  assert.equal(got.text, want.text, `${what}: text`);
  assert.equal(got.words.length, want.words.length, `${what}: words`);
  got.words.forEach((w, i) => {
    const v = want.words[i];
    assert.equal(w.word, v.word, `${what}: word ${i}`);
    assert.ok(Math.abs(w.start - v.start) < 1e-9 && Math.abs(w.end - v.end) < 1e-9, `${what}: "${w.word}" at ${w.start}-${w.end}, whole-file ${v.start}-${v.end}`);
    assert.ok(Math.abs(w.confidence - v.confidence) < 1e-4, `${what}: "${w.word}" confidence`);
  });
}

test('short files: chunked transcription gives the whole-file pass\'s text and timings', async () => {
  const an4 = resolveDecoding({ vocabulary: join(VOCABULARIES, 'an4.txt'), lm: join(VOCABULARIES, 'an4-train-text.txt') }, recognizer.model.alphabet);
  const general = resolveDecoding({ generalLm: BUNDLED_GENERAL_LM }, recognizer.model.alphabet); // the CLI's default
  for (const file of FILES) {
    const audio = await loadAudioFile(join(SAMPLES, file));
    for (const [name, decoding] of [['greedy', {}], ['an4 vocabulary + LM', an4], ['general LM', general]] as const) {
      const chunked = await recognizer.transcribeFile(join(SAMPLES, file), decoding);
      assertSameWords(chunked, wholeFilePass(audio.samples, decoding), `${file}, ${name}`);
      assert.equal(chunked.segments.length, chunked.words.length > 0 ? 1 : 0);
    }
  }
});

test('a longer recording is decoded in pause segments with the whole lattice\'s greedy text and word timings', async () => {
  const parts: Float32Array[] = [];
  const pause = new Float32Array(16000 * 0.8);
  for (let i = 0; i < pause.length; i++) pause[i] = 1e-3 * Math.sin(i * 0.37); // a quiet room, not digital zero
  for (let round = 0; round < 3; round++) {
    for (const file of FILES) {
      parts.push((await loadAudioFile(join(SAMPLES, file))).samples, pause);
    }
  }
  const samples = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { samples.set(p, at); at += p.length; }
  const seconds = samples.length / 16000;
  // Segments of 3 to 8 s here (10 to 30 s by default), so this ~20 s recording is cut several times.
  const step = recognizer.model.stepSeconds;
  const segmenter = { pauseSteps: Math.round(0.3 / step), blankProbability: 0.9, minSegmentSteps: Math.round(3 / step), maxSegmentSteps: Math.round(8 / step) };
  const progress: number[] = [];
  const chunked = recognizer.transcribeSamples(samples, {}, { segmenter, onProgress: (done) => progress.push(done) });
  assert.ok(chunked.segments.length >= 3, `expected several segments in ${seconds.toFixed(1)} s, got ${chunked.segments.length}`);
  chunked.segments.forEach((s, i) => {
    assert.ok(s.end - s.start <= 8 + 1e-9 && s.start < s.end, `segment ${i}: ${s.start}-${s.end}`);
    if (i > 0) assert.ok(s.start >= chunked.segments[i - 1].end - 1e-9, 'segments in order');
  });
  const cuts = chunked.segments.map((s) => Math.round(s.start / step));
  assertSameWords(chunked, wholeLatticeWords(samples, cuts), 'long greedy');
  assert.ok(progress.length >= 1 && progress.every((p, i) => i === 0 || p > progress[i - 1]) && Math.abs(progress.at(-1)! - seconds) < 1e-9, 'progress rises to the duration');
});
