/**
 * Data-parallel training over worker threads. tfjs runs one backend per thread (wasm and cpu use
 * one core each), so a training step spreads its batch over N threads: the training thread
 * computes the first shard itself and N − 1 gradient workers (gradient-worker.ts) the others,
 * each with its own backend and model copy. The shards' losses and gradients are summed on the
 * training thread in shard order (deterministic for a given worker count) and applied once by
 * the one Adam there.
 *
 * Weights reach the workers through shared memory: one SharedArrayBuffer per trained variable,
 * written by the training thread before each step and read by every worker; gradients come back
 * as transferred buffers. tfjs-node is not context-aware (one instance per process, see
 * docs/style.md §0), so on tfjs-node and tfjs-node-gpu training stays on one thread.
 */
import { Worker } from 'node:worker_threads';
import * as tf from '@tensorflow/tfjs';
import type { FeatureConfig, ModelConfig } from '../config.ts';
import { wasmDirInUse } from '../engine/backend.ts';
import type { Normalisation } from '../io/model-store.ts';
import type { AcousticModel } from '../nn/acoustic-model.ts';
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
      /** One per trained variable, in trainableVariables order; rewritten before every step. */
      shared: SharedArrayBuffer[];
    }
  | { type: 'step'; id: number; shard: Shard; batchSize: number; record: boolean };

export type WorkerReply =
  | { type: 'ready' }
  | { type: 'result'; id: number; loss: number; gradients: Float32Array[]; records: GradientRecord[] }
  | { type: 'error'; id: number; message: string };

export interface WorkerShardResult {
  loss: number;
  gradients: Float32Array[];
  records: GradientRecord[];
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

  constructor(private readonly worker: Worker, readonly index: number) {
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
    private readonly shared: Float32Array[],
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
    const shared = variables.map((v) => new Float32Array(new SharedArrayBuffer(v.size * 4))); // [variable size] each
    const weights = Object.fromEntries(Object.entries(model.namedVariables()).map(([name, v]) => [name, v.dataSync() as Float32Array]));
    const workers: GradientWorker[] = [];
    try {
      for (let i = 0; i < extraWorkers; i++) workers.push(new GradientWorker(spawnWorker(workerEntry()), i + 1));
      const init: WorkerRequest = {
        type: 'init',
        backend,
        wasmDir: wasmDirInUse(),
        config: model.config,
        features: model.features,
        normalisation: model.normalisation,
        frozenLayers,
        weights,
        shared: shared.map((s) => s.buffer as SharedArrayBuffer),
      };
      const replies = await Promise.all(workers.map((w) => w.request(init)));
      const failed = replies.find((r) => r.type === 'error');
      if (failed && failed.type === 'error') throw new Error(`a gradient worker could not start: ${failed.message}`);
    } catch (error) {
      await Promise.all(workers.map((w) => w.close()));
      throw error;
    }
    return new GradientPool(workers, variables, shared);
  }

  /**
   * Publishes the current weights and sends shards[i] to worker i (shards.length ≤ workers).
   * Call before computing the training thread's own shard; await the returned promise after.
   */
  dispatch(shards: Shard[], batchSize: number, record: boolean): Promise<WorkerShardResult[]> {
    if (shards.length > this.workers.length) throw new Error(`${shards.length} shards for ${this.workers.length} gradient workers`);
    if (shards.length === 0) return Promise.resolve([]);
    this.variables.forEach((v, i) => this.shared[i].set(v.dataSync() as Float32Array));
    return Promise.all(shards.map(async (shard, i) => {
      const id = this.nextId++;
      const reply = await this.workers[i].request({ type: 'step', id, shard, batchSize, record });
      if (reply.type === 'error') throw new Error(`gradient worker ${i + 1}: ${reply.message}`);
      if (reply.type !== 'result' || reply.id !== id) throw new Error(`gradient worker ${i + 1} answered out of turn`);
      return { loss: reply.loss, gradients: reply.gradients, records: reply.records };
    }));
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
  }
}
