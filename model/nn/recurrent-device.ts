/**
 * The recurrent layers for GPU backends (tfjs-node-gpu, webgl): the same LSTM, peephole LSTM and
 * GRU as recurrent.ts, the same weights and gate layout, but every step is plain tf ops and the
 * backward pass is tf's autodiff, so the state never leaves the device. recurrent.ts reads each
 * step's gates back to the host (fast on wasm, where the host IS the device, but a stall per time
 * step on a GPU); here a training step reads nothing back (tested by counting reads).
 *
 * Equations (PyTorch's, see lstm.ts and gru.ts):
 *   LSTM  i, f, o = σ(…) [peephole: + w_ci ⊙ c_{t-1}, w_cf ⊙ c_{t-1}, w_co ⊙ c_t], g = tanh(…),
 *         c_t = f ⊙ c_{t-1} + i ⊙ g, h_t = o ⊙ tanh(c_t)
 *   GRU   r, z = σ(x_t W_i + b_i + h W_h + b_h), n = tanh(x_t W_in + b_in + r ⊙ (h W_hn + b_hn)),
 *         h_t = (1 − z) ⊙ n + z ⊙ h_{t-1}
 */
import * as tf from '@tensorflow/tfjs';
import type { RecurrentResult } from './recurrent.ts';
import type { RecurrentParams, RecurrentState } from './recurrent-types.ts';

/**
 * Runs one layer over x [batch, time, inputSize] from `initial` (zeros if omitted), on whatever
 * device the backend uses; differentiable by tf's autodiff. Padding as in recurrent.ts (at the end).
 */
export function runRecurrentOnDevice(p: RecurrentParams, x: tf.Tensor3D, initial?: RecurrentState): RecurrentResult {
  const [batch, time, inputSize] = x.shape;
  const units = p.units;
  const width = p.kernel.shape[1] as number;
  return tf.tidy(() => {
    // The input projection of every step at once, then one [batch, width] slice per step.
    const projected = tf.add(tf.matMul(tf.reshape(x, [batch * time, inputSize]), p.kernel), p.bias); // [batch*time, width]
    const perStep = tf.unstack(tf.transpose(tf.reshape(projected, [batch, time, width]), [1, 0, 2])); // time × [batch, width]
    let hidden: tf.Tensor2D = initial?.hidden ?? tf.zeros([batch, units]); // [batch, units]
    let cellState: tf.Tensor2D | undefined = p.kind === 'gru' ? undefined : (initial?.cellState ?? tf.zeros([batch, units])); // [batch, units]
    const outputs: tf.Tensor2D[] = [];
    const peepholes = p.peepholes ? tf.unstack(p.peepholes) : undefined; // 3 × [units]: w_ci, w_cf, w_co
    for (let t = 0; t < time; t++) {
      if (p.kind === 'gru') {
        const recurrent = tf.add(tf.matMul(hidden, p.recurrentKernel), p.recurrentBias!); // [batch, 3*units]
        const [xr, xz, xn] = tf.split(perStep[t], 3, 1); // 3 × [batch, units]
        const [hr, hz, hn] = tf.split(recurrent, 3, 1); // 3 × [batch, units]
        const resetGate = tf.sigmoid(tf.add(xr, hr)); // [batch, units]
        const updateGate = tf.sigmoid(tf.add(xz, hz)); // [batch, units]
        const candidate = tf.tanh(tf.add(xn, tf.mul(resetGate, hn))); // [batch, units]
        hidden = tf.add(tf.mul(tf.sub(1, updateGate), candidate), tf.mul(updateGate, hidden)) as tf.Tensor2D; // [batch, units]
      } else {
        const pre = tf.add(perStep[t], tf.matMul(hidden, p.recurrentKernel)); // [batch, 4*units]
        let [inputPre, forgetPre, candidatePre, outputPre] = tf.split(pre, 4, 1); // 4 × [batch, units]
        if (peepholes) {
          inputPre = tf.add(inputPre, tf.mul(peepholes[0], cellState!)); // [batch, units]
          forgetPre = tf.add(forgetPre, tf.mul(peepholes[1], cellState!)); // [batch, units]
        }
        const inputGate = tf.sigmoid(inputPre); // [batch, units]
        const forgetGate = tf.sigmoid(forgetPre); // [batch, units]
        const candidate = tf.tanh(candidatePre); // [batch, units]
        cellState = tf.add(tf.mul(forgetGate, cellState!), tf.mul(inputGate, candidate)) as tf.Tensor2D; // [batch, units]
        if (peepholes) outputPre = tf.add(outputPre, tf.mul(peepholes[2], cellState)); // [batch, units]
        const outputGate = tf.sigmoid(outputPre); // [batch, units]
        hidden = tf.mul(outputGate, tf.tanh(cellState)) as tf.Tensor2D; // [batch, units]
      }
      outputs.push(hidden);
    }
    const output = tf.stack(outputs, 1) as tf.Tensor3D; // [batch, time, units]
    return { output, final: cellState ? { hidden, cellState } : { hidden } } as unknown as tf.TensorContainer;
  }) as unknown as RecurrentResult;
}
