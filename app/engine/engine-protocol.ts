/**
 * The engine's transport-free protocol: one request/response pair per method plus pushed events.
 * The same shapes travel over a worker_threads port (engine/worker.ts) or are called in-process.
 * Import-free, so the Electron main bundle can use these types without pulling in tfjs.
 *
 *   request   { id, method, args }            → response { id, ok: true, result }
 *                                              | { id, ok: false, error: { name, message } }
 *   event     { event, data }                   (no id; e.g. 'log')
 *
 * Float32Array payloads are transferred (not copied) in both directions.
 */

import type { CommandChoiceDTO, DecodingSettings, EngineStatus, InspectionDTO, WordDTO } from '../../contract/contract.ts';

export interface EngineTranscript {
  text: string;
  words: WordDTO[];
  /** Commands mode: the chosen phrase, its confidence, and whether it was output. */
  command?: CommandChoiceDTO;
  durationSeconds: number;
  /** Present when inspection was asked for. */
  inspection?: InspectionDTO;
}

export interface EngineModelSummary {
  dir: string;
  name: string;
  arch: 'lstm' | 'peephole' | 'gru';
  layers: number;
  units: number;
  stack: number;
}

export interface EngineStatusResult extends Pick<EngineStatus, 'backend' | 'backendNotes'> {
  model: EngineModelSummary | null;
}

export interface EngineStreamUpdate {
  partial: string;
  /** Only the steps (and feature frames) this push completed. */
  inspection: InspectionDTO;
}

export interface DecodedAudioResult {
  /** Mono 16 kHz in [-1, 1]. */
  samples: Float32Array;
  durationSeconds: number;
  warnings: string[];
}

/** A fine-tuning run as main describes it; the engine adds the front end and the backend. */
export interface EngineTrainConfig {
  trainManifest: string;
  devManifest: string;
  /** Output folder (checkpoints/, model/, train-log.jsonl); a rerun resumes from it. */
  out: string;
  /** The model to start from. */
  from: string;
  frozenLayers: number;
  newHead?: 'lstm' | 'peephole' | 'gru';
  epochs: number;
  batchSize: number;
  learningRate: number;
  warmupSteps: number;
  patience: number;
  clipNorm: number;
  checkpointEvery: number;
  seed: number;
  /** Emit a gradient snapshot every N steps (0 = never). */
  gradientEvery: number;
  /** Decode the held-out part with the digits vocabulary (digits datasets), else greedy. */
  devVocabulary: 'digits' | null;
  cacheDir: string;
}

/** Pushed while a training job runs; `jobId` names it. */
export type EngineTrainEvent =
  | { jobId: string; type: 'step'; step: number; totalSteps: number; epoch: number; loss: number; learningRate: number; etaSeconds: number }
  | { jobId: string; type: 'epoch'; epoch: number; step: number; trainLoss: number; devCer: number; devWer: number }
  | { jobId: string; type: 'gradients'; step: number; layers: number; steps: number; norms: Float32Array; globalNorm: number; clipNorm: number }
  | { jobId: string; type: 'warning'; message: string }
  | { jobId: string; type: 'finished'; stoppedBy: 'early-stopping' | 'cancelled' | 'epochs' | 'already-done'; modelDir: string; bestCer: number | null; bestEpoch: number | null; steps: number }
  | { jobId: string; type: 'failed'; error: string };

export interface EngineEvaluation {
  wer: number;
  cer: number;
  /** Per item, in the order given. */
  hypotheses: string[];
}

