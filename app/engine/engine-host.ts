/**
 * Owns the engine: in a worker_threads Worker (the app) or in-process (tests, browser e2e). Request
 * ids map to promises; when the worker dies, every pending request fails with a clear error, the
 * status goes 'crashed' → 'restarting' → 'ready', a fresh worker starts and the last model is
 * reloaded. Main never loads tfjs: this module reaches the engine only through the protocol, and
 * the in-process engine through a computed import that bundlers leave alone.
 */
import { Worker } from 'node:worker_threads';
import {
  deserializeError,
  isEngineEvent,
  type EngineTranscribeProgress,
  type EngineTrainEvent,
  type EngineMethod,
  type EngineMethods,
  type EngineResponse,
} from './engine-protocol.ts';

/** Sends one request to the engine. */
export type EngineCall = <M extends EngineMethod>(method: M, ...args: EngineMethods[M]['args']) => Promise<EngineMethods[M]['result']>;

export type EngineMode = 'worker' | 'in-process';
export type HostState = 'starting' | 'ready' | 'crashed' | 'restarting';

export interface EngineHostOptions {
  mode: EngineMode;
  /** Worker entry: a bundled .js file, or engine/worker.ts (then loaded through tsx). Default: the .ts beside this package. */
  workerPath?: string;
  /** workerData for the engine (EngineOptions: backend, wasmDir). */
  engineOptions?: { backend?: string; wasmDir?: string; generalLm?: string; inspectSeconds?: number; lexicon?: string };
  /** Called on every state change (and with the crash reason). */
  onState?: (state: HostState, detail: { restarts: number; reason?: string }) => void;
  /**
   * Replays what must survive a restart (loading the model); called after every (re)start with
   * a `call` that reaches the new engine before the state turns 'ready' (other callers wait).
   */
  onStarted?: (call: EngineCall) => Promise<void>;
  /** Training events pushed by the engine (fine-tuning progress, gradients, the end of a job). */
  onTrainEvent?: (event: EngineTrainEvent) => void;
  /** Progress of transcribe(…, jobId) calls. */
  onTranscribeProgress?: (event: EngineTranscribeProgress) => void;
}

/** Whatever can serve engine requests. */
interface Transport {
  call(method: EngineMethod, args: unknown[]): Promise<unknown>;
  close(): Promise<void>;
}

export class EngineCrashedError extends Error {
  constructor(reason: string) {
    super(`the engine stopped (${reason}); it is restarting, try again in a moment`);
    this.name = 'EngineCrashedError';
  }
}

function defaultWorkerPath(): string {
  return new URL('./worker.ts', import.meta.url).pathname;
}

/** A Worker for a .js entry, or for a .ts entry through tsx's ESM loader (development and tests). */
function spawnWorker(path: string, workerData: unknown): Worker {
  if (!path.endsWith('.ts')) return new Worker(path, { workerData });
  // Node 20 ignores `--import` in a Worker's execArgv, so the worker registers tsx itself.
  const tsx = import.meta.resolve('tsx/esm/api');
  const entry = new URL(`file://${path}`).href;
  const bootstrap = `import(${JSON.stringify(tsx)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`;
  return new Worker(bootstrap, { eval: true, workerData });
}

class WorkerTransport implements Transport {
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  private nextId = 1;
  private closing = false;
  private exited = false;

  constructor(private readonly worker: Worker, onExit: (reason: string) => void, onTrainEvent?: (event: EngineTrainEvent) => void, onProgress?: (event: EngineTranscribeProgress) => void) {
    worker.on('message', (message: EngineResponse) => {
      if (isEngineEvent(message)) {
        if (message.event === 'train') onTrainEvent?.(message.data);
        else if (message.event === 'transcribe-progress') onProgress?.(message.data);
        return;
      }
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(deserializeError(message.error));
    });
    let reason = 'the worker exited';
    worker.on('error', (error) => {
      reason = `worker error: ${error.message.split('\n')[0].slice(0, 300)}`;
    });
    worker.on('exit', (code) => {
      this.exited = true;
      if (!reason.startsWith('worker error')) reason = `the worker exited with code ${code}`;
      for (const waiter of this.pending.values()) waiter.reject(new EngineCrashedError(reason));
      this.pending.clear();
      if (!this.closing) onExit(reason);
    });
  }

