/**
 * The device-resident path (GPU backends), run on the cpu backend: the same numbers as the host
 * path (recurrent.ts + ctc-loss.ts + clipping + Adam), and no value read back during a step.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { DEFAULT_FEATURES, DEFAULT_MODEL, featureDim } from '../config.ts';
import { ctcLoss } from '../ctc/ctc-loss.ts';
import { ctcLossOnDevice } from '../ctc/ctc-loss-device.ts';
import { selectBackend } from '../engine/backend.ts';
import { AcousticModel } from '../nn/acoustic-model.ts';
import { createRecurrentParams, recurrentParamList, runRecurrent } from '../nn/recurrent.ts';
import { runRecurrentOnDevice } from '../nn/recurrent-device.ts';
import { Adam } from './adam.ts';
import { batchGradients } from './data-parallel.ts';
import { deviceTrainStep } from './device-step.ts';
import { splitBatch } from './shard-gradients.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readModelFolder } from '../io/model-store.ts';
import { fsddAvailable, writeFsddManifest } from '../testing/fsdd-fixture.ts';
import { testTrainConfig } from '../testing/train-config.ts';
import { train } from './train-loop.ts';

await selectBackend('cpu');

function maxRelativeError(a: tf.Tensor, b: tf.Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  assert.equal(x.length, y.length);
  let diff = 0;
  let scale = 1e-12;
  for (let i = 0; i < x.length; i++) {
    diff = Math.max(diff, Math.abs(x[i] - y[i]));
    scale = Math.max(scale, Math.abs(x[i]));
  }
  return diff / scale;
}

/** Counts every way a tensor's values can reach the host: Tensor.data/dataSync/array/arraySync and the backend's read/readSync. */
function countReads<T>(fn: () => T): { result: T; reads: number } {
  let reads = 0;
  const proto = tf.Tensor.prototype as unknown as Record<string, (...args: unknown[]) => unknown>;
  const backend = tf.backend() as unknown as Record<string, (...args: unknown[]) => unknown>;
  const patched: [Record<string, (...args: unknown[]) => unknown>, string, (...args: unknown[]) => unknown][] = [];
  for (const [target, names] of [[proto, ['data', 'dataSync', 'array', 'arraySync', 'bytes']], [backend, ['read', 'readSync']]] as const) {
    for (const name of names) {
      const original = target[name];
      patched.push([target, name, original]);
      target[name] = function (this: unknown, ...args: unknown[]) {
        reads += 1;
        return original.apply(this, args);
      };
    }
  }
  try {
    return { result: fn(), reads };
  } finally {
    for (const [target, name, original] of patched) target[name] = original;
  }
}

test('device recurrent layers give the host layers\' outputs and gradients (LSTM, peephole, GRU)', () => {
  for (const kind of ['lstm', 'peephole', 'gru'] as const) {
    const params = createRecurrentParams(kind, 5, 6, 11, `device-${kind}`);
    const x = tf.randomNormal([3, 7, 5], 0, 1, 'float32', 4) as tf.Tensor3D; // [batch, time, inputSize]
    const h0 = tf.randomNormal([3, 6], 0, 0.5, 'float32', 5) as tf.Tensor2D; // [batch, units]
    const c0 = kind === 'gru' ? undefined : (tf.randomNormal([3, 6], 0, 0.5, 'float32', 6) as tf.Tensor2D); // [batch, units]
    const initial = { hidden: h0, cellState: c0 };
    const weights = tf.randomNormal([3, 7, 6], 0, 1, 'float32', 7); // [batch, time, units]: a loss that weighs every output
    const lossOf = (run: typeof runRecurrent) => (input: tf.Tensor) => {
      const result = run(params, input as tf.Tensor3D, initial);
      const final = tf.sum(result.final.hidden); // the final state's gradient path too
      return tf.add(tf.sum(tf.mul(result.output, weights)), final) as tf.Scalar;
    };
    const host = tf.variableGrads(() => lossOf(runRecurrent)(x), recurrentParamList(params));
    const device = tf.variableGrads(() => lossOf(runRecurrentOnDevice)(x), recurrentParamList(params));
    assert.ok(maxRelativeError(host.value, device.value) < 1e-5, `${kind} loss`);
    for (const v of recurrentParamList(params)) {
      const error = maxRelativeError(host.grads[v.name], device.grads[v.name]);
      assert.ok(error < 1e-4, `${kind} ${v.name}: relative error ${error}`);
    }
    const dxHost = tf.grad(lossOf(runRecurrent))(x);
    const dxDevice = tf.grad(lossOf(runRecurrentOnDevice))(x);
    assert.ok(maxRelativeError(dxHost, dxDevice) < 1e-4, `${kind} input gradient`);
    tf.dispose([x, h0, weights, host.value, device.value, dxHost, dxDevice, ...Object.values(host.grads), ...Object.values(device.grads), ...recurrentParamList(params)]);
    if (c0) c0.dispose();
  }
});

