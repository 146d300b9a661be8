/**
 * The engine behind the app: a loaded model, decoding settings resolved once per choice, offline
 * and streaming transcription with inspection. No transport: the app calls it in-process (tests,
 * browser e2e) or through engine/worker.ts (Electron, one worker per process lifetime).
 */
import type { Alphabet } from '../../model/text/alphabet.ts';
import type { DecodeResult } from '../../model/ctc/types.ts';
import { loadAudioBytes } from '../../model/audio/load-audio.ts';
import type { FeatureMatrix } from '../../model/features/feature-matrix.ts';
import { describeBackend, selectBackend, useWasmDir, type BackendInfo } from '../../model/engine/backend.ts';
import { useCmudict } from '../../model/text/phones.ts';
import { resolveChoice, resolveDecoding, type ResolvedDecoding } from '../../model/ctc/decode-settings.ts';
import { Recognizer, type LayerTraceData, type StreamingSession } from '../../model/engine/recognizer.ts';
import { ErrorRateAccumulator } from '../../model/eval/metrics.ts';
import { normalizeTranscript } from '../../model/text/alphabet.ts';
import { INSPECTION_SECONDS, type DecodingSettings, type InspectionDTO, type LayerTraceDTO } from '../../contract/contract.ts';
import {
  isEngineMethod,
  type DecodedAudioResult,
  type EngineEvaluation,
  type EngineTrainConfig,
  type EngineTrainEvent,
  type EngineMethod,
  type EngineMethods,
  type EngineModelSummary,
  type EngineStatusResult,
  type EngineStreamUpdate,
  type EngineTranscribeProgress,
  type EngineTranscript,
} from './engine-protocol.ts';

export interface EngineOptions {
  /** Force a backend (tfjs-node-gpu, tfjs-node, wasm, cpu); default: the fastest that loads. */
  backend?: string;
  /**
   * Folder holding tfjs-backend-wasm's .wasm files, for bundles that moved the package's code
   * away from its dist/ folder. Passed to setWasmPaths with a trailing separator (it is a prefix).
   */
  wasmDir?: string;
  /** The general LM file for open mode (the bundled assets/lm/en-us.cslm); none = plain CTC. */
  generalLm?: string;
  /** Seconds of a file or recording that inspection covers (default INSPECTION_SECONDS). */
  inspectSeconds?: number;
  /** CMUdict for phone models (decoding to words, fine-tuning on text); default the repo's assets/lexicon copy. */
  lexicon?: string;
}

interface OpenStream {
  session: StreamingSession;
  inspect: boolean;
  /** Audio pushed so far. */
  seconds: number;
}

/** The grammar's choice as the protocol carries it (commands mode only). */
function commandOf(t: DecodeResult): Pick<EngineTranscript, 'command'> {
  if (!t.grammar) return {};
  return { command: { phrase: t.grammar.bestPhrase, confidence: t.grammar.confidence, accepted: !t.grammar.lowConfidence } };
}

export class Engine {
  private backend: BackendInfo | undefined;
  private recognizer: Recognizer | undefined;
  private readonly decodings = new Map<string, ResolvedDecoding>();
  private readonly streams = new Map<string, OpenStream>();
  private streamCounter = 0;
  private training: { jobId: string; controller: AbortController; done: Promise<void> } | undefined;
  private eventSink: (event: EngineTrainEvent) => void = () => undefined;
  private progressSink: (event: EngineTranscribeProgress) => void = () => undefined;
  /** Running transcribe jobs that can be cancelled, by job id. */
  private readonly jobs = new Map<string, AbortController>();

  constructor(private readonly options: EngineOptions = {}) {}

  /** Where training events go (the worker posts them; in-process hosts call a listener). */
  setEventSink(sink: (event: EngineTrainEvent) => void): void {
    this.eventSink = sink;
  }

  /** Where transcribe progress goes (the worker posts it as 'transcribe-progress' events). */
  setProgressSink(sink: (event: EngineTranscribeProgress) => void): void {
    this.progressSink = sink;
  }

  /** Resolves when the running training job (if any) has ended; tests and dispose use it. */
  async whenTrainingDone(): Promise<void> {
    await this.training?.done;
  }

