import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import type { AppEvent, FineTuneRequest } from '../contract/contract.ts';
import { readModelFolder } from '../model/io/model-store.ts';
import { fsddAvailable, fsddPath } from '../model/testing/fsdd-fixture.ts';
import { createAppBackend, type AppBackend } from './app-backend.ts';
import { BUNDLED_MODEL_ID } from './models-registry.ts';

const DIGITS_MODEL = fileURLToPath(new URL('../e2e/fixtures/digits-model', import.meta.url));
const skip = fsddAvailable() && existsSync(join(DIGITS_MODEL, 'meta.json')) ? false : 'FSDD recordings or the digits model fixture are missing';

const freshUserData = () => mkdtempSync(join(tmpdir(), 'cellscribe-ft-'));
const bytesOf = (path: string) => {
  const b = readFileSync(path);
  return b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength) as ArrayBuffer;
};

/** A dataset of nicolas saying 1 and 2, imported as FSDD-named files (the engine resamples 8 → 16 kHz). */
async function digitsDataset(backend: AppBackend, takes: number[]): Promise<string> {
  const dataset = await backend.createDataset('nicolas digits');
  const files = [1, 2].flatMap((d) => takes.map((t) => ({ path: `fsdd/${d}_nicolas_${t}.wav`, bytes: bytesOf(fsddPath(d, 'nicolas', t)) })));
  const report = await backend.importDatasetFiles(dataset.id, files);
  assert.equal(report.imported, files.length, JSON.stringify(report.skipped));
  return dataset.id;
}

const request = (datasetId: string, overrides: Partial<FineTuneRequest> = {}): FineTuneRequest => ({
  datasetId, baseModelId: BUNDLED_MODEL_ID, epochs: 2, learningRate: 0, frozenLayers: 0, head: 'keep', name: 'My voice', ...overrides,
});

/** Every model folder in userData/models loads completely (weights and all). */
async function everyModelLoads(userData: string): Promise<number> {
  let count = 0;
  for (const name of readdirSync(join(userData, 'models'))) {
    if (name.startsWith('.')) continue;
    const { weights } = await readModelFolder(join(userData, 'models', name));
    tf.dispose(Object.values(weights));
    count++;
  }
  return count;
}

test('job lifecycle: start → progress and gradients → done → a model version with parent, dataset and metrics; compare; rename/export/import/delete', { skip }, async () => {
  const userData = freshUserData();
  const backend = await createAppBackend({ userDataDir: userData, bundledModelDir: DIGITS_MODEL, engine: 'in-process', engineOptions: { backend: 'wasm' } });
  const events: AppEvent[] = [];
  backend.subscribe((e) => events.push(e));
  try {
    const datasetId = await digitsDataset(backend, [0, 1, 2, 3, 4, 5]);
    const { info } = await backend.getDataset(datasetId);
    assert.ok(info.heldOutUtterances >= 1 && info.trainUtterances >= 6);
    await assert.rejects(backend.startFineTune(request(datasetId, { baseModelId: 'user:nope' })), /no model with id/);
    await assert.rejects(backend.startFineTune(request(datasetId, { frozenLayers: 3 })), /cannot freeze 3 layers/);

    const job = await backend.startFineTune(request(datasetId));
    assert.ok(['queued', 'running'].includes(job.state));
    const done = await backend.whenJobSettled(job.id);
    assert.equal(done.state, 'done', done.error ?? '');
    assert.equal(done.curve.length, 2);
    assert.ok(done.curve.every((p) => Number.isFinite(p.trainLoss) && p.heldOutCer >= 0));
    assert.ok(done.totalSteps > 0 && done.step === done.totalSteps);

    const progress = events.filter((e) => e.type === 'train-progress');
    assert.ok(progress.some((e) => e.type === 'train-progress' && e.job.step > 0 && Number.isFinite(e.loss) && e.etaSeconds >= 0));
    const gradients = events.filter((e) => e.type === 'train-gradients');
    assert.ok(gradients.length >= 1, 'a gradient snapshot every few steps');
    const snap = gradients[0].type === 'train-gradients' ? gradients[0].snapshot : undefined;
    assert.equal(snap!.layers, 2);
    assert.equal(snap!.norms.length, snap!.layers * snap!.steps);
    assert.ok(snap!.clipNorm > 0 && snap!.globalNorm > 0);
    assert.ok(events.some((e) => e.type === 'models-changed'));

    const models = await backend.listModels();
    const mine = models.find((m) => m.id === done.modelId)!;
    assert.equal(mine.name, 'My voice');
    assert.equal(mine.kind, 'user');
    assert.equal(mine.parentId, BUNDLED_MODEL_ID);
    assert.equal((mine.metrics.heldOut as { utterances: number }).utterances, info.heldOutUtterances);
    const meta = JSON.parse(readFileSync(join(userData, 'models', mine.id.slice('user:'.length), 'meta.json'), 'utf8'));
    assert.equal(meta.provenance.datasetId, datasetId);
    assert.equal(meta.provenance.parentId, BUNDLED_MODEL_ID);

    const comparison = await backend.compareWithParent(mine.id, datasetId);
    assert.equal(comparison.parentId, BUNDLED_MODEL_ID);
    assert.equal(comparison.utterances.length, info.heldOutUtterances);
    for (const side of [comparison.before, comparison.after]) assert.ok(side.wer >= 0 && side.cer >= 0);
    // Fine-tuning changed the model: weights moved well beyond float noise (a learning rate of
    // 1e-30 leaves every weight as the parent's and fails here; "wer >= 0" could not fail).
    const child = await readModelFolder(join(userData, 'models', mine.id.slice('user:'.length)));
    const parent = await readModelFolder(DIGITS_MODEL);
    let moved = 0;
    for (const [name, weight] of Object.entries(child.weights)) {
      const ours = weight.dataSync();
      const theirs = parent.weights[name].dataSync();
      for (let i = 0; i < ours.length; i++) moved = Math.max(moved, Math.abs(ours[i] - theirs[i]));
    }
    tf.dispose([...Object.values(child.weights), ...Object.values(parent.weights)]);
    assert.ok(moved > 1e-3, `fine-tuning moved no weight by more than ${moved}`);
    assert.ok(comparison.utterances.every((u) => ['one', 'two'].includes(u.reference)));
    await assert.rejects(backend.compareWithParent(BUNDLED_MODEL_ID, datasetId), /no parent/);

    // Activate, rename, export → import (a new folder, never an overwrite), delete.
    await backend.setSettings({ ...(await backend.getSettings()), activeModelId: mine.id });
    assert.equal((await backend.getStatus()).activeModel?.id, mine.id);
    assert.equal((await backend.renameModel(mine.id, 'Renamed')).name, 'Renamed');
    const zip = await backend.exportModel(mine.id);
    const imported = await backend.importModel('renamed.zip', zip);
    const again = await backend.importModel('renamed.zip', zip);
    assert.notEqual(imported.id, mine.id);
    assert.notEqual(again.id, imported.id);
    assert.equal(imported.name, 'Renamed');
    await assert.rejects(backend.importModel('broken.zip', zip.slice(0, 100)), /broken\.zip: not a usable model archive/);
    await assert.rejects(backend.importModel('notes.zip', new TextEncoder().encode('hello').buffer as ArrayBuffer), /not a usable model archive/);
    await assert.rejects(backend.deleteModel(BUNDLED_MODEL_ID), /bundled base model cannot be deleted/);
    await backend.deleteModel(mine.id);
    assert.equal((await backend.getSettings()).activeModelId, BUNDLED_MODEL_ID, 'deleting the active model falls back to the bundled one');
    assert.equal((await backend.getStatus()).activeModel?.id, BUNDLED_MODEL_ID);
    assert.equal(await everyModelLoads(userData), 2);
  } finally {
    await backend.dispose();
  }
});

