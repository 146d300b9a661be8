/**
 * The app's engine side without Electron: every AppApi request (same names, arguments and
 * results as contract/contract.ts) over the library, settings, models and one engine (in a
 * worker, or in-process). electron/main/ipc.ts calls it after validating each message; the
 * browser e2e calls it directly from the test process.
 *
 * Durability: recorded audio is fsynced to a .part file before the engine sees it; imported
 * files' bytes are saved before decoding; records, WAVs and settings are written atomically.
 * Leftover .part files (a crash mid-recording) become recordings marked untranscribed on the
 * next start, and every untranscribed recording is transcribed once a model is loaded.
 */
import type {
  AppApi,
  AppEvent,
  DecodingSettings,
  LayerTraceDTO,
  EngineStatus,
  ExportFormat,
  FineTuneRequest,
  InspectionDTO,
  ModelComparisonDTO,
  ModelInfo,
  Settings,
  StreamUpdateDTO,
  TranscriptDTO,
} from '../contract/contract.ts';
import type { EngineStatusResult, EngineTranscript } from './engine/engine-protocol.ts';
import { EngineHost, type EngineCall, type EngineMode } from './engine/engine-host.ts';
import { Library } from './library.ts';
import { scanModels, type RegisteredModel } from './models-registry.ts';
import { appPaths, checkId, newId, type AppPaths } from './paths.ts';
import { leftoverPartFiles, readPartFile, RecordingFile } from './recordings.ts';
import { checkSettings, defaultSettings, SettingsStore } from './settings-store.ts';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { DatasetStore } from './datasets.ts';
import { FineTuneJobs } from './fine-tune-jobs.ts';
import { ModelVersions } from './model-versions.ts';
import { promptSets } from './prompt-sets.ts';

/** Every AppApi request method, plus event subscription and shutdown. */
export interface AppBackend extends Omit<AppApi, 'onEvent'> {
  /** Receives every AppEvent; returns the unsubscribe function. */
  subscribe(listener: (event: AppEvent) => void): () => void;
  /** Stops the engine; open recordings keep their .part files (recovered on the next start). */
  dispose(): Promise<void>;
  /** Where the data lives (for logs and tests). */
  readonly paths: AppPaths;
  /** Kills the engine worker as a crash would (tests and the smoke test); it restarts by itself. */
  simulateEngineCrash(): Promise<void>;
  /** Resolves when recovered recordings have been transcribed (or failed again). */
  whenIdle(): Promise<void>;
  /** Resolves when a fine-tuning job is no longer queued or running (tests). */
  whenJobSettled(jobId: string): Promise<import('../contract/contract.ts').JobInfo>;
}

export interface AppBackendOptions {
  /** userData (Electron's app.getPath('userData'), or a temp folder in tests). */
  userDataDir: string;
  /** The bundled base model's folder (it may not exist yet: then the status says so). */
  bundledModelDir: string;
  /** Default 'worker'. */
  engine?: EngineMode;
  /** Bundled worker entry (.js); default app/engine/worker.ts through tsx. */
  workerPath?: string;
  /** Forwarded to the engine: a forced backend, the folder of tfjs-backend-wasm's .wasm files. */
  engineOptions?: { backend?: string; wasmDir?: string; generalLm?: string };
}

const INTERRUPTED = 'The recording was interrupted before it was transcribed; it will be transcribed when a model is available.';

interface ActiveRecording {
  id: string;
  createdAt: string;
  file: RecordingFile;
  decoding: DecodingSettings;
  modelId: string;
  streamId: string | null;
  /** host.restarts when the stream started: a different value means the stream died with the worker. */
  generation: number;
  inspections: InspectionDTO[];
  chain: Promise<unknown>;
  stopped: boolean;
}

