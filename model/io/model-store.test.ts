import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, renameSync, writeFileSync, mkdirSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_FEATURES, featureDim } from '../config.ts';
import { AcousticModel } from '../nn/acoustic-model.ts';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, readModelFolder, writeModelFolder, type ModelMeta } from './model-store.ts';
import { replaceFolderAtomic } from './atomic.ts';
import { selectBackend } from '../engine/backend.ts';

await selectBackend('cpu');
const dim = featureDim(DEFAULT_FEATURES);
const normalisation = { mean: new Array(dim).fill(0.5), std: new Array(dim).fill(2) };

function metaFor(model: AcousticModel): ModelMeta {
  return {
    format: MODEL_FORMAT,
    formatVersion: MODEL_FORMAT_VERSION,
    name: 'test',
    architecture: model.config,
    features: model.features,
    normalisation: model.normalisation,
    provenance: {},
    metrics: {},
  };
}

function tinyModel(arch: 'lstm' | 'peephole' | 'gru' = 'lstm'): AcousticModel {
  return AcousticModel.create({ arch, layers: 2, units: 8, stack: 2, alphabet: "abcdefghijklmnopqrstuvwxyz '" }, DEFAULT_FEATURES, normalisation, 3);
}

test('a saved model reads back with identical weights and meta, for every architecture', async () => {
  for (const arch of ['lstm', 'peephole', 'gru'] as const) {
    const dir = join(mkdtempSync(join(tmpdir(), 'store-')), 'model');
    const model = tinyModel(arch);
    await writeModelFolder(dir, metaFor(model), model.namedVariables());
    const { meta, weights } = await readModelFolder(dir);
    assert.deepEqual(meta, metaFor(model));
    const loaded = AcousticModel.fromWeights(meta.architecture, meta.features, meta.normalisation, weights);
    for (const [name, v] of Object.entries(model.namedVariables())) {
      assert.deepEqual(Array.from(loaded.namedVariables()[name].dataSync()), Array.from(v.dataSync()), `${arch} ${name}`);
    }
    tf.dispose(Object.values(weights));
    model.dispose();
    loaded.dispose();
  }
});

test('broken model folders give clear errors naming the problem', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'store-')), 'model');
  const model = tinyModel();
  await writeModelFolder(dir, metaFor(model), model.namedVariables());
  model.dispose();
  const meta = readFileSync(join(dir, 'meta.json'), 'utf8');
  const weights = readFileSync(join(dir, 'weights.bin'));

  writeFileSync(join(dir, 'meta.json'), '{ not json');
  await assert.rejects(readModelFolder(dir), /meta\.json is not valid JSON/);
  writeFileSync(join(dir, 'meta.json'), meta.replace('"numCepstra": 13', '"numCepstra": 12'));
  await assert.rejects(readModelFolder(dir), /normalisation needs mean and std of length 36/);
  writeFileSync(join(dir, 'meta.json'), meta.replace('"formatVersion": 1', '"formatVersion": 99'));
  await assert.rejects(readModelFolder(dir), /formatVersion 99 is not supported/);
  writeFileSync(join(dir, 'meta.json'), meta);
  writeFileSync(join(dir, 'weights.bin'), weights.subarray(0, weights.length - 8));
  await assert.rejects(readModelFolder(dir), /weights are \d+ bytes, the manifest describes \d+/);
  writeFileSync(join(dir, 'weights.bin'), weights);
  await assert.rejects(readModelFolder(join(dir, 'nope')), /no such folder/);
  const { weights: ok } = await readModelFolder(dir);
  tf.dispose(Object.values(ok));
});

test('weights of another architecture are refused with the mismatching name and shape', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'store-')), 'model');
  const model = tinyModel();
  await writeModelFolder(dir, metaFor(model), model.namedVariables());
  const { meta, weights } = await readModelFolder(dir);
  assert.throws(
    () => AcousticModel.fromWeights({ ...meta.architecture, units: 9 }, meta.features, meta.normalisation, weights),
    /weight layer0\/kernel has shape \[78,32\], the architecture needs \[78,36\]/,
  );
  assert.throws(() => AcousticModel.fromWeights({ ...meta.architecture, arch: 'gru' }, meta.features, meta.normalisation, weights), /missing layer0\/recurrentBias/);
  tf.dispose(Object.values(weights));
  model.dispose();
});

