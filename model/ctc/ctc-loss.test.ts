import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { ctcLoss, resetInfeasibleWarning } from './ctc-loss.ts';
import { ctcLossAndGradient, sequenceLogProb } from './ctc-forward.ts';
import { logSoftmaxRows } from './log-math.ts';

interface GoldenCase {
  name: string; batch: number; time: number; classes: number;
  logits: number[]; labels: number[][]; inputLengths: number[]; loss: number[]; grad: number[];
}
const golden = JSON.parse(readFileSync(new URL('./fixtures/ctc_loss_golden.json', import.meta.url), 'utf8')) as { cases: GoldenCase[] };

/** Collapse a frame path: merge repeats, drop blanks. */
function collapse(path: number[]): number[] {
  const out: number[] = [];
  path.forEach((k, t) => { if (k !== 0 && (t === 0 || path[t - 1] !== k)) out.push(k); });
  return out;
}

/** p(labels | x) by enumerating all classes^frames paths (tiny cases only). */
function bruteForceProb(logProbs: Float64Array, frames: number, classes: number, labels: number[]): number {
  let total = 0;
  const path = new Array<number>(frames).fill(0);
  const visit = (t: number, logP: number): void => {
    if (t === frames) {
      const out = collapse(path);
      if (out.length === labels.length && out.every((k, i) => k === labels[i])) total += Math.exp(logP);
      return;
    }
    for (let k = 0; k < classes; k++) { path[t] = k; visit(t + 1, logP + logProbs[t * classes + k]); }
  };
  visit(0, 0);
  return total;
}

function randomLogits(n: number, seed: number): Float64Array {
  let state = seed >>> 0;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    out[i] = (state / 2 ** 32 - 0.5) * 4;
  }
  return out;
}

for (const backend of ['cpu', 'wasm']) {
  test(`ctcLoss matches torch ctc_loss (loss and grad wrt logits) on ${backend}`, async () => {
    assert.equal(await tf.setBackend(backend), true, `backend ${backend} must initialise`);
    const warn = console.warn;
    console.warn = () => {}; // the 'impossible' case warns once by design
    try {
      for (const c of golden.cases) {
        const logits = tf.tensor3d(c.logits, [c.batch, c.time, c.classes]); // [batch, time, classes]
        const lossFn = (x: tf.Tensor) => ctcLoss(x as tf.Tensor3D, c.labels, c.inputLengths);
        const loss = lossFn(logits).arraySync() as number[];
        const grad = tf.grad((x: tf.Tensor) => tf.sum(lossFn(x)))(logits).dataSync(); // [batch*time*classes]
        loss.forEach((value, b) => {
          assert.ok(Math.abs(value - c.loss[b]) <= 1e-4 * Math.max(1, Math.abs(c.loss[b])),
            `${c.name}[${b}]: loss ${value} vs torch ${c.loss[b]}`);
        });
        let worst = 0;
        c.grad.forEach((g, i) => { worst = Math.max(worst, Math.abs(grad[i] - g)); });
        assert.ok(worst < 2e-5, `${c.name}: max |grad − torch| = ${worst}`);
        logits.dispose();
      }
    } finally {
      console.warn = warn;
    }
  });
}

test('ctc forward equals brute-force enumeration of alignments (T ≤ 4, C ≤ 3)', () => {
  const cases: { frames: number; classes: number; labels: number[] }[] = [
    { frames: 1, classes: 2, labels: [1] },
    { frames: 1, classes: 2, labels: [] },
    { frames: 3, classes: 3, labels: [1, 2] },
    { frames: 3, classes: 3, labels: [1, 1] },
    { frames: 4, classes: 3, labels: [1, 1] },
    { frames: 4, classes: 3, labels: [2, 1, 2] },
    { frames: 4, classes: 2, labels: [1] },
    { frames: 4, classes: 3, labels: [] },
    { frames: 2, classes: 3, labels: [2, 2] }, // impossible: needs 3 frames
  ];
  cases.forEach(({ frames, classes, labels }, i) => {
    const logProbs = logSoftmaxRows(randomLogits(frames * classes, 7 + i), frames, classes);
    const expected = bruteForceProb(logProbs, frames, classes, labels);
    const got = Math.exp(sequenceLogProb(logProbs, frames, classes, labels));
    assert.ok(Math.abs(got - expected) < 1e-12, `case ${i}: forward ${got} vs brute force ${expected}`);
    const grad = new Float64Array(frames * classes);
    const result = ctcLossAndGradient(logProbs, frames, classes, labels, 0, grad);
    if (expected > 0) assert.ok(Math.abs(result.loss + Math.log(expected)) < 1e-9, `case ${i}: loss`);
    else assert.deepEqual(result, { loss: 0, feasible: false });
  });
});

