/**
 * Transcription of saved audio: imported files (the bytes are saved before they are decoded, the
 * record before it is transcribed), the timeline of a saved transcript, and recordings whose
 * transcription is pending (recovered after a crash, or failed) once a model is loaded.
 */
import type { AppEvent, InspectionDTO, TranscriptDTO } from '../contract/contract.ts';
import type { ActiveModel } from './active-model.ts';
import type { EngineCall } from './engine/engine-host.ts';
import type { EngineTranscribeProgress, EngineTranscript } from './engine/engine-protocol.ts';
import type { Library } from './library.ts';
import { newId } from './paths.ts';

export type FileStage = 'decoding' | 'transcribing' | 'done' | 'failed' | 'cancelled';

/** A cancelled import's record: its audio is saved, and it is not transcribed again by itself. */
export const CANCELLED = 'Transcription cancelled; the audio is saved.';

/** What a cancelled transcribeFile rejects with. */
export class TranscriptionCancelledError extends Error {
  constructor(fileName: string) {
    super(`transcription of ${fileName} was cancelled`);
    this.name = 'TranscriptionCancelledError';
  }
}

interface RunningFile {
  /** When the engine started transcribing (after decoding), for the ETA. */
  startedAt: number;
  processedSeconds: number;
  totalSeconds: number;
  cancelled: boolean;
}

function fileTitle(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '').trim();
  return (base || 'Imported file').slice(0, 200);
}

export class FileTranscription {
  private readonly running = new Map<string, RunningFile>();

  constructor(
    private readonly library: Library,
    private readonly call: EngineCall,
    private readonly model: ActiveModel,
    private readonly emit: (event: AppEvent) => void,
  ) {}

  /** Transcribes 16 kHz samples with the current settings, with the timeline's data. */
  async withInspection(samples: Float32Array): Promise<EngineTranscript & { inspection: InspectionDTO }> {
    const result = await this.call('transcribe', samples, this.model.settings.decoding, true);
    if (!result.inspection) throw new Error('the engine returned no inspection');
    return result as EngineTranscript & { inspection: InspectionDTO };
  }

  async transcribeFile(jobId: string, fileName: string, bytes: ArrayBuffer): Promise<{ transcript: TranscriptDTO; inspection: InspectionDTO }> {
    const model = this.model.require();
    if (this.running.has(jobId)) throw new Error(`a file job with id "${jobId}" is already running`);
    const id = newId();
    const original = new Uint8Array(bytes.slice(0));
    const progress = (fraction: number, stage: FileStage, error?: string) =>
      this.emit({ type: 'file-progress', jobId, fraction, stage, ...(error !== undefined ? { error } : {}) });
    const job: RunningFile = { startedAt: 0, processedSeconds: 0, totalSeconds: 0, cancelled: false };
    this.running.set(jobId, job);
    progress(0, 'decoding');
    try {
      this.library.saveOriginal(id, fileName, original);
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
      this.library.save(base);
      this.emit({ type: 'library-changed' });
      try {
        const decoded = await this.call('decodeAudio', original, fileName);
        this.library.saveAudio(id, decoded.samples);
        // Decoding is one engine call; a cancel made meanwhile acts here, before transcribing.
        if (job.cancelled) throw new TranscriptionCancelledError(fileName);
        job.startedAt = performance.now();
        job.totalSeconds = decoded.durationSeconds;
        this.emit({ type: 'file-progress', jobId, fraction: 0, stage: 'transcribing', processedSeconds: 0, totalSeconds: decoded.durationSeconds });
        const result = await this.call('transcribe', decoded.samples, this.model.settings.decoding, true, jobId);
        if (!result.inspection) throw new Error('the engine returned no inspection');
        // Merged into the record as it is now: a rename or delete made meanwhile stands.
        const fields = { durationSeconds: result.durationSeconds, text: result.text, words: result.words, ...(result.command ? { command: result.command } : {}), error: null };
        const transcript = this.library.saveResult(id, fields) ?? { ...base, ...fields };
        progress(1, 'done');
        this.emit({ type: 'library-changed' });
        return { transcript, inspection: result.inspection };
      } catch (caught) {
        const cancelled = job.cancelled && (caught instanceof TranscriptionCancelledError || (caught as Error)?.name === 'AbortError');
        const error = cancelled ? new TranscriptionCancelledError(fileName) : (caught as Error);
        // Never a partial text: the record keeps its saved audio and says what happened.
        this.library.saveResult(id, { error: cancelled ? CANCELLED : `Transcription failed: ${error.message}` });
        // A failed bar is full (and red); a cancelled one stops where the job stopped.
        progress(cancelled ? this.fraction(job) : 1, cancelled ? 'cancelled' : 'failed', error.message);
        this.emit({ type: 'library-changed' });
        throw error;
      }
    } finally {
      this.running.delete(jobId);
    }
  }

  private fraction(job: RunningFile): number {
    return job.totalSeconds > 0 ? Math.min(1, job.processedSeconds / job.totalSeconds) : 0;
  }

  /**
   * The engine's progress for a running file: the share of audio processed, and the time left
   * at the rate so far (from when transcription started, so decoding does not skew it).
   */
  engineProgress(event: EngineTranscribeProgress): void {
    const job = this.running.get(event.jobId);
    if (!job || job.cancelled || event.processedSeconds < job.processedSeconds) return;
    job.processedSeconds = event.processedSeconds;
    job.totalSeconds = event.totalSeconds;
    const elapsed = (performance.now() - job.startedAt) / 1000;
    const left = Math.max(0, event.totalSeconds - event.processedSeconds);
    const etaSeconds = event.processedSeconds > 0 ? (elapsed / event.processedSeconds) * left : undefined;
    this.emit({
      type: 'file-progress',
      jobId: event.jobId,
      fraction: this.fraction(job),
      stage: 'transcribing',
      processedSeconds: event.processedSeconds,
      totalSeconds: event.totalSeconds,
      ...(etaSeconds !== undefined ? { etaSeconds } : {}),
    });
  }

  /** Cancels a running file job (see AppApi.cancelFileTranscription); false when none runs. */
  async cancel(jobId: string): Promise<boolean> {
    const job = this.running.get(jobId);
    if (!job) return false;
    job.cancelled = true;
    // While decoding, the engine has no job yet: the flag stops it before transcribing.
    await this.call('transcribeCancel', jobId);
    return true;
  }

  /** Re-runs the model with inspection over a saved transcript's audio. */
  async inspect(id: string): Promise<InspectionDTO> {
    this.model.require();
    return (await this.withInspection(this.library.getAudio(id))).inspection;
  }

  /** Transcribes every saved recording whose transcription is pending (recovered or failed). */
  async transcribePending(): Promise<void> {
    if (!this.model.info) return;
    let changed = false;
    for (const t of this.library.list()) {
      if (t.error === null || t.error === CANCELLED || !this.library.hasAudio(t.id)) continue;
      try {
        const result = await this.call('transcribe', this.library.getAudio(t.id), this.model.settings.decoding, false);
        this.library.saveResult(t.id, { text: result.text, words: result.words, ...(result.command ? { command: result.command } : {}), durationSeconds: result.durationSeconds, modelId: this.model.require().id, error: null });
        changed = true;
      } catch {
        // Stays marked; tried again on the next start.
      }
    }
    if (changed) this.emit({ type: 'library-changed' });
  }
}