test('an interrupted folder replacement leaves a readable model', async () => {
  const root = mkdtempSync(join(tmpdir(), 'store-'));
  const dir = join(root, 'model');
  const model = tinyModel();
  await writeModelFolder(dir, metaFor(model), model.namedVariables());
  // A crash between "old → .old" and "temp → target" leaves only the .old folder.
  renameSync(dir, `${dir}.old-123-456`);
  const { meta, weights } = await readModelFolder(dir);
  assert.equal(meta.name, 'test');
  tf.dispose(Object.values(weights));
  // A failure while filling the new folder leaves the old one untouched and no temp folder.
  mkdirSync(dir);
  writeFileSync(join(dir, 'keep.txt'), 'user data');
  assert.throws(() => replaceFolderAtomic(dir, () => { throw new Error('disk full'); }), /disk full/);
  assert.equal(readFileSync(join(dir, 'keep.txt'), 'utf8'), 'user data');
  assert.deepEqual(readdirSync(root).filter((n) => n.includes('.tmp-')), []);
  assert.ok(existsSync(dir));
  model.dispose();
});

test('a model saved before the energy floor existed loads with energyFloor 0, its original front end', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'store-')), 'model');
  const model = tinyModel();
  const meta = metaFor(model);
  const { energyFloor: _dropped, ...olderFeatures } = meta.features;
  await writeModelFolder(dir, { ...meta, features: olderFeatures as typeof meta.features }, model.namedVariables());
  const { meta: loaded, weights } = await readModelFolder(dir);
  assert.equal(loaded.features.energyFloor, 0);
  tf.dispose(Object.values(weights));
  model.dispose();
});

test('meta.json numbers outside sane ranges are refused before anything is allocated (fftSize 2^26 and the like)', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'store-')), 'model');
  const model = tinyModel();
  await writeModelFolder(dir, metaFor(model), model.namedVariables());
  model.dispose();
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  const cases: [string, (m: any) => void, RegExp][] = [
    ['fftSize 2^26', (m) => { m.features.fftSize = 2 ** 26; }, /features\.fftSize must be an integer from 64 to 16384, got 67108864/],
    ['fftSize not a power of two', (m) => { m.features.fftSize = 600; }, /power of two/],
    ['units 1e6', (m) => { m.architecture.units = 1e6; }, /architecture\.units must be an integer from 1 to 4096/],
    ['layers 1000', (m) => { m.architecture.layers = 1000; }, /architecture\.layers must be an integer from 1 to 16/],
    ['stack 1000', (m) => { m.architecture.stack = 1000; }, /architecture\.stack/],
    ['melBands 1e5', (m) => { m.features.melBands = 100000; }, /features\.melBands/],
    ['hopLength 0.5', (m) => { m.features.hopLength = 0.5; }, /features\.hopLength/],
    ['frameLength huge', (m) => { m.features.frameLength = 1e9; }, /features\.frameLength/],
    ['fMax above Nyquist', (m) => { m.features.fMax = 20000; }, /fMax/],
    ['alphabet repeats', (m) => { m.architecture.alphabet = 'aab'; }, /repeats a character/],
    ['alphabet 5000 long', (m) => { m.architecture.alphabet = Array.from({ length: 5000 }, (_, i) => String.fromCodePoint(0x4e00 + i)).join(''); }, /length of architecture\.alphabet/],
  ];
  for (const [name, change, expected] of cases) {
    const copy = structuredClone(meta);
    change(copy);
    writeFileSync(join(dir, 'meta.json'), JSON.stringify(copy));
    await assert.rejects(readModelFolder(dir), (error: Error) => expected.test(error.message) && error.message.includes(dir), name);
  }
});

test('a model with NaN or infinite weights is an error naming the tensor, not a silent empty transcript', async () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'store-')), 'model');
  const model = tinyModel();
  await writeModelFolder(dir, metaFor(model), model.namedVariables());
  model.dispose();
  const bytes = readFileSync(join(dir, 'weights.bin'));
  const all = new Float32Array(bytes.length / 4).fill(Number.NaN);
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(all.buffer));
  await assert.rejects(readModelFolder(dir), new RegExp(`${all.length} of ${all.length} weights are NaN or infinite`));
  const one = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length));
  one[one.length - 1] = Number.POSITIVE_INFINITY;
  writeFileSync(join(dir, 'weights.bin'), new Uint8Array(one.buffer));
  await assert.rejects(readModelFolder(dir), /1 of \d+ weights are NaN or infinite \(first in output\//);
});
