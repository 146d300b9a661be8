/**
 * Data-parallel training over worker threads. tfjs runs one backend per thread (wasm and cpu use
 * one core each), so a training step spreads its batch over N threads: the training thread
 * computes the first shard itself and N − 1 gradient workers (gradient-worker.ts) the others,
 * each with its own backend and model copy. The shards' losses and gradients are summed on the
 * training thread in shard order (deterministic for a given worker count) and applied once by
 * the one Adam there.
 *
 * Weights and gradients travel through shared memory, one flat SharedArrayBuffer each, every
 * trained variable at a fixed offset (SharedLayout): the training thread writes the current
 * weights into the weight buffer once per step and every worker reads them from there; each
 * worker writes its shard's gradients into its own gradient buffer, which the training thread
 * reads when the step's reply comes. Nothing is copied into or out of a message, and no buffer
 * is allocated per step. tfjs-node is not context-aware (one instance per process, see
 * docs/style.md §0), so on tfjs-node and tfjs-node-gpu training stays on one thread.
 */
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { FeatureConfig, ModelConfig } from '../config.ts';
import { wasmDirInUse } from '../engine/backend.ts';
import type { Normalisation } from '../io/model-store.ts';
import type { AcousticModel } from '../nn/acoustic-model.ts';
import { readInto } from '../nn/recurrent-types.ts';
import type { GradientRecord } from '../nn/gradient-recorder.ts';
import type { Shard } from './shard-gradients.ts';

export type WorkerRequest =
  | {
      type: 'init';
      backend: 'wasm' | 'cpu';
      wasmDir?: string;
      config: ModelConfig;
      features: FeatureConfig;
      normalisation: Normalisation;
      frozenLayers: number;
      /** Every weight by name (frozen ones included), at the start. */
      weights: Record<string, Float32Array>;
      /** The trained variables' weights (SharedLayout), rewritten before every step. */
      sharedWeights: SharedArrayBuffer;
      /** This worker's gradients (SharedLayout), written by it in every step. */
      sharedGradients: SharedArrayBuffer;
      /** Element count of each trained variable, in trainableVariables order. */
      sizes: number[];
    }
  | { type: 'step'; id: number; shard: Shard; batchSize: number; record: boolean };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'result'; id: number; loss: number; records: GradientRecord[]; liveTensors: number }
  | { type: 'error'; id: number; message: string };

export interface WorkerShardResult {
  loss: number;
  /** One per trained variable, flat: views of the worker's shared buffer, valid until the next dispatch. */
  gradients: Float32Array[];
  records: GradientRecord[];
  /** Tensors alive in the worker after the step (tf.memory().numTensors): flat from step to step, or it leaks. */
  liveTensors: number;
}

/**
 * Where each trained variable sits in a flat shared buffer: variable i at offsets[i], sizes[i]
 * elements, in trainableVariables order; `total` elements in all.
 */
export class SharedLayout {
  readonly offsets: number[];
  readonly total: number;

  constructor(readonly sizes: number[]) {
    this.offsets = [];
    let offset = 0;
    for (const size of sizes) {
      this.offsets.push(offset);
      offset += size;
    }
    this.total = offset;
  }

  /** A new zeroed SharedArrayBuffer for all variables. */
  allocate(): SharedArrayBuffer {
    return new SharedArrayBuffer(this.total * 4);
  }

  /** Variable i's part of `buffer`, a Float32Array view (no copy). */
  view(buffer: SharedArrayBuffer, i: number): Float32Array {
    return new Float32Array(buffer, this.offsets[i] * 4, this.sizes[i]);
  }

  /** Every variable's view of `buffer`, in order. */
  views(buffer: SharedArrayBuffer): Float32Array[] {
    return this.sizes.map((_, i) => this.view(buffer, i));
  }
}

/** tfjs backends (tf.getBackend() names) that can run in several threads of one process. */
export function supportsWorkerThreads(tfBackend: string): tfBackend is 'wasm' | 'cpu' {
  return tfBackend === 'wasm' || tfBackend === 'cpu';
}

