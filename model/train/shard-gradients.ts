/**
 * One shard of a training batch: the CTC loss of its utterances and the gradient of every
 * trained weight. Data-parallel training (data-parallel.ts) runs this on the training thread for
 * the first shard and in gradient workers (gradient-worker.ts) for the others; with one worker
 * the whole batch is the only shard.
 *
 * The batch loss is the mean of the per-utterance CTC losses, so a shard returns
 * Σ_{its utterances} loss / batchSize and the gradient of that: summing the shards' values and
 * gradients gives exactly the full batch's mean and its gradient (up to float rounding in the
 * order of the sums).
 */
import * as tf from '@tensorflow/tfjs';
import { ctcLoss } from '../ctc/ctc-loss.ts';
import type { AcousticModel } from '../nn/acoustic-model.ts';
import { startGradientRecording, stopGradientRecording, type GradientRecord } from '../nn/gradient-recorder.ts';

/** A shard's normalised, padded input and its targets. */
export interface Shard {
  /** [utterances, frames, dim] row-major, padding zero. */
  data: Float32Array;
  utterances: number;
  frames: number;
  labels: number[][];
  /** Valid network steps per utterance. */
  steps: number[];
}

export interface ShardGradients {
  /** Σ loss / batchSize over the shard, a scalar tensor. */
  value: tf.Scalar;
  /** One per trained variable, in the order given. */
  gradients: tf.Tensor[];
  /** Per-step state-gradient norms, when recording was asked for (top layer first). */
  records: GradientRecord[];
}

/** Loss and gradients of one shard; `batchSize` is the whole batch's (the loss is its mean). */
export function shardGradients(model: AcousticModel, variables: tf.Variable[], shard: Shard, batchSize: number, record: boolean): ShardGradients {
  let records: GradientRecord[] = [];
  const input = tf.tensor3d(shard.data, [shard.utterances, shard.frames, model.inputDim]); // [utterances, frames, dim]
  if (record) startGradientRecording();
  let result: { value: tf.Scalar; grads: tf.NamedTensorMap };
  try {
    result = tf.variableGrads(() => {
      const logits = model.logits(input); // [utterances, steps, classes]
      const losses = ctcLoss(logits, shard.labels, shard.steps); // [utterances]
      return tf.div(tf.sum(losses), batchSize) as tf.Scalar; // this shard's share of the batch mean
    }, variables);
  } finally {
    input.dispose();
    if (record) records = stopGradientRecording();
  }
  return { value: result.value, gradients: variables.map((v) => result.grads[v.name]), records };
}

/**
 * Splits a padded batch [batch, maxFrames, dim] into `count` contiguous shards of nearly equal
 * size (batches are length-bucketed, so equal counts are nearly equal work); each shard is cut to
 * its own longest utterance. Fewer shards when the batch is smaller than `count`.
 */
export function splitBatch(data: Float32Array, maxFrames: number, dim: number, frames: number[], labels: number[][], steps: number[], count: number): Shard[] {
  const batch = frames.length;
  const shards = Math.max(1, Math.min(count, batch));
  if (shards === 1) return [{ data, utterances: batch, frames: maxFrames, labels, steps }];
  const out: Shard[] = [];
  for (let k = 0; k < shards; k++) {
    const start = Math.floor((k * batch) / shards);
    const end = Math.floor(((k + 1) * batch) / shards);
    const shardFrames = Math.max(...frames.slice(start, end));
    const shardData = new Float32Array((end - start) * shardFrames * dim); // [utterances, shardFrames, dim]
    for (let b = start; b < end; b++) {
      const from = b * maxFrames * dim;
      shardData.set(data.subarray(from, from + shardFrames * dim), (b - start) * shardFrames * dim);
    }
    out.push({ data: shardData, utterances: end - start, frames: shardFrames, labels: labels.slice(start, end), steps: steps.slice(start, end) });
  }
  return out;
}

/**
 * Merges per-shard gradient records into the whole batch's: the norm over the batch at step t
 * is √(Σ_shards norm_k(t)²); a shard shorter than the longest contributes 0 past its end.
 */
export function mergeGradientRecords(perShard: GradientRecord[][]): GradientRecord[] {
  const first = perShard[0] ?? [];
  return first.map((layer, i) => {
    const steps = Math.max(...perShard.map((records) => records[i]?.norms.length ?? 0));
    const squares = new Float64Array(steps); // [steps]
    for (const records of perShard) {
      const norms = records[i]?.norms ?? new Float32Array(0);
      for (let t = 0; t < norms.length; t++) squares[t] += norms[t] * norms[t];
    }
    return { state: layer.state, norms: Float32Array.from(squares, (s) => Math.sqrt(s)) };
  });
}
