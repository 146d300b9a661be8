/**
 * Learning-rate schedule: linear warm-up, then a cosine decay to `minRatio` × the peak by the
 * last planned step. Warm-up keeps Adam's first, noisy moments from kicking a fresh LSTM into
 * saturated gates; the decay lets the last epochs settle.
 */
export interface ScheduleConfig {
  peak: number;
  warmupSteps: number;
  totalSteps: number;
  minRatio: number;
}

export function learningRateAt(step: number, s: ScheduleConfig): number {
  if (s.warmupSteps > 0 && step < s.warmupSteps) return (s.peak * (step + 1)) / s.warmupSteps;
  const span = Math.max(1, s.totalSteps - s.warmupSteps);
  const progress = Math.min(1, Math.max(0, (step - s.warmupSteps) / span));
  const cosine = 0.5 * (1 + Math.cos(Math.PI * progress));
  return s.peak * (s.minRatio + (1 - s.minRatio) * cosine);
}
