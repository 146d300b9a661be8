import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_FEATURES, DEFAULT_MODEL, featureDim } from '../config.ts';
import { selectBackend } from '../engine/backend.ts';
import { readModelFolder } from '../io/model-store.ts';
import { peakFrequency } from '../audio/test-helpers.ts';
import { Alphabet } from '../text/alphabet.ts';
import { fsddAvailable, fsddPath, writeFsddManifest } from '../testing/fsdd-fixture.ts';
import { testTrainConfig } from '../testing/train-config.ts';
import { loadUtterances } from './dataset.ts';
import { FeatureCache } from './feature-cache.ts';
import { DEFAULT_SPEED_FACTORS, epochSpeedChoices, speedPerturb, validateSpeedFactors } from './speed-perturb.ts';
import { train, type TrainEvent } from './train-loop.ts';

await selectBackend('wasm');
const skip = fsddAvailable() ? false : 'FSDD recordings not found in ../shared/data/fsdd';

function tone(frequency: number, seconds: number): Float32Array {
  return Float32Array.from({ length: Math.round(16000 * seconds) }, (_, i) => 0.5 * Math.sin((2 * Math.PI * frequency * i) / 16000));
}

test('speed 1.1 plays a 1 kHz tone as 1.1 kHz in 1/1.1 of the time; 0.9 as 900 Hz in 1/0.9; 1 is the input itself', async () => {
  const input = tone(1000, 1);
  for (const factor of [0.9, 1.1]) {
    const out = await speedPerturb(input, factor);
    assert.ok(Math.abs(out.length - 16000 / factor) <= 1, `${factor}: ${out.length} samples`);
    // Measured away from the filter's edges, on a 10 Hz grid.
    assert.equal(peakFrequency(out, 16000, 10, 2000, out.length - 2000), Math.round(1000 * factor));
  }
  assert.equal(await speedPerturb(input, 1), input);
});

test('speed factors must be distinct, within 0.5–2 and include 1', () => {
  validateSpeedFactors(DEFAULT_SPEED_FACTORS);
  assert.throws(() => validateSpeedFactors([]), /at least one/);
  assert.throws(() => validateSpeedFactors([0.9, 1.1]), /must include 1/);
  assert.throws(() => validateSpeedFactors([1, 3]), /outside/);
  assert.throws(() => validateSpeedFactors([1, 0.9, 0.9]), /repeat/);
});

test('each epoch draws its speeds afresh, the same ones for the same seed and epoch, evenly', () => {
  const three = new Array<number>(3000).fill(3);
  const a = epochSpeedChoices(1, 0, three);
  assert.deepEqual(epochSpeedChoices(1, 0, three), a);
  assert.notDeepEqual(epochSpeedChoices(1, 1, three), a);
  assert.notDeepEqual(epochSpeedChoices(2, 0, three), a);
  const counts = [0, 0, 0];
  for (const c of a) counts[c]++;
  for (const n of counts) assert.ok(n > 900 && n < 1100, `counts ${counts}`);
  // An utterance whose fast copy was too short for its transcript has two versions: both equally likely.
  const two = epochSpeedChoices(1, 0, new Array<number>(3000).fill(2));
  const ones = two.reduce((sum, c) => sum + c, 0);
  assert.ok(two.every((c) => c < 2) && ones > 1400 && ones < 1600, `version 1 drawn ${ones} of 3000 times`);
});

test('a real recording loads at each speed, with the frame count the speed implies, and the copies come from the cache next time', { skip }, async () => {
  const cacheDir = mkdtempSync(join(tmpdir(), 'speed-cache-'));
  const cache = new FeatureCache(cacheDir, DEFAULT_FEATURES, featureDim(DEFAULT_FEATURES));
  const manifestEntry = { audioPath: fsddPath(7, 'george', 3), text: 'seven', durationSeconds: 0 };
  const options = { features: DEFAULT_FEATURES, alphabet: new Alphabet(DEFAULT_MODEL.alphabet), cache, speedFactors: DEFAULT_SPEED_FACTORS };
  const first = await loadUtterances([manifestEntry], options);
  const [u] = first.utterances;
  assert.deepEqual(u.speeds!.map((v) => v.factor), [0.9, 1.1]);
  for (const v of u.speeds!) assert.ok(Math.abs(v.frames - u.frames / v.factor) <= 2, `speed ${v.factor}: ${v.frames} frames vs ${u.frames}`);
  assert.notDeepEqual(u.speeds![0].features.subarray(0, 100), u.features.subarray(0, 100));
  assert.equal(readdirSync(cacheDir).length, 3);
  const again = await loadUtterances([manifestEntry], options);
  assert.deepEqual(again.utterances[0].speeds!.map((v) => Array.from(v.features)), u.speeds!.map((v) => Array.from(v.features)));
  assert.equal(readdirSync(cacheDir).length, 3);
});

test('training with speed perturbation resumes bit-identical after a cancel, and its folder refuses a run without it', { skip }, async () => {
  const trainManifest = writeFsddManifest('train.json', [3, 4], ['lucas'], [5, 6, 7, 8, 9, 10, 11, 12]);
  const devManifest = writeFsddManifest('dev.json', [3, 4], ['lucas'], [0, 1]);
  const config = (out: string) => testTrainConfig(out, trainManifest, devManifest, { epochs: 3, speedPerturb: DEFAULT_SPEED_FACTORS });
  const weightsOf = async (dir: string): Promise<Record<string, number[]>> => {
    const { weights } = await readModelFolder(dir);
    const out = Object.fromEntries(Object.entries(weights).map(([k, t]) => [k, Array.from(t.dataSync())]));
    tf.dispose(Object.values(weights));
    return out;
  };
  const straight = mkdtempSync(join(tmpdir(), 'train-speed-'));
  const straightLosses: number[] = [];
  await train(config(straight), { onEvent: (e: TrainEvent) => { if (e.type === 'step') straightLosses.push(e.loss); } });

  const interrupted = mkdtempSync(join(tmpdir(), 'train-speed-'));
  const controller = new AbortController();
  await train(config(interrupted), { signal: controller.signal, onEvent: (e) => { if (e.type === 'step' && e.step === 3) controller.abort(); } });
  assert.equal((await train(config(interrupted))).steps, 6);
  assert.deepEqual(await weightsOf(join(interrupted, 'model')), await weightsOf(join(straight, 'model')));

  // The perturbation changes what is trained on: the same run without it sees other losses.
  const plain = mkdtempSync(join(tmpdir(), 'train-plain-'));
  const plainLosses: number[] = [];
  await train(testTrainConfig(plain, trainManifest, devManifest, { epochs: 3 }), { onEvent: (e: TrainEvent) => { if (e.type === 'step') plainLosses.push(e.loss); } });
  assert.notDeepEqual(plainLosses, straightLosses);
  await assert.rejects(train(testTrainConfig(interrupted, trainManifest, devManifest, { epochs: 3 })), /holds a training run with different settings/);
});
