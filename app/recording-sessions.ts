/**
 * Live recordings: each chunk is fsynced to a .part file before the engine (which may crash)
 * sees it, streamed for partial text and the live timeline, and on stop saved to the library
 * before it is transcribed. A stream that died with the engine is restarted by replaying the audio
 * saved so far; .part files left by a crash become saved, untranscribed recordings on the next start.
 * A recording longer than the limit (an hour by default) rolls over: the hour so far becomes a
 * library entry of its own ("part 1"), transcribed, and the audio goes on into a new entry and a
 * new .part file, so no file grows past what the app can read back whole.
 */
import { rmSync } from 'node:fs';
import type { AppEvent, DecodingSettings, InspectionDTO, LayerTraceDTO, StreamUpdateDTO, TranscriptDTO } from '../contract/contract.ts';
import type { ActiveModel } from './active-model.ts';
import type { EngineHost } from './engine/engine-host.ts';
import type { FileTranscription } from './file-transcription.ts';
import type { Library } from './library.ts';
import { checkId, newId } from './paths.ts';
import { isRecoverableName, leftoverPartFiles, readPartFileInPieces, RecordingFile, RECOVERY_PIECE_SAMPLES } from './recordings.ts';

export const INTERRUPTED = 'The recording was interrupted before it was transcribed; it will be transcribed when a model is available.';

/**
 * Longest stretch of a live recording kept as one library entry and one .part file: an hour of
 * 16 kHz float samples (230 MB), the same as a recovered piece. Past it the recording rolls over.
 */
export const MAX_RECORDING_SAMPLES = RECOVERY_PIECE_SAMPLES;

/** One library entry's worth of a live recording: its own id, .part file and engine stream. */
interface Segment {
  id: string;
  createdAt: string;
  /** 0 for the first part of a recording, 1 after the first roll-over, … */
  index: number;
  file: RecordingFile;
  streamId: string | null;
  /** host.restarts when the stream started: a different value means the stream died with the worker. */
  generation: number;
  inspections: InspectionDTO[];
}

interface ActiveRecording {
  /** The renderer's handle for the whole recording; also the first segment's id. */
  sessionId: string;
  decoding: DecodingSettings;
  modelId: string;
  /** The segment audio goes into now. */
  segment: Segment;
  chain: Promise<unknown>;
  stopped: boolean;
}

/** What one pushAudio does, in order: feed a piece of the chunk to a segment, or finish a full segment. */
type Step = { kind: 'feed'; segment: Segment; fedSamples: number; chunk: Float32Array } | { kind: 'finish'; segment: Segment };

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
    // The engine inspects only the start of a long recording; the last part says how much.
    ...(parts.findLast((p) => p.truncated) ? { truncated: parts.findLast((p) => p.truncated)!.truncated } : {}),
  };
}