test('gradient wrt logits matches central finite differences', () => {
  const frames = 6, classes = 4, labels = [1, 3, 3];
  const logits = randomLogits(frames * classes, 99);
  const lossOf = (x: Float64Array) =>
    ctcLossAndGradient(logSoftmaxRows(x, frames, classes), frames, classes, labels, 0, new Float64Array(x.length)).loss;
  const grad = new Float64Array(frames * classes);
  ctcLossAndGradient(logSoftmaxRows(logits, frames, classes), frames, classes, labels, 0, grad);
  const h = 1e-5;
  for (let i = 0; i < logits.length; i++) {
    const plus = Float64Array.from(logits); plus[i] += h;
    const minus = Float64Array.from(logits); minus[i] -= h;
    const numeric = (lossOf(plus) - lossOf(minus)) / (2 * h);
    assert.ok(Math.abs(numeric - grad[i]) < 1e-6, `logit ${i}: analytic ${grad[i]} vs numeric ${numeric}`);
  }
});

test('padded frames get zero gradient; impossible labels give loss 0, zero gradient, one warning', async () => {
  await tf.setBackend('cpu');
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (msg: string) => { warnings.push(msg); };
  try {
    const logits = tf.tensor3d(Array.from(randomLogits(3 * 5 * 3, 5)), [3, 5, 3]); // [batch, time, classes]
    const labels = [[1, 2], [2, 2, 2], [1, 1, 1]]; // rows 1 and 2 need 5 frames, given 3
    const lengths = [3, 3, 4];
    const loss = ctcLoss(logits, labels, lengths).arraySync();
    const grad = tf.grad((x: tf.Tensor) => tf.sum(ctcLoss(x as tf.Tensor3D, labels, lengths)))(logits).arraySync() as number[][][];
    assert.ok(loss[0] > 0);
    assert.equal(loss[1], 0);
    assert.equal(loss[2], 0);
    assert.ok(grad[1].flat().every((g) => g === 0) && grad[2].flat().every((g) => g === 0));
    assert.ok(grad[0].slice(3).flat().every((g) => g === 0), 'frames beyond inputLength');
    assert.ok(grad[0].slice(0, 3).flat().some((g) => g !== 0));
  } finally {
    console.warn = warn;
  }
});

test('the first infeasible utterance warns exactly once, naming it; later ones stay quiet', async () => {
  await tf.setBackend('cpu');
  // Earlier tests in this process may have used up the one warning: start from a clean slate, so
  // both "never warns" and "warns every time" fail here.
  resetInfeasibleWarning();
  const warnings: string[] = [];
  const warn = console.warn;
  console.warn = (msg: string) => { warnings.push(msg); };
  try {
    const logits = tf.tensor3d(Array.from(randomLogits(3 * 5 * 3, 5)), [3, 5, 3]); // [batch, time, classes]
    const labels = [[1, 2], [2, 2, 2], [1, 1, 1]]; // rows 1 and 2 cannot fit their frames
    const lengths = [3, 3, 4];
    ctcLoss(logits, labels, lengths).dispose();
    assert.equal(warnings.length, 1, 'one warning for the first infeasible row');
    assert.match(warnings[0], /utterance 1 has 3 labels that cannot fit in 3 frames/);
    ctcLoss(logits, labels, lengths).dispose();
    assert.equal(warnings.length, 1, 'no second warning, even on a later call');
    ctcLoss(logits, [[1, 2], [1], [2]], lengths).dispose(); // all feasible: nothing to say
    assert.equal(warnings.length, 1);
    logits.dispose();
  } finally {
    console.warn = warn;
  }
});

