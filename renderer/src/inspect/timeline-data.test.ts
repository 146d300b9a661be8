import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { InspectionDTO } from '../../../contract/contract.ts';
import { colourOf } from './colour-scales.ts';
import { appendInspection, emptyInspection, featurePixels, heatmapColumns, heatmapPixels, stickyLimit, mostLikelyClasses, stepAt, waveformEnvelope } from './timeline-data.ts';

/** An inspection whose every value encodes (step, unit, which matrix), so slices are checkable. */
function inspection(firstStep: number, steps: number, units = 3, classes = ['', 'a', 'b']): InspectionDTO {
  const matrix = (tag: number) => Float32Array.from({ length: steps * units }, (_, i) => tag * 1000 + (firstStep + Math.floor(i / units)) * 10 + (i % units));
  return {
    stepSeconds: 0.03,
    steps,
    classes,
    logProbs: Float32Array.from({ length: steps * classes.length }, (_, i) => -((firstStep + Math.floor(i / classes.length) + (i % classes.length)) % classes.length)),
    features: Float32Array.from({ length: steps * 3 * 2 }, (_, i) => firstStep * 6 + i),
    featureFrames: steps * 3,
    featureDim: 2,
    layers: [
      { units, cellState: matrix(1), hidden: matrix(2), inputGate: matrix(3) },
      { units, cellState: matrix(4), hidden: matrix(5) },
    ],
  };
}

test('appending chunks gives the same timeline as one inspection of all steps', () => {
  const whole = inspection(0, 9);
  let timeline = emptyInspection();
  for (const [first, count] of [[0, 4], [4, 0], [4, 1], [5, 4]] as const) timeline = appendInspection(timeline, inspection(first, count));
  assert.equal(timeline.steps, 9);
  assert.equal(timeline.featureFrames, 27);
  assert.equal(timeline.featureDim, 2);
  assert.deepEqual(timeline.classes, whole.classes);
  assert.deepEqual([...timeline.logProbs], [...whole.logProbs]);
  assert.deepEqual([...timeline.features], [...whole.features]);
  assert.equal(timeline.layers.length, 2);
  for (let l = 0; l < 2; l++) {
    assert.equal(timeline.layers[l].units, 3);
    for (const key of ['cellState', 'hidden', 'inputGate'] as const) {
      assert.deepEqual(timeline.layers[l][key] && [...timeline.layers[l][key]!], whole.layers[l][key] && [...whole.layers[l][key]!], `layer ${l} ${key}`);
    }
  }
  assert.equal(timeline.layers[1].inputGate, undefined);
});

test('mostLikelyClasses is the argmax of each row (first on ties)', () => {
  const logProbs = Float32Array.from([-1, -0.1, -3, /**/ -0.5, -0.5, -9, /**/ -2, -2, -0.2]);
  assert.deepEqual([...mostLikelyClasses(logProbs, 3, 3)], [1, 0, 2]);
});

test('heatmapPixels: column = step, row = order[row]; each pixel is the value\u2019s colour, opaque', () => {
  const steps = 4;
  const units = 3;
  const matrix = Float32Array.from({ length: steps * units }, (_, i) => ((i % units) - 1) * 0.3 + Math.floor(i / units) * 0.05);
  const order = Int32Array.from([2, 0, 1]);
  const pixels = heatmapPixels(matrix, steps, units, order, 'diverging', 1);
  assert.equal(pixels.length, steps * units * 4);
  for (let row = 0; row < units; row++) {
    for (let t = 0; t < steps; t++) {
      const offset = (row * steps + t) * 4;
      assert.deepEqual([...pixels.subarray(offset, offset + 3)], [...colourOf('diverging', matrix[t * units + order[row]], 1)], `row ${row} step ${t}`);
      assert.equal(pixels[offset + 3], 255);
    }
  }
  assert.throws(() => heatmapPixels(matrix, steps, units, Int32Array.from([0, 1]), 'sequential', 1), /order of 3 units, got 2/);
  assert.throws(() => heatmapPixels(matrix.subarray(0, 5), steps, units, order, 'sequential', 1), /4×3=12 values, got 5/);
});

