import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_FEATURES, DEFAULT_MODEL } from '../config.ts';
import { selectBackend } from '../engine/backend.ts';
import { readModelFolder } from '../io/model-store.ts';
import { AcousticModel } from '../nn/acoustic-model.ts';
import { fsddAvailable, writeFsddManifest } from '../testing/fsdd-fixture.ts';
import { train, type TrainConfig, type TrainEvent } from './train-loop.ts';
import { testTrainConfig } from '../testing/train-config.ts';

await selectBackend('wasm');
const skip = fsddAvailable() ? false : 'FSDD recordings not found';

const config = (out: string, trainManifest: string, devManifest: string, overrides: Partial<TrainConfig> = {}) =>
  testTrainConfig(out, trainManifest, devManifest, {
    model: { ...DEFAULT_MODEL, layers: 2, units: 16, stack: 3 },
    epochs: 1,
    batchSize: 4,
    warmupSteps: 0,
    clipNorm: 0.5,
    checkpointEvery: 100,
    seed: 3,
    ...overrides,
  });

test('a fresh GRU head on an LSTM parent: headArch saved, lower layer kept, model reloads; gradient snapshots every N steps', { skip }, async () => {
  const trainManifest = writeFsddManifest('head-train.json', [1, 2], ['george'], [5, 6, 7, 8]);
  const devManifest = writeFsddManifest('head-dev.json', [1, 2], ['george'], [0]);
  const parentOut = mkdtempSync(join(tmpdir(), 'parent-'));
  await train(config(parentOut, trainManifest, devManifest));
  const parent = await readModelFolder(join(parentOut, 'model'));

  const out = mkdtempSync(join(tmpdir(), 'head-'));
  const snapshots: Extract<TrainEvent, { type: 'gradients' }>[] = [];
  const steps: Extract<TrainEvent, { type: 'step' }>[] = [];
  await train(config(out, trainManifest, devManifest, { from: join(parentOut, 'model'), newHead: 'gru', frozenLayers: 1, learningRate: 0.001 }), {
    gradientEvery: 1,
    onEvent: (e) => {
      if (e.type === 'gradients') snapshots.push(e);
      if (e.type === 'step') steps.push(e);
    },
  });
  const child = await readModelFolder(join(out, 'model'));
  assert.equal(child.meta.architecture.arch, 'lstm');
  assert.equal(child.meta.architecture.headArch, 'gru');
  assert.ok('layer1/recurrentBias' in child.weights, 'the top layer is a GRU');
  assert.ok(!('layer0/recurrentBias' in child.weights), 'the lower layer is still an LSTM');
  // Frozen lower layer: bit-identical to the parent's.
  assert.deepEqual(Array.from(child.weights['layer0/kernel'].dataSync()), Array.from(parent.weights['layer0/kernel'].dataSync()));
  const model = AcousticModel.fromWeights(child.meta.architecture, child.meta.features, child.meta.normalisation, child.weights);
  assert.equal(model.layers[1].kind, 'gru');
  assert.equal(model.layers[0].kind, 'lstm');
  model.dispose();
  tf.dispose([...Object.values(child.weights), ...Object.values(parent.weights)]);

  // One snapshot per step (every 1): only the trained (top, GRU) layer, one norm per network step.
  assert.equal(snapshots.length, steps.length);
  for (const [i, s] of snapshots.entries()) {
    assert.equal(s.step, steps[i].step);
    assert.equal(s.layers.length, 1);
    assert.equal(s.layers[0].state, 'hidden');
    assert.ok(s.layers[0].norms.length > 5 && s.layers[0].norms.every((v) => Number.isFinite(v) && v >= 0));
    assert.equal(s.globalNorm, steps[i].gradNorm);
    assert.equal(s.clipNorm, 0.5);
  }
});

test('old models without headArch load unchanged (every layer is arch)', () => {
  const config = { ...DEFAULT_MODEL, arch: 'peephole' as const, layers: 2, units: 8 };
  const normalisation = { mean: new Array(39).fill(0), std: new Array(39).fill(1) };
  const model = AcousticModel.create(config, DEFAULT_FEATURES, normalisation, 1);
  assert.deepEqual(model.layers.map((l) => l.kind), ['peephole', 'peephole']);
  const copy = AcousticModel.fromWeights(config, DEFAULT_FEATURES, normalisation, model.namedVariables());
  assert.deepEqual(copy.layers.map((l) => l.kind), ['peephole', 'peephole']);
  model.dispose();
  copy.dispose();
});

for (const head of ['lstm', 'peephole'] as const) {
  test(`a fresh ${head} head is trained for real on FSDD audio: the loss falls, gradients reach it, it reloads as ${head}`, { skip }, async () => {
    // The parent is a GRU network, so the head (and only the head) is an LSTM of the kind asked.
    const trainManifest = writeFsddManifest(`${head}-head-train.json`, [1, 2], ['george'], [5, 6, 7, 8]);
    const devManifest = writeFsddManifest(`${head}-head-dev.json`, [1, 2], ['george'], [0]);
    const parentOut = mkdtempSync(join(tmpdir(), `${head}-parent-`));
    await train(config(parentOut, trainManifest, devManifest, { model: { ...DEFAULT_MODEL, arch: 'gru', layers: 2, units: 16, stack: 3 } }));
    const parent = await readModelFolder(join(parentOut, 'model'));

    const out = mkdtempSync(join(tmpdir(), `${head}-head-`));
    const steps: Extract<TrainEvent, { type: 'step' }>[] = [];
    await train(config(out, trainManifest, devManifest, { from: join(parentOut, 'model'), newHead: head, frozenLayers: 1, learningRate: 0.01, epochs: 4 }), {
      onEvent: (e) => {
        if (e.type === 'step') steps.push(e);
      },
    });
    // Every step had a gradient through the head and a finite loss; the loss over the whole
    // training set fell from the first epoch to the last.
    assert.ok(steps.length >= 8, `${steps.length} steps`);
    assert.ok(steps.every((s) => Number.isFinite(s.loss) && s.gradNorm > 0 && s.learningRate > 0));
    const epochLoss = (epoch: number) => {
      const losses = steps.filter((s) => s.epoch === epoch).map((s) => s.loss);
      return losses.reduce((a, b) => a + b, 0) / losses.length;
    };
    const first = epochLoss(steps[0].epoch);
    const last = epochLoss(steps[steps.length - 1].epoch);
    assert.ok(last < 0.9 * first, `${head} head: loss ${first} in the first epoch, ${last} in the last`);

    const child = await readModelFolder(join(out, 'model'));
    assert.equal(child.meta.architecture.arch, 'gru');
    assert.equal(child.meta.architecture.headArch, head);
    assert.equal('layer1/peepholes' in child.weights, head === 'peephole', 'peepholes exactly when the head has them');
    assert.deepEqual(child.weights['layer1/kernel'].shape, [16, 4 * 16], 'four gates of an LSTM, not three of a GRU');
    // The frozen GRU layer is the parent's, bit for bit.
    assert.deepEqual(Array.from(child.weights['layer0/kernel'].dataSync()), Array.from(parent.weights['layer0/kernel'].dataSync()));
    const model = AcousticModel.fromWeights(child.meta.architecture, child.meta.features, child.meta.normalisation, child.weights);
    assert.deepEqual(model.layers.map((l) => l.kind), ['gru', head]);
    model.dispose();
    tf.dispose([...Object.values(child.weights), ...Object.values(parent.weights)]);
  });
}