test('device CTC gives the host CTC\'s losses and gradients, padding and infeasible utterances included', () => {
  const logits = tf.randomNormal([4, 9, 6], 0, 2, 'float32', 3) as tf.Tensor3D; // [batch, time, classes]
  const labels = [[1, 2, 2, 3], [4], [5, 5, 5, 5, 5], []]; // the third needs 9 frames and gets 6: infeasible
  const lengths = [9, 5, 6, 4];
  const weights = tf.tensor1d([1, 0.5, 2, 1.5]);
  const host = tf.valueAndGrad((l: tf.Tensor) => tf.sum(tf.mul(ctcLoss(l as tf.Tensor3D, labels, lengths), weights)) as tf.Scalar)(logits);
  const device = tf.valueAndGrad((l: tf.Tensor) => tf.sum(tf.mul(ctcLossOnDevice(l as tf.Tensor3D, labels, lengths), weights)) as tf.Scalar)(logits);
  const hostLosses = ctcLoss(logits, labels, lengths);
  const deviceLosses = ctcLossOnDevice(logits, labels, lengths);
  assert.equal(deviceLosses.dataSync()[2], 0);
  assert.ok(maxRelativeError(hostLosses, deviceLosses) < 1e-5, `losses ${hostLosses.dataSync()} vs ${deviceLosses.dataSync()}`);
  assert.ok(maxRelativeError(host.grad, device.grad) < 1e-4, 'gradient wrt logits');
  // Padded frames get no gradient.
  const grad = device.grad.arraySync() as number[][][];
  assert.ok(grad[1].slice(5).flat().every((g) => g === 0));
  tf.dispose([logits, weights, host.value, host.grad, device.value, device.grad, hostLosses, deviceLosses]);
});

test('a device training step reads nothing back and updates the weights like the host path', async () => {
  const dim = featureDim(DEFAULT_FEATURES);
  const config = { ...DEFAULT_MODEL, layers: 2, units: 12, stack: 3 };
  const normalisation = { mean: new Array(dim).fill(0), std: new Array(dim).fill(1) };
  const frames = [40, 37, 30];
  const data = new Float32Array(3 * 40 * dim); // [3, 40, dim], padded at the end
  frames.forEach((n, b) => { for (let i = 0; i < n * dim; i++) data[b * 40 * dim + i] = Math.sin(0.37 * i + b); });
  const labels = [[1, 2, 3], [4, 4], [5]];
  const steps = frames.map((n) => Math.ceil(n / 3));
  const batch = splitBatch(data, 40, dim, frames, labels, steps, 1)[0];
  // A clip limit below the gradient norm, so the clipping branch is exercised.
  const clipNorm = 0.05;

  const hostModel = AcousticModel.create(config, DEFAULT_FEATURES, normalisation, 9);
  const hostVariables = hostModel.trainableVariables();
  const hostAdam = new Adam(hostVariables);
  const deviceModel = AcousticModel.create(config, DEFAULT_FEATURES, normalisation, 9);
  const deviceVariables = deviceModel.trainableVariables();
  const deviceAdam = new Adam(deviceVariables);
  for (let step = 0; step < 2; step++) {
    // Host path: the training loop's own pieces.
    const { value, gradients } = await batchGradients(hostModel, hostVariables, [batch], 3, false, undefined);
    const norm = tf.tidy(() => tf.sqrt(tf.addN(gradients.map((g) => tf.sum(tf.square(g))))).dataSync()[0]);
    assert.ok(norm > clipNorm);
    const clipped = gradients.map((g) => tf.mul(g, clipNorm / norm));
    hostAdam.apply(clipped, 0.01);

    const { result, reads } = countReads(() => deviceTrainStep(deviceModel, deviceVariables, deviceAdam, batch, 0.01, clipNorm));
    assert.equal(reads, 0, 'host reads during a device step');
    assert.ok(Math.abs(result.loss.dataSync()[0] - value.dataSync()[0]) < 1e-5 * value.dataSync()[0], `step ${step} loss`);
    assert.ok(Math.abs(result.gradNorm.dataSync()[0] - norm) < 1e-4 * norm, `step ${step} gradient norm`);
    tf.dispose([value, ...gradients, ...clipped, result.loss, result.gradNorm]);
  }
  hostVariables.forEach((v, i) => {
    const error = maxRelativeError(v, deviceVariables[i]);
    assert.ok(error < 1e-4, `${v.name}: relative error ${error}`);
  });
  hostAdam.dispose(); deviceAdam.dispose(); hostModel.dispose(); deviceModel.dispose();
});

test('train() on the device path ends where the host path ends (real speech, 2 steps)', { skip: fsddAvailable() ? false : 'FSDD recordings not found' }, async () => {
  const trainManifest = writeFsddManifest('train.json', [8, 9], ['nicolas'], [5, 6, 7, 8, 9, 10, 11, 12]);
  const devManifest = writeFsddManifest('dev.json', [8], ['nicolas'], [0]);
  const settings = { epochs: 1, batchSize: 8, model: { ...DEFAULT_MODEL, layers: 1, units: 8, stack: 3 } };
  const outs = { host: mkdtempSync(join(tmpdir(), 'host-')), device: mkdtempSync(join(tmpdir(), 'device-')) };
  const losses: Record<string, number[]> = { host: [], device: [] };
  for (const mode of ['host', 'device'] as const) {
    await train(testTrainConfig(outs[mode], trainManifest, devManifest, { ...settings, deviceResident: mode === 'device' }), {
      onEvent: (e) => e.type === 'step' && losses[mode].push(e.loss),
    });
  }
  assert.equal(losses.device.length, 2);
  losses.host.forEach((loss, i) => assert.ok(Math.abs(loss - losses.device[i]) < 1e-4 * loss, `step ${i + 1}: ${loss} vs ${losses.device[i]}`));
  const host = await readModelFolder(join(outs.host, 'model'));
  const device = await readModelFolder(join(outs.device, 'model'));
  for (const name of Object.keys(host.weights)) {
    const error = maxRelativeError(host.weights[name], device.weights[name]);
    assert.ok(error < 1e-3, `${name}: relative error ${error}`);
  }
  tf.dispose([...Object.values(host.weights), ...Object.values(device.weights)]);
});
