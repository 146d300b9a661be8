/**
 * Decoder speed: T = 300 frames, 29 classes (default alphabet), beam 16, on posteriors that
 * look like a trained model's (mostly blank, a confident character now and then) and on
 * flat random ones (worst case). Run: node --import tsx model/ctc/decode.bench.ts
 */
import { Alphabet } from '../text/alphabet.ts';
import { DEFAULT_MODEL } from '../config.ts';
import { buildWordLm, decode, loadVocabulary, type DecodeOptions } from './decode.ts';

const alphabet = new Alphabet(DEFAULT_MODEL.alphabet);
const classes = alphabet.size;
const frames = 300;
let state = 12345;
const rand = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32; };

function make(sharpness: number, blankBias: number): Float32Array {
  const out = new Float32Array(frames * classes); // [frames × classes]
  for (let t = 0; t < frames; t++) {
    const peak = rand() < 0.3 ? 1 + Math.floor(rand() * (classes - 1)) : 0;
    const logits = Array.from({ length: classes }, (_, k) => rand() + (k === peak ? sharpness : 0) + (k === 0 ? blankBias : 0));
    const norm = Math.log(logits.reduce((a, v) => a + Math.exp(v), 0));
    logits.forEach((v, k) => { out[t * classes + k] = v - norm; });
  }
  return out;
}

const lm = buildWordLm('one two three\nfour five six\nseven eight nine\nzero oh one\nthe cat sat on the mat\n');
const inputs: [string, Float32Array][] = [['model-like', make(6, 1)], ['flat random', make(0, 0)]];
const configs: [string, Omit<DecodeOptions, 'frameSeconds'>][] = [
  ['greedy', {}], ['beam 16', { beam: 16 }], ['beam 16 + digits', { beam: 16, vocabulary: loadVocabulary('digits') }],
  ['beam 16 + LM', { beam: 16, lm }], ['beam 16 + digits + LM', { beam: 16, vocabulary: loadVocabulary('digits'), lm }],
];
for (const [inputName, lp] of inputs) {
  for (const [name, opts] of configs) {
    for (let i = 0; i < 3; i++) decode(lp, frames, alphabet, { ...opts, frameSeconds: 0.03 }); // warm-up
    const runs = 20;
    const start = performance.now();
    for (let i = 0; i < runs; i++) decode(lp, frames, alphabet, { ...opts, frameSeconds: 0.03 });
    console.log(`${inputName.padEnd(12)} ${name.padEnd(24)} ${((performance.now() - start) / runs).toFixed(2)} ms`);
  }
}
