/**
 * The app's engine side without Electron: every AppApi request (same names, arguments and
 * results as contract/contract.ts) over the library, settings, models and one engine (in a
 * worker, or in-process). electron/main/ipc.ts calls it after validating each message; the
 * browser e2e calls it directly from the test process. It wires the parts together:
 * active-model.ts (settings and the loaded model), recording-sessions.ts (live recordings),
 * file-transcription.ts (files, saved transcripts' timelines, pending transcriptions), the
 * library, datasets, fine-tuning jobs and model versions.
 *
 * Durability: recorded audio is fsynced to a .part file before the engine sees it; imported
 * files' bytes are saved before decoding; records, WAVs and settings are written atomically.
 * Leftover .part files (a crash mid-recording) become recordings marked untranscribed on the
 * next start, and every untranscribed recording is transcribed once a model is loaded.
 */
import { join } from 'node:path';
import type { AboutInfo, AppApi, AppEvent, JobInfo, ModelComparisonDTO } from '../contract/contract.ts';
import { ActiveModel } from './active-model.ts';
import { AppLog } from './app-log.ts';
import { DatasetStore } from './datasets.ts';
import { EngineHost, type EngineMode } from './engine/engine-host.ts';
import { FileTranscription } from './file-transcription.ts';
import { FineTuneJobs } from './fine-tune-jobs.ts';
import { Library } from './library.ts';
import type { LogLevel } from './log-file.ts';
import { ModelVersions } from './model-versions.ts';
import { appPaths, type AppPaths } from './paths.ts';
import { promptSets } from './prompt-sets.ts';
import { RecordingSessions } from './recording-sessions.ts';

/** Every AppApi request method, plus event subscription and shutdown. */
export interface AppBackend extends Omit<AppApi, 'onEvent'> {
  /** Receives every AppEvent; returns the unsubscribe function. */
  subscribe(listener: (event: AppEvent) => void): () => void;
  /** Appends a line to the log file in the data folder (userData/logs/cellscribe.log). */
  log(level: LogLevel, message: string): void;
  /** Stops the engine; open recordings keep their .part files (recovered on the next start). */
  dispose(): Promise<void>;
  /** Where the data lives (for logs and tests). */
  readonly paths: AppPaths;
  /** Kills the engine worker as a crash would (tests and the smoke test); it restarts by itself. */
  simulateEngineCrash(): Promise<void>;
  /** Resolves when recovered recordings have been transcribed (or failed again). */
  whenIdle(): Promise<void>;
  /** Resolves when a fine-tuning job is no longer queued or running (tests). */
  whenJobSettled(jobId: string): Promise<JobInfo>;
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
  engineOptions?: { backend?: string; wasmDir?: string; generalLm?: string; inspectSeconds?: number; lexicon?: string };
  /** For the About box and the log: the app's version and the runtime's (Electron passes electron, chrome, node, v8). */
  appVersion?: string;
  versions?: Record<string, string>;
  /** Shows a file in the system's file manager (Electron's shell.showItemInFolder); absent in tests. */
  reveal?: (path: string) => void;
  /** Longest live recording kept as one library entry before it rolls over to a new one; default an hour. */
  maxRecordingSeconds?: number;
}

