import { test } from 'node:test';
import assert from 'node:assert/strict';
import { maskFeatures } from './spec-augment.ts';

test('masks zero whole time spans and whole feature bands, within the limits, the same for the same seed', () => {
  const frames = 200;
  const dim = 39;
  const config = { timeMasks: 2, maxTimeFraction: 0.05, featureMasks: 2, maxFeatureWidth: 4 };
  const make = () => Float32Array.from({ length: frames * dim }, (_, i) => 1 + (i % 7));
  const a = make();
  maskFeatures(a, frames, dim, config, 42);
  const b = make();
  maskFeatures(b, frames, dim, config, 42);
  assert.deepEqual(a, b, 'deterministic for a seed');
  const zeroRows = Array.from({ length: frames }, (_, t) => a.subarray(t * dim, (t + 1) * dim).every((v) => v === 0)).filter(Boolean).length;
  const zeroColumns = Array.from({ length: dim }, (_, d) => Array.from({ length: frames }, (_, t) => a[t * dim + d]).every((v) => v === 0)).filter(Boolean).length;
  assert.ok(zeroRows <= 2 * Math.floor(frames * 0.05), `${zeroRows} masked frames`);
  assert.ok(zeroColumns <= 2 * 4, `${zeroColumns} masked dimensions`);
  // Everything else is untouched.
  const original = make();
  for (let t = 0; t < frames; t++) {
    for (let d = 0; d < dim; d++) {
      const v = a[t * dim + d];
      assert.ok(v === 0 || v === original[t * dim + d]);
    }
  }
  const c = make();
  maskFeatures(c, frames, dim, config, 43);
  assert.notDeepEqual(a, c, 'another seed masks elsewhere');
  const total = a.reduce((n, v) => n + (v === 0 ? 1 : 0), 0);
  assert.ok(total > 0, 'something was masked');
});
