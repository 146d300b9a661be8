/**
 * Live recordings: each chunk is fsynced to a .part file before the engine (which may crash)
 * sees it, streamed for partial text and the live timeline, and on stop saved to the library
 * before it is transcribed. A stream that died with the engine is restarted by replaying the audio
 * saved so far; .part files left by a crash become saved, untranscribed recordings on the next start.
 */
import { rmSync } from 'node:fs';
import type { AppEvent, DecodingSettings, InspectionDTO, LayerTraceDTO, StreamUpdateDTO, TranscriptDTO } from '../contract/contract.ts';
import type { ActiveModel } from './active-model.ts';
import type { EngineHost } from './engine/engine-host.ts';
import type { FileTranscription } from './file-transcription.ts';
import type { Library } from './library.ts';
import { checkId, newId } from './paths.ts';
import { isRecoverableName, leftoverPartFiles, readPartFileInPieces, RecordingFile } from './recordings.ts';

export const INTERRUPTED = 'The recording was interrupted before it was transcribed; it will be transcribed when a model is available.';

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

export function recordingTitle(createdAt: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `Recording ${createdAt.getFullYear()}-${pad(createdAt.getMonth() + 1)}-${pad(createdAt.getDate())} ${pad(createdAt.getHours())}:${pad(createdAt.getMinutes())}:${pad(createdAt.getSeconds())}`;
}

export class RecordingSessions {
  private readonly recordings = new Map<string, ActiveRecording>();

  constructor(
    private readonly recordingDir: string,
    private readonly library: Library,
    private readonly host: Pick<EngineHost, 'call' | 'restarts'>,
    private readonly model: ActiveModel,
    private readonly files: FileTranscription,
    private readonly emit: (event: AppEvent) => void,
  ) {}

  /**
   * Turns .part files left by a crash into saved, untranscribed recordings. Each file is handled
   * on its own: one it cannot recover (a name it does not write, an unreadable file) is left where
   * it is and reported, never a reason for start-up to fail. Long files become several recordings
   * of at most an hour each. Returns one line per file: what was done with it.
   */
  recoverPartFiles(): string[] {
    const report: string[] = [];
    for (const { id, path } of leftoverPartFiles(this.recordingDir)) {
      if (!isRecoverableName(id)) {
        report.push(`left ${path} alone: not a recording name this app writes`);
        continue;
      }
      try {
        readPartFileInPieces(path, (samples, index, count) => {
          const pieceId = index === 0 ? id : newId();
          const suffix = count > 1 ? `, part ${index + 1} of ${count}` : '';
          if (!this.library.has(pieceId)) {
            this.library.saveAudio(pieceId, samples);
            this.library.save({
              id: pieceId,
              title: `${recordingTitle(new Date())} (recovered${suffix})`,
              createdAt: new Date().toISOString(),
              source: 'microphone',
              fileName: null,
              durationSeconds: samples.length / 16000,
              text: '',
              words: [],
              modelId: this.model.settings.activeModelId,
              error: INTERRUPTED,
            });
          } else if (!this.library.hasAudio(pieceId)) {
            this.library.saveAudio(pieceId, samples);
          }
        });
        rmSync(path, { force: true });
        report.push(`recovered ${path}`);
      } catch (error) {
        report.push(`could not recover ${path}: ${(error as Error).message}; left in place`);
      }
    }
    return report;
  }

  async start(): Promise<{ sessionId: string }> {
    const model = this.model.require();
    const id = newId();
    const recording: ActiveRecording = {
      id,
      createdAt: new Date().toISOString(),
      file: RecordingFile.create(this.recordingDir, id),
      decoding: this.model.settings.decoding,
      modelId: model.id,
      streamId: null,
      generation: -1,
      inspections: [],
      chain: Promise.resolve(),
      stopped: false,
    };
    this.recordings.set(id, recording);
    try {
      await this.ensureStream(recording, 0);
    } catch (error) {
      recording.file.remove();
      this.recordings.delete(id);
      throw error;
    }
    return { sessionId: id };
  }

  push(sessionId: string, pcm16k: Float32Array): Promise<StreamUpdateDTO> {
    let recording: ActiveRecording;
    try {
      recording = this.active(sessionId);
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
      const update = (await this.ensureStream(recording, fedSamples)) ?? (await this.host.call('streamPush', recording.streamId!, chunk));
      if (update.inspection !== recording.inspections[recording.inspections.length - 1]) recording.inspections.push(update.inspection);
      const { inspection, partial } = update;
      const result: StreamUpdateDTO = { sessionId: recording.id, partial, inspection };
      this.emit({ type: 'stream-update', update: result });
      return result;
    });
    recording.chain = run.catch(() => undefined);
    return run;
  }

  async stop(sessionId: string): Promise<{ transcript: TranscriptDTO; inspection: InspectionDTO }> {
    const recording = this.active(sessionId);
    recording.stopped = true;
    await recording.chain;
    recording.file.close();
    const samples = recording.file.read();
    this.library.saveAudio(recording.id, samples);
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
    this.library.save(base);
    recording.file.remove();
    this.recordings.delete(recording.id);
    this.emit({ type: 'library-changed' });
    try {
      let text: string;
      let words: TranscriptDTO['words'];
      let inspection: InspectionDTO;
      if (recording.streamId !== null && recording.generation === this.host.restarts) {
        const final = await this.host.call('streamFinish', recording.streamId);
        text = final.transcript.text;
        words = final.transcript.words;
        inspection = concatInspections([...recording.inspections, final.inspection]);
      } else {
        const result = await this.files.withInspection(samples);
        text = result.text;
        words = result.words;
        inspection = result.inspection;
      }
      // Merged into the record as it is now: a rename or delete made meanwhile stands.
      const transcript = this.library.saveResult(base.id, { text, words, error: null }) ?? { ...base, text, words, error: null };
      this.emit({ type: 'library-changed' });
      return { transcript, inspection };
    } catch (error) {
      this.library.saveResult(base.id, { error: `Transcription failed: ${(error as Error).message}` });
      this.emit({ type: 'library-changed' });
      throw error;
    }
  }

  /** Closes every open recording's file; the .part files stay for recovery on the next start. */
  closeAll(): void {
    for (const recording of this.recordings.values()) recording.file.close();
  }

  private active(sessionId: string): ActiveRecording {
    const recording = this.recordings.get(checkId(sessionId, 'sessionId'));
    if (!recording || recording.stopped) throw new Error(`no recording in progress with session id "${sessionId}"`);
    return recording;
  }

  /**
   * (Re)starts the engine stream when it does not exist or died with a crashed worker, replaying
   * the audio saved so far; returns that replay's update (null when nothing was replayed).
   */
  private async ensureStream(recording: ActiveRecording, fedSamples: number): Promise<{ partial: string; inspection: InspectionDTO } | null> {
    if (recording.streamId !== null && recording.generation === this.host.restarts) return null;
    recording.generation = this.host.restarts;
    recording.streamId = (await this.host.call('streamStart', recording.decoding, true)).streamId;
    recording.inspections = [];
    // Only up to the chunk being pushed: later chunks are already queued behind it.
    const saved = recording.file.read().subarray(0, fedSamples);
    if (saved.length === 0) return null;
    const replay = await this.host.call('streamPush', recording.streamId, saved);
    recording.inspections.push(replay.inspection);
    return replay;
  }
}
