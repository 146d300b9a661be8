/**
 * worker_threads entry: the parent port ↔ one Engine. Requests run one at a time in arrival
 * order (tfjs is single-threaded here anyway, and streaming pushes must stay ordered), except
 * IMMEDIATE_METHODS (a cancel), which run as soon as they arrive; results'
 * Float32Array buffers are transferred back, errors are serialised with their message.
 *
 * workerData: EngineOptions ({ backend?, wasmDir?, generalLm?, lexicon?, … }).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Engine, type EngineOptions } from './engine.ts';
import { collectTransferables, IMMEDIATE_METHODS, serializeError, type EngineEvent, type EngineRequest, type EngineResponse } from './engine-protocol.ts';

const port = parentPort;
if (!port) throw new Error('engine/worker.ts must run as a worker_threads Worker (no parentPort)');

const engine = new Engine((workerData ?? {}) as EngineOptions);
// Training progress is pushed as events (no request id), its arrays transferred.
engine.setEventSink((data) => {
  const message: EngineEvent = { event: 'train', data };
  port.postMessage(message, collectTransferables(message));
});
engine.setProgressSink((data) => {
  const message: EngineEvent = { event: 'transcribe-progress', data };
  port.postMessage(message);
});
let queue: Promise<void> = Promise.resolve();

const answer = async (message: EngineRequest): Promise<void> => {
  let response: EngineResponse;
  try {
    response = { id: message.id, ok: true, result: await engine.call(message.method, message.args as never) };
  } catch (error) {
    response = { id: message.id, ok: false, error: serializeError(error) };
  }
  port.postMessage(response, collectTransferables(response));
};

function isRequest(value: unknown): value is EngineRequest {
  const r = value as EngineRequest;
  return typeof r === 'object' && r !== null && Number.isInteger(r.id) && typeof r.method === 'string' && Array.isArray(r.args);
}

port.on('message', (message: unknown) => {
  if (!isRequest(message)) {
    const id = (message as { id?: unknown })?.id;
    port.postMessage({ id: typeof id === 'number' ? id : -1, ok: false, error: { name: 'TypeError', message: 'malformed engine request: expected { id, method, args[] }' } } satisfies EngineResponse);
    return;
  }
  // A cancel must not wait for the job it cancels (the job yields between chunks, so it is heard).
  if (IMMEDIATE_METHODS.includes(message.method)) {
    void answer(message);
    return;
  }
  queue = queue.then(() => answer(message));
});
