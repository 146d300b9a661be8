/**
 * Length-bucketed batches: utterances of similar length go together, so little of each batch
 * is padding. The order is a pure function of (seed, epoch), which is what lets a killed run
 * resume at the exact batch it stopped at.
 */
import { createRandom, shuffled } from './random.ts';

/**
 * Splits utterance indices into batches for one epoch: shuffle, cut into pools of 50 batches,
 * sort each pool by length, cut into batches, then shuffle the batch order.
 */
export function epochBatches(lengths: readonly number[], batchSize: number, seed: number, epoch: number): number[][] {
  if (batchSize < 1) throw new Error(`batch size must be at least 1, got ${batchSize}`);
  const random = createRandom((seed * 1000003 + epoch * 7919) >>> 0);
  const order = shuffled(lengths.map((_, i) => i), random);
  const poolSize = batchSize * 50;
  const batches: number[][] = [];
  for (let start = 0; start < order.length; start += poolSize) {
    const pool = order.slice(start, start + poolSize).sort((a, b) => lengths[a] - lengths[b]);
    for (let b = 0; b < pool.length; b += batchSize) batches.push(pool.slice(b, b + batchSize));
  }
  return shuffled(batches, random);
}

/** Batches for evaluation: sorted by length, no shuffling. */
export function evalBatches(lengths: readonly number[], batchSize: number): number[][] {
  const order = lengths.map((_, i) => i).sort((a, b) => lengths[a] - lengths[b]);
  const batches: number[][] = [];
  for (let b = 0; b < order.length; b += batchSize) batches.push(order.slice(b, b + batchSize));
  return batches;
}

/** Copies variable-length [frames × dim] matrices into one zero-padded [batch, maxFrames, dim] buffer. */
export function padBatch(items: readonly { data: Float32Array; frames: number }[], dim: number): { data: Float32Array; maxFrames: number } {
  const maxFrames = Math.max(1, ...items.map((it) => it.frames));
  const data = new Float32Array(items.length * maxFrames * dim);
  items.forEach((item, b) => data.set(item.data.subarray(0, item.frames * dim), b * maxFrames * dim));
  return { data, maxFrames };
}