  async trainStart(jobId: string, config: EngineTrainConfig): Promise<void> {
    if (this.training) throw new Error(`a training job (${this.training.jobId}) is already running; one at a time`);
    const backend = await this.ensureBackend();
    const { train } = await import('../../model/train/train-loop.ts');
    const { defaultWorkers } = await import('../../model/train/data-parallel.ts');
    const { trainRecipe } = await import('../../model/train/recipe.ts');
    const { DEFAULT_MODEL } = await import('../../model/config.ts');
    const controller = new AbortController();
    const emit = (event: EngineTrainEvent) => {
      try {
        this.eventSink(event);
      } catch {
        // A listener's failure must not end the job.
      }
    };
    const devDecode = config.devVocabulary === 'digits' ? resolveDecoding({ vocabulary: 'digits' }, new (await import('../../model/text/alphabet.ts')).Alphabet(DEFAULT_MODEL.alphabet)) : undefined;
    const run = train(
      trainRecipe({
        trainManifests: [config.trainManifest],
        devManifests: [config.devManifest],
        out: config.out,
        from: config.from,
        frozenLayers: config.frozenLayers,
        newHead: config.newHead,
        epochs: config.epochs,
        batchSize: config.batchSize,
        learningRate: config.learningRate,
        warmupSteps: config.warmupSteps,
        clipNorm: config.clipNorm,
        patience: config.patience,
        checkpointEvery: config.checkpointEvery,
        seed: config.seed,
        devDecode,
        cacheDir: config.cacheDir,
        workers: defaultWorkers(),
        command: 'CellScribe app: fine-tune',
        backend: backend.name,
        lockOut: false, // one job per folder is the job queue's rule (see TrainConfig.lockOut)
      }),
      {
        signal: controller.signal,
        gradientEvery: config.gradientEvery > 0 ? config.gradientEvery : undefined,
        onEvent: (e) => {
          if (e.type === 'step') emit({ jobId, type: 'step', step: e.step, totalSteps: e.totalSteps, epoch: e.epoch, loss: e.loss, learningRate: e.learningRate, etaSeconds: e.etaSeconds });
          else if (e.type === 'epoch') emit({ jobId, type: 'epoch', epoch: e.epoch, step: -1, trainLoss: e.trainLoss, devCer: e.devCer, devWer: e.devWer });
          else if (e.type === 'warning') emit({ jobId, type: 'warning', message: e.message });
          else if (e.type === 'gradients') {
            const steps = Math.max(0, ...e.layers.map((l) => l.norms.length));
            const norms = new Float32Array(e.layers.length * steps); // [layers × steps], row-major
            e.layers.forEach((l, i) => norms.set(l.norms, i * steps));
            emit({ jobId, type: 'gradients', step: e.step, layers: e.layers.length, steps, norms, globalNorm: e.globalNorm, clipNorm: e.clipNorm });
          }
        },
      },
    );
    const done = run.then(
      (result) => emit({ jobId, type: 'finished', stoppedBy: result.stoppedBy, modelDir: result.modelDir, bestCer: result.bestCer, bestEpoch: result.bestEpoch, steps: result.steps }),
      (error: unknown) => emit({ jobId, type: 'failed', error: (error as Error)?.message ?? String(error) }),
    ).finally(() => {
      this.training = undefined;
    });
    this.training = { jobId, controller, done };
  }

  async trainCancel(jobId: string): Promise<void> {
    if (this.training?.jobId === jobId) this.training.controller.abort();
  }

  async evaluate(modelDir: string, items: { audioPath: string; text: string }[], decoding: DecodingSettings): Promise<EngineEvaluation> {
    await this.ensureBackend();
    const recognizer = await Recognizer.load(modelDir);
    try {
      const resolved = resolveChoice(decoding, recognizer.model.alphabet, this.options.generalLm);
      const accumulator = new ErrorRateAccumulator();
      const hypotheses: string[] = [];
      for (const item of items) {
        const t = await recognizer.transcribeFile(item.audioPath, resolved);
        accumulator.add(normalizeTranscript(item.text, recognizer.model.alphabet), t.text);
        hypotheses.push(t.text);
      }
      return { wer: accumulator.wer, cer: accumulator.cer, hypotheses };
    } finally {
      recognizer.dispose();
    }
  }

  /** Starts the tfjs backend once. */
  private async ensureBackend(): Promise<BackendInfo> {
    if (this.backend) return this.backend;
    if (this.options.wasmDir) await useWasmDir(this.options.wasmDir);
    if (this.options.lexicon) useCmudict(this.options.lexicon);
    this.backend = await selectBackend(this.options.backend);
    return this.backend;
  }

  private requireRecognizer(): Recognizer {
    if (!this.recognizer) throw new Error('no model is loaded: call loadModel(dir) first');
    return this.recognizer;
  }

