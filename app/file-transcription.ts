/**
 * Transcription of saved audio: imported files (the bytes are saved before they are decoded, the
 * record before it is transcribed), the timeline of a saved transcript, and recordings whose
 * transcription is pending (recovered after a crash, or failed) once a model is loaded.
 */
import type { AppEvent, InspectionDTO, TranscriptDTO } from '../contract/contract.ts';
import type { ActiveModel } from './active-model.ts';
import type { EngineCall } from './engine/engine-host.ts';
import type { EngineTranscript } from './engine/engine-protocol.ts';
import type { Library } from './library.ts';
import { newId } from './paths.ts';

export type FileStage = 'decoding' | 'transcribing' | 'done' | 'failed';

function fileTitle(fileName: string): string {
  const base = fileName.replace(/^.*[\\/]/, '').replace(/\.[^.]*$/, '').trim();
  return (base || 'Imported file').slice(0, 200);
}

export class FileTranscription {
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
    const id = newId();
    const original = new Uint8Array(bytes.slice(0));
    const progress = (fraction: number, stage: FileStage, error?: string) =>
      this.emit({ type: 'file-progress', jobId, fraction, stage, ...(error !== undefined ? { error } : {}) });
    progress(0, 'decoding');
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
      progress(0.3, 'transcribing');
      const result = await this.withInspection(decoded.samples);
      // Merged into the record as it is now: a rename or delete made meanwhile stands.
      const fields = { durationSeconds: result.durationSeconds, text: result.text, words: result.words, ...(result.command ? { command: result.command } : {}), error: null };
      const transcript = this.library.saveResult(id, fields) ?? { ...base, ...fields };
      progress(1, 'done');
      this.emit({ type: 'library-changed' });
      return { transcript, inspection: result.inspection };
    } catch (error) {
      const message = (error as Error).message;
      this.library.saveResult(id, { error: `Transcription failed: ${message}` });
      progress(1, 'failed', message);
      this.emit({ type: 'library-changed' });
      throw error;
    }
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
      if (t.error === null || !this.library.hasAudio(t.id)) continue;
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