/** Joins per-chunk inspections along time (steps, log-probs, features, every trace). */
export function concatInspections(parts: InspectionDTO[]): InspectionDTO {
  if (parts.length === 0) throw new Error('concatInspections: expected at least one part');
  const first = parts[0];
  const join = (arrays: (Float32Array | undefined)[]): Float32Array => {
    const out = new Float32Array(arrays.reduce((n, a) => n + (a?.length ?? 0), 0));
    let at = 0;
    for (const a of arrays) if (a) { out.set(a, at); at += a.length; }
    return out;
  };
  const layers = first.layers.map((layer, i) => {
    const merged: LayerTraceDTO = { units: layer.units };
    for (const key of ['cellState', 'hidden', 'inputGate', 'forgetGate', 'outputGate', 'candidate', 'resetGate', 'updateGate'] as const) {
      if (layer[key]) merged[key] = join(parts.map((p) => p.layers[i]?.[key]));
    }
    return merged;
  });
  return {
    stepSeconds: first.stepSeconds,
    steps: parts.reduce((n, p) => n + p.steps, 0),
    classes: first.classes,
    logProbs: join(parts.map((p) => p.logProbs)),
    features: join(parts.map((p) => p.features)),
    featureFrames: parts.reduce((n, p) => n + p.featureFrames, 0),
    featureDim: first.featureDim,
    layers,
  };
}

function recordingTitle(createdAt: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `Recording ${createdAt.getFullYear()}-${pad(createdAt.getMonth() + 1)}-${pad(createdAt.getDate())} ${pad(createdAt.getHours())}:${pad(createdAt.getMinutes())}:${pad(createdAt.getSeconds())}`;
}

function fileTitle(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '').trim();
  return (base || 'Imported file').slice(0, 200);
}

