import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { startGradientRecording, stepSquaresOrNull, stopGradientRecording } from './gradient-recorder.ts';
import { createRecurrentParams, runRecurrent, type RecurrentKind, type RecurrentParams } from './recurrent.ts';

/**
 * Independent reference: the same cell unrolled in plain tf ops (tf autograd, no custom
 * gradients), with a zero "probe" added to the state at every step. ∂loss/∂probe_t is then
 * exactly ∂loss/∂c_t (LSTM) or ∂loss/∂h_t (GRU), the total gradient through all later steps.
 */
function referenceStateGradients(p: RecurrentParams, x: tf.Tensor3D, weights: tf.Tensor3D): Float32Array[] {
  const [batch, time] = x.shape;
  const u = p.units;
  const probes = Array.from({ length: time }, () => tf.zeros([batch, u]));
  const loss = (...probeArgs: tf.Tensor[]) => {
    let hidden: tf.Tensor = tf.zeros([batch, u]); // [batch, units]
    let cellState: tf.Tensor = tf.zeros([batch, u]); // [batch, units]
    const outputs: tf.Tensor[] = [];
    for (let t = 0; t < time; t++) {
      const xt = tf.squeeze(tf.slice(x, [0, t, 0], [batch, 1, -1]), [1]); // [batch, inputSize]
      const inputSide = tf.add(tf.matMul(xt, p.kernel), p.bias); // [batch, gates*units]
      if (p.kind === 'gru') {
        const recurrentSide = tf.add(tf.matMul(hidden, p.recurrentKernel), p.recurrentBias!); // [batch, 3*units]
        const [ir, iz, inn] = tf.split(inputSide, 3, 1);
        const [hr, hz, hn] = tf.split(recurrentSide, 3, 1);
        const resetGate = tf.sigmoid(tf.add(ir, hr)); // [batch, units]
        const updateGate = tf.sigmoid(tf.add(iz, hz)); // [batch, units]
        const candidate = tf.tanh(tf.add(inn, tf.mul(resetGate, hn))); // [batch, units]
        hidden = tf.add(tf.add(tf.mul(tf.sub(1, updateGate), candidate), tf.mul(updateGate, hidden)), probeArgs[t]); // [batch, units]
      } else {
        const pre = tf.add(inputSide, tf.matMul(hidden, p.recurrentKernel)); // [batch, 4*units]
        let [ip, fp, gp, op] = tf.split(pre, 4, 1);
        if (p.peepholes) {
          const [wi, wf] = tf.split(p.peepholes, 3, 0);
          ip = tf.add(ip, tf.mul(wi, cellState));
          fp = tf.add(fp, tf.mul(wf, cellState));
        }
        const inputGate = tf.sigmoid(ip);
        const forgetGate = tf.sigmoid(fp);
        const candidate = tf.tanh(gp);
        cellState = tf.add(tf.add(tf.mul(forgetGate, cellState), tf.mul(inputGate, candidate)), probeArgs[t]); // [batch, units]
        if (p.peepholes) op = tf.add(op, tf.mul(tf.slice(p.peepholes, [2, 0], [1, -1]), cellState));
        const outputGate = tf.sigmoid(op);
        hidden = tf.mul(outputGate, tf.tanh(cellState)); // [batch, units]
      }
      outputs.push(hidden);
    }
    const output = tf.stack(outputs, 1); // [batch, time, units]
    return tf.sum(tf.mul(output, weights)) as tf.Scalar;
  };
  const grads = tf.grads(loss)(probes);
  return grads.map((g) => g.dataSync() as Float32Array);
}

for (const kind of ['lstm', 'peephole', 'gru'] as RecurrentKind[]) {
  test(`${kind}: recorded per-step state-gradient norms equal tf autograd of an unrolled reference`, async () => {
    await tf.setBackend('cpu');
    const [batch, time, inputSize, units] = [2, 6, 3, 4];
    const p = createRecurrentParams(kind, inputSize, units, 11, `recorder-test-${kind}`);
    const x = tf.randomNormal([batch, time, inputSize], 0, 1, 'float32', 3) as tf.Tensor3D; // [batch, time, inputSize]
    const weights = tf.randomNormal([batch, time, units], 0, 1, 'float32', 4) as tf.Tensor3D; // [batch, time, units]

    // Off: a backward pass records nothing and allocates no accumulator. Read what is held
    // without calling start first (start clears it, which would hide a recorder left on).
    assert.equal(stepSquaresOrNull(time), null, 'no accumulator while off');
    tf.grad((xIn: tf.Tensor) => tf.sum(runRecurrent(p, xIn as tf.Tensor3D).output))(x);
    assert.equal(stopGradientRecording().length, 0, 'nothing recorded while off');

    startGradientRecording();
    tf.grad((xIn: tf.Tensor) => tf.sum(tf.mul(runRecurrent(p, xIn as tf.Tensor3D).output, weights)))(x);
    const records = stopGradientRecording();
    assert.equal(records.length, 1);
    assert.equal(records[0].state, kind === 'gru' ? 'hidden' : 'cellState');
    assert.equal(records[0].norms.length, time);

    const reference = referenceStateGradients(p, x, weights);
    for (let t = 0; t < time; t++) {
      const expected = Math.sqrt(reference[t].reduce((s, v) => s + v * v, 0));
      assert.ok(Math.abs(records[0].norms[t] - expected) <= 1e-4 * Math.max(1, expected), `step ${t}: ${records[0].norms[t]} vs ${expected}`);
    }
    // Not a trivially constant signal: the norms differ across time.
    assert.ok(new Set(Array.from(records[0].norms, (v) => v.toFixed(4))).size > 1);
    assert.equal(stopGradientRecording().length, 0, 'recording stopped');
  });
}
