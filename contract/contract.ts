/**
 * THE contract between the renderer and the engine side: every request and event, typed once.
 * The preload exposes exactly `AppApi` (generated from the request table, requests.ts); main
 * checks every incoming message's sender and validates it with the table's schemas (schemas.ts);
 * the renderer only ever talks to `window.api: AppApi`; browser e2e installs an `AppApi` bridge
 * to the real engine.
 *
 * No runtime imports (the renderer bundles this file without zod): it compiles in the Node
 * program and the DOM program alike. Binary audio crosses as Float32Array / ArrayBuffer
 * (structured clone); JSON elsewhere.
 */
import type { z } from 'zod';
import type { DecodingModeSchema, DecodingSettingsSchema, ExportFormatSchema, FineTuneRequestSchema, SettingsSchema } from './schemas.ts';

// The values the renderer supplies take their types from their schemas (schemas.ts): one
// definition gives both the type and the runtime check. A type-only import: no zod at run time here.
/**
 * Which decoder to use: 'open' = any words (the bundled general English LM when the app ships
 * one), 'digits', 'custom' = sequences of a word/phrase list, 'commands' = exactly one phrase of
 * the list per utterance, or nothing when unsure (with the phrase's confidence).
 */
export type DecodingMode = z.output<typeof DecodingModeSchema>;
export type DecodingSettings = z.output<typeof DecodingSettingsSchema>;
export type Settings = z.output<typeof SettingsSchema>;
export type ExportFormat = z.output<typeof ExportFormatSchema>;
export type FineTuneRequest = z.output<typeof FineTuneRequestSchema>;

export interface ModelInfo {
  id: string;
  name: string;
  /** 'bundled' cannot be deleted. */
  kind: 'bundled' | 'user';
  architecture: { arch: 'lstm' | 'peephole' | 'gru'; layers: number; units: number; stack: number };
  createdAt: string | null;
  parentId: string | null;
  metrics: Record<string, unknown>;
}

export interface EngineStatus {
  state: 'starting' | 'ready' | 'crashed' | 'restarting';
  /** The compute backend in use, and why faster ones were not. */
  backend: 'tfjs-node-gpu' | 'tfjs-node' | 'wasm' | 'cpu' | null;
  backendNotes: string[];
  activeModel: ModelInfo | null;
  /** Set when no model could be loaded (no bundled model, broken folder…). */
  modelError: string | null;
  /** Restarts after crashes since the app started. */
  restarts: number;
}

/** What the About box shows. */
export interface AboutInfo {
  appName: string;
  appVersion: string;
  /** Runtime versions, e.g. { electron, chrome, node, v8 } (what is known where it runs). */
  versions: Record<string, string>;
  backend: EngineStatus['backend'];
  backendNotes: string[];
  model: ModelInfo | null;
  /** The data folder (library, models, settings) and the log file inside it. */
  dataFolder: string;
  logFile: string;
}

export interface WordDTO {
  word: string;
  start: number;
  end: number;
  confidence: number;
}

/** The network's internals over time for one layer: each matrix is [steps × units], row-major. */
export interface LayerTraceDTO {
  units: number;
  cellState?: Float32Array;
  hidden?: Float32Array;
  inputGate?: Float32Array;
  forgetGate?: Float32Array;
  outputGate?: Float32Array;
  candidate?: Float32Array;
  resetGate?: Float32Array;
  updateGate?: Float32Array;
}

/** Everything the "look inside" timeline needs, lined up on one time axis. */
export interface InspectionDTO {
  /** Seconds per network step (hop × stacking). */
  stepSeconds: number;
  steps: number;
  /** Output classes: '' (blank) first, then the alphabet's characters. */
  classes: string[];
  /** Per-step log-probabilities, [steps × classes.length]. */
  logProbs: Float32Array;
  /** Raw MFCC + deltas per 10 ms frame, [frames × featureDim], for the MFCC image. */
  features: Float32Array;
  featureFrames: number;
  featureDim: number;
  layers: LayerTraceDTO[];
  /**
   * Set when the steps, features and layers cover only the start of the audio: inspection costs
   * about 0.6 MB per second (2.2 GB an hour), so the engine keeps it for the first
   * INSPECTION_SECONDS of a file or recording; the transcript itself is always complete.
   */
  truncated?: { coveredSeconds: number; totalSeconds: number };
}

/** How much of a file or live recording the "look inside" data covers, from its start (~37 MB). */
export const INSPECTION_SECONDS = 60;

export interface TranscriptDTO {
  id: string;
  title: string;
  createdAt: string;
  source: 'microphone' | 'file';
  /** Original file name for imports. */
  fileName: string | null;
  durationSeconds: number;
  text: string;
  words: WordDTO[];
  /** Commands mode: the phrase chosen and how sure; accepted false = nothing output (text ''). */
  command?: CommandChoiceDTO;
  modelId: string;
  /** Set while the recording is saved but not yet transcribed, or when transcription failed. */
  error: string | null;
  /** When a person last corrected the words (editTranscriptWords); absent for the machine's text. */
  editedAt?: string;
}

