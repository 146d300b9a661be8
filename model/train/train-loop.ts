/**
 * The training loop, read top to bottom like nanoGPT's train.py: load data, build or load the
 * model, resume from the last checkpoint if there is one, then epochs of length-bucketed batches
 * with Adam, gradient-norm clipping and a warm-up + cosine schedule; after each epoch, dev CER/WER,
 * best-model saving and early stopping. Checkpoints every N steps and at each epoch's end.
 */
import * as tf from '@tensorflow/tfjs';
import { createHash } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { writeFileAtomic } from '../io/atomic.ts';
import { lockFolder } from '../io/dir-lock.ts';
import { join, resolve } from 'node:path';
import { featureDim, type FeatureConfig, type ModelConfig, type RecurrentKind } from '../config.ts';
import { evaluateUtterances } from './dev-evaluation.ts';
import type { ResolvedDecoding } from '../ctc/decode-settings.ts';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, readModelFolder, writeModelFolder, type ModelMeta, type Normalisation } from '../io/model-store.ts';
import { AcousticModel } from '../nn/acoustic-model.ts';
import type { GradientRecord } from '../nn/gradient-recorder.ts';
import { Alphabet } from '../text/alphabet.ts';
import { transcriptsForModel } from '../text/phone-transcripts.ts';
import { Adam } from './adam.ts';
import { epochBatches, padBatch } from './batches.ts';
import { minimumFrames } from '../ctc/ctc-forward.ts';
import { loadLatestCheckpoint, saveCheckpoint, splitOptimizerWeights, type TrainState } from './checkpoint.ts';
import { computeNormalisation, loadUtterances, type Utterance } from './dataset.ts';
import { FeatureCache, defaultCacheDir } from './feature-cache.ts';
import { readManifest } from './manifest.ts';
import { learningRateAt } from './schedule.ts';
import { batchGradients, effectiveWorkers } from './data-parallel.ts';
import { GradientPool } from './gradient-pool.ts';
import { splitBatch, type Shard } from './shard-gradients.ts';
import { deviceStepGradients, onGpuBackend, type StepGradients } from './device-step.ts';
import { maskFeatures, type SpecAugmentConfig } from './spec-augment.ts';
import { epochSpeedChoices, validateSpeedFactors } from './speed-perturb.ts';

