import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_FEATURES, DEFAULT_MODEL, featureDim } from '../config.ts';
import { selectBackend } from '../engine/backend.ts';
import { readModelFolder } from '../io/model-store.ts';
import { AcousticModel } from '../nn/acoustic-model.ts';
import { fsddAvailable, writeFsddManifest } from '../testing/fsdd-fixture.ts';
import { testTrainConfig } from '../testing/train-config.ts';
import { batchGradients, effectiveWorkers } from './data-parallel.ts';
import { GradientPool } from './gradient-pool.ts';
import { shardBounds, splitBatch } from './shard-gradients.ts';
import { train, type TrainEvent } from './train-loop.ts';

await selectBackend('wasm');
const skip = fsddAvailable() ? false : 'FSDD recordings not found in ../shared/data/fsdd';

/** Largest |a − b| relative to the largest |a|. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 1e-12;
  for (let i = 0; i < a.length; i++) {
    diff = Math.max(diff, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(a[i]));
  }
  return diff / scale;
}

/** A random batch of 5 utterances of different lengths, padded at the end like padBatch does. */
function randomBatch(dim: number, stack: number): { data: Float32Array; maxFrames: number; frames: number[]; labels: number[][]; steps: number[] } {
  const frames = [61, 58, 47, 40, 33];
  const maxFrames = 61;
  const data = new Float32Array(frames.length * maxFrames * dim); // [5, 61, dim]
  let seed = 12345;
  const random = () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32) * 2 - 1;
  frames.forEach((n, b) => {
    for (let i = 0; i < n * dim; i++) data[b * maxFrames * dim + i] = random();
  });
  const labels = [[3, 4, 5], [6, 7], [8, 9, 10, 8], [11], [12, 13]];
  return { data, maxFrames, frames, labels, steps: frames.map((n) => Math.ceil(n / stack)) };
}

test('gradients summed over three threads equal one thread\'s on the whole batch, for every layer kind', async () => {
  for (const arch of ['lstm', 'peephole', 'gru'] as const) {
    const config = { ...DEFAULT_MODEL, arch, layers: 2, units: 16, stack: 2 };
    const dim = featureDim(DEFAULT_FEATURES);
    const normalisation = { mean: new Array(dim).fill(0), std: new Array(dim).fill(1) };
    const model = AcousticModel.create(config, DEFAULT_FEATURES, normalisation, 3);
    const variables = model.trainableVariables(1); // the lower layer frozen: workers must get its weights too
    const batch = randomBatch(dim, config.stack);
    const whole = splitBatch(batch.data, batch.maxFrames, dim, batch.frames, batch.labels, batch.steps, 1);
    const one = await batchGradients(model, variables, whole, 5, true, undefined);

    const pool = await GradientPool.start(model, 1, 2);
    try {
      const shards = splitBatch(batch.data, batch.maxFrames, dim, batch.frames, batch.labels, batch.steps, 3);
      assert.deepEqual(shards.map((s) => [s.utterances, s.frames]), [[1, 61], [2, 58], [2, 40]]);
      const three = await batchGradients(model, variables, shards, 5, true, pool);
      assert.ok(Math.abs(one.value.dataSync()[0] - three.value.dataSync()[0]) < 1e-5 * one.value.dataSync()[0], `${arch} loss`);
      variables.forEach((v, i) => {
        const error = relativeError(one.gradients[i].dataSync() as Float32Array, three.gradients[i].dataSync() as Float32Array);
        assert.ok(error < 1e-5, `${arch} ${v.name}: relative error ${error}`);
      });
      // The per-step gradient norms of the one trained layer, merged over the shards.
      assert.equal(three.records.length, 1);
      assert.equal(three.records[0].norms.length, one.records[0].norms.length);
      assert.ok(relativeError(one.records[0].norms, three.records[0].norms) < 1e-5, `${arch} gradient records`);
      // The weights live on the training thread: a second step after an update sees the new ones.
      variables.forEach((v) => v.assign(tf.mul(v, 0.5)));
      const oneAfter = await batchGradients(model, variables, whole, 5, false, undefined);
      const threeAfter = await batchGradients(model, variables, shards, 5, false, pool);
      assert.ok(relativeError(oneAfter.gradients[0].dataSync() as Float32Array, threeAfter.gradients[0].dataSync() as Float32Array) < 1e-5, `${arch} after an update`);
      tf.dispose([one.value, ...one.gradients, three.value, ...three.gradients, oneAfter.value, ...oneAfter.gradients, threeAfter.value, ...threeAfter.gradients]);
    } finally {
      await pool.close();
      model.dispose();
    }
  }
});

test('a gradient worker frees each step\'s old weights: its live tensors stay flat from step to step', async () => {
  const config = { ...DEFAULT_MODEL, arch: 'lstm' as const, layers: 2, units: 16, stack: 2 };
  const dim = featureDim(DEFAULT_FEATURES);
  const model = AcousticModel.create(config, DEFAULT_FEATURES, { mean: new Array(dim).fill(0), std: new Array(dim).fill(1) }, 5);
  const batch = randomBatch(dim, config.stack);
  const shards = splitBatch(batch.data, batch.maxFrames, dim, batch.frames, batch.labels, batch.steps, 2);
  const pool = await GradientPool.start(model, 0, 1);
  try {
    const counts: number[] = [];
    for (let step = 0; step < 3; step++) {
      const [result] = await pool.dispatch([shards[1]], 5, false);
      counts.push(result.liveTensors);
      model.trainableVariables().forEach((v) => v.assign(tf.mul(v, 0.9))); // new weights each step, as Adam gives
    }
    assert.deepEqual(counts, [counts[0], counts[0], counts[0]], `live tensors in the worker after each step: ${counts.join(', ')}`);
  } finally {
    await pool.close();
    model.dispose();
  }
});

