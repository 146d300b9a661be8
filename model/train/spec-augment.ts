/**
 * SpecAugment-style masking (Park et al. 2019) on normalised feature frames: a few random spans
 * of time and a few random bands of feature dimensions are set to 0 (the mean after
 * normalisation). With little data it keeps the network from memorising utterances: it must
 * read words from partial evidence. Seeded, so a run (and a resumed run) repeats exactly.
 */
import { createRandom } from './random.ts';

export interface SpecAugmentConfig {
  /** Time masks per utterance, each up to maxTimeFraction of its frames long. */
  timeMasks: number;
  maxTimeFraction: number;
  /** Feature masks per utterance, each up to maxFeatureWidth dimensions wide. */
  featureMasks: number;
  maxFeatureWidth: number;
}

export const DEFAULT_SPEC_AUGMENT: SpecAugmentConfig = { timeMasks: 2, maxTimeFraction: 0.05, featureMasks: 2, maxFeatureWidth: 4 };

/** Masks one utterance's [frames × dim] normalised features in place. */
export function maskFeatures(data: Float32Array, frames: number, dim: number, config: SpecAugmentConfig, seed: number): void {
  const random = createRandom(seed);
  const maxSpan = Math.max(1, Math.floor(frames * config.maxTimeFraction));
  for (let m = 0; m < config.timeMasks; m++) {
    const span = Math.floor(random() * (maxSpan + 1));
    const start = Math.floor(random() * Math.max(1, frames - span));
    data.fill(0, start * dim, (start + span) * dim);
  }
  for (let m = 0; m < config.featureMasks; m++) {
    const width = Math.floor(random() * (config.maxFeatureWidth + 1));
    const first = Math.floor(random() * Math.max(1, dim - width));
    for (let t = 0; t < frames; t++) data.fill(0, t * dim + first, t * dim + first + width);
  }
}
