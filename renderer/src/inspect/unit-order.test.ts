import { test } from 'node:test';
import assert from 'node:assert/strict';
import { unitOrder, unitStatistics } from './unit-order.ts';

/** A seeded generator, so failures reproduce. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function columns(matrix: Float32Array, steps: number, units: number): number[][] {
  return Array.from({ length: units }, (_, u) => Array.from({ length: steps }, (_, t) => matrix[t * units + u]));
}

test('unit statistics equal a brute-force mean and population variance per column', () => {
  const next = random(3);
  const steps = 37;
  const units = 11;
  const matrix = Float32Array.from({ length: steps * units }, () => next() * 4 - 2);
  const { mean, variance } = unitStatistics(matrix, steps, units);
  columns(matrix, steps, units).forEach((column, u) => {
    const m = column.reduce((a, b) => a + b, 0) / steps;
    const v = column.reduce((a, b) => a + (b - m) ** 2, 0) / steps;
    assert.ok(Math.abs(mean[u] - m) < 1e-9, `mean of unit ${u}`);
    assert.ok(Math.abs(variance[u] - v) < 1e-9, `variance of unit ${u}`);
  });
});

test('variance is exact for gates saturated near 1 (no E[x²]−E[x]² cancellation)', () => {
  const steps = 1000;
  const matrix = Float32Array.from({ length: steps }, (_, t) => 0.9999 + (t % 2 ? 1e-4 : -1e-4));
  const { variance } = unitStatistics(matrix, steps, 1);
  const expected = (() => {
    const m = matrix.reduce((a, b) => a + b, 0) / steps;
    return matrix.reduce((a, b) => a + (b - m) ** 2, 0) / steps;
  })();
  assert.ok(Math.abs(variance[0] - expected) / expected < 1e-6, `got ${variance[0]}, expected ${expected}`);
});

test('unitOrder: index is the identity; variance and mean sort descending with ties by index', () => {
  // 3 steps × 4 units; columns: u0 constant 1, u1 varies a lot, u2 constant 5, u3 varies a little.
  const matrix = Float32Array.from([
    1, -4, 5, 0.1,
    1, 4, 5, -0.1,
    1, -4, 5, 0.1,
  ]);
  assert.deepEqual([...unitOrder(matrix, 3, 4, 'index')], [0, 1, 2, 3]);
  assert.deepEqual([...unitOrder(matrix, 3, 4, 'variance')], [1, 3, 0, 2]); // u0 and u2 tie at 0: index order
  assert.deepEqual([...unitOrder(matrix, 3, 4, 'mean')], [2, 0, 3, 1]);
});

test('unitOrder is a permutation that puts scores in non-increasing order (random matrices)', () => {
  const next = random(11);
  for (let trial = 0; trial < 20; trial++) {
    const steps = 1 + Math.floor(next() * 30);
    const units = 1 + Math.floor(next() * 40);
    const matrix = Float32Array.from({ length: steps * units }, () => next() - 0.5);
    const stats = unitStatistics(matrix, steps, units);
    for (const key of ['variance', 'mean'] as const) {
      const order = [...unitOrder(matrix, steps, units, key)];
      assert.deepEqual([...order].sort((a, b) => a - b), Array.from({ length: units }, (_, u) => u));
      const score = key === 'variance' ? stats.variance : stats.mean;
      for (let r = 1; r < units; r++) assert.ok(score[order[r - 1]] >= score[order[r]], `${key} out of order at row ${r}`);
    }
  }
});

test('a matrix shorter than steps × units is refused with both sizes in the message', () => {
  assert.throws(() => unitOrder(new Float32Array(5), 2, 3, 'mean'), /2×3=6 values, got 5/);
});
