import { test } from 'node:test';
import assert from 'node:assert/strict';
import { deltas, withDeltas } from './deltas.ts';
import type { FeatureMatrix } from './feature-matrix.ts';

function matrix(rows: number[][]): FeatureMatrix {
  return { data: Float32Array.from(rows.flat()), frames: rows.length, dim: rows[0]?.length ?? 0 };
}

/** Textbook HTK formula with explicit edge replication, in float64. */
function reference(rows: number[][], W: number): number[][] {
  const T = rows.length;
  const at = (t: number) => rows[Math.min(T - 1, Math.max(0, t))];
  let denominator = 0;
  for (let n = 1; n <= W; n++) denominator += 2 * n * n;
  return rows.map((_, t) =>
    rows[0].map((__, j) => {
      let acc = 0;
      for (let n = 1; n <= W; n++) acc += n * (at(t + n)[j] - at(t - n)[j]);
      return acc / denominator;
    }),
  );
}

test('deltas match the HTK regression formula with replicated edges', () => {
  const rows = Array.from({ length: 9 }, (_, t) => [Math.sin(t), t * t * 0.25, (t % 3) - 1]);
  for (const W of [1, 2, 3]) {
    const ours = deltas(matrix(rows), W);
    const expected = reference(rows, W).flat();
    expected.forEach((v, i) => assert.ok(Math.abs(ours.data[i] - v) < 1e-6, `W=${W} index ${i}`));
  }
});

test('a linear ramp has delta = slope away from the edges; a constant has zero deltas', () => {
  const ramp = deltas(matrix(Array.from({ length: 10 }, (_, t) => [3 * t])), 2);
  for (let t = 2; t < 8; t++) assert.ok(Math.abs(ramp.data[t] - 3) < 1e-6);
  const flat = withDeltas(matrix([[5, -1], [5, -1], [5, -1]]), 2);
  assert.deepEqual(Array.from(flat.data), [5, -1, 0, 0, 0, 0, 5, -1, 0, 0, 0, 0, 5, -1, 0, 0, 0, 0]);
});

test('withDeltas lays out [cepstra | deltas | deltas of deltas] per row', () => {
  const rows = Array.from({ length: 6 }, (_, t) => [t * t, Math.cos(t)]);
  const out = withDeltas(matrix(rows), 2);
  const delta = reference(rows, 2);
  const deltaDelta = reference(delta, 2);
  assert.equal(out.dim, 6);
  for (let t = 0; t < 6; t++) {
    const expected = [...rows[t], ...delta[t], ...deltaDelta[t]];
    expected.forEach((v, j) => assert.ok(Math.abs(out.data[t * 6 + j] - v) < 1e-5, `t=${t} j=${j}`));
  }
});