/** Every method: its argument tuple and its result. */
export interface EngineMethods {
  status: { args: []; result: EngineStatusResult };
  loadModel: { args: [dir: string]; result: EngineModelSummary };
  /** Decodes any supported file's bytes and resamples to 16 kHz mono (off the UI's thread). */
  decodeAudio: { args: [bytes: Uint8Array, name: string]; result: DecodedAudioResult };
  /**
   * With a jobId, runs in small chunks: 'transcribe-progress' events follow the audio processed,
   * and transcribeCancel(jobId) stops it within a second (it then rejects with an AbortError).
   * Inspection covers the first INSPECTION_SECONDS (inspection.truncated says so).
   */
  transcribe: { args: [samples: Float32Array, decoding: DecodingSettings, inspect: boolean, jobId?: string]; result: EngineTranscript };
  /** Cancels transcribe(…, jobId); the worker answers it at once, ahead of its queue. False when not running. */
  transcribeCancel: { args: [jobId: string]; result: boolean };
  streamStart: { args: [decoding: DecodingSettings, inspect: boolean]; result: { streamId: string } };
  streamPush: { args: [streamId: string, samples: Float32Array]; result: EngineStreamUpdate };
  /** Ends the stream; its final transcript equals offline transcription of the same audio. */
  streamFinish: { args: [streamId: string]; result: EngineStreamUpdate & { transcript: EngineTranscript } };
  streamCancel: { args: [streamId: string]; result: void };
  /** Starts a fine-tuning job in the background (progress arrives as 'train' events); one at a time. */
  trainStart: { args: [jobId: string, config: EngineTrainConfig]; result: void };
  /** Asks the running job to stop after a checkpoint (a 'finished' event with stoppedBy 'cancelled' follows). */
  trainCancel: { args: [jobId: string]; result: void };
  /** Transcribes audio files with the model in `modelDir` (not the active one) and scores them. */
  evaluate: { args: [modelDir: string, items: { audioPath: string; text: string }[], decoding: DecodingSettings]; result: EngineEvaluation };
}

export type EngineMethod = keyof EngineMethods;
/** The method names, once: a Record, so the compiler insists on exactly the methods of EngineMethods. */
const METHODS: Record<EngineMethod, true> = {
  status: true, loadModel: true, decodeAudio: true, transcribe: true, transcribeCancel: true, streamStart: true, streamPush: true,
  streamFinish: true, streamCancel: true, trainStart: true, trainCancel: true, evaluate: true,
};
export function isEngineMethod(name: unknown): name is EngineMethod {
  return typeof name === 'string' && Object.hasOwn(METHODS, name);
}

export interface EngineRequest<M extends EngineMethod = EngineMethod> {
  id: number;
  method: M;
  args: EngineMethods[M]['args'];
}

export interface SerializedError {
  name: string;
  message: string;
}

export type EngineResponse =
  | { id: number; ok: true; result: unknown }
  | { id: number; ok: false; error: SerializedError };

/** Pushed while transcribe(…, jobId) runs: seconds of audio processed so far, of the total. */
export interface EngineTranscribeProgress {
  jobId: string;
  processedSeconds: number;
  totalSeconds: number;
}

/** Methods the worker runs as soon as they arrive, not after the request in progress. */
export const IMMEDIATE_METHODS: readonly EngineMethod[] = ['transcribeCancel'];

export type EngineEvent =
  | { event: 'log'; data: { level: 'info' | 'warn'; message: string } }
  | { event: 'train'; data: EngineTrainEvent }
  | { event: 'transcribe-progress'; data: EngineTranscribeProgress };

/** True for a pushed event (no request id). */
export function isEngineEvent(message: unknown): message is EngineEvent {
  return typeof message === 'object' && message !== null && typeof (message as { event?: unknown }).event === 'string' && !('id' in message);
}

/** Serialises any thrown value: the message always survives the thread boundary. */
export function serializeError(error: unknown): SerializedError {
  if (error instanceof Error) return { name: error.name, message: error.message };
  return { name: 'Error', message: String(error) };
}

/** Rebuilds an Error from its serialised form. */
export function deserializeError(error: SerializedError): Error {
  const rebuilt = new Error(error.message);
  rebuilt.name = error.name;
  return rebuilt;
}

/** The buffers of every Float32Array/Uint8Array reachable in `value`, for postMessage's transfer list. */
export function collectTransferables(value: unknown, found: Set<ArrayBuffer> = new Set()): ArrayBuffer[] {
  if (ArrayBuffer.isView(value)) {
    // Only whole-buffer views: transferring a shared or larger buffer would detach unrelated data.
    const view = value as ArrayBufferView;
    if (view.buffer instanceof ArrayBuffer && view.byteOffset === 0 && view.byteLength === view.buffer.byteLength) found.add(view.buffer);
  } else if (Array.isArray(value)) {
    for (const item of value) collectTransferables(item, found);
  } else if (value !== null && typeof value === 'object') {
    for (const item of Object.values(value)) collectTransferables(item, found);
  }
  return [...found];
}
