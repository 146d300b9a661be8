import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { DEFAULT_FEATURES, type ModelConfig } from '../config.ts';
import { Recognizer } from '../engine/recognizer.ts';
import { MODEL_FORMAT, MODEL_FORMAT_VERSION, writeModelFolder } from '../io/model-store.ts';
import { AcousticModel } from './acoustic-model.ts';

/** Made by scripts/golden/acoustic_golden.py (torch nn.LSTM / nn.GRU, float64). */
interface Case {
  architecture: ModelConfig;
  batch: number; frames: number; steps: number; classes: number;
  raw: number[]; mean: number[]; std: number[];
  weights: Record<string, { shape: number[]; values: number[] }>;
  logProbs: number[];
}
const golden = JSON.parse(readFileSync(new URL('./fixtures/acoustic-golden.json', import.meta.url), 'utf8')) as { cases: Case[] };

function weightsOf(c: Case): tf.NamedTensorMap {
  return Object.fromEntries(Object.entries(c.weights).map(([name, w]) => [name, tf.tensor(w.values, w.shape)]));
}

function worstDiff(ours: ArrayLike<number>, expected: number[]): number {
  assert.equal(ours.length, expected.length);
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(ours[i] - expected[i]));
  return worst;
}

for (const backend of ['cpu', 'wasm']) {
  test(`the whole acoustic model (normalisation → stacking → layers → dense → log-softmax) matches PyTorch on ${backend}`, async () => {
    assert.equal(await tf.setBackend(backend), true);
    for (const c of golden.cases) {
      const label = `${c.architecture.arch}${c.architecture.headArch ? `+${c.architecture.headArch}` : ''} stack ${c.architecture.stack}`;
      const normalisation = { mean: c.mean, std: c.std };
      const dim = c.raw.length / (c.batch * c.frames);

      // Training and evaluation path: the batch through model.logits.
      const weights = weightsOf(c);
      const model = AcousticModel.fromWeights(c.architecture, DEFAULT_FEATURES, normalisation, weights);
      const normalised = model.normaliseInPlace(Float32Array.from(c.raw)); // [batch × frames × dim]
      const batchLogProbs = tf.tidy(() => tf.logSoftmax(model.logits(tf.tensor3d(normalised, [c.batch, c.frames, dim]))).dataSync()); // [batch × steps × classes]
      assert.ok(worstDiff(batchLogProbs, c.logProbs) < 2e-5, `${label}: batch path differs by ${worstDiff(batchLogProbs, c.logProbs)}`);

      // Inference path: saved to a model folder, loaded by the recognizer, one utterance at a time.
      const dir = join(mkdtempSync(join(tmpdir(), 'acoustic-golden-')), 'model');
      await writeModelFolder(dir, {
        format: MODEL_FORMAT, formatVersion: MODEL_FORMAT_VERSION, name: 'golden', architecture: c.architecture,
        features: DEFAULT_FEATURES, normalisation, provenance: {}, metrics: {},
      }, weights);
      tf.dispose(Object.values(weights));
      model.dispose();
      const recognizer = await Recognizer.load(dir);
      const perRow = c.frames * dim;
      const rowOut = c.steps * c.classes;
      for (let b = 0; b < c.batch; b++) {
        const run = recognizer.runFeatures(Float32Array.from(c.raw.slice(b * perRow, (b + 1) * perRow)), c.frames);
        const ours = run.logProbs.dataSync(); // [steps × classes]
        tf.dispose([run.logProbs, ...run.states.flatMap((s) => [s.hidden, s.cellState]).filter(Boolean) as tf.Tensor[]]);
        const expected = c.logProbs.slice(b * rowOut, (b + 1) * rowOut);
        assert.ok(worstDiff(ours, expected) < 2e-5, `${label} row ${b}: recognizer differs by ${worstDiff(ours, expected)}`);
      }
      recognizer.model.dispose();
    }
  });
}
