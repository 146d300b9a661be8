import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_FEATURES, DEFAULT_MODEL } from '../config.ts';
import { FINE_TUNE_DEFAULTS } from './fine-tune-defaults.ts';
import { TRAIN_DEFAULTS, trainRecipe } from './recipe.ts';

const data = { trainManifests: ['train.json'], devManifests: ['dev.json'], out: 'runs/x' };

test('from scratch and fine-tuning take their own defaults; the fixed choices are the same for both', () => {
  const scratch = trainRecipe(data);
  const fineTune = trainRecipe({ ...data, from: 'models/base' });
  for (const key of ['epochs', 'batchSize', 'learningRate', 'warmupSteps', 'patience', 'clipNorm'] as const) {
    assert.equal(scratch[key], TRAIN_DEFAULTS[key], key);
    assert.equal(fineTune[key], FINE_TUNE_DEFAULTS[key], key);
  }
  assert.equal(scratch.keepLatestOnTie, false);
  assert.equal(fineTune.keepLatestOnTie, true);
  for (const config of [scratch, fineTune]) {
    assert.equal(config.minLearningRateRatio, 0.05);
    assert.deepEqual(config.model, DEFAULT_MODEL);
    assert.deepEqual(config.features, DEFAULT_FEATURES);
  }
});

test('what the caller chooses wins; what it leaves undefined keeps the default', () => {
  const config = trainRecipe({ ...data, from: 'models/base', epochs: 3, learningRate: undefined, frozenLayers: 1, command: 'app' });
  assert.equal(config.epochs, 3);
  assert.equal(config.learningRate, FINE_TUNE_DEFAULTS.learningRate);
  assert.equal(config.frozenLayers, 1);
  assert.equal(config.command, 'app');
  assert.deepEqual(config.trainManifests, ['train.json']);
});
