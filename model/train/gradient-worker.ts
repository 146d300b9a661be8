/**
 * worker_threads entry of a gradient worker (see gradient-pool.ts): its own tfjs backend and its
 * own copy of the model. Per training step it reads the current weights from shared memory,
 * computes one shard's loss and gradients (shard-gradients.ts), writes the gradients into its
 * shared gradient buffer and replies with the loss. It never updates weights itself: the
 * optimizer runs once, on the training thread.
 */
import { parentPort } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import { selectBackend, useWasmDir } from '../engine/backend.ts';
import { AcousticModel } from '../nn/acoustic-model.ts';
import { readInto } from '../nn/recurrent-types.ts';
import { shardGradients } from './shard-gradients.ts';
import { SharedLayout, type WorkerReply, type WorkerRequest } from './gradient-pool.ts';

const port = parentPort;
if (!port) throw new Error('train/gradient-worker.ts must run as a worker_threads Worker (no parentPort)');

let model: AcousticModel | undefined;
let variables: tf.Variable[] = [];
let sharedWeights: Float32Array[] = [];
let sharedGradients: Float32Array[] = [];

async function handle(message: WorkerRequest): Promise<{ reply: WorkerReply }> {
  if (message.type === 'init') {
    if (message.wasmDir) await useWasmDir(message.wasmDir);
    await selectBackend(message.backend);
    model = AcousticModel.create(message.config, message.features, message.normalisation, 0);
    const named = model.namedVariables();
    // Frozen layers never change: they are sent once, here.
    for (const [name, values] of Object.entries(message.weights)) assignFrom(named[name], values);
    variables = model.trainableVariables(message.frozenLayers);
    const layout = new SharedLayout(message.sizes);
    if (variables.some((v, i) => v.size !== layout.sizes[i])) throw new Error('gradient worker: the shared layout does not match the trained variables');
    sharedWeights = layout.views(message.sharedWeights);
    sharedGradients = layout.views(message.sharedGradients);
    return { reply: { type: 'ready' } };
  }
  if (!model) throw new Error('gradient worker: a step arrived before init');
  variables.forEach((variable, i) => assignFrom(variable, sharedWeights[i]));
  const { value, gradients, records } = shardGradients(model, variables, message.shard, message.batchSize, message.record);
  gradients.forEach((g, i) => readInto(g, sharedGradients[i])); // [variable shape] each, flat
  const loss = value.dataSync()[0];
  tf.dispose([value, ...gradients]);
  return { reply: { type: 'result', id: message.id, loss, records, liveTensors: tf.memory().numTensors } };
}

/**
 * Sets a variable to host values. The uploaded tensor is disposed after the assign: the variable
 * holds its own reference, and a tensor left undisposed would keep every step's old weights alive.
 */
function assignFrom(variable: tf.Variable, values: Float32Array): void {
  // wasm copies on upload; the cpu backend would keep a view of (shared) memory, so it gets a private copy.
  const fresh = tf.tensor(tf.getBackend() === 'wasm' ? values : values.slice(), variable.shape);
  variable.assign(fresh);
  fresh.dispose();
}

// One message at a time: the pool never sends a step before the previous one came back.
let queue: Promise<void> = Promise.resolve();
port.on('message', (message: WorkerRequest) => {
  queue = queue.then(async () => {
    try {
      const { reply } = await handle(message);
      port.postMessage(reply);
    } catch (error) {
      const id = message.type === 'step' ? message.id : -1;
      port.postMessage({ type: 'error', id, message: error instanceof Error ? error.message : String(error) } satisfies WorkerReply);
    }
  });
});
