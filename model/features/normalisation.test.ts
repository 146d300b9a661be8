import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyNormalisation, FeatureStatsAccumulator, STD_FLOOR, validateStats } from './normalisation.ts';
import type { FeatureMatrix } from './feature-matrix.ts';

function block(frames: number, dim: number, value: (t: number, j: number) => number): FeatureMatrix {
  const data = new Float32Array(frames * dim);
  for (let t = 0; t < frames; t++) for (let j = 0; j < dim; j++) data[t * dim + j] = value(t, j);
  return { data, frames, dim };
}

test('accumulated mean/std equal a two-pass computation over all frames', () => {
  const blocks = [
    block(7, 3, (t, j) => -100 + Math.sin(t * 1.3 + j) * (j + 1)),
    block(1, 3, (t, j) => 5 * j - 80),
    block(30, 3, (t, j) => -95 + Math.cos(t * 0.7) * 3 - j),
  ];
  const accumulator = new FeatureStatsAccumulator(3);
  for (const b of blocks) accumulator.add(b);
  const stats = accumulator.finish();
  assert.equal(stats.count, 38);
  for (let j = 0; j < 3; j++) {
    const values = blocks.flatMap((b) => Array.from({ length: b.frames }, (_, t) => b.data[t * 3 + j]));
    const mean = values.reduce((a, v) => a + v, 0) / values.length;
    const variance = values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length;
    assert.ok(Math.abs(stats.mean[j] - mean) < 1e-9, `mean ${j}`);
    assert.ok(Math.abs(stats.std[j] - Math.sqrt(variance)) < 1e-9, `std ${j}`);
  }
  const normalised = applyNormalisation(blocks[2], stats);
  const expected = (blocks[2].data[4 * 3 + 1] - stats.mean[1]) / stats.std[1];
  assert.ok(Math.abs(normalised.data[4 * 3 + 1] - expected) < 1e-6);
});

test('normalising the training set itself gives zero mean and unit variance', () => {
  const features = block(50, 4, (t, j) => (j + 1) * Math.sin(t) - 40 * j);
  const accumulator = new FeatureStatsAccumulator(4);
  accumulator.add(features);
  const out = applyNormalisation(features, accumulator.finish());
  for (let j = 0; j < 4; j++) {
    let sum = 0;
    let squares = 0;
    for (let t = 0; t < 50; t++) {
      sum += out.data[t * 4 + j];
      squares += out.data[t * 4 + j] ** 2;
    }
    assert.ok(Math.abs(sum / 50) < 1e-5 && Math.abs(squares / 50 - 1) < 1e-4, `dim ${j}`);
  }
});

test('a constant dimension gets the std floor and maps to 0, never NaN', () => {
  const accumulator = new FeatureStatsAccumulator(2);
  accumulator.add(block(5, 2, (t, j) => (j === 0 ? 3 : t)));
  const stats = accumulator.finish();
  assert.equal(stats.std[0], STD_FLOOR);
  const out = applyNormalisation(block(2, 2, () => 3), stats);
  assert.equal(out.data[0], 0);
  assert.ok(out.data.every(Number.isFinite));
});

test('shape mismatches and empty statistics throw', () => {
  const accumulator = new FeatureStatsAccumulator(3);
  assert.throws(() => accumulator.finish(), /no frames/);
  assert.throws(() => accumulator.add(block(2, 4, () => 0)), /expected dim 3, got 4/);
  assert.throws(() => validateStats({ dim: 2, count: 1, mean: [0, 0], std: [1, 0] }, 2), /dimension 1/);
  assert.throws(() => applyNormalisation(block(1, 3, () => 0), { dim: 2, count: 1, mean: [0, 0], std: [1, 1] }), /expected dim 3/);
});