export async function createAppBackend(options: AppBackendOptions): Promise<AppBackend> {
  const paths = appPaths(options.userDataDir, options.bundledModelDir);
  const library = new Library(paths);
  const settingsStore = new SettingsStore(paths.settingsFile);
  const listeners = new Set<(event: AppEvent) => void>();
  const recordings = new Map<string, ActiveRecording>();

  let registry = scanModels(paths.bundledModelDir, paths.modelsDir);
  let settings = settingsStore.load(defaultSettings(registry.models[0]?.info.id ?? ''));
  let engineStatus: EngineStatusResult = { backend: null, backendNotes: [], model: null };
  let activeModel: ModelInfo | null = null;
  let modelError: string | null = null;
  let background: Promise<void> = Promise.resolve();
  const datasets = new DatasetStore(join(options.userDataDir, 'datasets'));
  const versions = new ModelVersions(paths.bundledModelDir, paths.modelsDir);
  // Created before the host: the host's callbacks (crash, training events) reach it.
  let jobs: FineTuneJobs | undefined;

  const emit = (event: AppEvent): void => {
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch {
        // One broken listener must not stop the others (or the engine side).
      }
    }
  };

  const host: EngineHost = new EngineHost({
    mode: options.engine ?? 'worker',
    workerPath: options.workerPath,
    engineOptions: options.engineOptions,
    onState: (state) => {
      if (state === 'crashed') jobs?.engineCrashed();
      emit({ type: 'status', status: status() });
    },
    onTrainEvent: (event) => jobs?.onEngineEvent(event),
    // After every (re)start: learn the backend, load the active model again.
    onStarted: async (call) => {
      engineStatus = await call('status');
      await loadActiveModel(call);
    },
  });

  function status(): EngineStatus {
    return {
      state: host.state,
      backend: engineStatus.backend,
      backendNotes: engineStatus.backendNotes,
      activeModel,
      modelError,
      restarts: host.restarts,
    };
  }

  function findModel(id: string): RegisteredModel | undefined {
    return registry.models.find((m) => m.info.id === id);
  }

  /** Loads settings.activeModelId (or the first model when that one is gone) into the engine. */
  async function loadActiveModel(call: EngineCall = (m, ...a) => host.call(m, ...a)): Promise<void> {
    registry = scanModels(paths.bundledModelDir, paths.modelsDir);
    const chosen = findModel(settings.activeModelId) ?? registry.models[0];
    if (!chosen) {
      activeModel = null;
      modelError = `No model is available: ${registry.problems.join('; ') || 'no models found'}. Train one or add it to ${paths.modelsDir}.`;
      return;
    }
    try {
      await call('loadModel', chosen.dir);
      activeModel = chosen.info;
      modelError = null;
    } catch (error) {
      activeModel = null;
      modelError = `Model "${chosen.info.name}" could not be loaded: ${(error as Error).message}`;
    }
  }

  function requireModel(): ModelInfo {
    if (!activeModel) throw new Error(modelError ?? 'no model is loaded');
    return activeModel;
  }

  /** Turns .part files left by a crash into saved, untranscribed recordings. */
  function recoverPartFiles(): void {
    for (const { id, path } of leftoverPartFiles(paths.recordingDir)) {
      const samples = readPartFile(path);
      if (!library.has(id)) {
        library.saveAudio(id, samples);
        library.save({
          id,
          title: `${recordingTitle(new Date())} (recovered)`,
          createdAt: new Date().toISOString(),
          source: 'microphone',
          fileName: null,
          durationSeconds: samples.length / 16000,
          text: '',
          words: [],
          modelId: settings.activeModelId,
          error: INTERRUPTED,
        });
      } else if (!library.hasAudio(id)) {
        library.saveAudio(id, samples);
      }
      rmSync(path, { force: true });
    }
  }

  /** Transcribes every saved recording whose transcription is pending (recovered or failed). */
  async function transcribePending(): Promise<void> {
    if (!activeModel) return;
    let changed = false;
    for (const t of library.list()) {
      if (t.error === null || !library.hasAudio(t.id)) continue;
      try {
        const result = await host.call('transcribe', library.getAudio(t.id), settings.decoding, false);
        library.save({ ...t, text: result.text, words: result.words, ...(result.command ? { command: result.command } : {}), durationSeconds: result.durationSeconds, modelId: activeModel.id, error: null });
        changed = true;
      } catch {
        // Stays marked; tried again on the next start.
      }
    }
    if (changed) emit({ type: 'library-changed' });
  }

  recoverPartFiles();
  jobs = new FineTuneJobs({
    jobsDir: join(options.userDataDir, 'jobs'),
    cacheDir: join(options.userDataDir, 'cache', 'features'),
    datasets,
    models: versions,
    call: (method, ...args) => host.call(method, ...args),
    emit,
  });
  const fineTuneJobs = jobs;
  await host.start();
  background = transcribePending();
  fineTuneJobs.startQueued();

  /** Switches away from a model about to disappear: to the bundled one, else the first other. */
  async function leaveModel(id: string): Promise<void> {
    if (settings.activeModelId !== id) return;
    const fallback = versions.list().find((m) => m.info.id !== id);
    settings = { ...settings, activeModelId: fallback?.info.id ?? '' };
    settingsStore.save(settings);
  }

  async function transcribeWithInspection(samples: Float32Array): Promise<EngineTranscript & { inspection: InspectionDTO }> {
    const result = await host.call('transcribe', samples, settings.decoding, true);
    if (!result.inspection) throw new Error('the engine returned no inspection');
    return result as EngineTranscript & { inspection: InspectionDTO };
  }

  function activeRecording(sessionId: string): ActiveRecording {
    const recording = recordings.get(checkId(sessionId, 'sessionId'));
    if (!recording || recording.stopped) throw new Error(`no recording in progress with session id "${sessionId}"`);
    return recording;
  }

  /**
   * (Re)starts the engine stream when it does not exist or died with a crashed worker, replaying
   * the audio saved so far; returns that replay's update (null when nothing was replayed).
   */
  async function ensureStream(recording: ActiveRecording, fedSamples: number): Promise<{ partial: string; inspection: InspectionDTO } | null> {
    if (recording.streamId !== null && recording.generation === host.restarts) return null;
    recording.generation = host.restarts;
    recording.streamId = (await host.call('streamStart', recording.decoding, true)).streamId;
    recording.inspections = [];
    // Only up to the chunk being pushed: later chunks are already queued behind it.
    const saved = recording.file.read().subarray(0, fedSamples);
    if (saved.length === 0) return null;
    const replay = await host.call('streamPush', recording.streamId, saved);
    recording.inspections.push(replay.inspection);
    return replay;
  }

  const backend: AppBackend = {
    paths,

    async getStatus() {
      return status();
    },

    async getSettings() {
      return settings;
    },

    async setSettings(next: Settings) {
      const checked = checkSettings(next);
      registry = scanModels(paths.bundledModelDir, paths.modelsDir);
      if (checked.activeModelId !== '' && !findModel(checked.activeModelId)) {
        throw new Error(`unknown model id "${checked.activeModelId}" (available: ${registry.models.map((m) => m.info.id).join(', ') || 'none'})`);
      }
      if (checked.decoding.mode === 'custom' && checked.decoding.customVocabulary.trim() === '') {
        throw new Error('custom vocabulary mode needs at least one word or phrase (one per line)');
      }
      if (checked.decoding.mode === 'commands' && checked.decoding.customVocabulary.trim() === '') {
        throw new Error('commands mode needs at least one phrase (one per line)');
      }
      const modelChanged = checked.activeModelId !== settings.activeModelId;
      const previous = settings;
      settings = checked;
      if (modelChanged) {
        await loadActiveModel();
        if (!activeModel || activeModel.id !== checked.activeModelId) {
          const reason = modelError;
          settings = previous;
          await loadActiveModel();
          emit({ type: 'status', status: status() });
          throw new Error(reason ?? `model "${checked.activeModelId}" could not be loaded`);
        }
      }
      settingsStore.save(settings);
      emit({ type: 'status', status: status() });
      return settings;
    },

    async listModels() {
      registry = scanModels(paths.bundledModelDir, paths.modelsDir);
      return registry.models.map((m) => m.info);
    },

    async startRecording() {
      const model = requireModel();
      const id = newId();
      const recording: ActiveRecording = {
        id,
        createdAt: new Date().toISOString(),
        file: RecordingFile.create(paths.recordingDir, id),
        decoding: settings.decoding,
        modelId: model.id,
        streamId: null,
        generation: -1,
        inspections: [],
        chain: Promise.resolve(),
        stopped: false,
      };
      recordings.set(id, recording);
      try {
        await ensureStream(recording, 0);
      } catch (error) {
        recording.file.remove();
        recordings.delete(id);
        throw error;
      }
      return { sessionId: id };
    },

    pushAudio(sessionId: string, pcm16k: Float32Array) {
      let recording: ActiveRecording;
      try {
        recording = activeRecording(sessionId);
        if (!(pcm16k instanceof Float32Array)) throw new Error(`pushAudio: expected a Float32Array, got ${typeof pcm16k}`);
        // Durable first: the chunk is on disk before the engine (which may crash) sees it.
        recording.file.append(pcm16k);
      } catch (error) {
        return Promise.reject(error);
      }
      const fedSamples = recording.file.samples;
      const chunk = pcm16k.slice();
      const run = recording.chain.then(async (): Promise<StreamUpdateDTO> => {
        // After a crash the replay already contains this chunk (it was appended to the file first).
        const update = (await ensureStream(recording, fedSamples)) ?? (await host.call('streamPush', recording.streamId!, chunk));
        if (update.inspection !== recording.inspections[recording.inspections.length - 1]) recording.inspections.push(update.inspection);
        const { inspection, partial } = update;
        const result: StreamUpdateDTO = { sessionId: recording.id, partial, inspection };
        emit({ type: 'stream-update', update: result });
        return result;
      });
      recording.chain = run.catch(() => undefined);
      return run;
    },

    async stopRecording(sessionId: string) {
      const recording = activeRecording(sessionId);
      recording.stopped = true;
      await recording.chain;
      recording.file.close();
      const samples = recording.file.read();
      library.saveAudio(recording.id, samples);
      const base: TranscriptDTO = {
        id: recording.id,
        title: recordingTitle(new Date(recording.createdAt)),
        createdAt: recording.createdAt,
        source: 'microphone',
        fileName: null,
        durationSeconds: samples.length / 16000,
        text: '',
        words: [],
        modelId: recording.modelId,
        error: INTERRUPTED,
      };
      // The audio is saved: from here on nothing the engine does can lose the recording.
      library.save(base);
      recording.file.remove();
      recordings.delete(recording.id);
      emit({ type: 'library-changed' });
      try {
        let text: string;
        let words: TranscriptDTO['words'];
        let inspection: InspectionDTO;
        if (recording.streamId !== null && recording.generation === host.restarts) {
          const final = await host.call('streamFinish', recording.streamId);
          text = final.transcript.text;
          words = final.transcript.words;
          inspection = concatInspections([...recording.inspections, final.inspection]);
        } else {
          const result = await transcribeWithInspection(samples);
          text = result.text;
          words = result.words;
          inspection = result.inspection;
        }
        const transcript = library.save({ ...base, text, words, error: null });
        emit({ type: 'library-changed' });
        return { transcript, inspection };
      } catch (error) {
        library.save({ ...base, error: `Transcription failed: ${(error as Error).message}` });
        emit({ type: 'library-changed' });
        throw error;
      }
    },

    async transcribeFile(jobId: string, fileName: string, bytes: ArrayBuffer) {
      const model = requireModel();
      const id = newId();
      const original = new Uint8Array(bytes.slice(0));
      const progress = (fraction: number, stage: 'decoding' | 'transcribing' | 'done' | 'failed', error?: string) =>
        emit({ type: 'file-progress', jobId, fraction, stage, ...(error !== undefined ? { error } : {}) });
      progress(0, 'decoding');
      library.saveOriginal(id, fileName, original);
      const base: TranscriptDTO = {
        id,
        title: fileTitle(fileName),
        createdAt: new Date().toISOString(),
        source: 'file',
        fileName: fileName.slice(0, 500),
        durationSeconds: 0,
        text: '',
        words: [],
        modelId: model.id,
        error: 'Not transcribed yet.',
      };
      library.save(base);
      emit({ type: 'library-changed' });
      try {
        const decoded = await host.call('decodeAudio', original, fileName);
        library.saveAudio(id, decoded.samples);
        progress(0.3, 'transcribing');
        const result = await transcribeWithInspection(decoded.samples);
        const transcript = library.save({ ...base, durationSeconds: result.durationSeconds, text: result.text, words: result.words, ...(result.command ? { command: result.command } : {}), error: null });
        progress(1, 'done');
        emit({ type: 'library-changed' });
        return { transcript, inspection: result.inspection };
      } catch (error) {
        const message = (error as Error).message;
        library.save({ ...base, error: `Transcription failed: ${message}` });
        progress(1, 'failed', message);
        emit({ type: 'library-changed' });
        throw error;
      }
    },

    async listTranscripts(query: string) {
      return library.list(query);
    },

    async getAudio(id: string) {
      return library.getAudio(id);
    },

    async inspectTranscript(id: string) {
      requireModel();
      return (await transcribeWithInspection(library.getAudio(id))).inspection;
    },

    async renameTranscript(id: string, title: string) {
      const renamed = library.rename(id, title);
      emit({ type: 'library-changed' });
      return renamed;
    },

    async deleteTranscript(id: string) {
      library.delete(id);
      emit({ type: 'library-changed' });
    },

    async restoreTranscript(id: string) {
      const restored = library.restore(id);
      emit({ type: 'library-changed' });
      return restored;
    },

    async exportTranscript(id: string, format: ExportFormat) {
      return library.export(id, format);
    },

    async listPromptSets() {
      return promptSets();
    },

    async listDatasets() {
      return datasets.list();
    },

    async createDataset(name: string) {
      const created = datasets.create(name);
      emit({ type: 'datasets-changed' });
      return created;
    },

    async getDataset(id: string) {
      return datasets.get(id);
    },

    async renameDataset(id: string, name: string) {
      const renamed = datasets.rename(id, name);
      emit({ type: 'datasets-changed' });
      return renamed;
    },

    async deleteDataset(id: string) {
      datasets.delete(id);
      emit({ type: 'datasets-changed' });
    },

    async addDatasetRecording(datasetId: string, text: string, pcm16k: Float32Array) {
      const item = datasets.addRecording(datasetId, text, pcm16k);
      emit({ type: 'datasets-changed' });
      return item;
    },

    async deleteDatasetItem(datasetId: string, itemId: string) {
      datasets.deleteItem(datasetId, itemId);
      emit({ type: 'datasets-changed' });
    },

    async getDatasetItemAudio(datasetId: string, itemId: string) {
      return datasets.itemAudio(datasetId, itemId);
    },

    async importDatasetFiles(datasetId: string, files: { path: string; bytes: ArrayBuffer }[]) {
      // Decoded in the engine (off the main thread), like transcribeFile's bytes.
      const report = await datasets.importFiles(
        datasetId,
        files.map((f) => ({ path: f.path, bytes: new Uint8Array(f.bytes) })),
        async (bytes, name) => (await host.call('decodeAudio', bytes, name)).samples,
      );
      emit({ type: 'datasets-changed' });
      return report;
    },

    async startFineTune(request: FineTuneRequest) {
      return fineTuneJobs.start(request);
    },

    async cancelFineTune(jobId: string) {
      return fineTuneJobs.cancel(jobId);
    },

    async resumeFineTune(jobId: string) {
      return fineTuneJobs.resume(jobId);
    },

    async listJobs() {
      return fineTuneJobs.list();
    },

    async renameModel(id: string, name: string) {
      const renamed = versions.rename(id, name);
      if (activeModel?.id === id) activeModel = renamed;
      emit({ type: 'models-changed' });
      return renamed;
    },

    async deleteModel(id: string) {
      versions.find(id);
      if (id === settings.activeModelId) {
        await leaveModel(id);
        versions.delete(id);
        await loadActiveModel();
        emit({ type: 'status', status: status() });
      } else versions.delete(id);
      emit({ type: 'models-changed' });
    },

    async exportModel(id: string) {
      const zip = await versions.export(id);
      return zip.buffer.slice(zip.byteOffset, zip.byteOffset + zip.byteLength) as ArrayBuffer;
    },

    async importModel(fileName: string, bytes: ArrayBuffer) {
      const imported = await versions.import(fileName, new Uint8Array(bytes));
      emit({ type: 'models-changed' });
      return imported;
    },

    async compareWithParent(modelId: string, datasetId: string): Promise<ModelComparisonDTO> {
      const model = versions.find(modelId);
      if (!model.info.parentId) throw new Error(`model "${model.info.name}" has no parent model to compare with`);
      const parent = versions.find(model.info.parentId);
      const heldOut = datasets.items(datasetId).filter((i) => i.split === 'heldout');
      if (heldOut.length === 0) throw new Error('the dataset has no held-out utterances yet (it needs at least 3 items)');
      const items = heldOut.map((i) => ({ audioPath: datasets.audioPath(datasetId, i.id), text: i.text }));
      const before = await host.call('evaluate', parent.dir, items, settings.decoding);
      const after = await host.call('evaluate', model.dir, items, settings.decoding);
      return {
        modelId,
        parentId: parent.info.id,
        datasetId,
        before: { wer: before.wer, cer: before.cer },
        after: { wer: after.wer, cer: after.cer },
        utterances: heldOut.map((item, i) => ({ itemId: item.id, reference: item.text, before: before.hypotheses[i], after: after.hypotheses[i] })),
      };
    },

    async whenJobSettled(jobId: string) {
      return fineTuneJobs.whenSettled(jobId);
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },

    async simulateEngineCrash() {
      await host.killForTest();
    },

    async whenIdle() {
      await background;
    },

    async dispose() {
      for (const recording of recordings.values()) recording.file.close();
      await background.catch(() => undefined);
      await host.dispose();
      listeners.clear();
    },
  };
  return backend;
}
