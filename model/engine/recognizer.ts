/**
 * Speech → text with a loaded model: offline (a whole file or buffer) and streaming (push PCM
 * chunks, get partial text and the new steps' states; the final result equals offline).
 */
import * as tf from '@tensorflow/tfjs';
import { readModelFolder, type ModelMeta } from '../io/model-store.ts';
import { AcousticModel, type LayerTrace } from '../nn/acoustic-model.ts';
import type { RecurrentState } from '../nn/recurrent.ts';
import { decode, DEFAULT_BEAM, type DecodeResult } from '../ctc/decode.ts';
import { BeamSearch } from '../ctc/prefix-beam.ts';
import { alignWords } from '../ctc/alignment.ts';
import { loadAudioFile } from '../audio/load-audio.ts';
import { StreamingFeatures } from '../features/streaming-features.ts';
import { pcmToFeatures } from '../features/frontend.ts';
import { decodeOptions, type ResolvedDecoding } from '../ctc/decode-settings.ts';
import type { FeatureMatrix } from '../features/feature-matrix.ts';

/** One layer's internals over time, as plain arrays: each [steps × units], row-major. */
export type LayerTraceData = Partial<Record<keyof LayerTrace, Float32Array>>;

export interface Transcription extends DecodeResult {
  /** Network steps and the seconds each covers. */
  steps: number;
  stepSeconds: number;
  classes: number;
  /** Per-step log-probabilities, [steps × classes]. */
  logProbs: Float32Array;
  /** Per-layer internals, when asked for. */
  traces?: LayerTraceData[];
  /** The raw (unnormalised) MFCC + delta frames the network saw, when inspection was asked for. */
  features?: FeatureMatrix;
  durationSeconds: number;
  /** Wall-clock seconds spent, and their ratio to the audio's duration. */
  processingSeconds: number;
  rtf: number;
  warnings: string[];
}

function traceToData(traces: LayerTrace[] | undefined): LayerTraceData[] | undefined {
  if (!traces) return undefined;
  return traces.map((trace) => {
    const data: LayerTraceData = {};
    for (const [name, tensor] of Object.entries(trace) as [keyof LayerTrace, tf.Tensor3D | undefined][]) {
      if (tensor) data[name] = tensor.dataSync() as Float32Array; // [1, steps, units] → [steps × units]
    }
    return data;
  });
}

