import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_FEATURES } from '../config.ts';
import { assertSameFeatureConfig, validateFeatureConfig } from './feature-config.ts';

test('identical configs pass, including a JSON round trip (as from meta.json)', () => {
  assertSameFeatureConfig(DEFAULT_FEATURES, JSON.parse(JSON.stringify(DEFAULT_FEATURES)));
});

test('differing fields are all named with both values', () => {
  const other = { ...DEFAULT_FEATURES, melBands: 26, fMax: 8000 };
  assert.throws(
    () => assertSameFeatureConfig(DEFAULT_FEATURES, other, ['model', 'front end']),
    (error: Error) =>
      /2 field\(s\)/.test(error.message) &&
      error.message.includes('melBands (model: 40, front end: 26)') &&
      error.message.includes('fMax (model: 7600, front end: 8000)') &&
      !error.message.includes('hopLength'),
  );
});

test('a field missing on one side counts as a difference', () => {
  const { deltaWindow: _dropped, ...partial } = DEFAULT_FEATURES;
  assert.throws(() => assertSameFeatureConfig(DEFAULT_FEATURES, partial as typeof DEFAULT_FEATURES), /deltaWindow \(a: 2, b: undefined\)/);
});

test('validateFeatureConfig accepts the default and names what is wrong otherwise', () => {
  validateFeatureConfig(DEFAULT_FEATURES);
  assert.throws(() => validateFeatureConfig({ ...DEFAULT_FEATURES, sampleRate: 8000 as 16000 }), /sampleRate must be 16000, got 8000/);
  assert.throws(() => validateFeatureConfig({ ...DEFAULT_FEATURES, fMax: 9000 }), /fMax=9000/);
  assert.throws(() => validateFeatureConfig({ ...DEFAULT_FEATURES, hopLength: 0 }), /hopLength/);
});