export interface CommandChoiceDTO {
  /** The best phrase, also when it was not accepted. */
  phrase: string;
  /** In [0, 1]. */
  confidence: number;
  accepted: boolean;
}

/** Partial result while recording. */
export interface StreamUpdateDTO {
  sessionId: string;
  partial: string;
  /** The steps this chunk completed, appended to the live timeline. */
  inspection: InspectionDTO;
}


/** Events pushed from the engine side. */
export type AppEvent =
  | { type: 'status'; status: EngineStatus }
  | { type: 'stream-update'; update: StreamUpdateDTO }
  | {
      type: 'file-progress';
      jobId: string;
      fraction: number;
      stage: 'decoding' | 'transcribing' | 'done' | 'failed' | 'cancelled';
      error?: string;
      /** While transcribing: seconds of audio processed, of the total, and the estimated seconds left. */
      processedSeconds?: number;
      totalSeconds?: number;
      etaSeconds?: number;
    }
  | { type: 'library-changed' }
  | { type: 'train-progress'; job: JobInfo; loss: number; etaSeconds: number; learningRate: number }
  | { type: 'train-gradients'; jobId: string; snapshot: GradientSnapshotDTO }
  | { type: 'models-changed' }
  | { type: 'datasets-changed' };


// ---- Fine-tuning on your own voice (datasets, jobs, model versions) ----

export type PromptSetId = 'digits' | 'spelling-commands' | 'harvard';

export interface PromptSet {
  id: PromptSetId;
  name: string;
  prompts: string[];
}

export interface DatasetInfo {
  id: string;
  name: string;
  createdAt: string;
  /** Utterances used for training and the automatically split-off held-out part. */
  trainUtterances: number;
  heldOutUtterances: number;
  durationSeconds: number;
}

export interface DatasetItem {
  id: string;
  text: string;
  durationSeconds: number;
  /** Assigned once, deterministically, when the item is added. */
  split: 'train' | 'heldout';
  source: 'recorded' | 'imported';
  /** Level check of the audio: clipping and silence are warned about. */
  peak: number;
  rms: number;
  warnings: string[];
}

export interface ImportReport {
  imported: number;
  /** Every file not imported, with the reason (no transcript, unreadable audio, …). */
  skipped: { name: string; reason: string }[];
}

export interface JobInfo {
  id: string;
  request: FineTuneRequest;
  state: 'queued' | 'running' | 'cancelled' | 'failed' | 'done';
  step: number;
  totalSteps: number;
  error: string | null;
  /** The model version it produced (state 'done'). */
  modelId: string | null;
  /** Per epoch: training loss and held-out CER. */
  curve: { epoch: number; step: number; trainLoss: number; heldOutCer: number }[];
}

/**
 * ‖∂loss/∂c_t‖ per time step and layer for one training batch (the cell state's gradient through
 * time; hidden state for GRU), [layers × steps], row-major; shows vanishing or exploding
 * gradients, and whether clipping acted on that step.
 */
export interface GradientSnapshotDTO {
  step: number;
  layers: number;
  steps: number;
  norms: Float32Array;
  /** Global gradient norm before clipping, and the clipping limit. */
  globalNorm: number;
  clipNorm: number;
}

export interface ModelComparisonDTO {
  modelId: string;
  parentId: string;
  datasetId: string;
  before: { wer: number; cer: number };
  after: { wer: number; cer: number };
  /** Per held-out utterance: reference and both hypotheses (the UI highlights changed words). */
  utterances: { itemId: string; reference: string; before: string; after: string }[];
}

export interface AppApi {
  getStatus(): Promise<EngineStatus>;
  /** Versions, backend, model and where the data and the log live. */
  getAbout(): Promise<AboutInfo>;
  /** Shows the log file in the system's file manager; returns its path. */
  showLogs(): Promise<string>;
  getSettings(): Promise<Settings>;
  setSettings(settings: Settings): Promise<Settings>;
  listModels(): Promise<ModelInfo[]>;

  /** Starts a live session; audio then arrives with pushAudio as 16 kHz mono chunks. */
  startRecording(): Promise<{ sessionId: string }>;
  /** Appends audio (saved durably before it is transcribed); returns the partial result. */
  pushAudio(sessionId: string, pcm16k: Float32Array): Promise<StreamUpdateDTO>;
  /** Ends the session: the recording is written atomically, then transcribed in full. */
  stopRecording(sessionId: string): Promise<{ transcript: TranscriptDTO; inspection: InspectionDTO }>;

