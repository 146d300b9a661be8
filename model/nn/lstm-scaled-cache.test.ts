/**
 * lstmForward keeps the scaled kernels of one-sequence runs (streaming) between calls. The copy
 * must follow the weights: after a Variable is assigned (fine-tuning, then recognising in the same
 * process) the next run must use the new weights, and copies of disposed kernels must go.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { cachedScaledKernelCount, lstmForward, releaseLstmForward, type LstmWeights } from './lstm.ts';

const [time, inputSize, units] = [5, 6, 8];
const h0 = new Float32Array(units); // [1, units]
const c0 = new Float32Array(units); // [1, units]

function weightsFrom(seed: number, variables: boolean): LstmWeights {
  const make = (shape: [number, number]) => {
    const t = tf.randomNormal(shape, 0, 0.5, 'float32', seed++) as tf.Tensor2D; // [rows, 4*units]
    return variables ? tf.variable(t) as tf.Tensor as tf.Tensor2D : t;
  };
  return { kernel: make([inputSize, 4 * units]), recurrentKernel: make([units, 4 * units]), bias: tf.zeros([4 * units]) as tf.Tensor1D };
}

function hiddenOf(x: tf.Tensor3D, w: LstmWeights): Float32Array {
  const run = lstmForward(x, w, h0, c0, 'projected');
  const hidden = run.hidden.slice(); // [time, units]
  releaseLstmForward(run);
  return hidden;
}

for (const backend of ['cpu', 'wasm'] as const) {
  test(`${backend}: repeated one-sequence runs reuse one scaled copy per kernel and follow assigned weights`, async () => {
    await tf.setBackend(backend);
    const x = tf.randomNormal([1, time, inputSize], 0, 1, 'float32', 3) as tf.Tensor3D; // [1, time, inputSize]
    const w = weightsFrom(10, true);
    const first = hiddenOf(x, w);
    const tensorsAfterFirst = tf.memory().numTensors;
    assert.deepEqual(hiddenOf(x, w), first);
    assert.equal(tf.memory().numTensors, tensorsAfterFirst, 'no tensors pile up across calls');
    // This file's only live kernels are w's: copies of an earlier test's disposed ones were swept.
    assert.equal(cachedScaledKernelCount(), 2);

    // New values in the same Variables: the run must equal one on fresh tensors holding them.
    const fresh = weightsFrom(50, false);
    (w.kernel as unknown as tf.Variable).assign(fresh.kernel);
    (w.recurrentKernel as unknown as tf.Variable).assign(fresh.recurrentKernel);
    const afterAssign = hiddenOf(x, w);
    const expected = hiddenOf(x, fresh);
    assert.deepEqual(afterAssign, expected);
    assert.notDeepEqual(afterAssign, first, 'the new weights change the output: a stale copy would fail above');

    // Disposed kernels: their copies are dropped at the next run.
    [w.kernel, w.recurrentKernel, w.bias, fresh.kernel, fresh.recurrentKernel, fresh.bias].forEach((t) => t.dispose());
    const other = weightsFrom(90, false);
    hiddenOf(x, other);
    assert.equal(cachedScaledKernelCount(), 2, 'only the live kernels have copies');
    [other.kernel, other.recurrentKernel, other.bias, x].forEach((t) => t.dispose());
  });
}