  async status(): Promise<EngineStatusResult> {
    const backend = await this.ensureBackend();
    return {
      backend: backend.name,
      backendNotes: backend.skipped.map((s) => `${s.name}: ${s.reason}`),
      model: this.recognizer ? this.summary(this.recognizer) : null,
    };
  }

  private summary(r: Recognizer): EngineModelSummary {
    const a = r.meta.architecture;
    return { dir: r.dir, name: r.meta.name, arch: a.arch, layers: a.layers, units: a.units, stack: a.stack };
  }

  /** Loads (replaces) the model; the old one stays active when the new one fails to load. */
  async loadModel(dir: string): Promise<EngineModelSummary> {
    await this.ensureBackend();
    const next = await Recognizer.load(dir);
    for (const id of [...this.streams.keys()]) this.streamCancel(id);
    this.recognizer?.dispose();
    this.recognizer = next;
    this.decodings.clear();
    return this.summary(next);
  }

  /** Any supported file's bytes → 16 kHz mono, through the same path as the CLI (model/audio). */
  async decodeAudio(bytes: Uint8Array, name: string): Promise<DecodedAudioResult> {
    const audio = await loadAudioBytes(bytes, name);
    return { samples: audio.samples, durationSeconds: audio.durationSeconds, warnings: audio.warnings };
  }

  /** Resolves (and caches) the decoder settings for the loaded model. */
  private resolve(decoding: DecodingSettings, alphabet: Alphabet): ResolvedDecoding {
    const key = JSON.stringify([decoding.mode, decoding.beam, decoding.mode === 'custom' || decoding.mode === 'commands' ? decoding.customVocabulary : '']);
    const cached = this.decodings.get(key);
    if (cached) return cached;
    const resolved = resolveChoice(decoding, alphabet, this.options.generalLm);
    this.decodings.set(key, resolved);
    return resolved;
  }

  private classes(r: Recognizer): string[] {
    return ['', ...r.model.alphabet.chars];
  }

  private layers(r: Recognizer, traces: LayerTraceData[] | undefined): LayerTraceDTO[] {
    return (traces ?? []).map((trace) => ({ units: r.model.config.units, ...trace }));
  }

  private get inspectSeconds(): number {
    return this.options.inspectSeconds ?? INSPECTION_SECONDS;
  }

  async transcribe(samples: Float32Array, decoding: DecodingSettings, inspect: boolean, jobId?: string): Promise<EngineTranscript> {
    const r = this.requireRecognizer();
    const resolved = this.resolve(decoding, r.model.alphabet);
    const opts = { inspect, inspectSeconds: this.inspectSeconds };
    let t;
    if (jobId === undefined) {
      t = r.transcribeSamples(samples, resolved, opts);
    } else {
      if (this.jobs.has(jobId)) throw new Error(`a transcription with job id "${jobId}" is already running`);
      const controller = new AbortController();
      this.jobs.set(jobId, controller);
      try {
        t = await r.transcribeSamplesAsync(samples, resolved, {
          ...opts,
          signal: controller.signal,
          onProgress: (processedSeconds, totalSeconds) => {
            try {
              this.progressSink({ jobId, processedSeconds, totalSeconds: totalSeconds ?? processedSeconds });
            } catch {
              // A listener's failure must not end the job.
            }
          },
        });
      } finally {
        this.jobs.delete(jobId);
      }
    }
    const transcript: EngineTranscript = { text: t.text, words: t.words, durationSeconds: t.durationSeconds, ...commandOf(t) };
    // The recognizer hands back the raw features it computed: no second MFCC pass.
    if (inspect && t.features) {
      const steps = t.inspectedSteps ?? t.steps;
      transcript.inspection = this.inspection(r, { steps, logProbs: t.logProbs.subarray(0, steps * r.model.classes), traces: t.traces }, t.features);
      if (steps < t.steps) transcript.inspection.truncated = { coveredSeconds: steps * r.model.stepSeconds, totalSeconds: t.durationSeconds };
    }
    return transcript;
  }

  /** Stops transcribe(…, jobId) before its next chunk; false when no such job runs. */
  async transcribeCancel(jobId: string): Promise<boolean> {
    const controller = this.jobs.get(jobId);
    if (!controller) return false;
    const reason = new Error(`transcription ${jobId} was cancelled`);
    reason.name = 'AbortError';
    controller.abort(reason);
    return true;
  }

