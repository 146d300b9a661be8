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
 * Where to cut `frames.length` utterances into `shards` contiguous, non-empty groups so that
 * the slowest group is as fast as it can be: a shard's work is its utterance count times its
 * longest utterance (it runs padded to that), and the step waits for the slowest shard. The cut
 * into equal counts is kept whenever it is already as good (equal lengths, as in the bench), so
 * the split only moves when lengths differ enough to matter. Returns shards + 1 boundaries,
 * from 0 to frames.length.
 */
export function shardBounds(frames: readonly number[], shards: number): number[] {
  const n = frames.length;
  const equal = Array.from({ length: shards + 1 }, (_, k) => Math.floor((k * n) / shards));
  const cost = (start: number, end: number) => {
    let longest = 0;
    for (let b = start; b < end; b++) longest = Math.max(longest, frames[b]);
    return (end - start) * longest;
  };
  const worst = (bounds: number[]) => Math.max(...bounds.slice(1).map((end, k) => cost(bounds[k], end)));
  // best[k][i]: the smallest possible slowest-shard cost for the first i utterances in k shards.
  const best = Array.from({ length: shards + 1 }, () => new Array<number>(n + 1).fill(Infinity));
  const cut = Array.from({ length: shards + 1 }, () => new Array<number>(n + 1).fill(0));
  best[0][0] = 0;
  for (let k = 1; k <= shards; k++) {
    for (let i = k; i <= n - (shards - k); i++) {
      for (let j = k - 1; j < i; j++) {
        const value = Math.max(best[k - 1][j], cost(j, i));
        if (value < best[k][i]) {
          best[k][i] = value;
          cut[k][i] = j;
        }
      }
    }
  }
  if (worst(equal) <= best[shards][n]) return equal;
  const bounds = [n];
  for (let k = shards; k > 0; k--) bounds.unshift(cut[k][bounds[0]]);
  return bounds;
}

/**
 * Splits a padded batch [batch, maxFrames, dim] into `count` contiguous shards balanced by work
 * (shardBounds: utterances × longest frames; batches are length-bucketed, so this is usually
 * an equal count); each shard is cut to its own longest utterance. Fewer shards when the batch
 * is smaller than `count`.
 */
export function splitBatch(data: Float32Array, maxFrames: number, dim: number, frames: number[], labels: number[][], steps: number[], count: number): Shard[] {
  const batch = frames.length;
  const shards = Math.max(1, Math.min(count, batch));
  if (shards === 1) return [{ data, utterances: batch, frames: maxFrames, labels, steps }];
  const bounds = shardBounds(frames, shards);
  const out: Shard[] = [];
  for (let k = 0; k < shards; k++) {
    const start = bounds[k];
    const end = bounds[k + 1];
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
