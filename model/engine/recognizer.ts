/**
 * Speech → text with a loaded model: offline (a whole file or buffer) and streaming (push PCM
 * chunks, get partial text and the new steps' states; the final result equals offline).
 */
import * as tf from '@tensorflow/tfjs';
import { readModelFolder, type ModelMeta } from '../io/model-store.ts';
import { AcousticModel, type LayerTrace } from '../nn/acoustic-model.ts';
import type { RecurrentState } from '../nn/recurrent.ts';
import { decode, DEFAULT_BEAM, type DecodeResult, type GrammarChoice, type WordTiming } from '../ctc/decode.ts';
import { greedyLabels } from '../ctc/greedy.ts';
import { BeamSearch } from '../ctc/prefix-beam.ts';
import { alignWords } from '../ctc/alignment.ts';
import { partialInWords, resultInWords } from '../ctc/pronunciation-lm.ts';
import { StreamingFeatures } from '../features/streaming-features.ts';
import { openAudioStream, type AudioStream } from '../audio/audio-stream.ts';
import { decodeOptions, type ResolvedDecoding } from '../ctc/decode-settings.ts';
import type { FeatureMatrix } from '../features/feature-matrix.ts';
import { defaultSegmenterOptions, findCut, type SegmenterOptions } from './segmenter.ts';
import { BLANK } from '../text/alphabet.ts';

/** One layer's internals over time, as plain arrays: each [steps × units], row-major. */
export type LayerTraceData = Partial<Record<keyof LayerTrace, Float32Array>>;

/** A stretch of speech between pauses, decoded on its own (see segmenter.ts); times in seconds. */
export interface TranscriptSegment {
  start: number;
  end: number;
  text: string;
}