test('cancel and resume; an app exit mid-job leaves it resumable; a killed worker loses nothing', { skip }, async () => {
  const userData = freshUserData();
  let backend = await createAppBackend({ userDataDir: userData, bundledModelDir: DIGITS_MODEL, engine: 'worker', engineOptions: { backend: 'wasm' } });
  try {
    const datasetId = await digitsDataset(backend, [0, 1, 2, 3, 4, 5, 6, 7]);
    const datasetBefore = readFileSync(join(userData, 'datasets', datasetId, 'dataset.json'), 'utf8');
    const firstStep = () =>
      new Promise<void>((resolve) => {
        const off = backend.subscribe((e) => {
          if (e.type === 'train-progress' && e.job.step >= 2) {
            off();
            resolve();
          }
        });
      });

    // Cancel at a step boundary, then resume to the end.
    let job = await backend.startFineTune(request(datasetId, { epochs: 4, name: 'Cancelled then resumed' }));
    await firstStep();
    await backend.cancelFineTune(job.id);
    let settled = await backend.whenJobSettled(job.id);
    assert.equal(settled.state, 'cancelled');
    assert.ok(existsSync(join(userData, 'jobs', job.id, 'run', 'checkpoints')), 'a checkpoint was written on cancel');
    await assert.rejects(backend.resumeFineTune('nope-1'), /no fine-tuning job/);
    await backend.resumeFineTune(job.id);
    settled = await backend.whenJobSettled(job.id);
    assert.equal(settled.state, 'done', settled.error ?? '');

    // Kill the worker mid-job: the job becomes resumable, models and the dataset are intact.
    job = await backend.startFineTune(request(datasetId, { epochs: 6, name: 'Crashed then resumed' }));
    await firstStep();
    await backend.simulateEngineCrash();
    settled = await backend.whenJobSettled(job.id);
    assert.equal(settled.state, 'cancelled');
    assert.match(settled.error ?? '', /Interrupted: the engine stopped/);
    assert.equal(await everyModelLoads(userData), 1);
    assert.equal(readFileSync(join(userData, 'datasets', datasetId, 'dataset.json'), 'utf8'), datasetBefore);

    // An app exit while "running" (job.json says so): the next start marks it resumable.
    await backend.dispose();
    const jobFile = join(userData, 'jobs', job.id, 'job.json');
    writeFileSync(jobFile, JSON.stringify({ ...JSON.parse(readFileSync(jobFile, 'utf8')), state: 'running', error: null }));
    backend = await createAppBackend({ userDataDir: userData, bundledModelDir: DIGITS_MODEL, engine: 'worker', engineOptions: { backend: 'wasm' } });
    const listed = (await backend.listJobs()).find((j) => j.id === job.id)!;
    assert.equal(listed.state, 'cancelled');
    assert.match(listed.error ?? '', /app closed/);
    const stepBefore = listed.step;
    await backend.resumeFineTune(job.id);
    settled = await backend.whenJobSettled(job.id);
    assert.equal(settled.state, 'done', settled.error ?? '');
    assert.ok(settled.step > stepBefore);
    assert.equal(await everyModelLoads(userData), 2);
    assert.equal((await backend.getDataset(datasetId)).items.length, 16);
  } finally {
    await backend.dispose();
  }
});
