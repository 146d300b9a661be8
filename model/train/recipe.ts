/**
 * The training run that `cellscribe train` and the app's fine-tuning jobs both start: one place
 * for the defaults (from scratch, or fine-tuning when `from` is given) and for the choices that are
 * not the user's (the default model and front end, the schedule's floor, how a tie on a small
 * held-out set is settled), so the CLI and the app train the same way. Callers pass what the user
 * chose; whatever they leave out takes the recipe's value.
 */
import { DEFAULT_FEATURES, DEFAULT_MODEL } from '../config.ts';
import { FINE_TUNE_DEFAULTS } from './fine-tune-defaults.ts';
import type { TrainConfig } from './train-loop.ts';

/** From-scratch defaults (fine-tuning: FINE_TUNE_DEFAULTS). */
export const TRAIN_DEFAULTS = { epochs: 30, batchSize: 32, learningRate: 0.002, warmupSteps: 100, patience: 5, clipNorm: 10 } as const;

/** What a caller may choose: the data and the output folder, and anything else it wants to set. */
export type TrainChoices = Pick<TrainConfig, 'trainManifests' | 'devManifests' | 'out'> & Partial<TrainConfig>;

export function trainRecipe(choices: TrainChoices): TrainConfig {
  const fineTune = choices.from !== undefined;
  const defaults = fineTune ? FINE_TUNE_DEFAULTS : TRAIN_DEFAULTS;
  const chosen = Object.fromEntries(Object.entries(choices).filter(([, value]) => value !== undefined)) as TrainChoices;
  return {
    model: DEFAULT_MODEL,
    features: DEFAULT_FEATURES,
    frozenLayers: 0,
    epochs: defaults.epochs,
    batchSize: defaults.batchSize,
    learningRate: defaults.learningRate,
    warmupSteps: defaults.warmupSteps,
    patience: defaults.patience,
    clipNorm: defaults.clipNorm,
    // The cosine schedule ends at 5 % of the peak rather than 0: the last epochs still learn.
    minLearningRateRatio: 0.05,
    // Fine-tuning's held-out part is small: its CER ties often, and the later epoch should win.
    keepLatestOnTie: fineTune,
    checkpointEvery: 50,
    seed: 1,
    ...chosen,
  };
}
