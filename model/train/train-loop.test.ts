import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_MODEL } from '../config.ts';
import { selectBackend } from '../engine/backend.ts';
import { readModelFolder } from '../io/model-store.ts';
import { fsddAvailable, writeFsddManifest } from '../testing/fsdd-fixture.ts';
import { train, type TrainEvent } from './train-loop.ts';
import { testTrainConfig } from '../testing/train-config.ts';

await selectBackend('wasm');
const skip = fsddAvailable() ? false : 'FSDD recordings not found in ../shared/data/fsdd';

const config = testTrainConfig;

async function weightsOf(dir: string): Promise<Record<string, number[]>> {
  const { weights } = await readModelFolder(dir);
  const out = Object.fromEntries(Object.entries(weights).map(([k, t]) => [k, Array.from(t.dataSync())]));
  tf.dispose(Object.values(weights));
  return out;
}

test('training on real speech lowers the CTC loss and writes a loadable best model', { skip }, async () => {
  const trainManifest = writeFsddManifest('train.json', [1, 2], ['george', 'jackson'], [5, 6, 7, 8, 9, 10, 11, 12]);
  const devManifest = writeFsddManifest('dev.json', [1, 2], ['george'], [0, 1]);
  const out = mkdtempSync(join(tmpdir(), 'train-'));
  const losses: number[] = [];
  const epochs: TrainEvent[] = [];
  const result = await train(config(out, trainManifest, devManifest), {
    onEvent: (e) => {
      if (e.type === 'step') losses.push(e.loss);
      if (e.type === 'epoch') epochs.push(e);
    },
  });
  assert.equal(result.stoppedBy, 'epochs');
  assert.equal(losses.length, 16); // 32 utterances / batch 8 × 4 epochs
  const firstEpoch = losses.slice(0, 4).reduce((a, b) => a + b) / 4;
  const lastEpoch = losses.slice(-4).reduce((a, b) => a + b) / 4;
  assert.ok(lastEpoch < 0.7 * firstEpoch, `loss should fall: first epoch ${firstEpoch}, last ${lastEpoch}`);
  assert.equal(epochs.length, 4);
  const { meta, weights } = await readModelFolder(join(out, 'model'));
  assert.equal(meta.architecture.units, 24);
  assert.equal((meta.metrics as { dev: { utterances: number } }).dev.utterances, 4);
  tf.dispose(Object.values(weights));
  // Only the newest two checkpoints are kept.
  assert.ok(readdirSync(join(out, 'checkpoints')).length <= 2);
});

test('a cancelled run resumes from its checkpoint and ends bit-identical to an uninterrupted one', { skip }, async () => {
  const trainManifest = writeFsddManifest('train.json', [3, 4], ['lucas'], [5, 6, 7, 8, 9, 10, 11, 12]);
  const devManifest = writeFsddManifest('dev.json', [3, 4], ['lucas'], [0, 1]);
  const straight = mkdtempSync(join(tmpdir(), 'train-'));
  await train(config(straight, trainManifest, devManifest, { epochs: 3 }));

  const interrupted = mkdtempSync(join(tmpdir(), 'train-'));
  const controller = new AbortController();
  const first = await train(config(interrupted, trainManifest, devManifest, { epochs: 3 }), {
    signal: controller.signal,
    onEvent: (e) => {
      if (e.type === 'step' && e.step === 3) controller.abort(); // mid-epoch (2 batches an epoch)
    },
  });
  assert.equal(first.stoppedBy, 'cancelled');
  const resumed: TrainEvent[] = [];
  const second = await train(config(interrupted, trainManifest, devManifest, { epochs: 3 }), { onEvent: (e) => resumed.push(e) });
  const resume = resumed.find((e) => e.type === 'resume');
  assert.ok(resume && resume.type === 'resume' && resume.step === 3 && resume.epoch === 1 && resume.batch === 1, JSON.stringify(resume));
  assert.equal(second.steps, 6);
  assert.deepEqual(await weightsOf(join(interrupted, 'model')), await weightsOf(join(straight, 'model')));

  // Run again: it is done, and says so instead of training more.
  assert.equal((await train(config(interrupted, trainManifest, devManifest, { epochs: 3 }))).stoppedBy, 'already-done');
  // Other settings in the same folder are refused rather than mixed in.
  await assert.rejects(train(config(interrupted, trainManifest, devManifest, { epochs: 3, seed: 8 })), /holds a training run with different settings/);
});

test('fine-tuning starts from the parent model, keeps its front end and freezes layers on request', { skip }, async () => {
  const trainManifest = writeFsddManifest('train.json', [5], ['nicolas'], [5, 6, 7, 8]);
  const devManifest = writeFsddManifest('dev.json', [5], ['nicolas'], [0]);
  const parentOut = mkdtempSync(join(tmpdir(), 'parent-'));
  await train(config(parentOut, trainManifest, devManifest, { epochs: 1, model: { ...DEFAULT_MODEL, layers: 2, units: 12, stack: 3 } }));
  const parent = await weightsOf(join(parentOut, 'model'));
  const childOut = mkdtempSync(join(tmpdir(), 'child-'));
  await train(config(childOut, trainManifest, devManifest, { epochs: 1, from: join(parentOut, 'model'), frozenLayers: 1 }));
  const child = await weightsOf(join(childOut, 'model'));
  const { meta } = await readModelFolder(join(childOut, 'model'));
  assert.equal(meta.architecture.units, 12, 'architecture comes from the parent, not the config');
  assert.deepEqual(child['layer0/kernel'], parent['layer0/kernel'], 'frozen layer unchanged');
  assert.notDeepEqual(child['layer1/kernel'], parent['layer1/kernel'], 'unfrozen layer trained');
  assert.ok(existsSync(join(childOut, 'train-log.jsonl')));
});
