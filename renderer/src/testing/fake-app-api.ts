/**
 * A scripted AppApi for building and testing the UI without the engine: it "recognises" a fixed
 * phrase, produces inspection data shaped like a real 2-layer LSTM's, keeps a library in memory
 * and emits the events the real side emits. `implements AppApi`, so it cannot drift from the
 * contract. Install it with `installFakeApi()` (e.g. from a test page) before the renderer runs.
 */
import type {
  AppApi, AppEvent, EngineStatus, ExportFormat, FineTuneRequest, InspectionDTO, LayerTraceDTO, ModelInfo, Settings, StreamUpdateDTO, TranscriptDTO, WordDTO,
} from '../../../contract/contract.ts';
import { FakeFineTune } from './fake-finetune.ts';

const CLASSES = ['', ' ', ...'abcdefghijklmnopqrstuvwxyz', "'"];
const SAMPLES_PER_STEP = 480; // 30 ms: 10 ms hop × stack 3
const FEATURE_DIM = 39;

const MODEL: ModelInfo = {
  id: 'fake-base', name: 'Fake base model', kind: 'bundled',
  architecture: { arch: 'lstm', layers: 2, units: 32, stack: 3 }, createdAt: null, parentId: null, metrics: {},
};

function timestampText(seconds: number, separator: string): string {
  const ms = Math.round(seconds * 1000);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}${separator}${pad(ms % 1000, 3)}`;
}

/** Deterministic pseudo-activations: smooth in time, different per unit, driven by the audio level. */
function fakeInspection(pcm: Float32Array, firstStep: number, phrase: string, layers = 2, units = 32): InspectionDTO {
  const steps = Math.floor(pcm.length / SAMPLES_PER_STEP);
  const logProbs = new Float32Array(steps * CLASSES.length).fill(Math.log(0.01));
  const features = new Float32Array(steps * 3 * FEATURE_DIM);
  const traces: LayerTraceDTO[] = [];
  const energy = new Float32Array(steps);
  for (let t = 0; t < steps; t++) {
    let squares = 0;
    for (let i = 0; i < SAMPLES_PER_STEP; i++) squares += pcm[t * SAMPLES_PER_STEP + i] ** 2;
    energy[t] = Math.sqrt(squares / SAMPLES_PER_STEP);
    const global = firstStep + t;
    const character = global % 4 === 0 ? phrase[(global / 4) % phrase.length] : '';
    logProbs[t * CLASSES.length + Math.max(0, CLASSES.indexOf(character))] = Math.log(0.8);
    for (let f = 0; f < 3 * FEATURE_DIM; f++) features[t * 3 * FEATURE_DIM + f] = Math.sin(global * 0.3 + f) * (1 + 20 * energy[t]);
  }
  for (let l = 0; l < layers; l++) {
    const trace: LayerTraceDTO = { units };
    for (const [key, offset] of [['cellState', 0], ['hidden', 1], ['inputGate', 2], ['forgetGate', 3], ['outputGate', 4]] as const) {
      const matrix = new Float32Array(steps * units);
      for (let t = 0; t < steps; t++) {
        for (let u = 0; u < units; u++) {
          const wave = Math.sin((firstStep + t) * (0.05 + u * 0.01) + u + offset + l);
          const value = key === 'cellState' ? 2.5 * wave : key === 'hidden' ? Math.tanh(1.5 * wave) : 1 / (1 + Math.exp(-3 * wave));
          matrix[t * units + u] = value;
        }
      }
      trace[key] = matrix;
    }
    traces.push(trace);
  }
  return { stepSeconds: SAMPLES_PER_STEP / 16_000, steps, classes: CLASSES, logProbs, features, featureFrames: steps * 3, featureDim: FEATURE_DIM, layers: traces };
}

export interface FakeOptions {
  /** What every recording or file is "recognised" as. */
  phrase?: string;
  /** Milliseconds each request waits, to make progress visible. */
  latencyMs?: number;
  /** Milliseconds per fake fine-tuning step. */
  trainStepMs?: number;
}

export class FakeAppApi implements AppApi {
  private readonly listeners = new Set<(event: AppEvent) => void>();
  private settings: Settings = { activeModelId: MODEL.id, decoding: { mode: 'open', customVocabulary: '', beam: 8 }, microphoneId: '' };
  private status: EngineStatus = {
    state: 'ready', backend: 'wasm', backendNotes: ['tfjs-node-gpu: not installed (fake)', 'tfjs-node: not installed (fake)'], activeModel: MODEL, modelError: null, restarts: 0,
  };
  private readonly transcripts = new Map<string, { transcript: TranscriptDTO; audio: Float32Array; trashed: boolean }>();
  private readonly sessions = new Map<string, { pcm: Float32Array[]; steps: number }>();
  private counter = 0;
  private readonly phrase: string;
  private readonly latencyMs: number;

  constructor(options: FakeOptions = {}) {
    this.phrase = options.phrase ?? 'hello world';
    this.latencyMs = options.latencyMs ?? 0;
    this.tuning = new FakeFineTune((event) => this.emit(event), MODEL, options.trainStepMs);
  }

  /** Datasets, jobs and model versions (see fake-finetune.ts). */
  readonly tuning: FakeFineTune;

  private emit(event: AppEvent): void {
    for (const listener of this.listeners) listener(event);
  }

  private wait(): Promise<void> {
    return new Promise((resolve) => setTimeout(resolve, this.latencyMs));
  }

  private words(durationSeconds: number): WordDTO[] {
    const words = this.phrase.split(' ');
    const each = durationSeconds / words.length;
    return words.map((word, index) => ({ word, start: index * each, end: (index + 1) * each, confidence: index % 3 === 2 ? 0.4 : 0.9 }));
  }

  private save(source: 'microphone' | 'file', fileName: string | null, audio: Float32Array): TranscriptDTO {
    this.counter += 1;
    const durationSeconds = audio.length / 16_000;
    const transcript: TranscriptDTO = {
      id: `t${this.counter}`, title: fileName ?? `Recording ${this.counter}`, createdAt: new Date().toISOString(), source, fileName,
      durationSeconds, text: this.phrase, words: this.words(durationSeconds), modelId: MODEL.id, error: null,
    };
    this.transcripts.set(transcript.id, { transcript, audio, trashed: false });
    this.emit({ type: 'library-changed' });
    return transcript;
  }

  private entry(id: string) {
    const entry = this.transcripts.get(id);
    if (!entry) throw new Error(`no transcript with id ${JSON.stringify(id)}`);
    return entry;
  }

  /** Test hook: pretends the engine crashed, then restarts it after `ms`. */
  crash(ms = 500): void {
    this.status = { ...this.status, state: 'crashed' };
    this.emit({ type: 'status', status: this.status });
    setTimeout(() => {
      this.status = { ...this.status, state: 'ready', restarts: this.status.restarts + 1 };
      this.emit({ type: 'status', status: this.status });
    }, ms);
  }

  async getStatus() { return this.status; }
  async getAbout() {
    return { appName: 'CellScribe', appVersion: '(fake)', versions: { browser: navigator.userAgent }, backend: this.status.backend, backendNotes: this.status.backendNotes, model: this.status.activeModel, dataFolder: '(fake)', logFile: '(fake)/logs/cellscribe.log' };
  }
  async showLogs() { return '(fake)/logs/cellscribe.log'; }
  async getSettings() { return this.settings; }
  async setSettings(settings: Settings) {
    const activeModel = this.tuning.listModels().find((model) => model.id === settings.activeModelId);
    if (!activeModel) throw new Error(`no model with id ${JSON.stringify(settings.activeModelId)}`);
    this.settings = settings;
    this.status = { ...this.status, activeModel };
    this.emit({ type: 'status', status: this.status });
    return settings;
  }
  async listModels() { return this.tuning.listModels(); }

  async startRecording() {
    this.counter += 1;
    const sessionId = `s${this.counter}`;
    this.sessions.set(sessionId, { pcm: [], steps: 0 });
    return { sessionId };
  }

  async pushAudio(sessionId: string, pcm16k: Float32Array): Promise<StreamUpdateDTO> {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`no recording session ${sessionId}`);
    await this.wait();
    session.pcm.push(pcm16k);
    const inspection = fakeInspection(pcm16k, session.steps, this.phrase);
    session.steps += inspection.steps;
    const heard = session.pcm.reduce((n, p) => n + p.length, 0) / 16_000;
    return { sessionId, partial: this.phrase.slice(0, Math.min(this.phrase.length, Math.floor(heard * 6))), inspection };
  }

  async stopRecording(sessionId: string) {
    const session = this.sessions.get(sessionId);
    if (!session) throw new Error(`no recording session ${sessionId}`);
    this.sessions.delete(sessionId);
    const audio = new Float32Array(session.pcm.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of session.pcm) {
      audio.set(part, offset);
      offset += part.length;
    }
    return { transcript: this.save('microphone', null, audio), inspection: fakeInspection(audio, 0, this.phrase) };
  }

  private readonly cancelledFiles = new Set<string>();
  private readonly runningFiles = new Set<string>();

  async cancelFileTranscription(jobId: string) {
    if (!this.runningFiles.has(jobId)) return false;
    this.cancelledFiles.add(jobId);
    return true;
  }

  async transcribeFile(jobId: string, fileName: string, bytes: ArrayBuffer) {
    this.runningFiles.add(jobId);
    try {
      return await this.transcribeFileJob(jobId, fileName, bytes);
    } finally {
      this.runningFiles.delete(jobId);
    }
  }

  private async transcribeFileJob(jobId: string, fileName: string, bytes: ArrayBuffer) {
    for (const fraction of [0.1, 0.4, 0.7]) {
      await this.wait();
      if (this.cancelledFiles.has(jobId)) {
        this.emit({ type: 'file-progress', jobId, fraction, stage: 'cancelled' });
        throw new Error(`transcription of ${fileName} was cancelled`);
      }
      this.emit({ type: 'file-progress', jobId, fraction, stage: fraction < 0.4 ? 'decoding' : 'transcribing' });
    }
    // Pretend the bytes are 16-bit PCM after a 44-byte header.
    const audio = new Float32Array(Math.max(0, Math.floor((bytes.byteLength - 44) / 2)));
    const view = new DataView(bytes);
    for (let i = 0; i < audio.length; i++) audio[i] = view.getInt16(44 + i * 2, true) / 32768;
    const transcript = this.save('file', fileName, audio);
    this.emit({ type: 'file-progress', jobId, fraction: 1, stage: 'done' });
    return { transcript, inspection: fakeInspection(audio, 0, this.phrase) };
  }

  async listTranscripts(query: string) {
    const needle = query.toLowerCase();
    return [...this.transcripts.values()]
      .filter((entry) => !entry.trashed && (entry.transcript.title.toLowerCase().includes(needle) || entry.transcript.text.toLowerCase().includes(needle)))
      .map((entry) => entry.transcript)
      .reverse();
  }
  async getAudio(id: string) { return this.entry(id).audio; }
  async inspectTranscript(id: string) { return fakeInspection(this.entry(id).audio, 0, this.phrase); }
  async renameTranscript(id: string, title: string) {
    const entry = this.entry(id);
    entry.transcript = { ...entry.transcript, title };
    this.emit({ type: 'library-changed' });
    return entry.transcript;
  }
  async editTranscriptWords(id: string, words: string[]) {
    const entry = this.entry(id);
    if (words.length !== entry.transcript.words.length) throw new Error(`transcript "${id}" has ${entry.transcript.words.length} words, but ${words.length} corrections were sent`);
    const edited = entry.transcript.words.map((word, index) => ({ ...word, word: words[index].trim() })).filter((word) => word.word.length > 0);
    entry.transcript = { ...entry.transcript, words: edited, text: edited.map((word) => word.word).join(' '), editedAt: new Date().toISOString() };
    this.emit({ type: 'library-changed' });
    return entry.transcript;
  }
  async deleteTranscript(id: string) {
    this.entry(id).trashed = true;
    this.emit({ type: 'library-changed' });
  }
  async restoreTranscript(id: string) {
    const entry = this.entry(id);
    entry.trashed = false;
    this.emit({ type: 'library-changed' });
    return entry.transcript;
  }
  async exportTranscript(id: string, format: ExportFormat) {
    const { transcript } = this.entry(id);
    if (format === 'txt') return `${transcript.text}\n`;
    if (format === 'json') return JSON.stringify(transcript, null, 2);
    const separator = format === 'srt' ? ',' : '.';
    const cues = transcript.words.map((word, index) => `${format === 'srt' ? `${index + 1}\n` : ''}${timestampText(word.start, separator)} --> ${timestampText(word.end, separator)}\n${word.word}\n`);
    return `${format === 'vtt' ? 'WEBVTT\n\n' : ''}${cues.join('\n')}`;
  }

  listPromptSets() { return this.tuning.listPromptSets(); }
  listDatasets() { return this.tuning.listDatasets(); }
  createDataset(name: string) { return this.tuning.createDataset(name); }
  getDataset(id: string) { return this.tuning.getDataset(id); }
  renameDataset(id: string, name: string) { return this.tuning.renameDataset(id, name); }
  deleteDataset(id: string) { return this.tuning.deleteDataset(id); }
  addDatasetRecording(datasetId: string, text: string, pcm16k: Float32Array) { return this.tuning.addDatasetRecording(datasetId, text, pcm16k); }
  deleteDatasetItem(datasetId: string, itemId: string) { return this.tuning.deleteDatasetItem(datasetId, itemId); }
  getDatasetItemAudio(datasetId: string, itemId: string) { return this.tuning.getDatasetItemAudio(datasetId, itemId); }
  importDatasetFiles(datasetId: string, files: { path: string; bytes: ArrayBuffer }[]) { return this.tuning.importDatasetFiles(datasetId, files); }
  startFineTune(request: FineTuneRequest) { return this.tuning.startFineTune(request); }
  cancelFineTune(jobId: string) { return this.tuning.cancelFineTune(jobId); }
  resumeFineTune(jobId: string) { return this.tuning.resumeFineTune(jobId); }
  listJobs() { return this.tuning.listJobs(); }
  renameModel(id: string, name: string) { return this.tuning.renameModel(id, name); }
  deleteModel(id: string) { return this.tuning.deleteModel(id); }
  exportModel(id: string) { return this.tuning.exportModel(id); }
  importModel(fileName: string, bytes: ArrayBuffer) { return this.tuning.importModel(fileName, bytes); }
  compareWithParent(modelId: string, datasetId: string) { return this.tuning.compareWithParent(modelId, datasetId); }

  onEvent(listener: (event: AppEvent) => void) {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }
}

/** Installs a FakeAppApi as `window.api` (for a demo page or tests); returns it for scripting. */
export function installFakeApi(options?: FakeOptions): FakeAppApi {
  const api = new FakeAppApi(options);
  (window as unknown as { api: AppApi }).api = api;
  return api;
}
