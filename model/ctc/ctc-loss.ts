/**
 * Batched CTC loss for training, with its own gradient. The dynamic programme runs in plain JS
 * on Float64 copies of the logits (one dataSync), which is fast at these sizes and behaves the
 * same on the cpu and wasm backends; tf.customGrad hands the precomputed gradient back to
 * autodiff.
 */
import * as tf from '@tensorflow/tfjs';
import { ctcLossAndGradient } from './ctc-forward.ts';
import { logSoftmaxRows } from './log-math.ts';

/** Options of ctcLoss. Only blank = 0 is supported (the alphabet's convention). */
export interface CtcLossOptions {
  blank?: 0;
}

let warnedInfeasible = false;

/** Lets the next infeasible utterance warn again (tests check that exactly one warning comes). */
export function resetInfeasibleWarning(): void {
  warnedInfeasible = false;
}

function validate(shape: number[], labels: number[][], inputLengths: number[], blank: number): void {
  const [batch, time, classes] = shape;
  if (labels.length !== batch) {
    throw new Error(`ctcLoss: expected ${batch} label sequences (one per batch row), got ${labels.length}`);
  }
  if (inputLengths.length !== batch) {
    throw new Error(`ctcLoss: expected ${batch} input lengths, got ${inputLengths.length}`);
  }
  inputLengths.forEach((length, b) => {
    if (!Number.isInteger(length) || length < 0 || length > time) {
      throw new Error(`ctcLoss: input length ${b} must be an integer in [0, ${time}], got ${length}`);
    }
  });
  labels.forEach((sequence, b) => sequence.forEach((label) => {
    if (!Number.isInteger(label) || label < 0 || label >= classes || label === blank) {
      throw new Error(`ctcLoss: labels of utterance ${b} must be class ids in [1, ${classes - 1}] (0 is the blank), got ${label}`);
    }
  }));
}

/**
 * CTC negative log-likelihood per utterance.
 *
 * @param logits [batch, time, classes] unnormalised scores (log-softmax is applied inside).
 * @param labels per utterance, class ids 1..classes-1 (no blanks, no padding).
 * @param inputLengths valid frames per utterance; frames t ≥ inputLength are padding and get
 *   zero gradient.
 * @returns [batch] −log p(labels | logits). Utterances whose labels cannot fit their frames
 *   (needing inputLength ≥ labels + adjacent repeats) give 0 and a zero gradient, like torch's
 *   `zero_infinity=True`, with a one-time console warning.
 *
 * Gradient wrt logits: dy · (softmax − posterior state occupancy) on valid frames.
 */
export function ctcLoss(logits: tf.Tensor3D, labels: number[][], inputLengths: number[],
                        opts: CtcLossOptions = {}): tf.Tensor1D {
  const blank = opts.blank ?? 0;
  if (blank !== 0) throw new Error(`ctcLoss: only blank = 0 is supported, got ${String(blank)}`);
  if (logits.rank !== 3) throw new Error(`ctcLoss: expected logits [batch, time, classes], got shape [${logits.shape}]`);
  validate(logits.shape, labels, inputLengths, blank);
  const [batch, time, classes] = logits.shape;

  // customGrad passes its inputs followed by a save function; only the logits matter here.
  const lossFn = tf.customGrad((...inputs: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const raw = (inputs[0] as tf.Tensor).dataSync(); // [batch*time*classes] row-major
    const losses = new Float32Array(batch);
    const grad = new Float32Array(batch * time * classes); // [batch, time, classes], zero on padding
    for (let b = 0; b < batch; b++) {
      const frames = inputLengths[b];
      const offset = b * time * classes;
      // Log-softmax over only the valid frames: padding never enters the recursion.
      const logProbs = logSoftmaxRows(raw.subarray(offset, offset + frames * classes), frames, classes); // [frames*classes]
      const result = ctcLossAndGradient(logProbs, frames, classes, labels[b], blank,
        grad.subarray(offset, offset + frames * classes));
      losses[b] = result.loss;
      if (!result.feasible) {
        grad.fill(0, offset, offset + frames * classes);
        if (!warnedInfeasible) {
          warnedInfeasible = true;
          console.warn(`ctcLoss: utterance ${b} has ${labels[b].length} labels that cannot fit in ${frames} frames; ` +
            'its loss and gradient are set to 0 (zero_infinity). Further cases are not reported.');
        }
      }
    }
    return {
      value: tf.tensor1d(losses) as tf.Tensor, // [batch]
      gradFunc: (dy: tf.Tensor) => tf.tidy(() =>
        tf.mul(tf.reshape(dy, [batch, 1, 1]), tf.tensor3d(grad, [batch, time, classes]))), // [batch, time, classes]
    };
  });
  return lossFn(logits) as tf.Tensor1D;
}
