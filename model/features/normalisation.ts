/**
 * Global mean/variance normalisation (CMVN). The statistics are computed once over the training
 * set, stored in the model (plain JSON numbers) and applied identically in training and in the
 * app; being global, they are streaming-safe (each row is normalised on its own).
 */
import type { FeatureMatrix } from './feature-matrix.ts';

/** Per-dimension statistics, JSON-serialisable so they can live in a model's meta.json. */
export interface FeatureStats {
  dim: number;
  /** Frames the statistics were computed from. */
  count: number;
  mean: number[];
  /** Population standard deviation, floored at STD_FLOOR. */
  std: number[];
}

/** Smallest std used, so a constant dimension maps to 0 instead of dividing by zero. */
export const STD_FLOOR = 1e-5;

/**
 * Accumulates per-dimension mean and variance over many utterances. Each add() computes the
 * block's own mean and squared deviations in float64 and merges them (Chan et al.), which stays
 * accurate over millions of frames where a plain Σx² would lose c0's variance to cancellation.
 */
export class FeatureStatsAccumulator {
  readonly dim: number;
  private count = 0;
  private readonly mean: Float64Array; // [dim]
  private readonly m2: Float64Array; // [dim] Σ (x − mean)²

  constructor(dim: number) {
    if (!Number.isInteger(dim) || dim <= 0) throw new Error(`FeatureStatsAccumulator: dim must be a positive integer, got ${dim}`);
    this.dim = dim;
    this.mean = new Float64Array(dim);
    this.m2 = new Float64Array(dim);
  }

  /** Adds every frame of `features` ([frames × dim]). */
  add(features: FeatureMatrix): void {
    const { frames, dim, data } = features;
    if (dim !== this.dim) throw new Error(`FeatureStatsAccumulator.add: expected dim ${this.dim}, got ${dim}`);
    if (frames === 0) return;
    const blockMean = new Float64Array(dim);
    for (let t = 0; t < frames; t++) for (let j = 0; j < dim; j++) blockMean[j] += data[t * dim + j];
    for (let j = 0; j < dim; j++) blockMean[j] /= frames;
    const blockM2 = new Float64Array(dim);
    for (let t = 0; t < frames; t++) {
      for (let j = 0; j < dim; j++) {
        const deviation = data[t * dim + j] - blockMean[j];
        blockM2[j] += deviation * deviation;
      }
    }
    const total = this.count + frames;
    for (let j = 0; j < dim; j++) {
      const shift = blockMean[j] - this.mean[j];
      this.mean[j] += (shift * frames) / total;
      this.m2[j] += blockM2[j] + (shift * shift * this.count * frames) / total;
    }
    this.count = total;
  }

  /** Frames added so far. */
  get frames(): number {
    return this.count;
  }

  /** The statistics so far (population variance). Throws if nothing was added. */
  finish(): FeatureStats {
    if (this.count === 0) throw new Error('FeatureStatsAccumulator.finish: no frames were added');
    const std = Array.from(this.m2, (m2) => Math.max(Math.sqrt(m2 / this.count), STD_FLOOR));
    return { dim: this.dim, count: this.count, mean: Array.from(this.mean), std };
  }
}

/** Throws unless `stats` is well formed for rows of width `dim`. */
export function validateStats(stats: FeatureStats, dim: number): void {
  if (stats.dim !== dim || stats.mean.length !== dim || stats.std.length !== dim) {
    throw new Error(
      `FeatureStats: expected dim ${dim}, got dim ${stats.dim} with ${stats.mean.length} means and ${stats.std.length} stds`,
    );
  }
  for (let j = 0; j < dim; j++) {
    if (!Number.isFinite(stats.mean[j]) || !(stats.std[j] > 0) || !Number.isFinite(stats.std[j])) {
      throw new Error(`FeatureStats: dimension ${j} has mean ${stats.mean[j]} and std ${stats.std[j]}; expected finite, std > 0`);
    }
  }
}

/** (x − mean) / std per dimension, as a new matrix of the same shape. */
export function applyNormalisation(features: FeatureMatrix, stats: FeatureStats): FeatureMatrix {
  const { frames, dim, data } = features;
  validateStats(stats, dim);
  const out = new Float32Array(frames * dim); // [frames, dim]
  const invStd = stats.std.map((s) => 1 / s);
  for (let t = 0; t < frames; t++) {
    for (let j = 0; j < dim; j++) out[t * dim + j] = (data[t * dim + j] - stats.mean[j]) * invStd[j];
  }
  return { data: out, frames, dim };
}
