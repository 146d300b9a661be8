/** Public API of the feature front end (16 kHz PCM → normalised 39-dim MFCC rows). */
export type { FeatureMatrix } from './feature-matrix.ts';
export { concatFeatures, emptyFeatures } from './feature-matrix.ts';
export { assertSameFeatureConfig, validateFeatureConfig } from './feature-config.ts';
export { computeFeatures, extractCepstra, extractFeatures, frameCount, MfccExtractor } from './mfcc.ts';
export { deltas, withDeltas } from './deltas.ts';
export { StreamingFeatures } from './streaming-features.ts';
export type { FeatureStats } from './normalisation.ts';
export { applyNormalisation, FeatureStatsAccumulator, STD_FLOOR, validateStats } from './normalisation.ts';
