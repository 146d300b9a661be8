/**
 * The fine-tuning settings a job uses when its FineTuneRequest leaves them at 0, so the app can
 * show them as values ("30 passes", "0.001") rather than "0 = default". The training code's own
 * copy is model/train/fine-tune-defaults.ts (model/ imports nothing outside itself);
 * app/fine-tune-defaults.test.ts fails when the two differ.
 */
export const FINE_TUNE_DEFAULT_VALUES = {
  epochs: 30,
  learningRate: 0.001,
  /** Epochs without a better held-out CER before training stops early. */
  patience: 6,
  /** Gradient-norm limit: larger corrections are scaled down to it. */
  clipNorm: 10,
  batchSize: 8,
} as const;
