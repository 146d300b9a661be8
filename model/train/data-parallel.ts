/**
 * One data-parallel training step's gradients: shard 0 on this thread, the others in the
 * gradient pool's workers at the same time, then summed in shard order. Each shard's loss is its
 * share of the batch mean (shard-gradients.ts), so the sum is the batch's loss and gradient.
 */
import { availableParallelism } from 'node:os';
import * as tf from '@tensorflow/tfjs';
import type { AcousticModel } from '../nn/acoustic-model.ts';
import type { GradientRecord } from '../nn/gradient-recorder.ts';
import { supportsWorkerThreads, type GradientPool } from './gradient-pool.ts';
import { mergeGradientRecords, shardGradients, type Shard, type ShardGradients } from './shard-gradients.ts';

/** The default worker count: one per core. */
export function defaultWorkers(): number {
  return availableParallelism();
}

/**
 * How many threads training uses for `requested` workers on the tfjs backend `tfBackend`
 * (tf.getBackend()), and why it is fewer when it is: tfjs-node ('tensorflow') cannot run in
 * several threads of one process.
 */
export function effectiveWorkers(requested: number, tfBackend: string): { workers: number; note?: string } {
  if (!Number.isInteger(requested) || requested < 1) throw new Error(`workers must be a positive integer, got ${requested}`);
  if (requested > 1 && !supportsWorkerThreads(tfBackend)) {
    const name = tfBackend === 'tensorflow' ? 'tfjs-node' : tfBackend;
    return { workers: 1, note: `the ${name} backend cannot run in several threads of one process (not context-aware), so training uses 1 worker instead of ${requested}` };
  }
  return { workers: requested };
}

/** The batch's mean loss and gradients (one per variable), summed over all shards. */
export async function batchGradients(
  model: AcousticModel,
  variables: tf.Variable[],
  shards: Shard[],
  batchSize: number,
  record: boolean,
  pool: GradientPool | undefined,
): Promise<ShardGradients> {
  if (shards.length > 1 && !pool) throw new Error(`${shards.length} shards but no gradient workers`);
  const remote = pool ? pool.dispatch(shards.slice(1), batchSize, record) : Promise.resolve([]);
  remote.catch(() => undefined); // awaited below; keeps a failure during the local shard from going unhandled
  const local = shardGradients(model, variables, shards[0], batchSize, record);
  let results;
  try {
    results = await remote;
  } catch (error) {
    tf.dispose([local.value, ...local.gradients]);
    throw error;
  }
  if (results.length === 0) return local;
  const gradients = tf.tidy(() => variables.map((v, i) =>
    results.reduce((sum: tf.Tensor, r) => tf.add(sum, tf.tensor(r.gradients[i], v.shape)), local.gradients[i]))); // [variable shape] each
  const value = tf.tidy(() => tf.add(local.value, results.reduce((s, r) => s + r.loss, 0)) as tf.Scalar);
  tf.dispose([local.value, ...local.gradients]);
  const records: GradientRecord[] = record ? mergeGradientRecords([local.records, ...results.map((r) => r.records)]) : [];
  return { value, gradients, records };
}