test('heatmapPixels with pooling: each row is the largest-magnitude value of its units (brute force)', () => {
  const steps = 5;
  const units = 7;
  const matrix = Float32Array.from({ length: steps * units }, (_, i) => Math.sin(i * 1.7) * (i % 3 === 0 ? -2 : 1));
  const order = Int32Array.from([6, 0, 5, 1, 4, 2, 3]);
  const pool = 3;
  const pixels = heatmapPixels(matrix, steps, units, order, 'diverging', 2, pool);
  assert.equal(pixels.length, steps * 3 * 4, 'ceil(7 / 3) = 3 rows');
  for (let row = 0; row < 3; row++) {
    for (let t = 0; t < steps; t++) {
      const group = [...order.subarray(row * pool, row * pool + pool)].map((unit) => matrix[t * units + unit]);
      const expected = group.reduce((best, v) => (Math.abs(v) > Math.abs(best) ? v : best));
      const offset = (row * steps + t) * 4;
      assert.deepEqual([...pixels.subarray(offset, offset + 3)], [...colourOf('diverging', expected, 2)], `row ${row} step ${t}`);
    }
  }
  assert.throws(() => heatmapPixels(matrix, steps, units, order, 'diverging', 2, 0), /pool must be a positive integer/);
});

test('featurePixels puts coefficient 0 on the bottom row and normalises each row', () => {
  const frames = 5;
  const dim = 2;
  // Coefficient 0 is huge and coefficient 1 small, yet both should span the colour range.
  const features = Float32Array.from({ length: frames * dim }, (_, i) => (i % dim === 0 ? 1000 * (Math.floor(i / dim) - 2) : 0.01 * (Math.floor(i / dim) - 2)));
  const pixels = featurePixels(features, frames, dim);
  const pixel = (row: number, t: number) => [...pixels.subarray((row * frames + t) * 4, (row * frames + t) * 4 + 3)];
  // Same relative pattern in both rows → same colours.
  for (let t = 0; t < frames; t++) assert.deepEqual(pixel(0, t), pixel(1, t));
  assert.deepEqual(pixel(0, 2), [...colourOf('diverging', 0, 1)]); // the row mean is white
});

test('stepAt maps seconds to steps and -1 outside', () => {
  assert.equal(stepAt(0, 0.03, 10), 0);
  assert.equal(stepAt(0.0299, 0.03, 10), 0);
  assert.equal(stepAt(0.031, 0.03, 10), 1);
  assert.equal(stepAt(0.31, 0.03, 10), -1);
  assert.equal(stepAt(-0.1, 0.03, 10), -1);
  assert.equal(stepAt(0.1, 0, 10), -1);
});

test('waveformEnvelope gives each column its min and max', () => {
  const pcm = Float32Array.from([0.1, -0.5, 0.3, 0.9, -0.2, 0.0, 0.4]);
  assert.deepEqual([...waveformEnvelope(pcm, 3, 3)].map((v) => Number(v.toFixed(3))), [-0.5, 0.3, -0.2, 0.9, 0, 0.4]);
});

test('heatmapColumns colours only the new steps, exactly as the full image has them', () => {
  const steps = 9;
  const units = 5;
  const matrix = Float32Array.from({ length: steps * units }, (_, i) => Math.cos(i * 0.77));
  const order = Int32Array.from([4, 2, 0, 1, 3]);
  for (const pool of [1, 2]) {
    const full = heatmapPixels(matrix, steps, units, order, 'diverging', 1, pool);
    const tail = heatmapColumns(matrix, steps, units, order, 'diverging', 1, pool, 6);
    const rows = Math.ceil(units / pool);
    assert.equal(tail.length, 3 * rows * 4);
    for (let row = 0; row < rows; row++) {
      for (let t = 6; t < steps; t++) {
        assert.deepEqual([...tail.subarray((row * 3 + t - 6) * 4, (row * 3 + t - 6) * 4 + 4)], [...full.subarray((row * steps + t) * 4, (row * steps + t) * 4 + 4)]);
      }
    }
  }
});

test('stickyLimit keeps the range until the estimate moves by more than the tolerance', () => {
  assert.equal(stickyLimit(undefined, 2), 2);
  assert.equal(stickyLimit(2, 2.4), 2);
  assert.equal(stickyLimit(2, 1.7), 2);
  assert.equal(stickyLimit(2, 2.6), 2.6);
  assert.equal(stickyLimit(2, 1.5), 1.5);
});