  /** Transcribes a file's bytes (any format the decoder reads: WAV, FLAC, MP3, Ogg, M4A/AAC, WebM, AIFF, CAF, AMR, WMA); progress arrives as file-progress events. */
  transcribeFile(jobId: string, fileName: string, bytes: ArrayBuffer): Promise<{ transcript: TranscriptDTO; inspection: InspectionDTO }>;
  /**
   * Stops a running transcribeFile within a second: its promise rejects with a 'cancelled'
   * error, a 'cancelled' file-progress event follows, and the library keeps the saved audio
   * marked as not transcribed (never a partial text). False when no such job is running.
   */
  cancelFileTranscription(jobId: string): Promise<boolean>;

  listTranscripts(query: string): Promise<TranscriptDTO[]>;
  /** The transcript's audio as 16 kHz mono PCM, for playback. */
  getAudio(id: string): Promise<Float32Array>;
  /** Re-runs the model with inspection, for the timeline of a saved transcript. */
  inspectTranscript(id: string): Promise<InspectionDTO>;
  renameTranscript(id: string, title: string): Promise<TranscriptDTO>;
  /**
   * Corrects the words: `words[i]` replaces the text of word i and keeps its timing and
   * confidence; an empty string removes that word. `text` becomes the words joined by spaces;
   * exports use the corrected words. Saved atomically.
   */
  editTranscriptWords(id: string, words: string[]): Promise<TranscriptDTO>;
  /** Moves it to the trash; restoreTranscript undoes that. */
  deleteTranscript(id: string): Promise<void>;
  restoreTranscript(id: string): Promise<TranscriptDTO>;
  exportTranscript(id: string, format: ExportFormat): Promise<string>;

  listPromptSets(): Promise<PromptSet[]>;
  listDatasets(): Promise<DatasetInfo[]>;
  createDataset(name: string): Promise<DatasetInfo>;
  getDataset(id: string): Promise<{ info: DatasetInfo; items: DatasetItem[] }>;
  renameDataset(id: string, name: string): Promise<DatasetInfo>;
  deleteDataset(id: string): Promise<void>;
  /** Saves a prompted recording (atomically) and returns it with its level check. */
  addDatasetRecording(datasetId: string, text: string, pcm16k: Float32Array): Promise<DatasetItem>;
  deleteDatasetItem(datasetId: string, itemId: string): Promise<void>;
  getDatasetItemAudio(datasetId: string, itemId: string): Promise<Float32Array>;
  /**
   * Imports labelled audio: a NeMo manifest, WAV files with .txt transcripts beside them, or
   * FSDD-style names ({digit}_{speaker}_{take}.wav). Files arrive as (relative path, bytes).
   */
  importDatasetFiles(datasetId: string, files: { path: string; bytes: ArrayBuffer }[]): Promise<ImportReport>;

  /** Starts (or queues) a fine-tuning job in the engine worker; it survives an app restart. */
  startFineTune(request: FineTuneRequest): Promise<JobInfo>;
  cancelFineTune(jobId: string): Promise<JobInfo>;
  resumeFineTune(jobId: string): Promise<JobInfo>;
  listJobs(): Promise<JobInfo[]>;

  renameModel(id: string, name: string): Promise<ModelInfo>;
  /** The bundled base model cannot be deleted. */
  deleteModel(id: string): Promise<void>;
  /** A model folder as a zip archive's bytes; importModel accepts the same. */
  exportModel(id: string): Promise<ArrayBuffer>;
  importModel(fileName: string, bytes: ArrayBuffer): Promise<ModelInfo>;
  /** Before/after on the dataset's held-out part: the model against its parent. */
  compareWithParent(modelId: string, datasetId: string): Promise<ModelComparisonDTO>;

  /** Subscribes to engine events; returns the unsubscribe function. */
  onEvent(listener: (event: AppEvent) => void): () => void;
}

/** Limits that validation enforces (an oversized message is rejected, never processed). */
export const LIMITS = {
  /** One pushAudio chunk: at most 10 s of 16 kHz audio. */
  maxChunkSamples: 160_000,
  /** An imported file: at most 512 MiB. */
  maxFileBytes: 512 * 1024 * 1024,
  maxTitleLength: 200,
  maxQueryLength: 200,
  maxVocabularyLength: 200_000,
  maxIdLength: 100,
  maxBeam: 128,
  /** importDatasetFiles: files per call and bytes in all. */
  maxImportFiles: 5000,
  maxImportBytes: 1024 * 1024 * 1024,
  /** A prompt or transcript text. */
  maxTextLength: 2000,
  maxEpochs: 200,
  /** File names and other free strings (a microphone's device id, the active model's id). */
  maxStringLength: 1024,
  /** editTranscriptWords: words per transcript, characters per word. */
  maxWords: 200_000,
  maxWordLength: 200,
} as const;
