import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
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
  const result = await train(config(out, trainManifest, devManifest, { keepEpochs: 2 }), {
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
  // keepEpochs 2: the models of epochs 3 and 4 are kept; the last one is the final weights.
  assert.deepEqual(readdirSync(join(out, 'epochs')).sort(), ['epoch-003', 'epoch-004']);
  const finalCheckpoint = join(out, 'checkpoints', readdirSync(join(out, 'checkpoints')).sort().at(-1)!);
  const finalWeights = Object.fromEntries(Object.entries(await weightsOf(finalCheckpoint)).filter(([name]) => !name.startsWith('optimizer/')));
  assert.deepEqual(await weightsOf(join(out, 'epochs', 'epoch-004')), finalWeights);
  const epoch3 = await readModelFolder(join(out, 'epochs', 'epoch-003'));
  assert.equal((epoch3.meta.metrics as { dev: { epoch: number } }).dev.epoch, 2);
  tf.dispose(Object.values(epoch3.weights));
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

/** A manifest of FSDD digits whose transcripts are replaced by `text` (to make them too long). */
function manifestWithText(name: string, digits: number[], speaker: string, takes: number[], text: (digit: number) => string, extra: object[] = []): string {
  const path = writeFsddManifest(name, digits, [speaker], takes);
  const rows = readFileSync(path, 'utf8').trim().split('\n').map((line) => JSON.parse(line));
  const digitOf = (p: string) => Number(/(\d)_[a-z]+_\d+\.wav$/.exec(p)![1]);
  writeFileSync(path, [...rows.map((r) => ({ ...r, text: text(digitOf(r.audio_filepath)) })), ...extra].map((r) => JSON.stringify(r)).join('\n') + '\n');
  return path;
}

const LONG = 'the quick brown fox jumps over the lazy dog '.repeat(6);

test('training refuses a dev set none of whose utterances fit their frames, instead of "dev CER 0.00 %"', { skip }, async () => {
  const trainManifest = writeFsddManifest('train.json', [1, 2], ['george'], [5, 6, 7, 8]);
  const devManifest = manifestWithText('dev.json', [1, 2], 'george', [0, 1], () => LONG);
  const out = mkdtempSync(join(tmpdir(), 'train-'));
  await assert.rejects(train(config(out, trainManifest, devManifest, { epochs: 1 })),
    /none of the 4 dev utterances can be used: 0 could not be read and 4 are too short for their transcripts/);
  assert.equal(existsSync(join(out, 'model')), false, 'no model saved');
  const listed = readFileSync(join(out, 'skipped-dev.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(listed.length, 4);
  assert.match(listed[0].reason, /network steps .* for \d+ CTC labels/);
});

test('training refuses when no training utterance fits (an absurd --stack), instead of training at loss 0', { skip }, async () => {
  const trainManifest = writeFsddManifest('train.json', [1, 2], ['george'], [5, 6, 7, 8]);
  const devManifest = writeFsddManifest('dev.json', [1, 2], ['george'], [0, 1]);
  const out = mkdtempSync(join(tmpdir(), 'train-'));
  await assert.rejects(train(config(out, trainManifest, devManifest, { epochs: 1, model: { ...DEFAULT_MODEL, layers: 1, units: 8, stack: 60 } })),
    /none of the 8 train utterances can be used/);
  assert.equal(existsSync(join(out, 'model')), false);
});

test('every skipped utterance is counted and listed with its reason, unreadable and too long alike', { skip }, async () => {
  const missing = { audio_filepath: '/nonexistent/x.wav', duration: 1, text: 'one' };
  const trainManifest = manifestWithText('train.json', [1, 2], 'jackson', [5, 6, 7, 8], (d) => ['zero', 'one', 'two'][d], [missing]);
  // Make one training utterance too long for its audio.
  const rows = readFileSync(trainManifest, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  rows[0].text = LONG;
  writeFileSync(trainManifest, rows.map((r) => JSON.stringify(r)).join('\n') + '\n');
  const devManifest = writeFsddManifest('dev.json', [1, 2], ['jackson'], [0, 1]);
  const out = mkdtempSync(join(tmpdir(), 'train-'));
  const events: TrainEvent[] = [];
  await train(config(out, trainManifest, devManifest, { epochs: 1 }), { onEvent: (e) => events.push(e) });
  const skipped = events.filter((e) => e.type === 'skipped');
  assert.deepEqual(skipped.map((e) => e.type === 'skipped' && [e.split, e.count, e.of]), [['train', 2, 9]]);
  const listed = readFileSync(join(out, 'skipped-train.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.deepEqual(listed.map((s) => s.audioPath).sort(), [rows[0].audio_filepath, '/nonexistent/x.wav'].sort());
  assert.equal(readFileSync(join(out, 'skipped-dev.jsonl'), 'utf8'), '', 'an empty list for a split with nothing skipped');
});

test('a learning rate that makes the loss NaN stops training with an error; no NaN model or checkpoint is saved', { skip }, async () => {
  const trainManifest = writeFsddManifest('train.json', [1, 2], ['lucas'], [5, 6, 7, 8, 9, 10, 11, 12]);
  const devManifest = writeFsddManifest('dev.json', [1, 2], ['lucas'], [0, 1]);
  const out = mkdtempSync(join(tmpdir(), 'train-'));
  const steps: number[] = [];
  await assert.rejects(
    train(config(out, trainManifest, devManifest, { epochs: 2, learningRate: 1e308, warmupSteps: 0, checkpointEvery: 1 }), {
      onEvent: (e) => { if (e.type === 'step') steps.push(e.loss); },
    }),
    (error: Error) => error.name === 'TrainingDivergedError' && /training diverged/.test(error.message) && /lower --lr/.test(error.message),
  );
  assert.ok(steps.every(Number.isFinite), `every reported loss is finite: ${steps}`);
  if (existsSync(join(out, 'model'))) await readModelFolder(join(out, 'model')).then(({ weights }) => tf.dispose(Object.values(weights)));
  const checkpoints = existsSync(join(out, 'checkpoints')) ? readdirSync(join(out, 'checkpoints')).filter((n) => n.startsWith('ckpt-')) : [];
  for (const name of checkpoints) {
    // readModelFolder refuses non-finite weights: every checkpoint kept must load.
    const { weights } = await readModelFolder(join(out, 'checkpoints', name));
    tf.dispose(Object.values(weights));
  }
});

test('two runs into one --out: the second is refused, naming the first; the lock goes with the run', { skip }, async () => {
  const trainManifest = writeFsddManifest('train.json', [3], ['george'], [5, 6, 7, 8]);
  const devManifest = writeFsddManifest('dev.json', [3], ['george'], [0]);
  const out = mkdtempSync(join(tmpdir(), 'train-'));
  const first = train(config(out, trainManifest, devManifest, { epochs: 1 }));
  await assert.rejects(train(config(out, trainManifest, devManifest, { epochs: 1 })), new RegExp(`in use by another training run \\(pid ${process.pid}`));
  assert.equal((await first).stoppedBy, 'epochs');
  assert.equal(existsSync(join(out, '.lock')), false, 'released at the end');
  assert.equal((await train(config(out, trainManifest, devManifest, { epochs: 1 }))).stoppedBy, 'already-done');
});

test('a cancel during feature extraction stops before any model is built', { skip }, async () => {
  const trainManifest = writeFsddManifest('train.json', [0, 1, 2, 3, 4, 5, 6, 7, 8, 9], ['nicolas'], [10, 11, 12, 13, 14, 15, 16, 17, 18, 19]);
  const devManifest = writeFsddManifest('dev.json', [1], ['nicolas'], [0]);
  const out = mkdtempSync(join(tmpdir(), 'train-'));
  const controller = new AbortController();
  const events: TrainEvent[] = [];
  // A timer, like a SIGINT handler or a worker message, runs only when the loader yields.
  setTimeout(() => controller.abort(), 0);
  const result = await train(config(out, trainManifest, devManifest, { epochs: 1 }), { signal: controller.signal, onEvent: (e) => events.push(e) });
  assert.equal(result.stoppedBy, 'cancelled');
  assert.equal(events.some((e) => e.type === 'model'), false, 'stopped before the model');
  const progress = events.filter((e) => e.type === 'features');
  assert.ok(progress.length > 0 && progress.every((e) => e.type === 'features' && e.split === 'train' && e.done < 100), JSON.stringify(progress));
});