export interface TrainConfig {
  trainManifests: string[];
  devManifests: string[];
  /** Output folder: model/ (best so far), checkpoints/, train-log.jsonl. */
  out: string;
  /** Fine-tune from this model instead of starting fresh; its architecture and front end are kept. */
  from?: string;
  /** With `from`: the first N recurrent layers stay fixed. */
  frozenLayers: number;
  /**
   * With `from`: replace the top recurrent layer by a freshly initialised one of this kind (the
   * model then has ModelConfig.headArch when it differs from the other layers); the output layer
   * and the layers below keep the parent's weights.
   */
  newHead?: RecurrentKind;
  model: ModelConfig;
  features: FeatureConfig;
  epochs: number;
  batchSize: number;
  learningRate: number;
  warmupSteps: number;
  /** Final learning rate as a fraction of the peak. */
  minLearningRateRatio: number;
  /** Global gradient-norm limit. */
  clipNorm: number;
  /** Stop after this many epochs without a better dev CER. */
  patience: number;
  /**
   * Count an epoch whose dev CER equals the best as an improvement (save it, reset patience).
   * Fine-tuning on a few utterances reaches 0 % on its small held-out part early; the later,
   * better-trained epochs should win the tie, not the first.
   */
  keepLatestOnTie?: boolean;
  /** Mask random time spans and feature bands of each training utterance (off when absent). */
  specAugment?: SpecAugmentConfig;
  /**
   * Speed perturbation: the speeds each training utterance is also heard at, 1 included (e.g.
   * 0.9, 1, 1.1; see speed-perturb.ts); each epoch plays one of them per utterance. Off when absent.
   */
  speedPerturb?: readonly number[];
  /** Write a checkpoint every N optimizer steps (and at every epoch's end). */
  checkpointEvery: number;
  /**
   * Also keep the model of each of the last N epochs in `out/epochs/epoch-NNN` (weights only, with
   * that epoch's dev metrics), for checkpoint averaging (scripts/average-checkpoints.ts). 0 or
   * undefined: none (fine-tunes in the app need no extra copies on the user's disk).
   */
  keepEpochs?: number;
  seed: number;
  /** Decoding used for the dev metrics each epoch (greedy by default). */
  devDecode?: ResolvedDecoding;
  cacheDir?: string;
  /** The command line, for provenance. */
  command?: string;
  /** Backend description, for provenance. */
  backend?: string;
  /**
   * Lock `out` for the run (default true). The app's engine turns it off: its job queue already
   * runs one job per folder, and its worker thread can be killed and restarted inside one process,
   * which a lock judged by process id cannot tell from a live run.
   */
  lockOut?: boolean;
  /**
   * Threads sharing each batch (data-parallel, see gradient-pool.ts); default 1. On tfjs-node
   * training stays on one thread whatever is asked (a 'warning' event says so). Not part of the
   * resume fingerprint: a run may resume with another count (float-level differences only).
   */
  workers?: number;
  /**
   * Keep the whole step on the device (device-step.ts: no host read per time step), as GPU
   * backends need; default: on for tfjs-node-gpu and webgl, off elsewhere (the host path is
   * faster on wasm and cpu). Uses one worker. Steps that record gradients (TrainHooks.gradientEvery)
   * run on the host path, which has the recorder.
   */
  deviceResident?: boolean;
}

export type TrainEvent =
  | { type: 'data'; split: 'train' | 'dev'; utterances: number; audioSeconds: number; skipped: { audioPath: string; reason: string }[] }
  | { type: 'features'; split: 'train' | 'dev'; done: number; total: number }
  | { type: 'model'; parameters: number; fineTuning: boolean; frozenLayers: number }
  | { type: 'resume'; step: number; epoch: number; batch: number; checkpoint: string }
  | { type: 'warning'; message: string }
  | {
      type: 'step';
      epoch: number;
      epochs: number;
      step: number;
      totalSteps: number;
      batch: number;
      batchesPerEpoch: number;
      loss: number;
      gradNorm: number;
      learningRate: number;
      utterancesPerSecond: number;
      etaSeconds: number;
    }
  | { type: 'checkpoint'; step: number; dir: string }
  | {
      /** Per-step state-gradient norms of one batch (see TrainHooks.gradientEvery). */
      type: 'gradients';
      step: number;
      /** One per trained recurrent layer, lowest first (frozen layers get no gradient). */
      layers: GradientRecord[];
      /** Global gradient norm before clipping, and the limit. */
      globalNorm: number;
      clipNorm: number;
    }
  | { type: 'epoch'; epoch: number; trainLoss: number; devCer: number; devWer: number; seconds: number; improved: boolean }
  | { type: 'stopped'; reason: 'early-stopping' | 'cancelled' | 'epochs' }
  | {
      /** Every utterance left out (unreadable, empty transcript, too short for its text), listed in `file`. */
      type: 'skipped';
      split: 'train' | 'dev';
      count: number;
      of: number;
      file: string;
    };

export interface TrainResult {
  modelDir: string;
  bestEpoch: number | null;
  bestCer: number | null;
  history: TrainState['history'];
  stoppedBy: 'early-stopping' | 'cancelled' | 'epochs' | 'already-done';
  steps: number;
}

