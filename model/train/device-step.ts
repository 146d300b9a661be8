/**
 * A training step that stays on the device, for GPU backends (tfjs-node-gpu, webgl): the
 * recurrent layers of nn/recurrent-device.ts, the CTC loss of ctc/ctc-loss-device.ts, gradient
 * clipping with the norm kept as a tensor, and Adam (whose state is tensors already). The step
 * itself reads nothing back (tested by counting reads on the cpu backend); the training loop
 * reads the loss and the gradient norm once per step, asynchronously, to refuse a non-finite
 * update and for its progress events.
 */
import * as tf from '@tensorflow/tfjs';
import { ctcLossOnDevice } from '../ctc/ctc-loss-device.ts';
import { selectedBackend } from '../engine/backend.ts';
import type { AcousticModel } from '../nn/acoustic-model.ts';
import type { Adam } from './adam.ts';
import type { GradientRecord } from '../nn/gradient-recorder.ts';
import type { Shard } from './shard-gradients.ts';

/** True where the backend computes on a GPU: there per-time-step host reads would stall it. */
export function onGpuBackend(): boolean {
  return selectedBackend()?.name === 'tfjs-node-gpu' || tf.getBackend() === 'webgl' || tf.getBackend() === 'webgpu';
}

/** A step's clipped gradients, ready for the optimizer, with the batch loss and the norm before clipping. */
export interface StepGradients {
  loss: number;
  norm: number;
  /** One per trained variable. */
  clipped: tf.Tensor[];
  /** Per-step gradient norms, when recorded (host path only). */
  records: GradientRecord[];
  /** Frees the step's tensors (after the optimizer has used them). */
  dispose(): void;
}

/**
 * The whole batch's (one shard's) mean loss, the gradient norm before clipping and the clipped
 * gradients, all left on the device: nothing is read back.
 */
export function deviceGradients(
  model: AcousticModel,
  variables: tf.Variable[],
  batch: Shard,
  clipNorm: number,
): { loss: tf.Scalar; gradNorm: tf.Scalar; clipped: tf.Tensor[] } {
  const input = tf.tensor3d(batch.data, [batch.utterances, batch.frames, model.inputDim]); // [batch, frames, dim]
  const { value, grads } = tf.variableGrads(() => {
    const logits = model.logitsOnDevice(input); // [batch, steps, classes]
    return tf.mean(ctcLossOnDevice(logits, batch.labels, batch.steps)) as tf.Scalar; // mean over the batch
  }, variables);
  const gradients = variables.map((v) => grads[v.name]);
  const gradNorm = tf.tidy(() => tf.sqrt(tf.addN(gradients.map((g) => tf.sum(tf.square(g))))) as tf.Scalar); // []
  // Clip by global norm without reading it: scale = limit / norm where norm > limit, else 1.
  const clipped = tf.tidy(() => {
    const scale = tf.where(tf.greater(gradNorm, clipNorm), tf.div(clipNorm, gradNorm), tf.scalar(1)); // []
    return gradients.map((g) => tf.mul(g, scale));
  });
  tf.dispose([input, ...gradients]);
  return { loss: value, gradNorm, clipped };
}

/** deviceGradients followed by the optimizer update: a whole training step with no host read. */
export function deviceTrainStep(
  model: AcousticModel,
  variables: tf.Variable[],
  optimizer: Adam,
  batch: Shard,
  learningRate: number,
  clipNorm: number,
): { loss: tf.Scalar; gradNorm: tf.Scalar } {
  const { loss, gradNorm, clipped } = deviceGradients(model, variables, batch, clipNorm);
  optimizer.apply(clipped, learningRate);
  tf.dispose(clipped);
  return { loss, gradNorm };
}

/**
 * For the training loop: deviceGradients, then ONE asynchronous read of the loss and the norm,
 * which the loop needs before the update (a non-finite one must not reach the weights) and for
 * its progress events. Per step, not per time step.
 */
export async function deviceStepGradients(
  model: AcousticModel,
  variables: tf.Variable[],
  batch: Shard,
  clipNorm: number,
): Promise<StepGradients> {
  const { loss, gradNorm, clipped } = deviceGradients(model, variables, batch, clipNorm);
  const both = tf.stack([loss, gradNorm]); // [2]
  const [lossValue, norm] = await both.data();
  tf.dispose([loss, gradNorm, both]);
  return { loss: lossValue, norm, clipped, records: [], dispose: () => tf.dispose(clipped) };
}
