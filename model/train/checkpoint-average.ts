/**
 * Checkpoint averaging: the element-wise mean of the weights of several checkpoints of one
 * training run. The mean of the last few checkpoints usually generalises a little better than
 * any one of them (icefall averages its last epochs, ESPnet and fairseq their last N snapshots),
 * and it costs no training. Optimizer moments in checkpoints are left out: the result is a model.
 */
import * as tf from '@tensorflow/tfjs';
import { readModelFolder, type ModelMeta } from '../io/model-store.ts';
import { splitOptimizerWeights } from './checkpoint.ts';

/** What must match for two folders to be averaged: the same network and the same front end. */
function compatibilityKey(meta: ModelMeta): string {
  return JSON.stringify([meta.architecture, meta.features, meta.normalisation]);
}

/**
 * Averages the model weights of `dirs` (checkpoint or model folders of the same architecture,
 * front end and normalisation). The meta is the last folder's, with `averagedFrom` in its
 * provenance and no dev metrics (none were measured on the average). The caller owns the tensors.
 */
export async function averageModelFolders(dirs: readonly string[]): Promise<{ meta: ModelMeta; weights: tf.NamedTensorMap }> {
  if (dirs.length < 2) throw new Error(`averaging needs at least two checkpoints, got ${dirs.length}`);
  let sums: tf.NamedTensorMap | undefined;
  let first: { dir: string; key: string } | undefined;
  let meta: ModelMeta | undefined;
  for (const dir of dirs) {
    const loaded = await readModelFolder(dir);
    const { model, optimizer } = splitOptimizerWeights(loaded.weights);
    tf.dispose(optimizer);
    const key = compatibilityKey(loaded.meta);
    if (!first) first = { dir: loaded.dir, key };
    else if (key !== first.key) {
      tf.dispose(Object.values(model));
      if (sums) tf.dispose(Object.values(sums));
      throw new Error(`${loaded.dir}: another architecture, front end or normalisation than ${first.dir}; only checkpoints of one run can be averaged`);
    }
    if (!sums) sums = model;
    else {
      for (const [name, tensor] of Object.entries(model)) {
        const sum = sums[name];
        if (!sum || sum.shape.join() !== tensor.shape.join()) {
          tf.dispose([...Object.values(model), ...Object.values(sums)]);
          throw new Error(`${loaded.dir}: weight ${name} is missing from or shaped differently in ${first.dir}`);
        }
        sums[name] = tf.add(sum, tensor); // same shape as the weight
        tf.dispose([sum, tensor]);
      }
    }
    meta = loaded.meta;
  }
  const weights: tf.NamedTensorMap = {};
  for (const [name, sum] of Object.entries(sums!)) {
    weights[name] = tf.div(sum, dirs.length); // same shape as the weight
    sum.dispose();
  }
  return {
    meta: { ...meta!, provenance: { ...meta!.provenance, averagedFrom: [...dirs] }, metrics: {} },
    weights,
  };
}
