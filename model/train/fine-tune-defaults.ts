/**
 * Fine-tuning defaults: how an existing model is adapted to a small dataset (one person's
 * recordings, ~100 short utterances). One copy, read by `cellscribe train --from` and by the
 * app's fine-tuning jobs, so the CLI and the app train the same way.
 *
 * Why these values (measured in docs/fine-tuning-results.md): a lower peak rate than training
 * from scratch and no warm-up, because the weights are already good; small batches, because the
 * dataset is small and more steps per epoch help; patience 6 on the held-out part, because it is
 * only ~20 recordings and its CER moves in large steps.
 */
export const FINE_TUNE_DEFAULTS = {
  epochs: 30,
  batchSize: 8,
  learningRate: 0.001,
  warmupSteps: 0,
  patience: 6,
  /** Gradient-norm limit, as for training from scratch. */
  clipNorm: 10,
} as const;
