/**
 * CTC loss as tf ops, for GPU backends: the forward (α) recursion in log space runs on the device,
 * vectorised over the batch and the extended label sequence, and tf's autodiff gives the
 * gradient, so no value is read back to the host. ctc-loss.ts (one dataSync, the dynamic
 * programme in JS) stays the choice on cpu and wasm, where it is faster.
 *
 * Same contract as ctcLoss: logits [batch, time, classes] (log-softmax inside), labels 1..C−1
 * (0 is the blank), inputLengths valid frames; utterances whose labels cannot fit their frames
 * give 0 and a zero gradient (zero_infinity). Everything that depends only on the labels and
 * lengths (extended labels, masks) is built on the host from those plain arrays.
 */
import * as tf from '@tensorflow/tfjs';

/** Stands in for log 0: finite, so masked sums and their gradients never make NaN. */
const LOG_ZERO = -1e30;

/** Frames needed by a label sequence: one per label plus one blank between repeats. */
function framesNeeded(labels: number[]): number {
  let needed = labels.length;
  for (let i = 1; i < labels.length; i++) if (labels[i] === labels[i - 1]) needed += 1;
  return needed;
}

/** CTC negative log-likelihood per utterance, [batch], computed on the device. */
export function ctcLossOnDevice(logits: tf.Tensor3D, labels: number[][], inputLengths: number[]): tf.Tensor1D {
  if (logits.rank !== 3) throw new Error(`ctcLossOnDevice: expected logits [batch, time, classes], got shape [${logits.shape}]`);
  const [batch, time, classes] = logits.shape;
  if (labels.length !== batch || inputLengths.length !== batch) {
    throw new Error(`ctcLossOnDevice: expected ${batch} label sequences and input lengths, got ${labels.length} and ${inputLengths.length}`);
  }
  labels.forEach((sequence, b) => sequence.forEach((label) => {
    if (!Number.isInteger(label) || label < 1 || label >= classes) throw new Error(`ctcLossOnDevice: labels of utterance ${b} must be class ids in [1, ${classes - 1}], got ${label}`);
  }));
  inputLengths.forEach((length, b) => {
    if (!Number.isInteger(length) || length < 0 || length > time) throw new Error(`ctcLossOnDevice: input length ${b} must be an integer in [0, ${time}], got ${length}`);
  });

  // Host-side tables: extended labels (blank, l1, blank, l2, …, blank), padded to the longest.
  const width = 2 * Math.max(0, ...labels.map((l) => l.length)) + 1; // S
  const oneHot = new Float32Array(batch * classes * width); // [batch, classes, S]: picks each position's class
  const skipAllowed = new Float32Array(batch * width).fill(LOG_ZERO); // [batch, S]: 0 where s−2 → s is allowed
  const valid = new Float32Array(batch * width).fill(LOG_ZERO); // [batch, S]: 0 for s < S_b
  const start = new Float32Array(batch * width).fill(LOG_ZERO); // [batch, S]: 0 at s = 0, 1
  const final = new Float32Array(batch * width).fill(LOG_ZERO); // [batch, S]: 0 at s = S_b − 1, S_b − 2
  const feasible = new Float32Array(batch); // [batch]: 1 where the labels fit the frames
  const running = new Float32Array(time * batch); // [time, batch]: 1 while t < inputLength
  for (let b = 0; b < batch; b++) {
    const sequence = labels[b];
    const positions = 2 * sequence.length + 1; // S_b
    const label = (s: number) => (s % 2 === 0 ? 0 : sequence[(s - 1) / 2]);
    for (let s = 0; s < positions; s++) {
      oneHot[(b * classes + label(s)) * width + s] = 1;
      valid[b * width + s] = 0;
      if (s >= 2 && label(s) !== 0 && label(s) !== label(s - 2)) skipAllowed[b * width + s] = 0;
    }
    start[b * width] = 0;
    if (positions > 1) start[b * width + 1] = 0;
    final[b * width + positions - 1] = 0;
    if (positions > 1) final[b * width + positions - 2] = 0;
    feasible[b] = inputLengths[b] > 0 && inputLengths[b] >= framesNeeded(sequence) ? 1 : 0;
    for (let t = 0; t < inputLengths[b]; t++) running[t * batch + b] = 1;
  }

  return tf.tidy(() => {
    const logProbs = tf.logSoftmax(logits); // [batch, time, classes]
    const emissions = tf.matMul(logProbs, tf.tensor3d(oneHot, [batch, classes, width])); // [batch, time, S]
    const perStep = tf.unstack(tf.transpose(emissions, [1, 0, 2])); // time × [batch, S]
    const runningT = tf.unstack(tf.tensor3d(running, [time, batch, 1])); // time × [batch, 1]
    const validT = tf.tensor2d(valid, [batch, width]); // [batch, S]
    const skipT = tf.tensor2d(skipAllowed, [batch, width]); // [batch, S]
    let alpha = tf.add(tf.add(perStep[0], tf.tensor2d(start, [batch, width])), validT) as tf.Tensor2D; // [batch, S]
    for (let t = 1; t < time; t++) {
      const fromPrevious = tf.pad(tf.slice(alpha, [0, 0], [batch, width - 1]), [[0, 0], [1, 0]], LOG_ZERO); // [batch, S]: α(s−1)
      const fromSkip = width > 2
        ? tf.add(tf.pad(tf.slice(alpha, [0, 0], [batch, width - 2]), [[0, 0], [2, 0]], LOG_ZERO), skipT) // [batch, S]: α(s−2) where allowed
        : tf.fill([batch, width], LOG_ZERO);
      const summed = tf.logSumExp(tf.stack([alpha, fromPrevious, fromSkip], 2), 2); // [batch, S]
      const next = tf.add(tf.add(summed, perStep[t]), validT); // [batch, S]
      // Past an utterance's last frame its α stays as it was: m·next + (1 − m)·α.
      alpha = tf.add(tf.mul(runningT[t], next), tf.mul(tf.sub(1, runningT[t]), alpha)) as tf.Tensor2D; // [batch, S]
    }
    const logLikelihood = tf.logSumExp(tf.add(alpha, tf.tensor2d(final, [batch, width])), 1); // [batch]
    return tf.mul(tf.neg(logLikelihood), tf.tensor1d(feasible)) as tf.Tensor1D; // [batch], 0 where infeasible
  });
}