/** Everything that must match for a checkpoint to be resumed. */
function fingerprintOf(config: TrainConfig): string {
  const relevant = {
    train: config.trainManifests.map((p) => resolve(p)),
    dev: config.devManifests.map((p) => resolve(p)),
    from: config.from ? resolve(config.from) : null,
    frozenLayers: config.frozenLayers,
    newHead: config.newHead ?? null,
    model: config.from ? null : config.model,
    features: config.features,
    epochs: config.epochs,
    batchSize: config.batchSize,
    learningRate: config.learningRate,
    warmupSteps: config.warmupSteps,
    minLearningRateRatio: config.minLearningRateRatio,
    clipNorm: config.clipNorm,
    seed: config.seed,
    ...(config.keepLatestOnTie ? { keepLatestOnTie: true } : {}),
    ...(config.specAugment ? { specAugment: config.specAugment } : {}),
    ...(config.speedPerturb ? { speedPerturb: config.speedPerturb } : {}),
  };
  return createHash('sha256').update(JSON.stringify(relevant)).digest('hex').slice(0, 16);
}

async function loadSplit(
  manifests: string[],
  split: 'train' | 'dev',
  features: FeatureConfig,
  alphabet: Alphabet,
  cache: FeatureCache,
  emit: (e: TrainEvent) => void,
  signal?: AbortSignal,
  speedFactors?: readonly number[],
): Promise<{ utterances: Utterance[]; skipped: Skipped[]; total: number }> {
  const listed = manifests.flatMap((m) => readManifest(m));
  if (listed.length === 0) throw new Error(`the ${split} manifest ${manifests.join(', ')} lists no utterances`);
  // A phone model hears phones: ordinary text (a user's recordings) is said with the lexicon first.
  const spoken = transcriptsForModel(listed, alphabet);
  const entries = spoken.entries;
  const { utterances, skipped: unusable } = await loadUtterances(entries, {
    features,
    alphabet,
    cache,
    signal,
    speedFactors,
    onProgress: (done, total) => {
      if (done % 100 === 0 || done === total) emit({ type: 'features', split, done, total });
    },
  });
  const skipped = [...spoken.skipped, ...unusable];
  const audioSeconds = utterances.reduce((s, u) => s + (u.frames * features.hopLength) / features.sampleRate, 0);
  emit({ type: 'data', split, utterances: utterances.length, audioSeconds, skipped });
  if (utterances.length === 0 && !signal?.aborted) {
    throw new Error(`no usable ${split} utterances in ${manifests.join(', ')}: all ${listed.length} were skipped (first: ${skipped[0]?.audioPath}: ${skipped[0]?.reason})`);
  }
  return { utterances, skipped, total: listed.length };
}

/**
 * Writes every skipped utterance of a split to OUT/skipped-<split>.jsonl (one JSON line each:
 * audio path and reason) and reports the count, so none is left out silently.
 */
function reportSkipped(out: string, split: 'train' | 'dev', skipped: Skipped[], total: number, emit: (e: TrainEvent) => void): void {
  const file = join(out, `skipped-${split}.jsonl`);
  writeFileAtomic(file, skipped.map((s) => JSON.stringify(s) + '\n').join(''));
  if (skipped.length > 0) emit({ type: 'skipped', split, count: skipped.length, of: total, file });
}

type Skipped = { audioPath: string; reason: string };

/**
 * Splits off the utterances CTC cannot align (more labels, plus one blank between repeated
 * letters, than network steps). Training on them would add a loss of 0 (zero_infinity) and
 * nothing else, so they are left out and each one is reported.
 */
function keepAlignable(utterances: Utterance[], model: AcousticModel): { kept: Utterance[]; skipped: Skipped[] } {
  const kept: Utterance[] = [];
  const skipped: Skipped[] = [];
  for (const u of utterances) {
    const needed = minimumFrames(u.labels);
    const steps = model.stepsFor(u.frames);
    // A faster copy can be too short where the original is not: that copy alone is dropped.
    if (u.speeds) u.speeds = u.speeds.filter((v) => model.stepsFor(v.frames) >= needed);
    if (steps >= needed) kept.push(u);
    else skipped.push({ audioPath: u.audioPath, reason: `too short for its transcript: ${steps} network steps (${u.frames} frames at stack ${model.config.stack}) for ${needed} CTC labels` });
  }
  return { kept, skipped };
}