export interface Transcription extends DecodeResult {
  /** The non-empty segments the text was decoded in, in order (paragraphs). */
  segments: TranscriptSegment[];
  /** Network steps and the seconds each covers. */
  steps: number;
  stepSeconds: number;
  classes: number;
  /** Per-step log-probabilities, [steps × classes] (empty when the session was told not to keep them). */
  logProbs: Float32Array;
  /** Per-layer internals, when asked for. */
  traces?: LayerTraceData[];
  /** The raw (unnormalised) MFCC + delta frames the network saw, when inspection was asked for. */
  features?: FeatureMatrix;
  /**
   * Steps that traces and features cover when inspecting: all of them, or the first
   * `inspectSeconds` of a longer input (inspection costs ~0.6 MB per second of audio).
   */
  inspectedSteps?: number;
  /** Steps at which the recurrent state was reset to zero after a long pause (see StreamOptions). */
  stateResets: number[];
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

/** The error an aborted job rejects with (name 'AbortError', as fetch and timers use). */
function abortError(signal: AbortSignal): Error {
  const reason = signal.reason;
  if (reason instanceof Error && reason.name === 'AbortError') return reason;
  const error = new Error(typeof reason === 'string' ? reason : 'the transcription was cancelled');
  error.name = 'AbortError';
  return error;
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
      const stacked = this.model.stackFrames(input); // [1, steps, k*dim]
      // Recognition never runs a backward pass: the forward-only path keeps no gates.
      const result = inspect ? this.model.forward(stacked, states, true) : this.model.infer(stacked, states);
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

  /**
   * Offline transcription of 16 kHz mono PCM. It runs through a streaming session in chunks, so
   * time and memory grow linearly with the audio; the streaming features, carried states and
   * pause segments give the same text as one whole-file pass on short recordings (tested).
   */
  transcribeSamples(samples: Float32Array, decoding: ResolvedDecoding, opts: TranscribeOptions = {}): Transcription {
    const job = this.samplesJob(samples, decoding, opts);
    for (let next = job.next(); ; next = job.next()) if (next.done) return next.value;
  }

  /**
   * transcribeSamples that yields to the event loop after every chunk (`chunkSeconds`, default
   * 5 s: well under a second of work), so that a worker can hear a cancel and post progress while
   * it runs. When `signal` aborts, it stops before the next chunk and rejects with an AbortError;
   * nothing of the unfinished result is returned.
   */
  async transcribeSamplesAsync(samples: Float32Array, decoding: ResolvedDecoding, opts: TranscribeOptions & { signal?: AbortSignal; chunkSeconds?: number } = {}): Promise<Transcription> {
    const job = this.samplesJob(samples, decoding, opts, Math.round((opts.chunkSeconds ?? 5) * this.model.features.sampleRate));
    try {
      for (let next = job.next(); ; next = job.next()) {
        if (next.done) return next.value;
        await new Promise((resolve) => setImmediate(resolve));
        if (opts.signal?.aborted) throw abortError(opts.signal);
      }
    } finally {
      await job.return(undefined as never); // runs the job's finally: the session's state tensors are released
    }
  }

  /** The chunk loop behind both: yields after each chunk; the return value is the result. */
  private *samplesJob(samples: Float32Array, decoding: ResolvedDecoding, opts: TranscribeOptions, chunkSamples = OFFLINE_CHUNK_SAMPLES): Generator<void, Transcription, void> {
    const started = performance.now();
    const session = this.startStream(decoding, { inspect: opts.inspect, inspectSeconds: opts.inspectSeconds, segmenter: opts.segmenter });
    const traceParts: LayerTraceData[][] = [];
    const total = samples.length;
    let finished = false;
    try {
      for (let offset = 0; offset < total; offset += chunkSamples) {
        const update = session.push(samples.subarray(offset, Math.min(total, offset + chunkSamples)));
        if (update.traces) traceParts.push(update.traces);
        opts.onProgress?.(Math.min(total, offset + chunkSamples) / this.model.features.sampleRate, total / this.model.features.sampleRate);
        yield;
      }
      const result = finishTranscription(session, traceParts, started, opts.inspect);
      finished = true;
      return result;
    } finally {
      if (!finished) session.cancel();
    }
  }

  /**
   * Decodes, resamples and transcribes an audio file, chunk by chunk as it is read (a WAV is
   * never held whole in memory). onProgress gets seconds of audio done and the total when known.
   */
  async transcribeFile(path: string, decoding: ResolvedDecoding, opts: TranscribeOptions & { maxSeconds?: number } = {}): Promise<Transcription> {
    return this.transcribeAudioStream(await openAudioStream(path, { maxSeconds: opts.maxSeconds }), decoding, opts);
  }

  /** Transcribes an opened audio stream (a file, or bytes from stdin: openAudioBytes). */
  async transcribeAudioStream(stream: AudioStream, decoding: ResolvedDecoding, opts: TranscribeOptions = {}): Promise<Transcription> {
    const started = performance.now();
    const session = this.startStream(decoding, { inspect: opts.inspect, inspectSeconds: opts.inspectSeconds, segmenter: opts.segmenter });
    const traceParts: LayerTraceData[][] = [];
    let done = 0;
    try {
      for await (const chunk of stream.chunks()) {
        const update = session.push(chunk);
        if (update.traces) traceParts.push(update.traces);
        done += chunk.length;
        opts.onProgress?.(done / 16000, stream.estimatedSeconds);
      }
    } catch (err) {
      session.cancel();
      throw err;
    }
    return { ...finishTranscription(session, traceParts, started, opts.inspect), warnings: stream.warnings() };
  }

  /** Starts a streaming session that carries the recurrent states across pushed chunks. */
  startStream(decoding: ResolvedDecoding, opts: StreamOptions = {}): StreamingSession {
    return new StreamingSession(this, decoding, opts);
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
  /** Best guess so far: the finished segments' decoded text, then greedy text of the open one. */
  partial: string;
  /** Steps this push completed, from `firstStep`. */
  firstStep: number;
  steps: number;
  /** Their log-probabilities, [steps × classes], and internals when inspecting. */
  logProbs: Float32Array;
  traces?: LayerTraceData[];
  /** This push's raw (unnormalised) feature frames, [frames × dim]. */
  features: FeatureMatrix;
}

export interface StreamOptions {
  /** Also return every layer's gates and states per push (for the "look inside" views). */
  inspect?: boolean;
  /**
   * Inspect only the first this many seconds (default: all). Traces and raw features cost about
   * 0.6 MB per second of audio (2.2 GB an hour), so the app bounds them; recognition goes on.
   */
  inspectSeconds?: number;
  /** Keep every step's log-probabilities for the final result (default true; 14 MB per hour). */
  keepLogProbs?: boolean;
  /** Where to cut segments (default: defaultSegmenterOptions for the model's step). */
  segmenter?: SegmenterOptions;
}

export interface TranscribeOptions {
  inspect?: boolean;
  /** See StreamOptions.inspectSeconds. */
  inspectSeconds?: number;
  segmenter?: SegmenterOptions;
  /** Called after each chunk with seconds of audio done and the total (undefined when not known). */
  onProgress?: (doneSeconds: number, totalSeconds: number | undefined) => void;
}

/** Samples per offline chunk: 20 s, small next to the model, big enough to amortise the calls. */
const OFFLINE_CHUNK_SAMPLES = 16000 * 20;

interface DoneSegment {
  startStep: number;
  endStep: number;
  text: string;
  words: WordTiming[];
  grammar?: GrammarChoice;
}

/**
 * Streaming recognition. Features come from a streaming extractor that is bit-identical to the
 * offline one; they are grouped by the model's stacking factor and run through the network with
 * the states carried over. Each push processes only the new audio: the log-probabilities of the
 * open segment wait until a pause closes it (segmenter.ts); then that segment alone is decoded
 * with the chosen decoder and aligned for word timings, and never touched again. With a
 * vocabulary or LM the beam search runs incrementally over the open segment, so the partial text
 * is LM-shaped at O(new steps) per push (and at the end, finishing it is the offline search);
 * otherwise the partial text is one greedy pass over the open segment (at most ~30 s). A grammar
 * picks one phrase for the whole input, so with a grammar the input is never cut.
 */
/**
 * Ends a whole-input session into a Transcription: the last traces joined to the earlier
 * `traceParts` (when inspecting) and the processing time since `started` (performance.now()).
 */
function finishTranscription(session: StreamingSession, traceParts: LayerTraceData[][], started: number, inspect: boolean | undefined): Transcription {
  const last = session.finish();
  if (last.traces) traceParts.push(last.traces);
  const processingSeconds = (performance.now() - started) / 1000;
  return {
    ...last.result,
    traces: inspect ? joinTraces(traceParts) : undefined,
    processingSeconds,
    rtf: processingSeconds / Math.max(last.result.durationSeconds, 1e-9),
  };
}

export class StreamingSession {
  private readonly features: StreamingFeatures;
  private pendingFrames: Float32Array[] = []; // normalised frames not yet filling a stack group
  private states: RecurrentState[] | undefined;
  private readonly logProbParts: Float32Array[] = [];
  private openParts: Float32Array[] = []; // log-probabilities of the open segment, [steps × classes] each
  private openStart = 0; // first step of the open segment
  private readonly done: DoneSegment[] = [];
  private stepsDone = 0;
  private samplesSeen = 0;
  private finished = false;
  private readonly inspect: boolean;
  private readonly keepLogProbs: boolean;
  private readonly segmenter: SegmenterOptions;
  /** The open segment's beam search, run incrementally, when decoding uses a vocabulary or LM. */
  private search: BeamSearch | undefined;
  /** Raw feature frames of every push, kept only when inspecting (for the result's MFCC image). */
  private readonly rawParts: Float32Array[] = [];
  private rawFramesKept = 0;
  /** Steps (from the start) that are inspected; Infinity when all are. */
  private readonly inspectSteps: number;
  /** Silent steps in a row up to the last step run (see segmenter.ts's notion of silent). */
  private silentRun = 0;
  private readonly stateResets: number[] = [];

  constructor(
    private readonly recognizer: Recognizer,
    private readonly decoding: ResolvedDecoding,
    opts: StreamOptions = {},
  ) {
    this.features = new StreamingFeatures(recognizer.model.features);
    this.inspect = opts.inspect ?? false;
    this.keepLogProbs = opts.keepLogProbs ?? true;
    this.segmenter = opts.segmenter ?? defaultSegmenterOptions(recognizer.model.stepSeconds);
    this.inspectSteps = opts.inspectSeconds === undefined ? Infinity : Math.max(0, Math.floor(opts.inspectSeconds / recognizer.model.stepSeconds));
    this.search = this.newSearch();
  }

  private newSearch(): BeamSearch | undefined {
    const d = this.decoding;
    if (d.grammar || !(d.vocabulary || d.lm)) return undefined;
    return new BeamSearch(this.recognizer.model.alphabet, { ...d, beam: d.beam ?? DEFAULT_BEAM });
  }

  /** Feeds 16 kHz mono PCM; returns the steps it completed and the partial text. */
  push(pcm: Float32Array): StreamUpdate {
    if (this.finished) throw new Error('this streaming session has finished');
    this.samplesSeen += pcm.length;
    return this.consume(this.features.push(pcm), false);
  }

  /** Ends the utterance: flushes the extractor, runs the last (padded) group, decodes the rest. */
  finish(): StreamUpdate & { result: Transcription } {
    if (this.finished) throw new Error('this streaming session has finished');
    const started = performance.now();
    const update = this.consume(this.features.flush(), true);
    this.finished = true;
    const model = this.recognizer.model;
    const durationSeconds = this.samplesSeen / model.features.sampleRate;
    const processingSeconds = (performance.now() - started) / 1000;
    this.disposeStates();
    const spoken = this.done.filter((segment) => segment.words.length > 0);
    const seconds = model.stepSeconds;
    const grammar = this.done.find((segment) => segment.grammar)?.grammar;
    return {
      ...update,
      partial: spoken.map((segment) => segment.text).join(' '),
      result: {
        text: spoken.map((segment) => segment.text).join(' '),
        words: spoken.flatMap((segment) => segment.words),
        ...(grammar ? { grammar } : {}),
        segments: spoken.map((segment) => ({ start: segment.startStep * seconds, end: segment.endStep * seconds, text: segment.text })),
        steps: this.stepsDone,
        stepSeconds: seconds,
        classes: model.classes,
        logProbs: concatFloat32(this.logProbParts),
        ...(this.inspect ? { features: { data: concatFloat32(this.rawParts), frames: this.rawFramesKept, dim: model.inputDim }, inspectedSteps: Math.min(this.stepsDone, this.inspectSteps) } : {}),
        stateResets: [...this.stateResets],
        durationSeconds,
        processingSeconds,
        rtf: processingSeconds / Math.max(durationSeconds, 1e-9),
        warnings: [],
      },
    };
  }

  /** Abandons the session, releasing its state tensors; no result. */
  cancel(): void {
    this.finished = true;
    this.disposeStates();
  }

  private consume(raw: FeatureMatrix, final: boolean): StreamUpdate {
    const model = this.recognizer.model;
    const dim = model.inputDim;
    const k = model.config.stack;
    // A normalised copy goes to the network; the raw frames are returned for inspection.
    if (raw.data.length > 0) this.pendingFrames.push(model.normaliseInPlace(raw.data.slice()));
    const firstStep = this.stepsDone;
    // Inspection stops after inspectSteps steps: frames past that (stack groups) are not kept.
    const inspecting = this.inspect && firstStep < this.inspectSteps;
    let rawOut: FeatureMatrix = { ...raw, data: new Float32Array(0), frames: 0 };
    if (this.inspect && raw.frames > 0) {
      const keep = Math.max(0, Math.min(raw.frames, this.inspectSteps * k - this.rawFramesKept));
      if (keep > 0) {
        const kept = raw.data.slice(0, keep * dim); // [keep × dim]
        this.rawParts.push(kept);
        this.rawFramesKept += keep;
        rawOut = { ...raw, data: kept.slice(), frames: keep };
      }
    } else if (!this.inspect) {
      rawOut = { ...raw, data: raw.data.slice() };
    }
    const pending = concatFloat32(this.pendingFrames);
    const pendingCount = pending.length / dim;
    // Run whole stack groups now; at the end also the last partial group (padded like offline).
    const runnable = final ? pendingCount : Math.floor(pendingCount / k) * k;
    let logProbs: Float32Array = new Float32Array(0);
    let traces: LayerTraceData[] | undefined;
    if (runnable > 0) {
      ({ logProbs, traces } = this.runWithResets(pending.subarray(0, runnable * dim), runnable, inspecting));
      if (traces && firstStep + logProbs.length / model.classes > this.inspectSteps) traces = sliceTraces(traces, logProbs.length / model.classes, 0, this.inspectSteps - firstStep);
      if (this.keepLogProbs) this.logProbParts.push(logProbs);
      this.openParts.push(logProbs);
      this.stepsDone += logProbs.length / model.classes;
      this.search?.push(logProbs, logProbs.length / model.classes);
    }
    this.pendingFrames = runnable < pendingCount ? [pending.slice(runnable * dim)] : [];
    const open = this.closeSegments(final);
    const openLabels = this.search ? this.search.best() : greedyLabels(open, open.length / model.classes, model.classes);
    const openSpelled = model.alphabet.decode(openLabels).replace(/ +/g, ' ').trim();
    // A phone model's beam holds pronunciations: the partial says them as words, like the result.
    const openText = this.decoding.phoneWords ? partialInWords(openSpelled, this.decoding.phoneWords) : openSpelled;
    const partial = [...this.done.map((segment) => segment.text), openText].filter((text) => text.length > 0).join(' ');
    // Copies out: the session keeps its own arrays (segments, inspection, the beam), and a caller
    // may transfer what it gets to another thread, which detaches the buffer on this side.
    return { partial, firstStep, steps: this.stepsDone - firstStep, logProbs: logProbs.slice(), traces, features: rawOut };
  }

  /**
   * Runs `frames` normalised frames from the carried states, resetting the recurrent state to
   * zero after a long pause: when the silent run reaches segmenter.resetPauseSteps steps, the
   * steps after it are run again from a zero state, as if the recording began there, so that an
   * hour of live audio cannot drift. The rule looks only at the log-probabilities, so where the
   * resets fall never depends on how the audio was chunked. Sets this.states.
   */
  private runWithResets(normalised: Float32Array, frames: number, inspect: boolean): { logProbs: Float32Array; traces?: LayerTraceData[] } {
    const model = this.recognizer.model;
    const classes = model.classes;
    const dim = model.inputDim;
    const k = model.config.stack;
    const resetAfter = this.segmenter.resetPauseSteps;
    let out = this.recognizer.step(normalised, frames, this.states, inspect);
    this.disposeStates();
    this.states = out.states;
    const parts: { logProbs: Float32Array; traces?: LayerTraceData[] }[] = [];
    let frameAt = 0; // first frame of `out`
    for (;;) {
      const steps = out.logProbs.length / classes;
      let resetAt = -1; // index in `out` of the last step before a reset
      for (let t = 0; t < steps; t++) {
        this.silentRun = isSilent(out.logProbs, t, classes, this.segmenter.blankProbability) ? this.silentRun + 1 : 0;
        if (resetAfter !== undefined && this.silentRun === resetAfter) { resetAt = t; break; }
      }
      if (resetAt < 0) { parts.push({ logProbs: out.logProbs, traces: out.traces }); break; }
      const kept = resetAt + 1;
      this.stateResets.push(this.stepsDone + parts.reduce((n, p) => n + p.logProbs.length / classes, 0) + kept);
      this.disposeStates(); // zero state from here
      if (kept === steps) { parts.push({ logProbs: out.logProbs, traces: out.traces }); break; }
      parts.push({ logProbs: out.logProbs.slice(0, kept * classes), traces: out.traces && sliceTraces(out.traces, steps, 0, kept) });
      frameAt += kept * k;
      const rest = Math.min(frames - frameAt, (steps - kept) * k);
      out = this.recognizer.step(normalised.subarray(frameAt * dim, (frameAt + rest) * dim), rest, undefined, inspect);
      this.states = out.states;
    }
    if (parts.length === 1) return parts[0];
    return {
      logProbs: concatFloat32(parts.map((p) => p.logProbs)),
      traces: inspect ? joinTraces(parts.map((p) => p.traces ?? [])) : undefined,
    };
  }

  /** Decodes every segment the segmenter closes (all of it when final); returns the open rest. */
  private closeSegments(final: boolean): Float32Array {
    const classes = this.recognizer.model.classes;
    let open = concatFloat32(this.openParts);
    for (;;) {
      const steps = open.length / classes;
      if (steps === 0) break;
      const found = this.decoding.grammar ? null : findCut(open, steps, classes, this.segmenter);
      // A state reset also ends the segment: what follows is decoded as a recording of its own.
      const reset = this.decoding.grammar ? undefined : this.stateResets.find((r) => r > this.openStart && r - this.openStart <= steps);
      const cut = reset !== undefined && (found === null || reset - this.openStart < found) ? reset - this.openStart : found;
      if (cut === null && !final) break;
      if (cut === null) {
        // The end: the incremental search has seen exactly this segment, so finishing it is the
        // offline search; only when it ends mid-word (the offline search then retries wider) is
        // the segment decoded again.
        const searched = this.search?.finish();
        const model = this.recognizer.model;
        const aligned = searched?.complete ? alignWords(open, steps, model.alphabet, searched.labels, model.stepSeconds) : undefined;
        this.addSegment(aligned
          ? (this.decoding.phoneWords ? resultInWords(aligned, this.decoding.phoneWords) : aligned)
          : this.recognizer.decodeLogProbs(open, this.decoding), steps);
        this.search = undefined;
        open = new Float32Array(0);
        break;
      }
      // A cut: the search has run past it, so the closed segment is decoded on its own and a
      // fresh search takes the open rest.
      this.addSegment(this.recognizer.decodeLogProbs(open.subarray(0, cut * classes), this.decoding), cut);
      open = open.slice(cut * classes);
      this.search = this.newSearch();
      this.search?.push(open, open.length / classes);
    }
    this.openParts = open.length > 0 ? [open] : [];
    return open;
  }

  /** Records a decoded segment of `steps` steps starting at the open segment's start. */
  private addSegment(decoded: DecodeResult, steps: number): void {
    const offset = this.openStart * this.recognizer.model.stepSeconds;
    this.done.push({
      startStep: this.openStart,
      endStep: this.openStart + steps,
      text: decoded.text,
      words: decoded.words.map((w) => ({ ...w, start: w.start + offset, end: w.end + offset })),
      ...(decoded.grammar ? { grammar: decoded.grammar } : {}),
    });
    this.openStart += steps;
  }

  private disposeStates(): void {
    for (const s of this.states ?? []) tf.dispose([s.hidden, s.cellState].filter(Boolean) as tf.Tensor[]);
    this.states = undefined;
  }
}

/** A step is silent when blank is its most likely class with at least `blankProbability` (as in segmenter.ts). */
function isSilent(logProbs: Float32Array, t: number, classes: number, blankProbability: number): boolean {
  const row = t * classes;
  const blank = logProbs[row + BLANK];
  if (blank < Math.log(blankProbability)) return false;
  for (let c = 1; c < classes; c++) if (logProbs[row + c] > blank) return false;
  return true;
}

/** Steps [from, to) of per-layer traces that cover `steps` steps ([steps × units] each). */
function sliceTraces(traces: LayerTraceData[], steps: number, from: number, to: number): LayerTraceData[] {
  return traces.map((layer) => {
    const sliced: LayerTraceData = {};
    for (const [key, values] of Object.entries(layer) as [keyof LayerTraceData, Float32Array][]) {
      const units = values.length / steps;
      sliced[key] = values.slice(from * units, to * units);
    }
    return sliced;
  });
}

/** Joins per-push traces along time, per layer and per signal. */
function joinTraces(parts: LayerTraceData[][]): LayerTraceData[] | undefined {
  if (parts.length === 0) return undefined;
  return parts[0].map((layer, i) => {
    const joined: LayerTraceData = {};
    for (const key of Object.keys(layer) as (keyof LayerTraceData)[]) {
      joined[key] = concatFloat32(parts.map((p) => p[i]?.[key]).filter(Boolean) as Float32Array[]);
    }
    return joined;
  });
}
