/**
 * The LSTM's two ways of computing a step's gates (lstm.ts GateMode) against each other, on
 * both backends, and the recurrent layers' skipped input gradient against the full one. The
 * PyTorch goldens (recurrent.test.ts) check each mode against an independent reference: their
 * batch-2 plain-LSTM cases run 'stacked', the peephole and batch-1 runs 'projected'.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { gateModeFor, lstmForward, releaseLstmForward, STACKED_MIN_BATCH, type LstmForward } from './lstm.ts';
import { createRecurrentParams, recurrentParamList, runRecurrent } from './recurrent.ts';

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  assert.equal(a.length, b.length);
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff = Math.max(diff, Math.abs(a[i] - b[i]));
  return diff;
}

let layerCounter = 0;

for (const backend of ['cpu', 'wasm'] as const) {
  test(`${backend}: 'stacked' and 'projected' gate modes give the same gates, states and outputs`, async () => {
    await tf.setBackend(backend);
    for (const [batch, time, inputSize, units] of [[5, 7, 3, 4], [2, 4, 39, 16], [1, 3, 6, 8]]) {
      const p = createRecurrentParams('lstm', inputSize, units, 11 + batch, `lstm-modes/${++layerCounter}`);
      const x = tf.randomNormal([batch, time, inputSize], 0, 1, 'float32', 21) as tf.Tensor3D; // [batch, time, inputSize]
      const h0 = Float32Array.from({ length: batch * units }, (_, i) => Math.sin(i) * 0.5); // [batch, units]
      const c0 = Float32Array.from({ length: batch * units }, (_, i) => Math.cos(i) * 0.5); // [batch, units]
      const weights = { kernel: p.kernel as tf.Tensor as tf.Tensor2D, recurrentKernel: p.recurrentKernel as tf.Tensor as tf.Tensor2D, bias: p.bias as tf.Tensor as tf.Tensor1D };
      const runs: Record<string, LstmForward> = {
        stacked: lstmForward(x, weights, h0, c0, 'stacked'),
        projected: lstmForward(x, weights, h0, c0, 'projected'),
      };
      for (const part of ['gates', 'cellState', 'tanhCell', 'hidden'] as const) {
        const diff = maxAbsDiff(runs.stacked[part], runs.projected[part]);
        assert.ok(diff < 1e-5, `${backend} [${batch}, ${time}, ${inputSize}] × ${units}: ${part} differ by ${diff}`);
      }
      // A wrong mode would give different values, not merely rounding: the check can fail.
      assert.ok(maxAbsDiff(runs.stacked.hidden, new Float32Array(runs.stacked.hidden.length)) > 1e-3);
      releaseLstmForward(runs.stacked);
      releaseLstmForward(runs.projected);
      x.dispose();
      recurrentParamList(p).forEach((v) => v.dispose());
    }
  });
}

test('training batches run stacked; batch 1 and the peephole LSTM run projected', () => {
  assert.equal(gateModeFor(STACKED_MIN_BATCH, false), 'stacked');
  assert.equal(gateModeFor(32, false), 'stacked');
  assert.equal(gateModeFor(1, false), 'projected');
  assert.equal(gateModeFor(32, true), 'projected');
  const p = createRecurrentParams('peephole', 3, 4, 5, `lstm-modes/${++layerCounter}`);
  const x = tf.zeros([2, 3, 3]) as tf.Tensor3D;
  const weights = { kernel: p.kernel as tf.Tensor as tf.Tensor2D, recurrentKernel: p.recurrentKernel as tf.Tensor as tf.Tensor2D, bias: p.bias as tf.Tensor as tf.Tensor1D, peepholes: p.peepholes as tf.Tensor as tf.Tensor2D };
  assert.throws(() => lstmForward(x, weights, new Float32Array(8), new Float32Array(8), 'stacked'), /peephole LSTM runs only in 'projected'/);
});

for (const kind of ['lstm', 'peephole', 'gru'] as const) {
  test(`${kind}: without the input gradient, the weight and state gradients are unchanged and x's is zeros`, async () => {
    await tf.setBackend('wasm');
    const p = createRecurrentParams(kind, 6, 8, 3, `lstm-modes/${++layerCounter}`);
    const x = tf.randomNormal([3, 5, 6], 0, 1, 'float32', 4) as tf.Tensor3D; // [3, 5, 6]
    const lossWeights = tf.randomNormal([3, 5, 8], 0, 1, 'float32', 5); // [3, 5, 8]
    const gradients = (inputGradient: boolean) => tf.grads((...args: tf.Tensor[]) =>
      tf.sum(tf.mul(runRecurrent({ ...p, kernel: args[1] as tf.Variable }, args[0] as tf.Tensor3D, undefined, { inputGradient }).output, lossWeights)))([x, p.kernel]);
    const [dxFull, dKernelFull] = gradients(true);
    const [dxSkipped, dKernelSkipped] = gradients(false);
    assert.ok(maxAbsDiff(dxFull.dataSync() as Float32Array, new Float32Array(dxFull.size)) > 1e-3, 'the full input gradient is not zero');
    assert.equal(maxAbsDiff(dxSkipped.dataSync() as Float32Array, new Float32Array(dxSkipped.size)), 0);
    assert.deepEqual(dxSkipped.shape, x.shape);
    assert.equal(maxAbsDiff(dKernelFull.dataSync() as Float32Array, dKernelSkipped.dataSync() as Float32Array), 0);
    tf.dispose([x, lossWeights, dxFull, dKernelFull, dxSkipped, dKernelSkipped, ...recurrentParamList(p)]);
  });
}
