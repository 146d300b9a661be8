/** A small, fast training configuration for tests on real FSDD speech; override what a test needs. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_FEATURES, DEFAULT_MODEL } from '../config.ts';
import type { TrainConfig } from '../train/train-loop.ts';

// One feature cache per test process, so repeated runs in a file reuse the features.
const cacheDir = mkdtempSync(join(tmpdir(), 'feature-cache-'));

export function testTrainConfig(out: string, trainManifest: string, devManifest: string, overrides: Partial<TrainConfig> = {}): TrainConfig {
  return {
    trainManifests: [trainManifest],
    devManifests: [devManifest],
    out,
    frozenLayers: 0,
    model: { ...DEFAULT_MODEL, layers: 1, units: 24, stack: 3 },
    features: DEFAULT_FEATURES,
    epochs: 4,
    batchSize: 8,
    learningRate: 0.01,
    warmupSteps: 2,
    minLearningRateRatio: 0.1,
    clipNorm: 10,
    patience: 10,
    checkpointEvery: 3,
    seed: 7,
    cacheDir,
    ...overrides,
  };
}