test('tfjs-node keeps training on one thread and says why', () => {
  assert.deepEqual(effectiveWorkers(4, 'wasm'), { workers: 4 });
  assert.deepEqual(effectiveWorkers(1, 'tensorflow'), { workers: 1 });
  const node = effectiveWorkers(2, 'tensorflow');
  assert.equal(node.workers, 1);
  assert.match(node.note ?? '', /tfjs-node .*1 worker instead of 2/);
  assert.throws(() => effectiveWorkers(0, 'wasm'), /positive integer/);
});

async function weightsOf(dir: string): Promise<Record<string, Float32Array>> {
  const { weights } = await readModelFolder(dir);
  const out = Object.fromEntries(Object.entries(weights).map(([k, t]) => [k, t.dataSync().slice() as Float32Array]));
  tf.dispose(Object.values(weights));
  return out;
}

test('training with 2 workers matches 1 worker within float tolerance, and resumes bit-identically', { skip }, async () => {
  const trainManifest = writeFsddManifest('train.json', [6, 7], ['jackson'], [5, 6, 7, 8, 9, 10, 11, 12]);
  const devManifest = writeFsddManifest('dev.json', [6, 7], ['jackson'], [0, 1]);
  const settings = { epochs: 2, batchSize: 8 }; // 16 utterances: 2 steps an epoch
  const single = mkdtempSync(join(tmpdir(), 'train-1w-'));
  const losses1: number[] = [];
  await train(testTrainConfig(single, trainManifest, devManifest, settings), { onEvent: (e) => e.type === 'step' && losses1.push(e.loss) });
  const double = mkdtempSync(join(tmpdir(), 'train-2w-'));
  const losses2: number[] = [];
  await train(testTrainConfig(double, trainManifest, devManifest, { ...settings, workers: 2 }), { onEvent: (e) => e.type === 'step' && losses2.push(e.loss) });
  assert.equal(losses2.length, 4);
  losses1.forEach((loss, i) => assert.ok(Math.abs(loss - losses2[i]) < 1e-4 * loss, `step ${i + 1}: ${loss} vs ${losses2[i]}`));
  const w1 = await weightsOf(join(single, 'model'));
  const w2 = await weightsOf(join(double, 'model'));
  for (const name of Object.keys(w1)) {
    const error = relativeError(w1[name], w2[name]);
    assert.ok(error < 1e-4, `${name}: relative error ${error}`);
  }

  // Cancelled after step 1 (mid-epoch) and resumed, still with 2 workers: bit for bit.
  const interrupted = mkdtempSync(join(tmpdir(), 'train-2w-resume-'));
  const controller = new AbortController();
  const first = await train(testTrainConfig(interrupted, trainManifest, devManifest, { ...settings, workers: 2 }), {
    signal: controller.signal,
    onEvent: (e) => e.type === 'step' && e.step === 1 && controller.abort(),
  });
  assert.equal(first.stoppedBy, 'cancelled');
  const events: TrainEvent[] = [];
  await train(testTrainConfig(interrupted, trainManifest, devManifest, { ...settings, workers: 2 }), { onEvent: (e) => events.push(e) });
  assert.ok(events.some((e) => e.type === 'resume' && e.step === 1));
  assert.deepEqual(await weightsOf(join(interrupted, 'model')), w2);
});

test('shards are balanced by work (utterances × longest frames), keeping equal counts where those are as good', () => {
  assert.deepEqual(shardBounds(new Array(32).fill(100), 2), [0, 16, 32]);
  assert.deepEqual(shardBounds([61, 58, 47, 40, 33], 3), [0, 1, 3, 5]);
  assert.deepEqual(shardBounds([10, 10, 10, 10, 10, 10, 10, 80], 2), [0, 7, 8]);
  const shards = splitBatch(new Float32Array(8 * 80 * 2), 80, 2, [10, 10, 10, 10, 10, 10, 10, 80], new Array(8).fill([1]), new Array(8).fill(5), 2);
  assert.deepEqual(shards.map((s) => [s.utterances, s.frames]), [[7, 10], [1, 80]]);
  // Against brute force: every way to cut n utterances into k non-empty contiguous groups.
  const work = (frames: number[], bounds: number[]) => Math.max(...bounds.slice(1).map((end, k) => (end - bounds[k]) * Math.max(...frames.slice(bounds[k], end))));
  const allCuts = (n: number, k: number, from = 0): number[][] => k === 1 ? [[n]] :
    Array.from({ length: n - from - k + 1 }, (_, i) => from + 1 + i).flatMap((c) => allCuts(n, k - 1, c).map((rest) => [c, ...rest]));
  let seed = 99;
  const random = () => (seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32;
  for (let trial = 0; trial < 200; trial++) {
    const n = 2 + Math.floor(random() * 8);
    const k = Math.min(n, 2 + Math.floor(random() * 3));
    const frames = Array.from({ length: n }, () => 1 + Math.floor(random() * 100));
    const optimum = Math.min(...allCuts(n, k).map((cuts) => work(frames, [0, ...cuts])));
    const bounds = shardBounds(frames, k);
    assert.equal(bounds.length, k + 1);
    assert.ok(bounds.every((b, i) => i === 0 || b > bounds[i - 1]), `non-empty shards: ${bounds}`);
    assert.equal(work(frames, bounds), optimum, `frames ${frames} in ${k}: ${bounds}`);
  }
});