function concatFloat32(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

export interface StepTensors {
  logProbs: tf.Tensor3D; // [1, steps, classes]
  states: RecurrentState[];
  traces?: LayerTrace[];
}

export class Recognizer {
  private constructor(
    readonly model: AcousticModel,
    readonly meta: ModelMeta,
    readonly dir: string,
  ) {}

  static async load(dir: string): Promise<Recognizer> {
    const { dir: resolved, meta, weights } = await readModelFolder(dir);
    try {
      const model = AcousticModel.fromWeights(meta.architecture, meta.features, meta.normalisation, weights);
      return new Recognizer(model, meta, resolved);
    } finally {
      tf.dispose(Object.values(weights));
    }
  }

  /** Runs normalised features through the network from `states` (stacking included). */
  private runSteps(normalised: Float32Array, frames: number, states: RecurrentState[] | undefined, inspect: boolean): StepTensors {
    // tidy keeps every tensor reachable from the returned object and frees the intermediates.
    return tf.tidy(() => {
      const input = tf.tensor3d(normalised, [1, frames, this.model.inputDim]); // [1, frames, dim]
      const result = this.model.forward(this.model.stackFrames(input), states, inspect);
      const logProbs = tf.logSoftmax(result.logits) as tf.Tensor3D; // [1, steps, classes]
      return { logProbs, states: result.states, traces: result.traces } as unknown as tf.TensorContainer;
    }) as unknown as StepTensors;
  }

  /**
   * Raw feature frames [frames × dim] (normalised here, in place) through the whole network from a
   * zero state: stacking, layers, dense, log-softmax. The caller disposes the returned tensors.
   */
  runFeatures(raw: Float32Array, frames: number, inspect = false): StepTensors {
    return this.runSteps(this.model.normaliseInPlace(raw), frames, undefined, inspect);
  }

  /** Offline transcription of 16 kHz mono PCM. */
  transcribeSamples(samples: Float32Array, decoding: ResolvedDecoding, opts: { inspect?: boolean } = {}): Transcription {
    const started = performance.now();
    const features = pcmToFeatures(samples, this.model.features); // [frames × dim], raw
    // Normalising works in place: inspection keeps a copy of the raw frames for the MFCC image.
    const raw = opts.inspect ? { ...features, data: features.data.slice() } : undefined;
    const run = this.runFeatures(features.data, features.frames, opts.inspect ?? false);
    const logProbs = run.logProbs.dataSync() as Float32Array; // [steps × classes]
    const traces = traceToData(run.traces);
    tf.dispose([run.logProbs, ...run.states.flatMap((s) => [s.hidden, s.cellState]), ...(run.traces ?? []).flatMap((t) => Object.values(t))].filter(Boolean) as tf.Tensor[]);
    const steps = logProbs.length / this.model.classes;
    const result = decode(logProbs, steps, this.model.alphabet, decodeOptions(decoding, this.model.stepSeconds));
    const processingSeconds = (performance.now() - started) / 1000;
    const durationSeconds = samples.length / this.model.features.sampleRate;
    return {
      ...result,
      steps,
      stepSeconds: this.model.stepSeconds,
      classes: this.model.classes,
      logProbs,
      traces,
      features: raw,
      durationSeconds,
      processingSeconds,
      rtf: processingSeconds / Math.max(durationSeconds, 1e-9),
      warnings: [],
    };
  }

  /** Decodes, resamples and transcribes an audio file. */
  async transcribeFile(path: string, decoding: ResolvedDecoding, opts: { inspect?: boolean } = {}): Promise<Transcription> {
    const started = performance.now();
    const audio = await loadAudioFile(path);
    const result = this.transcribeSamples(audio.samples, decoding, opts);
    const processingSeconds = (performance.now() - started) / 1000;
    return { ...result, processingSeconds, rtf: processingSeconds / Math.max(result.durationSeconds, 1e-9), warnings: audio.warnings };
  }

  /** Starts a streaming session that carries the recurrent states across pushed chunks. */
  startStream(decoding: ResolvedDecoding, opts: { inspect?: boolean } = {}): StreamingSession {
    return new StreamingSession(this, decoding, opts.inspect ?? false);
  }

  /** Decodes accumulated log-probabilities with the given settings. */
  decodeLogProbs(logProbs: Float32Array, decoding: ResolvedDecoding): DecodeResult {
    return decode(logProbs, logProbs.length / this.model.classes, this.model.alphabet, decodeOptions(decoding, this.model.stepSeconds));
  }

  /** @internal used by StreamingSession */
  step(normalised: Float32Array, frames: number, states: RecurrentState[] | undefined, inspect: boolean) {
    const run = this.runSteps(normalised, frames, states, inspect);
    const logProbs = run.logProbs.dataSync() as Float32Array;
    const traces = traceToData(run.traces);
    tf.dispose([run.logProbs, ...(run.traces ?? []).flatMap((t) => Object.values(t))].filter(Boolean) as tf.Tensor[]);
    return { logProbs, states: run.states, traces };
  }

  dispose(): void {
    this.model.dispose();
  }
}

export interface StreamUpdate {
  /**
   * Best guess so far: with a vocabulary or LM the beam search's current best (it advances
   * with every chunk, so the LM shapes partial text too); otherwise greedy over every step seen.
   */
  partial: string;
  /** Steps this push completed, from `firstStep`. */
  firstStep: number;
  steps: number;
  /** Their log-probabilities, [steps × classes], and internals when inspecting. */
  logProbs: Float32Array;
  traces?: LayerTraceData[];
  /** The raw (unnormalised) feature frames this push completed, [frames × dim]. */
  features: FeatureMatrix;
}

/**
 * Streaming recognition. Features come from a streaming extractor that is bit-identical to the
 * offline one; they are grouped by the model's stacking factor and run through the network with
 * the states carried over, so the final decode sees the same log-probabilities as offline.
 */
export class StreamingSession {
  private readonly features: StreamingFeatures;
  private pendingFrames: Float32Array[] = []; // normalised frames not yet filling a stack group
  private states: RecurrentState[] | undefined;
  private readonly logProbParts: Float32Array[] = [];
  private stepsDone = 0;
  private samplesSeen = 0;
  private finished = false;
  /** The beam search run incrementally, when decoding uses a vocabulary or LM. */
  private readonly search: BeamSearch | undefined;

  constructor(
    private readonly recognizer: Recognizer,
    private readonly decoding: ResolvedDecoding,
    private readonly inspect: boolean,
  ) {
    this.features = new StreamingFeatures(recognizer.model.features);
    if (!decoding.grammar && (decoding.vocabulary || decoding.lm)) {
      this.search = new BeamSearch(recognizer.model.alphabet, { ...decoding, beam: decoding.beam ?? DEFAULT_BEAM });
    }
  }

  /** Feeds 16 kHz mono PCM; returns the steps it completed and the partial text. */
  push(pcm: Float32Array): StreamUpdate {
    if (this.finished) throw new Error('this streaming session has finished');
    this.samplesSeen += pcm.length;
    return this.consume(this.features.push(pcm), false);
  }

  /** Ends the utterance: flushes the extractor, runs the last (padded) group, decodes fully. */
  finish(): StreamUpdate & { result: Transcription } {
    if (this.finished) throw new Error('this streaming session has finished');
    const started = performance.now();
    const update = this.consume(this.features.flush(), true);
    this.finished = true;
    const logProbs = concatFloat32(this.logProbParts);
    const model = this.recognizer.model;
    // The incremental search has seen every step: finishing it is the offline search. Only when
    // it ends mid-word (the offline search then retries wider) is everything decoded again.
    const searched = this.search?.finish();
    const decoded = searched?.complete
      ? alignWords(logProbs, this.stepsDone, model.alphabet, searched.labels, model.stepSeconds)
      : this.recognizer.decodeLogProbs(logProbs, this.decoding);
    const durationSeconds = this.samplesSeen / model.features.sampleRate;
    const processingSeconds = (performance.now() - started) / 1000;
    this.disposeStates();
    return {
      ...update,
      result: {
        ...decoded,
        steps: this.stepsDone,
        stepSeconds: model.stepSeconds,
        classes: model.classes,
        logProbs,
        durationSeconds,
        processingSeconds,
        rtf: processingSeconds / Math.max(durationSeconds, 1e-9),
        warnings: [],
      },
    };
  }

  private consume(raw: FeatureMatrix, final: boolean): StreamUpdate {
    const model = this.recognizer.model;
    const dim = model.inputDim;
    // A normalised copy goes to the network; the raw frames are returned for inspection.
    if (raw.data.length > 0) this.pendingFrames.push(model.normaliseInPlace(raw.data.slice()));
    const pending = concatFloat32(this.pendingFrames);
    const pendingCount = pending.length / dim;
    const k = model.config.stack;
    // Run whole stack groups now; at the end also the last partial group (padded like offline).
    const runnable = final ? pendingCount : Math.floor(pendingCount / k) * k;
    const firstStep = this.stepsDone;
    let logProbs: Float32Array = new Float32Array(0);
    let traces: LayerTraceData[] | undefined;
    if (runnable > 0) {
      const out = this.recognizer.step(pending.subarray(0, runnable * dim), runnable, this.states, this.inspect);
      this.disposeStates();
      this.states = out.states;
      logProbs = out.logProbs;
      traces = out.traces;
      this.logProbParts.push(logProbs);
      this.stepsDone += logProbs.length / model.classes;
      this.search?.push(logProbs, logProbs.length / model.classes);
    }
    this.pendingFrames = runnable < pendingCount ? [pending.slice(runnable * dim)] : [];
    const partial = this.search
      ? model.alphabet.decode(this.search.best()).replace(/ +/g, ' ').trim()
      : this.recognizer.decodeLogProbs(concatFloat32(this.logProbParts), {}).text;
    return { partial, firstStep, steps: this.stepsDone - firstStep, logProbs, traces, features: raw };
  }

  private disposeStates(): void {
    for (const s of this.states ?? []) tf.dispose([s.hidden, s.cellState].filter(Boolean) as tf.Tensor[]);
    this.states = undefined;
  }
}