test('ctcLoss rejects blank or out-of-range labels and mismatched lengths', () => {
  const logits = tf.zeros([1, 4, 3]) as tf.Tensor3D; // [batch, time, classes]
  assert.throws(() => ctcLoss(logits, [[0, 1]], [4]), /class ids in \[1, 2\]/);
  assert.throws(() => ctcLoss(logits, [[3]], [4]), /got 3/);
  assert.throws(() => ctcLoss(logits, [[1]], [5]), /input length/);
  assert.throws(() => ctcLoss(logits, [[1], [2]], [4]), /expected 1 label sequences/);
});

test('non-finite logits give a NaN loss, not the 0 of an impossible alignment', async () => {
  await tf.setBackend('cpu');
  const values = Array.from(randomLogits(2 * 4 * 3, 11));
  values[5] = Number.NaN; // row 0, frame 1
  const logits = tf.tensor3d(values, [2, 4, 3]); // [batch, time, classes]
  const loss = ctcLoss(logits, [[1, 2], [2]], [4, 4]).arraySync();
  assert.ok(Number.isNaN(loss[0]), `diverged row reads ${loss[0]}`);
  assert.ok(Number.isFinite(loss[1]) && loss[1] > 0, 'the healthy row is unaffected');
  logits.dispose();
});

test('the scaled recursion gives the log-space recursion\'s loss and gradient, and falls back to it where probabilities underflow', async () => {
  const { ctcLossAndGradientLog } = await import('./ctc-forward.ts');
  const cases: { frames: number; classes: number; labels: number[]; seed: number; scale?: number }[] = [
    { frames: 5, classes: 4, labels: [1, 2], seed: 1 },
    { frames: 12, classes: 6, labels: [3, 3, 1, 3], seed: 2 }, // repeats need blanks between them
    { frames: 100, classes: 29, labels: [5, 9, 9, 2, 14, 20, 1, 7, 7, 7, 3, 28, 11, 4, 6], seed: 3 },
    { frames: 400, classes: 29, labels: Array.from({ length: 60 }, (_, i) => 1 + ((i * 7) % 28)), seed: 4, scale: 4 }, // long: α would underflow unscaled
    { frames: 7, classes: 5, labels: [], seed: 5 },
    { frames: 3, classes: 5, labels: [2, 2], seed: 6 }, // exactly the minimum frames
  ];
  for (const c of cases) {
    const logits = randomLogits(c.frames * c.classes, c.seed).map((v) => v * (c.scale ?? 1));
    const logProbs = logSoftmaxRows(logits, c.frames, c.classes);
    const fast = new Float64Array(c.frames * c.classes);
    const reference = new Float64Array(c.frames * c.classes);
    const a = ctcLossAndGradient(logProbs, c.frames, c.classes, c.labels, 0, fast);
    const b = ctcLossAndGradientLog(logProbs, c.frames, c.classes, c.labels, 0, reference);
    assert.equal(a.feasible, b.feasible);
    assert.ok(Math.abs(a.loss - b.loss) <= 1e-9 * Math.max(1, Math.abs(b.loss)), `${c.frames}×${c.classes}: loss ${a.loss} vs ${b.loss}`);
    let worst = 0;
    for (let i = 0; i < fast.length; i++) worst = Math.max(worst, Math.abs(fast[i] - reference[i]));
    assert.ok(worst < 1e-9, `${c.frames}×${c.classes}: gradient differs by ${worst}`);
  }
  // A frame where the labelled classes are e^-800 likely: exp underflows, the log recursion answers.
  const frames = 6, classes = 4, labels = [1, 2];
  const logProbs = logSoftmaxRows(randomLogits(frames * classes, 9), frames, classes);
  for (const k of [1, 2]) logProbs[2 * classes + k] = -800;
  const fast = new Float64Array(frames * classes);
  const reference = new Float64Array(frames * classes);
  const a = ctcLossAndGradient(logProbs, frames, classes, labels, 0, fast);
  const b = ctcLossAndGradientLog(logProbs, frames, classes, labels, 0, reference);
  assert.ok(Number.isFinite(b.loss) && b.loss > 0);
  assert.equal(a.loss, b.loss);
  assert.deepEqual(fast, reference);
});