  call(method: EngineMethod, args: unknown[]): Promise<unknown> {
    if (this.exited) return Promise.reject(new EngineCrashedError('the worker is not running'));
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Arguments are copied, not transferred: the caller may still use its buffers (the renderer's
      // chunk, the test's samples); results come back transferred.
      this.worker.postMessage({ id, method, args });
    });
  }

  /** Kills the worker as a crash would (tests use it to check recovery). */
  async kill(): Promise<void> {
    await this.worker.terminate();
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.worker.terminate();
  }
}

class InProcessTransport implements Transport {
  constructor(private readonly engine: { call(method: string, args: unknown[]): Promise<unknown>; dispose(): void }) {}
  call(method: EngineMethod, args: unknown[]): Promise<unknown> {
    return this.engine.call(method, args);
  }
  async close(): Promise<void> {
    this.engine.dispose();
  }
}

export class EngineHost {
  private transport: Transport | undefined;
  private starting: Promise<void> | undefined;
  private disposed = false;
  state: HostState = 'starting';
  restarts = 0;
  lastCrash: string | null = null;

  constructor(private readonly options: EngineHostOptions) {}

  /** Starts the engine (once); later calls wait for the same start. */
  start(): Promise<void> {
    this.starting ??= this.launch();
    return this.starting;
  }

  private setState(state: HostState, reason?: string): void {
    this.state = state;
    this.options.onState?.(state, { restarts: this.restarts, reason });
  }

  private async launch(): Promise<void> {
    if (this.options.mode === 'in-process') {
      // A computed specifier: bundlers must not pull tfjs into the main process's bundle.
      const specifier = new URL('./engine.ts', import.meta.url).href;
      const { Engine } = (await import(specifier)) as typeof import('./engine.ts');
      const engine = new Engine(this.options.engineOptions);
      // Events cross no thread here; a copy of the arrays mimics the worker's transfer.
      engine.setEventSink((event) => this.options.onTrainEvent?.(event));
      engine.setProgressSink((event) => this.options.onTranscribeProgress?.(event));
      this.transport = new InProcessTransport(engine);
    } else {
      const worker = spawnWorker(this.options.workerPath ?? defaultWorkerPath(), this.options.engineOptions ?? {});
      this.transport = new WorkerTransport(worker, (reason) => this.crashed(reason), (event) => this.options.onTrainEvent?.(event), (event) => this.options.onTranscribeProgress?.(event));
    }
    const transport = this.transport;
    const startupCall: EngineCall = async (method, ...args) => (await transport.call(method, args)) as never;
    await this.options.onStarted?.(startupCall);
    if (!this.disposed) this.setState('ready');
  }

  private crashed(reason: string): void {
    if (this.disposed) return;
    this.lastCrash = reason;
    this.transport = undefined;
    this.setState('crashed', reason);
    this.restarts += 1;
    this.setState('restarting', reason);
    this.starting = this.launch().catch((error: Error) => {
      this.lastCrash = `restart failed: ${error.message}`;
      this.setState('crashed', this.lastCrash);
    });
  }

  /** Sends one request; waits for a (re)start in progress first. */
  async call<M extends EngineMethod>(method: M, ...args: EngineMethods[M]['args']): Promise<EngineMethods[M]['result']> {
    if (this.disposed) throw new Error('the engine host was disposed');
    // Until the (re)started engine has its model back, requests wait rather than overtake it.
    if (this.state !== 'ready') await (this.starting ?? this.start());
    if (!this.transport) throw new EngineCrashedError(this.lastCrash ?? 'not started');
    return (await this.transport.call(method, args)) as EngineMethods[M]['result'];
  }

  /** Simulates a crash of the worker (tests); no-op in-process. */
  async killForTest(): Promise<void> {
    if (this.transport instanceof WorkerTransport) await this.transport.kill();
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    await this.starting?.catch(() => undefined);
    await this.transport?.close();
    this.transport = undefined;
  }
}