/**
 * The training set as played in `epoch`: each utterance at the speed epochSpeedChoices() drew
 * for it (choice 0 is the original), in the same order.
 */
function atEpochSpeeds(utterances: readonly Utterance[], seed: number, epoch: number): Utterance[] {
  const choices = epochSpeedChoices(seed, epoch, utterances.map((u) => 1 + (u.speeds?.length ?? 0)));
  return utterances.map((u, i) => {
    const choice = choices[i];
    if (choice === 0) return u;
    const version = u.speeds![choice - 1];
    return { ...u, features: version.features, frames: version.frames };
  });
}

/** Throws unless every trainable weight is finite (a diverged step must never be saved). */
function assertFiniteWeights(model: AcousticModel, when: string): void {
  const bad = tf.tidy(() => Object.entries(model.namedVariables())
    .filter(([, v]) => tf.logicalNot(tf.all(tf.isFinite(v))).dataSync()[0] === 1) // [] per variable
    .map(([name]) => name));
  if (bad.length > 0) {
    throw new TrainingDivergedError(`training diverged: weights ${bad.join(', ')} are NaN or infinite ${when}; nothing was saved from this state (the last good checkpoint and best model are kept); try a lower --lr`);
  }
}

/** Training stopped because the loss or the weights stopped being finite numbers. */
export class TrainingDivergedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'TrainingDivergedError';
  }
}

/** Builds the padded, normalised input of a batch and cuts it into `shards` shards. */
function batchShards(model: AcousticModel, items: Utterance[], shards: number, augment?: { config: SpecAugmentConfig; seed: number }): Shard[] {
  const dim = model.inputDim;
  const { data, maxFrames } = padBatch(items.map((u) => ({ data: u.features, frames: u.frames })), dim);
  // Normalise only the real frames; padding stays 0, which is the mean after normalisation.
  items.forEach((u, b) => {
    const frames = data.subarray(b * maxFrames * dim, (b * maxFrames + u.frames) * dim);
    model.normaliseInPlace(frames);
    if (augment) maskFeatures(frames, u.frames, dim, augment.config, augment.seed * 1000 + b);
  });
  // [batch, maxFrames, dim] → shards of [utterances, their maxFrames, dim]
  return splitBatch(data, maxFrames, dim, items.map((u) => u.frames), items.map((u) => u.labels), items.map((u) => model.stepsFor(u.frames)), shards);
}

/** Scales gradients so their global L2 norm is at most `limit`; returns the norm before scaling. */
function clipByGlobalNorm(gradients: tf.Tensor[], limit: number): { clipped: tf.Tensor[]; norm: number } {
  const norm = tf.tidy(() => tf.sqrt(tf.addN(gradients.map((g) => tf.sum(tf.square(g))))).dataSync()[0]);
  if (!(norm > limit)) return { clipped: gradients, norm };
  const scale = limit / norm;
  return { clipped: gradients.map((g) => tf.mul(g, scale)), norm };
}

/** The host path's step gradients (data-parallel over `pool` when given), clipped; loss and norm read. */
async function hostStepGradients(
  model: AcousticModel,
  variables: tf.Variable[],
  shards: Shard[],
  batchSize: number,
  record: boolean,
  pool: GradientPool | undefined,
  clipNorm: number,
): Promise<StepGradients> {
  const { value, gradients, records } = await batchGradients(model, variables, shards, batchSize, record, pool);
  const { clipped, norm } = clipByGlobalNorm(gradients, clipNorm);
  const loss = value.dataSync()[0];
  return { loss, norm, clipped, records, dispose: () => tf.dispose([value, ...gradients, ...clipped]) };
}

export interface TrainHooks {
  onEvent?: (e: TrainEvent) => void;
  /** Stops at the next batch boundary, after a checkpoint (a later run resumes from it). */
  signal?: AbortSignal;
  /** Every N steps, record the per-step state-gradient norms and emit a 'gradients' event. */
  gradientEvery?: number;
}