/** True when a push's inspection brings nothing (past the inspected start): not worth keeping. */
function isEmptyInspection(inspection: InspectionDTO): boolean {
  return inspection.steps === 0 && inspection.featureFrames === 0;
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
    /** Samples per library entry before a live recording rolls over (tests set a small one). */
    private readonly maxSamples = MAX_RECORDING_SAMPLES,
  ) {
    if (!Number.isInteger(maxSamples) || maxSamples < 1) throw new Error(`recording limit: expected a positive whole number of samples, got ${maxSamples}`);
  }

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
      sessionId: id,
      decoding: this.model.settings.decoding,
      modelId: model.id,
      segment: this.newSegment(id, 0),
      chain: Promise.resolve(),
      stopped: false,
    };
    this.recordings.set(id, recording);
    try {
      await this.ensureStream(recording, recording.segment, 0);
    } catch (error) {
      recording.segment.file.remove();
      this.recordings.delete(id);
      throw error;
    }
    return { sessionId: id };
  }

  private newSegment(id: string, index: number): Segment {
    return { id, createdAt: new Date().toISOString(), index, file: RecordingFile.create(this.recordingDir, id), streamId: null, generation: -1, inspections: [] };
  }

  push(sessionId: string, pcm16k: Float32Array): Promise<StreamUpdateDTO> {
    let recording: ActiveRecording;
    const steps: Step[] = [];
    try {
      recording = this.active(sessionId);
      if (!(pcm16k instanceof Float32Array)) throw new Error(`pushAudio: expected a Float32Array, got ${typeof pcm16k}`);
      // Durable first: each piece is on disk before the engine (which may crash) sees it. A chunk
      // that crosses the limit is split: its head ends the full segment, its tail starts the next.
      let at = 0;
      do {
        if (recording.segment.file.samples >= this.maxSamples && at < pcm16k.length) {
          steps.push({ kind: 'finish', segment: recording.segment });
          recording.segment = this.newSegment(newId(), recording.segment.index + 1);
        }
        const segment = recording.segment;
        const piece = pcm16k.subarray(at, at + Math.min(pcm16k.length - at, this.maxSamples - segment.file.samples));
        segment.file.append(piece);
        steps.push({ kind: 'feed', segment, fedSamples: segment.file.samples, chunk: piece.slice() });
        at += piece.length;
      } while (at < pcm16k.length);
    } catch (error) {
      return Promise.reject(error);
    }
    const run = recording.chain.then(async (): Promise<StreamUpdateDTO> => {
      let result: StreamUpdateDTO | undefined;
      let failure: unknown = null;
      for (const step of steps) {
        if (step.kind === 'finish') {
          // Always run, even after a failed feed: the full segment's audio goes to the library.
          await this.finishSegment(recording, step.segment, { numbered: true, inspect: false }).catch(() => undefined);
          continue;
        }
        if (failure !== null) continue;
        try {
          const { segment } = step;
          // After a crash the replay already contains this piece (it was appended to the file first).
          const update = (await this.ensureStream(recording, segment, step.fedSamples)) ?? (await this.host.call('streamPush', segment.streamId!, step.chunk));
          // Bounded: past the engine's inspected start the chunks are empty and only the last is kept (its note).
          if (update.inspection !== segment.inspections[segment.inspections.length - 1]) {
            if (isEmptyInspection(update.inspection) && segment.inspections.length > 0 && isEmptyInspection(segment.inspections[segment.inspections.length - 1])) segment.inspections.pop();
            segment.inspections.push(update.inspection);
          }
          result = { sessionId: recording.sessionId, partial: update.partial, inspection: update.inspection };
          this.emit({ type: 'stream-update', update: result });
        } catch (error) {
          failure = error;
        }
      }
      if (failure !== null) throw failure;
      return result!;
    });
    recording.chain = run.catch(() => undefined);
    return run;
  }

  async stop(sessionId: string): Promise<{ transcript: TranscriptDTO; inspection: InspectionDTO }> {
    const recording = this.active(sessionId);
    recording.stopped = true;
    await recording.chain;
    this.recordings.delete(recording.sessionId);
    const { transcript, inspection } = await this.finishSegment(recording, recording.segment, { numbered: recording.segment.index > 0, inspect: true });
    return { transcript, inspection: inspection! };
  }

  /**
   * Saves a segment's audio and record to the library (from then on nothing the engine does can
   * lose it), removes its .part file, then transcribes it: the end of its live stream when that
   * stream is alive, else the saved audio. `numbered`: the title says which part it is; `inspect`:
   * the timeline's data is wanted (not for a rolled-over hour nobody is looking at: it would be
   * gigabytes).
   */
  private async finishSegment(recording: ActiveRecording, segment: Segment, { numbered, inspect }: { numbered: boolean; inspect: boolean }): Promise<{ transcript: TranscriptDTO; inspection: InspectionDTO | null }> {
    segment.file.close();
    const samples = segment.file.read();
    this.library.saveAudio(segment.id, samples);
    const base: TranscriptDTO = {
      id: segment.id,
      title: `${recordingTitle(new Date(segment.createdAt))}${numbered ? ` (part ${segment.index + 1})` : ''}`,
      createdAt: segment.createdAt,
      source: 'microphone',
      fileName: null,
      durationSeconds: samples.length / 16000,
      text: '',
      words: [],
      modelId: recording.modelId,
      error: INTERRUPTED,
    };
    this.library.save(base);
    segment.file.remove();
    this.emit({ type: 'library-changed' });
    try {
      let text: string;
      let words: TranscriptDTO['words'];
      // Commands mode: the phrase the grammar chose and its confidence, kept with the words.
      let command: TranscriptDTO['command'];
      let inspection: InspectionDTO | null = null;
      if (segment.streamId !== null && segment.generation === this.host.restarts) {
        const final = await this.host.call('streamFinish', segment.streamId);
        ({ text, words, command } = final.transcript);
        if (inspect) inspection = concatInspections([...segment.inspections, final.inspection]);
      } else if (!inspect) {
        const result = await this.host.call('transcribe', samples, recording.decoding, false);
        ({ text, words, command } = result);
      } else {
        const result = await this.files.withInspection(samples);
        ({ text, words, command, inspection } = result);
      }
      segment.inspections = [];
      // Merged into the record as it is now: a rename or delete made meanwhile stands.
      const fields = { text, words, ...(command ? { command } : {}), error: null };
      const transcript = this.library.saveResult(base.id, fields) ?? { ...base, ...fields };
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
    for (const recording of this.recordings.values()) recording.segment.file.close();
  }

  private active(sessionId: string): ActiveRecording {
    const recording = this.recordings.get(checkId(sessionId, 'sessionId'));
    if (!recording || recording.stopped) throw new Error(`no recording in progress with session id "${sessionId}"`);
    return recording;
  }

  /**
   * (Re)starts a segment's engine stream when it does not exist or died with a crashed worker,
   * replaying the segment's audio saved so far; returns that replay's update (null when nothing
   * was replayed).
   */
  private async ensureStream(recording: ActiveRecording, segment: Segment, fedSamples: number): Promise<{ partial: string; inspection: InspectionDTO } | null> {
    if (segment.streamId !== null && segment.generation === this.host.restarts) return null;
    segment.generation = this.host.restarts;
    segment.streamId = (await this.host.call('streamStart', recording.decoding, true)).streamId;
    segment.inspections = [];
    // Only up to the piece being pushed: later pieces are already queued behind it.
    const saved = segment.file.read().subarray(0, fedSamples);
    if (saved.length === 0) return null;
    const replay = await this.host.call('streamPush', segment.streamId, saved);
    segment.inspections.push(replay.inspection);
    return replay;
  }
}
