import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-cpu';
import { Adam } from './adam.ts';
import { learningRateAt } from './schedule.ts';

/** Made by scripts/golden/optim_golden.py from torch.optim.Adam and torch's LR schedulers. */
interface AdamCase { shapes: number[][]; initial: number[][]; gradients: number[][][]; learningRates: number[]; after: number[][][] }
const golden = JSON.parse(readFileSync(new URL('./fixtures/optim-golden.json', import.meta.url), 'utf8')) as {
  adam: AdamCase;
  adamPlainEps: AdamCase;
  schedules: { peak: number; warmupSteps: number; totalSteps: number; minRatio: number; rates: number[] }[];
};

/** Runs our Adam over a golden case; returns the worst |ours − torch| / max(1, |torch|) per step. */
function runAdam(c: AdamCase): number[] {
  const variables = c.shapes.map((shape, i) => tf.variable(tf.tensor(c.initial[i], shape))); // shapes from torch
  const adam = new Adam(variables);
  const worst: number[] = [];
  c.gradients.forEach((step, t) => {
    const gradients = step.map((g, i) => tf.tensor(g, c.shapes[i])); // same shape as variable i
    adam.apply(gradients, c.learningRates[t]);
    tf.dispose(gradients);
    let w = 0;
    variables.forEach((v, i) => {
      const ours = v.dataSync();
      c.after[t][i].forEach((expected, k) => { w = Math.max(w, Math.abs(ours[k] - expected) / Math.max(1, Math.abs(expected))); });
    });
    worst.push(w);
  });
  adam.dispose();
  tf.dispose(variables);
  return worst;
}

test('Adam matches torch.optim.Adam step for step (with ε in the efficient form) under a changing learning rate', async () => {
  await tf.setBackend('cpu');
  const worst = runAdam(golden.adam);
  // float32 against float64: parameters are O(1), the updates O(1e-2).
  worst.forEach((w, t) => assert.ok(w < 2e-6, `step ${t + 1}: worst relative difference ${w}`));
  // The reference can tell a wrong update apart: the steps move the parameters by far more than the tolerance.
  const moved = golden.adam.after[golden.adam.after.length - 1][0].map((v, k) => Math.abs(v - golden.adam.initial[0][k]));
  assert.ok(Math.max(...moved) > 1e-2);
});

test("the golden tells ε's placement apart: torch's plain-ε Adam misses our tolerance at a 1e-7 gradient", () => {
  // Parameter 1, entry 0 got a 1e-7 gradient in step 0, where sqrt(v) is about ε. Had adam.ts
  // used torch's default form, the test above would fail there by far more than its tolerance.
  const diff = Math.abs(golden.adamPlainEps.after[0][1][0] - golden.adam.after[0][1][0]);
  assert.ok(diff > 100 * 2e-6, `the two forms differ by ${diff}`);
});

test('learningRateAt matches torch LinearLR warm-up then CosineAnnealingLR at every step', () => {
  for (const s of golden.schedules) {
    s.rates.forEach((expected, step) => {
      const ours = learningRateAt(step, s);
      assert.ok(Math.abs(ours - expected) <= 1e-12 + 1e-9 * Math.abs(expected), `warm-up ${s.warmupSteps}, step ${step}: ${ours} vs torch ${expected}`);
    });
  }
});
