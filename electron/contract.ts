/**
 * THE contract between the renderer and the engine side: every request and event, typed once.
 * The preload exposes exactly `AppApi` (`const api = {…} satisfies AppApi`); main validates every
 * incoming message against `REQUEST_SCHEMAS` and checks its sender; the renderer only ever talks
 * to `window.api: AppApi`; browser e2e installs an `AppApi` bridge to the real engine.
 *
 * No runtime imports: this file compiles in the Node program and the DOM program alike.
 * Binary audio crosses as Float32Array / ArrayBuffer (structured clone); JSON elsewhere.
 */

/** Which decoder to use. */
export type DecodingMode = 'open' | 'digits' | 'custom';

export interface DecodingSettings {
  mode: DecodingMode;
  /** Word/phrase list, one per line (mode 'custom'). */
  customVocabulary: string;
  /** Beam width; 1 = greedy (open vocabulary only). */
  beam: number;
}

export interface Settings {
  /** Id of the active model (see ModelInfo.id). */
  activeModelId: string;
  decoding: DecodingSettings;
  /** Preferred microphone (MediaDeviceInfo.deviceId), or '' for the default. */
  microphoneId: string;
}

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
}

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
  modelId: string;
  /** Set while the recording is saved but not yet transcribed, or when transcription failed. */
  error: string | null;
}

/** Partial result while recording. */
export interface StreamUpdateDTO {
  sessionId: string;
  partial: string;
  /** The steps this chunk completed, appended to the live timeline. */
  inspection: InspectionDTO;
}

export type ExportFormat = 'txt' | 'srt' | 'vtt' | 'json';

/** Events pushed from the engine side. */
export type AppEvent =
  | { type: 'status'; status: EngineStatus }
  | { type: 'stream-update'; update: StreamUpdateDTO }
  | { type: 'file-progress'; jobId: string; fraction: number; stage: 'decoding' | 'transcribing' | 'done' | 'failed'; error?: string }
  | { type: 'library-changed' };

export interface AppApi {
  getStatus(): Promise<EngineStatus>;
  getSettings(): Promise<Settings>;
  setSettings(settings: Settings): Promise<Settings>;
  listModels(): Promise<ModelInfo[]>;

  /** Starts a live session; audio then arrives with pushAudio as 16 kHz mono chunks. */
  startRecording(): Promise<{ sessionId: string }>;
  /** Appends audio (saved durably before it is transcribed); returns the partial result. */
  pushAudio(sessionId: string, pcm16k: Float32Array): Promise<StreamUpdateDTO>;
  /** Ends the session: the recording is written atomically, then transcribed in full. */
  stopRecording(sessionId: string): Promise<{ transcript: TranscriptDTO; inspection: InspectionDTO }>;

  /** Transcribes a file's bytes (WAV, FLAC, MP3, Ogg); progress arrives as file-progress events. */
  transcribeFile(jobId: string, fileName: string, bytes: ArrayBuffer): Promise<{ transcript: TranscriptDTO; inspection: InspectionDTO }>;

  listTranscripts(query: string): Promise<TranscriptDTO[]>;
  /** The transcript's audio as 16 kHz mono PCM, for playback. */
  getAudio(id: string): Promise<Float32Array>;
  /** Re-runs the model with inspection, for the timeline of a saved transcript. */
  inspectTranscript(id: string): Promise<InspectionDTO>;
  renameTranscript(id: string, title: string): Promise<TranscriptDTO>;
  /** Moves it to the trash; restoreTranscript undoes that. */
  deleteTranscript(id: string): Promise<void>;
  restoreTranscript(id: string): Promise<TranscriptDTO>;
  exportTranscript(id: string, format: ExportFormat): Promise<string>;

  /** Subscribes to engine events; returns the unsubscribe function. */
  onEvent(listener: (event: AppEvent) => void): () => void;
}

/** IPC channel names, `domain:verb`. One per AppApi request method; events use EVENT_CHANNEL. */
export const CHANNELS = {
  getStatus: 'engine:get-status',
  getSettings: 'settings:get',
  setSettings: 'settings:set',
  listModels: 'models:list',
  startRecording: 'record:start',
  pushAudio: 'record:push',
  stopRecording: 'record:stop',
  transcribeFile: 'files:transcribe',
  listTranscripts: 'library:list',
  getAudio: 'library:get-audio',
  inspectTranscript: 'library:inspect',
  renameTranscript: 'library:rename',
  deleteTranscript: 'library:delete',
  restoreTranscript: 'library:restore',
  exportTranscript: 'library:export',
} as const satisfies Record<Exclude<keyof AppApi, 'onEvent'>, string>;

export type RequestName = keyof typeof CHANNELS;
export const EVENT_CHANNEL = 'app:event';

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
} as const;

/**
 * Argument shapes per request, as data so that main can validate without trusting the
 * renderer: each entry lists the expected kinds of the positional arguments.
 */
export type ArgKind = 'id' | 'string' | 'title' | 'query' | 'pcm' | 'bytes' | 'settings' | 'exportFormat';
export const REQUEST_SCHEMAS: Record<RequestName, readonly ArgKind[]> = {
  getStatus: [],
  getSettings: [],
  setSettings: ['settings'],
  listModels: [],
  startRecording: [],
  pushAudio: ['id', 'pcm'],
  stopRecording: ['id'],
  transcribeFile: ['id', 'string', 'bytes'],
  listTranscripts: ['query'],
  getAudio: ['id'],
  inspectTranscript: ['id'],
  renameTranscript: ['id', 'title'],
  deleteTranscript: ['id'],
  restoreTranscript: ['id'],
  exportTranscript: ['id', 'exportFormat'],
};
