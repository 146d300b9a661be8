/**
 * Training checkpoints. Each is a complete model folder (so it loads like any model) plus the
 * optimizer's moments and a state.json saying where training stood. Folders are written whole
 * under a temporary name and renamed into place, and only the newest two are kept, so a kill at
 * any moment leaves at least one readable checkpoint.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { readModelFolder, writeModelFolder, type ModelMeta } from '../io/model-store.ts';
import { removeStaleTemporaries } from '../io/atomic.ts';

export interface TrainState {
  /** Identifies the configuration; a checkpoint from another configuration is never resumed. */
  fingerprint: string;
  /** Optimizer steps taken so far. */
  step: number;
  /** Epoch in progress (0-based) and the next batch index within it. */
  epoch: number;
  batchInEpoch: number;
  bestCer: number | null;
  bestEpoch: number | null;
  epochsWithoutImprovement: number;
  /** Summed training loss and batch count of the epoch in progress. */
  epochLossSum: number;
  epochBatches: number;
  history: { epoch: number; trainLoss: number; devCer: number; devWer: number; seconds: number }[];
  done: boolean;
}

export interface Checkpoint {
  dir: string;
  state: TrainState;
  meta: ModelMeta;
  weights: tf.NamedTensorMap;
}

const PREFIX = 'ckpt-';
const OPTIMIZER_PREFIX = 'optimizer/';

function checkpointDirs(root: string): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root)
    .filter((name) => name.startsWith(PREFIX))
    .sort()
    .reverse()
    .map((name) => join(root, name));
}

/** Saves a checkpoint for `state.step`, then prunes all but the newest `keep`. */
export async function saveCheckpoint(
  root: string,
  meta: ModelMeta,
  modelWeights: tf.NamedTensorMap,
  optimizerWeights: tf.Tensor[],
  state: TrainState,
  keep = 2,
): Promise<string> {
  const dir = join(root, `${PREFIX}${String(state.step).padStart(9, '0')}`);
  const weights: tf.NamedTensorMap = { ...modelWeights };
  optimizerWeights.forEach((w, i) => {
    weights[`${OPTIMIZER_PREFIX}${String(i).padStart(4, '0')}`] = w;
  });
  await writeModelFolder(dir, meta, weights, { 'state.json': JSON.stringify(state, null, 2) });
  for (const old of checkpointDirs(root).slice(keep)) rmSync(old, { recursive: true, force: true });
  return dir;
}

/**
 * The newest checkpoint that reads back completely, or undefined. Broken ones (a disk that
 * filled up, a truncated copy) are skipped with a warning rather than ending the run.
 */
export async function loadLatestCheckpoint(root: string, warn: (message: string) => void): Promise<Checkpoint | undefined> {
  removeStaleTemporaries(root);
  for (const dir of checkpointDirs(root)) {
    try {
      const state = JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as TrainState;
      const { meta, weights } = await readModelFolder(dir);
      return { dir, state, meta, weights };
    } catch (error) {
      warn(`skipping unreadable checkpoint ${dir}: ${(error as Error).message}`);
    }
  }
  return undefined;
}

/** Splits a checkpoint's weights into the model's and the optimizer's (in saved order). */
export function splitOptimizerWeights(weights: tf.NamedTensorMap): { model: tf.NamedTensorMap; optimizer: tf.Tensor[] } {
  const model: tf.NamedTensorMap = {};
  const optimizer: [string, tf.Tensor][] = [];
  for (const [name, tensor] of Object.entries(weights)) {
    if (name.startsWith(OPTIMIZER_PREFIX)) optimizer.push([name, tensor]);
    else model[name] = tensor;
  }
  optimizer.sort(([a], [b]) => a.localeCompare(b));
  return { model, optimizer: optimizer.map(([, t]) => t) };
}