/**
 * Trains into `config.out`, holding a lock on it for the whole run: a second run into the same
 * folder is refused (naming the first), since both would write the same checkpoints and model.
 * A lock left by a killed run is taken over with a warning.
 */
export async function train(config: TrainConfig, hooks: TrainHooks = {}): Promise<TrainResult> {
  if (config.lockOut === false) return trainClosingPool(config, hooks);
  const out = resolve(config.out);
  const lock = lockFolder(out, 'training run', (message) => hooks.onEvent?.({ type: 'warning', message }));
  try {
    return await trainClosingPool(config, hooks);
  } finally {
    lock.release();
  }
}

async function trainClosingPool(config: TrainConfig, hooks: TrainHooks): Promise<TrainResult> {
  const resources: { pool?: GradientPool } = {};
  try {
    return await runTraining(config, hooks, resources);
  } finally {
    // Worker threads end with the run, however it ends (an error must not leave them running).
    await resources.pool?.close();
  }
}

async function runTraining(config: TrainConfig, hooks: TrainHooks, resources: { pool?: GradientPool }): Promise<TrainResult> {
  const emit = (e: TrainEvent) => hooks.onEvent?.(e);
  const out = resolve(config.out);
  const checkpointRoot = join(out, 'checkpoints');
  const modelDir = join(out, 'model');
  mkdirSync(out, { recursive: true });
  const fingerprint = fingerprintOf(config);

  // Resume first, so a rerun after a kill knows where it stood before doing any work.
  const checkpoint = await loadLatestCheckpoint(checkpointRoot, (message) => emit({ type: 'warning', message }));
  if (checkpoint && checkpoint.state.fingerprint !== fingerprint) {
    tf.dispose(Object.values(checkpoint.weights));
    throw new Error(
      `${out} holds a training run with different settings (checkpoint ${checkpoint.dir}); ` +
        `use another --out, or delete that folder to start over`,
    );
  }
  if (checkpoint?.state.done) {
    tf.dispose(Object.values(checkpoint.weights));
    const s = checkpoint.state;
    return { modelDir, bestEpoch: s.bestEpoch, bestCer: s.bestCer, history: s.history, stoppedBy: 'already-done', steps: s.step };
  }

  // The model: a checkpoint's, a parent's (fine-tuning), or a fresh one.
  let parent: { dir: string; meta: ModelMeta } | undefined;
  let features = config.features;
  let modelConfig = config.model;
  let parentWeights: tf.NamedTensorMap | undefined;
  if (config.from) {
    const loaded = await readModelFolder(config.from);
    parent = { dir: loaded.dir, meta: loaded.meta };
    parentWeights = loaded.weights;
    features = loaded.meta.features;
    modelConfig = loaded.meta.architecture;
  }
  const alphabet = new Alphabet(modelConfig.alphabet);
  const cache = new FeatureCache(config.cacheDir ?? defaultCacheDir(), features, featureDim(features));
  const cancelledEarly = (): TrainResult => {
    if (checkpoint) tf.dispose(Object.values(checkpoint.weights));
    if (parentWeights) tf.dispose(Object.values(parentWeights));
    emit({ type: 'stopped', reason: 'cancelled' });
    const s = checkpoint?.state;
    return { modelDir, bestEpoch: s?.bestEpoch ?? null, bestCer: s?.bestCer ?? null, history: s?.history ?? [], stoppedBy: 'cancelled', steps: s?.step ?? 0 };
  };
  if (config.speedPerturb) validateSpeedFactors(config.speedPerturb);
  const trainData = await loadSplit(config.trainManifests, 'train', features, alphabet, cache, emit, hooks.signal, config.speedPerturb);
  if (hooks.signal?.aborted) return cancelledEarly();
  const devData = await loadSplit(config.devManifests, 'dev', features, alphabet, cache, emit, hooks.signal);
  if (hooks.signal?.aborted) return cancelledEarly();
  let trainSet = trainData.utterances;
  let devSet = devData.utterances;

  // A fine-tuned model keeps its parent's normalisation: the network was trained on it.
  const normalisation: Normalisation = parent ? parent.meta.normalisation : computeNormalisation(trainSet, featureDim(features));
  let model: AcousticModel;
  if (checkpoint) {
    const { model: weights } = splitOptimizerWeights(checkpoint.weights);
    model = AcousticModel.fromWeights(checkpoint.meta.architecture, checkpoint.meta.features, checkpoint.meta.normalisation, weights);
  } else if (parentWeights && config.newHead) {
    // A fresh top layer of the chosen kind; everything else starts from the parent.
    const { headArch: _parentHead, ...rest } = modelConfig;
    modelConfig = config.newHead === rest.arch ? rest : { ...rest, headArch: config.newHead };
    model = AcousticModel.create(modelConfig, features, normalisation, config.seed);
    const top = `layer${modelConfig.layers - 1}/`;
    for (const [name, variable] of Object.entries(model.namedVariables())) {
      if (!name.startsWith(top) && parentWeights[name]) variable.assign(parentWeights[name]);
    }
  } else if (parentWeights) {
    model = AcousticModel.fromWeights(modelConfig, features, normalisation, parentWeights);
  } else {
    model = AcousticModel.create(modelConfig, features, normalisation, config.seed);
  }
  if (parentWeights) tf.dispose(Object.values(parentWeights));
  for (const [split, data] of [['train', trainData], ['dev', devData]] as const) {
    const { kept, skipped } = keepAlignable(data.utterances, model);
    reportSkipped(out, split, [...data.skipped, ...skipped], data.total, emit);
    if (kept.length === 0) {
      model.dispose();
      if (checkpoint) tf.dispose(Object.values(checkpoint.weights));
      throw new Error(
        `none of the ${data.total} ${split} utterances can be used: ${data.skipped.length} could not be read and ${skipped.length} ` +
          `are too short for their transcripts at stack ${model.config.stack} (CTC needs a network step per character); ` +
          `see ${join(out, `skipped-${split}.jsonl`)}`,
      );
    }
    if (split === 'train') trainSet = kept;
    else devSet = kept;
  }
  emit({ type: 'model', parameters: model.parameterCount(), fineTuning: Boolean(parent), frozenLayers: config.frozenLayers });

  const variables = model.trainableVariables(config.frozenLayers);
  const optimizer = new Adam(variables);
  const onDevice = config.deviceResident ?? onGpuBackend();
  const { workers: threads, note: workersNote } = effectiveWorkers(config.workers ?? 1, tf.getBackend());
  const workers = onDevice ? 1 : threads;
  if (workersNote) emit({ type: 'warning', message: workersNote });

  let state: TrainState = {
    fingerprint,
    step: 0,
    epoch: 0,
    batchInEpoch: 0,
    bestCer: null,
    bestEpoch: null,
    epochsWithoutImprovement: 0,
    epochLossSum: 0,
    epochBatches: 0,
    history: [],
    done: false,
  };
  if (checkpoint) {
    optimizer.restore(splitOptimizerWeights(checkpoint.weights).optimizer);
    tf.dispose(Object.values(checkpoint.weights));
    state = checkpoint.state;
    emit({ type: 'resume', step: state.step, epoch: state.epoch, batch: state.batchInEpoch, checkpoint: checkpoint.dir });
  }

  const meta = (metrics: Record<string, unknown>): ModelMeta => ({
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    name: parent ? `${parent.meta.name}-finetuned` : `cellscribe-${model.config.arch}-${model.config.layers}x${model.config.units}`,
    architecture: model.config,
    features: model.features,
    normalisation: model.normalisation,
    provenance: {
      createdAt: new Date().toISOString(),
      command: config.command ?? null,
      parent: parent ? { dir: parent.dir, name: parent.meta.name } : null,
      trainManifests: config.trainManifests,
      devManifests: config.devManifests,
      trainUtterances: trainSet.length,
      devUtterances: devSet.length,
      seed: config.seed,
      epochs: config.epochs,
      batchSize: config.batchSize,
      learningRate: config.learningRate,
      frozenLayers: config.frozenLayers,
      backend: config.backend ?? tf.getBackend(),
      steps: state.step,
    },
    metrics,
  });
  const checkpointNow = async () => {
    assertFiniteWeights(model, `at step ${state.step}`);
    const dir = await saveCheckpoint(checkpointRoot, meta({}), model.namedVariables(), optimizer.state(), state);
    emit({ type: 'checkpoint', step: state.step, dir });
  };

  // The other threads' model copies start from these weights; train() closes the pool.
  const pool = workers > 1 ? await GradientPool.start(model, config.frozenLayers, workers - 1) : undefined;
  resources.pool = pool;

  const batchesPerEpoch = epochBatches(trainSet.map((u) => u.frames), config.batchSize, config.seed, 0).length;
  const totalSteps = batchesPerEpoch * config.epochs;
  const schedule = { peak: config.learningRate, warmupSteps: config.warmupSteps, totalSteps, minRatio: config.minLearningRateRatio };
  let stoppedBy: 'early-stopping' | 'cancelled' | 'epochs' = 'epochs';
  const started = Date.now();
  const stepsAtStart = state.step;
  let epochStarted = Date.now();

  for (; state.epoch < config.epochs; state.epoch++, state.batchInEpoch = 0) {
    // This epoch's speed of each utterance (all originals without speed perturbation); batches
    // group by the lengths actually played.
    const epochSet = config.speedPerturb ? atEpochSpeeds(trainSet, config.seed, state.epoch) : trainSet;
    const batches = epochBatches(epochSet.map((u) => u.frames), config.batchSize, config.seed, state.epoch);
    if (state.batchInEpoch === 0) epochStarted = Date.now();
    for (; state.batchInEpoch < batches.length; ) {
      if (hooks.signal?.aborted) {
        await checkpointNow();
        stoppedBy = 'cancelled';
        break;
      }
      const items = batches[state.batchInEpoch].map((i) => epochSet[i]);
      const learningRate = learningRateAt(state.step, schedule);
      const augment = config.specAugment ? { config: config.specAugment, seed: (config.seed * 7919 + state.step) >>> 0 } : undefined;
      const shards = batchShards(model, items, workers, augment);
      const recordGradients = hooks.gradientEvery !== undefined && state.step % hooks.gradientEvery === 0;
      const step = onDevice && !recordGradients
        ? await deviceStepGradients(model, variables, shards[0], config.clipNorm)
        : await hostStepGradients(model, variables, shards, items.length, recordGradients, pool, config.clipNorm);
      const { loss, norm } = step;
      // A non-finite loss or gradient is checked before the update: applying it would turn every
      // weight into NaN, and nothing of that state may reach a checkpoint or the best model.
      if (!Number.isFinite(loss) || !Number.isFinite(norm)) {
        step.dispose();
        throw new TrainingDivergedError(
          `training diverged: the ${Number.isFinite(loss) ? 'gradient norm' : 'loss'} is ${Number.isFinite(loss) ? norm : loss} at step ${state.step + 1} ` +
            `(learning rate ${learningRate}); nothing was saved from this step (the last good checkpoint and best model are kept); try a lower --lr`,
        );
      }
      // Backward runs top layer first: reversed, the lowest trained layer comes first.
      if (recordGradients) emit({ type: 'gradients', step: state.step + 1, layers: step.records.reverse(), globalNorm: norm, clipNorm: config.clipNorm });
      optimizer.apply(step.clipped, learningRate);
      step.dispose();

      state.step += 1;
      state.batchInEpoch += 1;
      state.epochLossSum += loss;
      state.epochBatches += 1;
      const elapsed = (Date.now() - started) / 1000;
      const done = state.step - stepsAtStart;
      emit({
        type: 'step',
        epoch: state.epoch,
        epochs: config.epochs,
        step: state.step,
        totalSteps,
        batch: state.batchInEpoch,
        batchesPerEpoch: batches.length,
        loss,
        gradNorm: norm,
        learningRate,
        utterancesPerSecond: (done * config.batchSize) / Math.max(elapsed, 1e-3),
        etaSeconds: (elapsed / done) * (totalSteps - state.step),
      });
      if (state.step % config.checkpointEvery === 0) await checkpointNow();
      // Let the event loop run between steps: a worker must see a cancel request in time.
      await new Promise((resolveTurn) => setImmediate(resolveTurn));
    }
    if (stoppedBy === 'cancelled') break;

    // End of epoch: dev metrics, best model, early stopping. A diverged model is not evaluated:
    // its CER would be a number, and the first epoch's is always "best so far".
    assertFiniteWeights(model, `at the end of epoch ${state.epoch + 1}`);
    const dev = evaluateUtterances(model, devSet, config.devDecode ?? {});
    const trainLoss = state.epochLossSum / Math.max(1, state.epochBatches);
    const improved = state.bestCer === null || dev.cer < state.bestCer || (config.keepLatestOnTie === true && dev.cer === state.bestCer);
    const seconds = (Date.now() - epochStarted) / 1000;
    state.history.push({ epoch: state.epoch, trainLoss, devCer: dev.cer, devWer: dev.wer, seconds });
    appendFileSync(join(out, 'train-log.jsonl'), JSON.stringify({ epoch: state.epoch, step: state.step, trainLoss, devCer: dev.cer, devWer: dev.wer, seconds }) + '\n');
    emit({ type: 'epoch', epoch: state.epoch, trainLoss, devCer: dev.cer, devWer: dev.wer, seconds, improved });
    state.epochLossSum = 0;
    state.epochBatches = 0;
    if (improved) {
      state.bestCer = dev.cer;
      state.bestEpoch = state.epoch;
      state.epochsWithoutImprovement = 0;
      await writeModelFolder(modelDir, meta({ dev: { cer: dev.cer, wer: dev.wer, utterances: dev.utterances, epoch: state.epoch } }), model.namedVariables());
    } else {
      state.epochsWithoutImprovement += 1;
    }
    if (config.keepEpochs) {
      const epochsRoot = join(out, 'epochs');
      const epochMetrics = { dev: { cer: dev.cer, wer: dev.wer, utterances: dev.utterances, epoch: state.epoch } };
      await writeModelFolder(join(epochsRoot, `epoch-${String(state.epoch + 1).padStart(3, '0')}`), meta(epochMetrics), model.namedVariables());
      const kept = readdirSync(epochsRoot).filter((name) => name.startsWith('epoch-')).sort();
      for (const old of kept.slice(0, Math.max(0, kept.length - config.keepEpochs))) rmSync(join(epochsRoot, old), { recursive: true, force: true });
    }
    const stopEarly = state.epochsWithoutImprovement >= config.patience;
    if (stopEarly || state.epoch + 1 >= config.epochs) {
      state.done = true;
      state.epoch += 1;
      state.batchInEpoch = 0;
      await checkpointNow();
      stoppedBy = stopEarly ? 'early-stopping' : 'epochs';
      break;
    }
    // Checkpoint at the start of the next epoch, so a resume does not redo this evaluation.
    state.epoch += 1;
    state.batchInEpoch = 0;
    await checkpointNow();
    state.epoch -= 1; // the loop's increment moves it forward again
  }
  emit({ type: 'stopped', reason: stoppedBy });
  optimizer.dispose();
  model.dispose();
  return { modelDir, bestEpoch: state.bestEpoch, bestCer: state.bestCer, history: state.history, stoppedBy, steps: state.step };
}
