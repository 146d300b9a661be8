import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colourOf, LANE_BACKGROUND, legendGradient, luminance, robustLimit, symmetricLimit, writeColour } from './colour-scales.ts';

test('diverging scale: −limit is blue, 0 is exactly the lane background, +limit is orange', () => {
  const [r0, g0, b0] = colourOf('diverging', -2, 2);
  assert.ok(b0 > r0 + 60, `−limit should be blue, got ${[r0, g0, b0]}`);
  const [r1, g1, b1] = colourOf('diverging', 2, 2);
  assert.ok(r1 > b1 + 60, `+limit should be orange, got ${[r1, g1, b1]}`);
  assert.deepEqual(colourOf('diverging', 0, 2), LANE_BACKGROUND);
  // The background is dark: zero must not glare.
  assert.ok(luminance(LANE_BACKGROUND) < 30);
});

test('diverging scale: lightness grows with |value| on both sides, at about the same rate', () => {
  for (const sign of [-1, 1]) {
    let previous = luminance(LANE_BACKGROUND);
    for (let i = 1; i <= 100; i++) {
      const value = luminance(colourOf('diverging', (sign * i) / 100, 1));
      assert.ok(value >= previous - 1e-9, `luminance fell at ${(sign * i) / 100}: ${previous} → ${value}`);
      previous = value;
    }
  }
  for (const v of [0.25, 0.5, 0.75, 1]) {
    const difference = Math.abs(luminance(colourOf('diverging', v, 1)) - luminance(colourOf('diverging', -v, 1)));
    assert.ok(difference < 45, `luminance of ±${v} differs by ${difference}`);
  }
});

test('diverging scale clamps outside ±limit and treats NaN as the low end, never throwing', () => {
  assert.deepEqual(colourOf('diverging', 100, 1), colourOf('diverging', 1, 1));
  assert.deepEqual(colourOf('diverging', -100, 1), colourOf('diverging', -1, 1));
  assert.deepEqual(colourOf('diverging', Number.NaN, 1), colourOf('diverging', -1, 1));
  // A zero limit (an all-zero matrix) must not divide by zero into NaN colours.
  assert.deepEqual(colourOf('diverging', 0, 0), colourOf('diverging', 0, 1));
});

test('sequential scale: luminance rises monotonically from 0 to 1 (viridis) and clamps', () => {
  let previous = -Infinity;
  for (let i = 0; i <= 100; i++) {
    const value = luminance(colourOf('sequential', i / 100));
    assert.ok(value >= previous - 1e-9, `luminance fell at ${i / 100}: ${previous} → ${value}`);
    previous = value;
  }
  assert.deepEqual(colourOf('sequential', 0), [68, 1, 84]);
  assert.deepEqual(colourOf('sequential', 1), [253, 231, 37]);
  assert.deepEqual(colourOf('sequential', 1.7), colourOf('sequential', 1));
  assert.deepEqual(colourOf('sequential', -0.3), colourOf('sequential', 0));
});

test('writeColour writes three bytes at the offset and nothing else', () => {
  const out = new Uint8ClampedArray(8).fill(7);
  writeColour('sequential', 1, 1, out, 4);
  assert.deepEqual([...out], [7, 7, 7, 7, 253, 231, 37, 7]);
});

test('symmetricLimit is the largest magnitude, floored for silent matrices', () => {
  assert.equal(symmetricLimit(Float32Array.from([0.5, -3, 2])), 3);
  assert.equal(symmetricLimit(new Float32Array(4)), 1e-3);
  assert.equal(symmetricLimit(new Float32Array(0), 0.5), 0.5);
});

test('legend gradients list their stops from 0% to 100%', () => {
  for (const kind of ['diverging', 'sequential'] as const) {
    const gradient = legendGradient(kind);
    assert.match(gradient, /^rgb\(\d+,\d+,\d+\) 0\.0%/);
    assert.match(gradient, /100\.0%$/);
  }
});

test('robustLimit ignores a few outliers: the 98th percentile of |value|', () => {
  const values = Float32Array.from({ length: 1000 }, (_, i) => ((i % 2 ? 1 : -1) * (i % 100)) / 100); // |v| in 0..0.99
  values[3] = 50;
  values[7] = -60;
  const limit = robustLimit(values);
  const sorted = [...values].map(Math.abs).sort((a, b) => a - b);
  assert.equal(limit, sorted[Math.floor(0.98 * 999)]);
  assert.ok(limit < 1, `outliers ignored, got ${limit}`);
  assert.equal(robustLimit(new Float32Array(10)), 1e-3);
  assert.equal(robustLimit(new Float32Array(0)), 1e-3);
});
