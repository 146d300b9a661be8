/**
 * The forward-only recurrent path against the training op (runRecurrent, itself checked against
 * PyTorch goldens in recurrent.test.ts): same outputs and final states for every layer kind,
 * with blocks that divide the time axis and ones that do not, batch > 1, a carried initial
 * state; and the whole acoustic model's infer() against forward(). Also that it releases what
 * it allocates (no tensors left behind).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_FEATURES, DEFAULT_MODEL, featureDim, type RecurrentKind } from '../config.ts';
import { AcousticModel } from './acoustic-model.ts';
import { inferRecurrent } from './inference.ts';
import { createRecurrentParams, recurrentParamList, runRecurrent } from './recurrent.ts';

let counter = 0;

function maxAbsDiff(a: tf.Tensor, b: tf.Tensor): number {
  assert.deepEqual(a.shape, b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs(x[i] - y[i]));
  return worst;
}

for (const backend of ['cpu', 'wasm'] as const) {
  test(`${backend}: inferRecurrent equals the training op for lstm, peephole and gru`, async () => {
    await tf.setBackend(backend);
    for (const kind of ['lstm', 'peephole', 'gru'] as RecurrentKind[]) {
      const p = createRecurrentParams(kind, 7, 12, 40 + counter, `inference-test/${++counter}`);
      const x = tf.randomNormal([3, 45, 7], 0, 1, 'float32', 5) as tf.Tensor3D; // [batch, time, inputSize]
      const h0 = tf.randomNormal([3, 12], 0, 0.5, 'float32', 6) as tf.Tensor2D; // [batch, units]
      const c0 = tf.randomNormal([3, 12], 0, 0.5, 'float32', 7) as tf.Tensor2D; // [batch, units]
      const initial = kind === 'gru' ? { hidden: h0 } : { hidden: h0, cellState: c0 };
      const training = runRecurrent(p, x, initial);
      for (const block of [1, 8, 45, 256]) {
        const before = tf.memory().numTensors;
        const run = inferRecurrent(p, x, initial, block);
        // output, final hidden (+ final cell): nothing else survives
        assert.equal(tf.memory().numTensors - before, kind === 'gru' ? 2 : 3, `${kind}: tensors left behind`);
        // The step loop is the same code; only the input projection's matMul covers fewer rows.
        assert.ok(maxAbsDiff(run.output, training.output) < 1e-6, `${kind} block ${block}: output`);
        assert.ok(maxAbsDiff(run.final.hidden, training.final.hidden) < 1e-6, `${kind} block ${block}: final hidden`);
        if (kind !== 'gru') assert.ok(maxAbsDiff(run.final.cellState!, training.final.cellState!) < 1e-6, `${kind} block ${block}: final cell`);
        tf.dispose([run.output, run.final.hidden, run.final.cellState].filter(Boolean) as tf.Tensor[]);
      }
      tf.dispose([x, h0, c0, training.output, training.final.hidden, training.final.cellState, ...recurrentParamList(p)].filter(Boolean) as tf.Tensor[]);
    }
  });
}

test('AcousticModel.infer equals forward() and leaves no tensors behind', async () => {
  await tf.setBackend('wasm');
  const dim = featureDim(DEFAULT_FEATURES);
  const normalisation = { mean: new Array(dim).fill(0), std: new Array(dim).fill(1) };
  for (const arch of ['lstm', 'gru'] as RecurrentKind[]) {
    const model = AcousticModel.create({ ...DEFAULT_MODEL, arch, layers: 2, units: 16, stack: 3 }, DEFAULT_FEATURES, normalisation, 3);
    const features = tf.randomNormal([1, 301, dim], 0, 1, 'float32', 9) as tf.Tensor3D; // [1, frames, dim]
    const stacked = model.stackFrames(features); // [1, steps, 3*dim]
    const reference = model.forward(stacked);
    const before = tf.memory().numTensors;
    const run = model.infer(stacked);
    assert.equal(tf.memory().numTensors - before, 1 + (arch === 'gru' ? 2 : 4), `${arch}: logits and states only`);
    assert.ok(maxAbsDiff(run.logits, reference.logits) < 1e-5, `${arch}: logits`);
    reference.states.forEach((s, i) => assert.ok(maxAbsDiff(run.states[i].hidden, s.hidden) < 1e-6, `${arch}: layer ${i} state`));
    tf.dispose([features, stacked, reference.logits, run.logits, ...[...reference.states, ...run.states].flatMap((s) => [s.hidden, s.cellState]).filter(Boolean) as tf.Tensor[]]);
    model.dispose();
  }
});
