/**
 * worker_threads entry of a gradient worker (see gradient-pool.ts): its own tfjs backend and its
 * own copy of the model. Per training step it reads the current weights from shared memory,
 * computes one shard's loss and gradients (shard-gradients.ts) and sends them back, the
 * gradient buffers transferred. It never updates weights itself: the optimizer runs once, on
 * the training thread.
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, useWasmDir } from '../engine/backend.ts';
import { AcousticModel } from '../nn/acoustic-model.ts';
import { shardGradients } from './shard-gradients.ts';
import type { WorkerReply, WorkerRequest } from './gradient-pool.ts';

const port = parentPort;
if (!port) throw new Error('train/gradient-worker.ts must run as a worker_threads Worker (no parentPort)');

let model: AcousticModel | undefined;
let variables: tf.Variable[] = [];
let sharedWeights: Float32Array[] = [];

async function handle(message: WorkerRequest): Promise<{ reply: WorkerReply; transfer: ArrayBuffer[] }> {
  if (message.type === 'init') {
    if (message.wasmDir) await useWasmDir(message.wasmDir);
    await selectBackend(message.backend);
    model = AcousticModel.create(message.config, message.features, message.normalisation, 0);
    const named = model.namedVariables();
    // Frozen layers never change: they are sent once, here.
    for (const [name, values] of Object.entries(message.weights)) named[name].assign(tf.tensor(values, named[name].shape));
    variables = model.trainableVariables(message.frozenLayers);
    sharedWeights = message.shared.map((buffer) => new Float32Array(buffer));
    return { reply: { type: 'ready' }, transfer: [] };
  }
  if (!model) throw new Error('gradient worker: a step arrived before init');
  // A private copy: the cpu backend would otherwise keep a view of the shared memory.
  variables.forEach((variable, i) => variable.assign(tf.tensor(sharedWeights[i].slice(), variable.shape)));
  const { value, gradients, records } = shardGradients(model, variables, message.shard, message.batchSize, message.record);
  // Copies we own (the cpu backend's dataSync hands out its own storage), so they can be transferred.
  const host = gradients.map((g) => (g.dataSync() as Float32Array).slice()); // [variable shape] each, flat
  const loss = value.dataSync()[0];
  tf.dispose([value, ...gradients]);
  return { reply: { type: 'result', id: message.id, loss, gradients: host, records }, transfer: host.map((g) => g.buffer as ArrayBuffer) };
}

// One message at a time: the pool never sends a step before the previous one came back.
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: WorkerRequest) => {
  queue = queue.then(async () => {
    try {
      const { reply, transfer } = await handle(message);
      port.postMessage(reply, transfer);
    } catch (error) {
      const id = message.type === 'step' ? message.id : -1;
      port.postMessage({ type: 'error', id, message: error instanceof Error ? error.message : String(error) } satisfies WorkerReply);
    }
  });
});