/** A Worker for a .js entry, or for a .ts entry through tsx's ESM loader (development and tests). */
function spawnWorker(url: URL): Worker {
  if (!url.pathname.endsWith('.ts')) return new Worker(url);
  // Node 20 ignores `--import` in a Worker's execArgv, so the worker registers tsx itself.
  const tsx = import.meta.resolve('tsx/esm/api');
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(url.href)}); });`;
  return new Worker(bootstrap, { eval: true });
}

/**
 * The worker entry beside this module: the .ts source in development and tests; in the app's
 * bundle (out/engine/worker.js, where this code is inlined) the separately bundled
 * gradient-worker.js next to it (scripts/build-app.mjs).
 */
function workerEntry(): URL {
  return new URL(import.meta.url.endsWith('.ts') ? './gradient-worker.ts' : './gradient-worker.js', import.meta.url);
}

class GradientWorker {
  private waiter: { resolve: (r: WorkerReply) => void; reject: (e: Error) => void } | undefined;
  private failure: Error | undefined;

  constructor(private readonly worker: Worker, readonly index: number, readonly gradients: SharedArrayBuffer) {
    worker.on('message', (reply: WorkerReply) => {
      const waiter = this.waiter;
      this.waiter = undefined;
      waiter?.resolve(reply);
    });
    worker.on('error', (error) => this.fail(`gradient worker ${index} failed: ${error.message.split('\n')[0]}`));
    worker.on('exit', (code) => this.fail(`gradient worker ${index} exited with code ${code}`));
  }

  private fail(message: string): void {
    this.failure ??= new Error(message);
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.reject(this.failure);
  }

  /** Sends one request and waits for its reply (one request at a time). */
  request(message: WorkerRequest): Promise<WorkerReply> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.waiter = { resolve, reject };
      this.worker.postMessage(message);
    });
  }

  async close(): Promise<void> {
    this.failure ??= new Error('gradient pool closed');
    await this.worker.terminate();
  }
}

export class GradientPool {
  private nextId = 1;

  private constructor(
    private readonly workers: GradientWorker[],
    private readonly variables: tf.Variable[],
    private readonly layout: SharedLayout,
    private readonly weights: Float32Array[],
  ) {}

  /** Number of threads taking part in a step (the training thread included). */
  get threads(): number {
    return this.workers.length + 1;
  }

  /** Starts `extraWorkers` gradient workers holding copies of `model` (they wait for steps). */
  static async start(model: AcousticModel, frozenLayers: number, extraWorkers: number): Promise<GradientPool> {
    const backend = tf.getBackend();
    if (!supportsWorkerThreads(backend)) throw new Error(`data-parallel training needs the wasm or cpu backend, not ${backend}`);
    const variables = model.trainableVariables(frozenLayers);
    const layout = new SharedLayout(variables.map((v) => v.size));
    const sharedWeights = layout.allocate(); // [Σ variable sizes]
    const weights = Object.fromEntries(Object.entries(model.namedVariables()).map(([name, v]) => [name, v.dataSync() as Float32Array]));
    const workers: GradientWorker[] = [];
    try {
      for (let i = 0; i < extraWorkers; i++) workers.push(new GradientWorker(spawnWorker(workerEntry()), i + 1, layout.allocate()));
      const replies = await Promise.all(workers.map((w) => w.request({
        type: 'init',
        backend,
        wasmDir: wasmDirInUse(),
        config: model.config,
        features: model.features,
        normalisation: model.normalisation,
        frozenLayers,
        weights,
        sharedWeights,
        sharedGradients: w.gradients,
        sizes: layout.sizes,
      })));
      const failed = replies.find((r) => r.type === 'error');
      if (failed && failed.type === 'error') throw new Error(`a gradient worker could not start: ${failed.message}`);
    } catch (error) {
      await Promise.all(workers.map((w) => w.close()));
      throw error;
    }
    return new GradientPool(workers, variables, layout, layout.views(sharedWeights));
  }

  /**
   * Publishes the current weights and sends shards[i] to worker i (shards.length ≤ workers).
   * Call before computing the training thread's own shard; await the returned promise after.
   * The results' gradients are views of shared memory, valid until the next dispatch.
   */
  dispatch(shards: Shard[], batchSize: number, record: boolean): Promise<WorkerShardResult[]> {
    if (shards.length > this.workers.length) throw new Error(`${shards.length} shards for ${this.workers.length} gradient workers`);
    if (shards.length === 0) return Promise.resolve([]);
    this.variables.forEach((v, i) => readInto(v, this.weights[i])); // straight from the backend's memory into the shared buffer
    return Promise.all(shards.map(async (shard, i) => {
      const id = this.nextId++;
      const worker = this.workers[i];
      const reply = await worker.request({ type: 'step', id, shard, batchSize, record });
      if (reply.type === 'error') throw new Error(`gradient worker ${i + 1}: ${reply.message}`);
      if (reply.type !== 'result' || reply.id !== id) throw new Error(`gradient worker ${i + 1} answered out of turn`);
      return { loss: reply.loss, gradients: this.layout.views(worker.gradients), records: reply.records, liveTensors: reply.liveTensors };
    }));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
