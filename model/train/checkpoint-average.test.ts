import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_FEATURES, featureDim } from '../config.ts';
import { AcousticModel } from '../nn/acoustic-model.ts';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, writeModelFolder, type ModelMeta } from '../io/model-store.ts';
import { selectBackend } from '../engine/backend.ts';
import { averageModelFolders } from './checkpoint-average.ts';

await selectBackend('cpu');
const dim = featureDim(DEFAULT_FEATURES);
const normalisation = { mean: new Array(dim).fill(0.5), std: new Array(dim).fill(2) };
const alphabet = "abcdefghijklmnopqrstuvwxyz '";

function metaFor(model: AcousticModel, step: number): ModelMeta {
  return {
    format: MODEL_FORMAT, formatVersion: MODEL_FORMAT_VERSION, name: 'test',
    architecture: model.config, features: model.features, normalisation: model.normalisation,
    provenance: { step }, metrics: { cer: 0.5 },
  };
}

async function savedModel(root: string, seed: number, units = 8, extra: tf.NamedTensorMap = {}): Promise<{ dir: string; values: Map<string, number[]> }> {
  const model = AcousticModel.create({ arch: 'lstm', layers: 2, units, stack: 2, alphabet }, DEFAULT_FEATURES, normalisation, seed);
  const dir = join(root, `m${seed}-${units}`);
  await writeModelFolder(dir, metaFor(model, seed), { ...model.namedVariables(), ...extra });
  const values = new Map(Object.entries(model.namedVariables()).map(([name, v]) => [name, Array.from(v.dataSync())]));
  model.dispose();
  return { dir, values };
}

test('the average is the element-wise mean of each weight, optimizer moments left out', async () => {
  const root = mkdtempSync(join(tmpdir(), 'avg-'));
  const moments = { 'optimizer/0000': tf.fill([3], 7) };
  const saved = [await savedModel(root, 1, 8, moments), await savedModel(root, 2), await savedModel(root, 3)];
  const { meta, weights } = await averageModelFolders(saved.map((s) => s.dir));
  assert.deepEqual(Object.keys(weights).sort(), [...saved[0].values.keys()].sort());
  for (const [name, tensor] of Object.entries(weights)) {
    const got = tensor.dataSync();
    // Brute force in float64, one weight at a time.
    const want = saved[0].values.get(name)!.map((_, i) => saved.reduce((s, m) => s + m.values.get(name)![i], 0) / 3);
    for (let i = 0; i < want.length; i++) assert.ok(Math.abs(got[i] - want[i]) < 1e-6, `${name}[${i}] ${got[i]} vs ${want[i]}`);
  }
  assert.deepEqual(meta.provenance, { step: 3, averagedFrom: saved.map((s) => s.dir) });
  assert.deepEqual(meta.metrics, {});
  tf.dispose(Object.values(weights));
  moments['optimizer/0000'].dispose();
});

test('averaging refuses a single folder and folders of different networks, naming the folder', async () => {
  const root = mkdtempSync(join(tmpdir(), 'avg-'));
  const a = await savedModel(root, 1);
  const wider = await savedModel(root, 2, 12);
  const tensorsBefore = tf.memory().numTensors;
  await assert.rejects(averageModelFolders([a.dir]), /at least two checkpoints, got 1/);
  await assert.rejects(averageModelFolders([a.dir, wider.dir]), (e: Error) => e.message.startsWith(wider.dir) && /another architecture/.test(e.message));
  assert.equal(tf.memory().numTensors, tensorsBefore, 'a refused average leaves no tensors behind');
});