  async streamStart(decoding: DecodingSettings, inspect: boolean): Promise<{ streamId: string }> {
    const r = this.requireRecognizer();
    // keepLogProbs off: the final result's text and words need only the segments (a live hour
    // would otherwise keep 14 MB of log-probabilities nobody reads; each push returns its own).
    const session = r.startStream(this.resolve(decoding, r.model.alphabet), { inspect, inspectSeconds: this.inspectSeconds, keepLogProbs: false });
    this.streamCounter += 1;
    const streamId = `s${this.streamCounter}`;
    this.streams.set(streamId, { session, inspect, seconds: 0 });
    return { streamId };
  }

  private openStream(streamId: string): OpenStream {
    const stream = this.streams.get(streamId);
    if (!stream) throw new Error(`no open stream "${streamId}" (finished, cancelled, or the engine restarted)`);
    return stream;
  }

  /** The timeline's data for some steps (all of an offline run, or what one push completed). */
  private inspection(r: Recognizer, update: { steps: number; logProbs: Float32Array; traces?: LayerTraceData[] }, features: FeatureMatrix): InspectionDTO {
    return {
      stepSeconds: r.model.stepSeconds,
      steps: update.steps,
      classes: this.classes(r),
      // A copy: a stream keeps its own for the final decode, and the worker transfers (detaches) results.
      logProbs: update.logProbs.slice(),
      features: features.data,
      featureFrames: features.frames,
      featureDim: features.dim,
      layers: this.layers(r, update.traces),
    };
  }

  /**
   * One push's share of the live timeline. Past the inspected start it carries no steps or
   * frames (the session keeps no more), so what main and the renderer accumulate stays bounded.
   */
  private streamInspection(r: Recognizer, stream: OpenStream, update: { firstStep: number; steps: number; logProbs: Float32Array; traces?: LayerTraceData[]; features: FeatureMatrix }): InspectionDTO {
    const limit = Math.floor(this.inspectSeconds / r.model.stepSeconds);
    const steps = Math.max(0, Math.min(update.steps, limit - update.firstStep));
    const inspection = this.inspection(r, { steps, logProbs: update.logProbs.subarray(0, steps * r.model.classes), traces: update.traces }, update.features);
    if (update.firstStep + update.steps > limit) inspection.truncated = { coveredSeconds: limit * r.model.stepSeconds, totalSeconds: stream.seconds };
    return inspection;
  }

  async streamPush(streamId: string, samples: Float32Array): Promise<EngineStreamUpdate> {
    const r = this.requireRecognizer();
    const stream = this.openStream(streamId);
    const update = stream.session.push(samples);
    stream.seconds += samples.length / r.model.features.sampleRate;
    return { partial: update.partial, inspection: this.streamInspection(r, stream, update) };
  }

  async streamFinish(streamId: string): Promise<EngineStreamUpdate & { transcript: EngineTranscript }> {
    const r = this.requireRecognizer();
    const stream = this.openStream(streamId);
    this.streams.delete(streamId);
    const update = stream.session.finish();
    const t = update.result;
    return {
      partial: t.text,
      inspection: this.streamInspection(r, stream, update),
      transcript: { text: t.text, words: t.words, durationSeconds: t.durationSeconds, ...commandOf(t) },
    };
  }

  async streamCancel(streamId: string): Promise<void> {
    const stream = this.streams.get(streamId);
    if (!stream) return;
    this.streams.delete(streamId);
    // finish() releases the recurrent state tensors the session holds.
    try {
      stream.session.finish();
    } catch {
      // already finished
    }
  }

  /** Dispatches a protocol request to the method of the same name. */
  async call<M extends EngineMethod>(method: M, args: EngineMethods[M]['args']): Promise<EngineMethods[M]['result']> {
    const fn = (this as unknown as Record<string, unknown>)[method];
    if (!isEngineMethod(method) || typeof fn !== 'function') throw new Error(`unknown engine method ${JSON.stringify(method)}`);
    if (!Array.isArray(args)) throw new Error(`engine method ${method}: expected an argument array, got ${typeof args}`);
    return (fn as (...a: unknown[]) => Promise<EngineMethods[M]['result']>).apply(this, args);
  }

  /** One line naming the backend and why faster ones were skipped. */
  describeBackend(): string | null {
    return this.backend ? describeBackend(this.backend) : null;
  }

  dispose(): void {
    this.training?.controller.abort();
    for (const id of [...this.streams.keys()]) void this.streamCancel(id);
    for (const controller of this.jobs.values()) controller.abort();
    this.recognizer?.dispose();
    this.recognizer = undefined;
  }
}