export async function createAppBackend(options: AppBackendOptions): Promise<AppBackend> {
  const paths = appPaths(options.userDataDir, options.bundledModelDir);
  const library = new Library(paths);
  const listeners = new Set<(event: AppEvent) => void>();
  const datasets = new DatasetStore(join(options.userDataDir, 'datasets'));
  const versions = new ModelVersions(paths.bundledModelDir, paths.modelsDir);
  // Created before the host: the host's callbacks (crash, training events) reach it.
  let jobs: FineTuneJobs | undefined;
  let files: FileTranscription | undefined;

  const appVersion = options.appVersion ?? '(development)';
  const runtimeVersions = options.versions ?? { node: process.versions.node };
  const log = new AppLog(join(options.userDataDir, 'logs', 'cellscribe.log'));
  log.write('info', `CellScribe ${appVersion} starting; data folder ${options.userDataDir}; ${Object.entries(runtimeVersions).map(([k, v]) => `${k} ${v}`).join(', ')}`);

  const emit = (event: AppEvent): void => {
    log.observe(event);
    for (const listener of [...listeners]) {
      try {
        listener(event);
      } catch {
        // One broken listener must not stop the others (or the engine side).
      }
    }
  };
  const emitStatus = () => emit({ type: 'status', status: model.status(host) });

  const model = new ActiveModel(paths, (method, ...args) => host.call(method, ...args), emitStatus);
  const host: EngineHost = new EngineHost({
    mode: options.engine ?? 'worker',
    workerPath: options.workerPath,
    engineOptions: options.engineOptions,
    onState: (state) => {
      if (state === 'crashed') jobs?.engineCrashed();
      emitStatus();
    },
    onTrainEvent: (event) => jobs?.onEngineEvent(event),
    onTranscribeProgress: (event) => files?.engineProgress(event),
    // After every (re)start: learn the backend, load the active model again.
    onStarted: (call) => model.engineStarted(call),
  });
  const call = host.call.bind(host) as EngineHost['call'];
  files = new FileTranscription(library, call, model, emit);
  const fileJobs = files;
  const sessions = new RecordingSessions(paths.recordingDir, library, host, model, files, emit,
    options.maxRecordingSeconds === undefined ? undefined : Math.round(options.maxRecordingSeconds * 16000));

  // Start-up recovery: each step reports what it did and what it could not do; none can stop
  // the app from starting.
  const startupReport = [...sessions.recoverPartFiles(), ...datasets.recover(), ...versions.cleanUp(), ...library.emptyOldTrash()];
  for (const line of startupReport) {
    console.warn(`cellscribe start-up: ${line}`);
    log.write('warn', `start-up: ${line}`);
  }
  jobs = new FineTuneJobs({
    jobsDir: join(options.userDataDir, 'jobs'),
    cacheDir: join(options.userDataDir, 'cache', 'features'),
    datasets,
    models: versions,
    call,
    emit,
  });
  const fineTuneJobs = jobs;
  await host.start();
  const background = fileJobs.transcribePending();
  fineTuneJobs.startQueued();

  /** Runs `change`, then tells listeners which part changed. */
  const changing = <T>(event: AppEvent, change: () => T): T => {
    const result = change();
    emit(event);
    return result;
  };
  const libraryChanged = { type: 'library-changed' } as const;
  const datasetsChanged = { type: 'datasets-changed' } as const;
  const modelsChanged = { type: 'models-changed' } as const;

  return {
    paths,

    getStatus: async () => model.status(host),

    async getAbout(): Promise<AboutInfo> {
      const status = model.status(host);
      return {
        appName: 'CellScribe',
        appVersion,
        versions: runtimeVersions,
        backend: status.backend,
        backendNotes: status.backendNotes,
        model: status.activeModel,
        dataFolder: options.userDataDir,
        logFile: log.path,
      };
    },

    async showLogs() {
      log.write('info', 'log shown');
      options.reveal?.(log.path);
      return log.path;
    },

    log: (level, message) => log.write(level, message),
    getSettings: async () => model.settings,
    setSettings: (next) => model.change(next),
    listModels: async () => model.list(),

    startRecording: () => sessions.start(),
    pushAudio: (sessionId, pcm16k) => sessions.push(sessionId, pcm16k),
    stopRecording: (sessionId) => sessions.stop(sessionId),
    transcribeFile: (jobId, fileName, bytes) => fileJobs.transcribeFile(jobId, fileName, bytes),
    cancelFileTranscription: (jobId) => fileJobs.cancel(jobId),
    inspectTranscript: (id) => fileJobs.inspect(id),

    listTranscripts: async (query) => library.list(query),
    getAudio: async (id) => library.getAudio(id),
    renameTranscript: async (id, title) => changing(libraryChanged, () => library.rename(id, title)),
    editTranscriptWords: async (id, words) => changing(libraryChanged, () => library.editWords(id, words)),
    deleteTranscript: async (id) => changing(libraryChanged, () => library.delete(id)),
    restoreTranscript: async (id) => changing(libraryChanged, () => library.restore(id)),
    exportTranscript: async (id, format) => library.export(id, format),

    listPromptSets: async () => promptSets(),
    listDatasets: async () => datasets.list(),
    createDataset: async (name) => changing(datasetsChanged, () => datasets.create(name)),
    getDataset: async (id) => datasets.get(id),
    renameDataset: async (id, name) => changing(datasetsChanged, () => datasets.rename(id, name)),
    deleteDataset: async (id) => changing(datasetsChanged, () => datasets.delete(id)),
    addDatasetRecording: async (datasetId, text, pcm16k) => changing(datasetsChanged, () => datasets.addRecording(datasetId, text, pcm16k)),
    deleteDatasetItem: async (datasetId, itemId) => changing(datasetsChanged, () => datasets.deleteItem(datasetId, itemId)),
    getDatasetItemAudio: async (datasetId, itemId) => datasets.itemAudio(datasetId, itemId),

    async importDatasetFiles(datasetId, fileList) {
      // Decoded in the engine (off the main thread), like transcribeFile's bytes.
      const report = await datasets.importFiles(
        datasetId,
        fileList.map((f) => ({ path: f.path, bytes: new Uint8Array(f.bytes) })),
        async (bytes, name) => (await call('decodeAudio', bytes, name)).samples,
      );
      emit(datasetsChanged);
      return report;
    },

    startFineTune: async (request) => fineTuneJobs.start(request),
    cancelFineTune: async (jobId) => fineTuneJobs.cancel(jobId),
    resumeFineTune: async (jobId) => fineTuneJobs.resume(jobId),
    listJobs: async () => fineTuneJobs.list(),
    whenJobSettled: (jobId) => fineTuneJobs.whenSettled(jobId),

    async renameModel(id, name) {
      const renamed = versions.rename(id, name);
      model.renamed(renamed);
      emit(modelsChanged);
      return renamed;
    },

    async deleteModel(id) {
      versions.find(id);
      // Switch away from a model about to disappear: to the bundled one, else the first other.
      const fallback = versions.list().find((m) => m.info.id !== id);
      if (model.leave(id, fallback?.info.id ?? '')) {
        versions.delete(id);
        await model.load();
        emitStatus();
      } else versions.delete(id);
      emit(modelsChanged);
    },

    async exportModel(id) {
      const zip = await versions.export(id);
      return zip.buffer.slice(zip.byteOffset, zip.byteOffset + zip.byteLength) as ArrayBuffer;
    },

    async importModel(fileName, bytes) {
      const imported = await versions.import(fileName, new Uint8Array(bytes));
      emit(modelsChanged);
      return imported;
    },

    async compareWithParent(modelId, datasetId): Promise<ModelComparisonDTO> {
      const version = versions.find(modelId);
      if (!version.info.parentId) throw new Error(`model "${version.info.name}" has no parent model to compare with`);
      const parent = versions.find(version.info.parentId);
      const heldOut = datasets.items(datasetId).filter((i) => i.split === 'heldout');
      if (heldOut.length === 0) throw new Error('the dataset has no held-out utterances yet (it needs at least 3 items)');
      const items = heldOut.map((i) => ({ audioPath: datasets.audioPath(datasetId, i.id), text: i.text }));
      const before = await call('evaluate', parent.dir, items, model.settings.decoding);
      const after = await call('evaluate', version.dir, items, model.settings.decoding);
      return {
        modelId,
        parentId: parent.info.id,
        datasetId,
        before: { wer: before.wer, cer: before.cer },
        after: { wer: after.wer, cer: after.cer },
        utterances: heldOut.map((item, i) => ({ itemId: item.id, reference: item.text, before: before.hypotheses[i], after: after.hypotheses[i] })),
      };
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
      sessions.closeAll();
      await background.catch(() => undefined);
      await host.dispose();
      listeners.clear();
    },
  };
}
