import { test } from 'node:test';
import assert from 'node:assert/strict';
import { colourOf } from '../inspect/colour-scales.ts';
import { decadeLabel, decadesAcrossTime, logFraction, NON_FINITE_COLOUR, widenRange, writeGradientColour, plainFactor } from './gradient-scale.ts';

const close = (actual: number, expected: number, tolerance = 1e-9) => assert.ok(Math.abs(actual - expected) <= tolerance, `expected ${expected}, got ${actual}`);

test('equal ratios of norms are equal steps in colour: the scale is logarithmic', () => {
  const range = { low: -6, high: 0 };
  close(logFraction(1e-6, range), 0);
  close(logFraction(1, range), 1);
  close(logFraction(1e-3, range), 0.5);
  // ×10 anywhere in the range moves the colour by one sixth (6 decades).
  for (const norm of [2e-6, 3.3e-5, 1e-4, 0.07]) close(logFraction(norm * 10, range) - logFraction(norm, range), 1 / 6, 1e-6);
});

test('zero norms sit at the dark end, values outside the range clamp, non-finite ones are flagged', () => {
  const range = { low: -4, high: -1 };
  assert.equal(logFraction(0, range), 0);
  assert.equal(logFraction(-3, range), 0);
  assert.equal(logFraction(1e-9, range), 0);
  assert.equal(logFraction(1e3, range), 1);
  assert.ok(Number.isNaN(logFraction(Number.POSITIVE_INFINITY, range)));
  assert.ok(Number.isNaN(logFraction(Number.NaN, range)));
  const out = new Uint8ClampedArray(6);
  writeGradientColour(Number.NaN, range, out, 3);
  assert.deepEqual([...out.slice(3)], [...NON_FINITE_COLOUR]);
  writeGradientColour(1e-1, range, out, 0);
  assert.deepEqual([...out.slice(0, 3)], [...colourOf('sequential', 1)]);
});

test('the range covers the positive finite norms, keeps a minimum width and caps the decades', () => {
  const range = widenRange(null, Float32Array.from([0, 1e-5, 3e-3, 0.2, Number.NaN, Number.POSITIVE_INFINITY]))!;
  close(range.high, Math.log10(0.2), 1e-6);
  close(range.low, Math.log10(1e-5), 1e-6);
  const flat = widenRange(null, Float32Array.from([0.5, 0.5]))!;
  close(flat.high - flat.low, 2);
  const deep = widenRange(null, Float32Array.from([1e-30, 1]))!;
  close(deep.high - deep.low, 10);
  assert.equal(widenRange(null, Float32Array.from([0, Number.NaN])), null);
});

test('the range only widens across snapshots, so a growing gradient brightens the heatmap', () => {
  const first = widenRange(null, Float32Array.from([1e-4, 1e-2]))!;
  const second = widenRange(first, Float32Array.from([1e-3, 5e-3]))!;
  assert.deepEqual(second, first, 'a narrower snapshot keeps the wider range');
  const third = widenRange(second, Float32Array.from([1e-6, 10]))!;
  assert.ok(third.low <= first.low && third.high >= first.high);
  // With a fixed range, the same cell ×100 is visibly brighter (two decades of six).
  assert.ok(logFraction(1e-1, third) - logFraction(1e-3, third) > 0.25);
});

test('decades across time: log10(first / last) per layer of a [layers × steps] matrix', () => {
  const norms = Float32Array.from([1e-5, 1e-3, 1e-1, /* layer 2 */ 2, 1, 0.5]);
  const decades = decadesAcrossTime(norms, 2, 3);
  close(decades[0], -4, 1e-5);
  close(decades[1], Math.log10(4), 1e-6);
  assert.ok(Number.isNaN(decadesAcrossTime(Float32Array.from([0, 1]), 1, 2)[0]));
  assert.throws(() => decadesAcrossTime(norms, 3, 3), /expected 3×3 = 9 norms, got 6/);
  assert.equal(decadeLabel(-3), '1e-3');
  assert.equal(decadeLabel(-2.54), '10^-2.5');
});

test('plainFactor says a change in decades as a factor in words', () => {
  assert.equal(plainFactor(-5.2), '160 000× weaker');
  assert.equal(plainFactor(0.5), '3× stronger');
  assert.equal(plainFactor(-1), '10× weaker');
  assert.equal(plainFactor(0.1), 'about as strong');
  assert.match(plainFactor(Number.NaN), /not measurable/);
});
