/**
 * The transcript library on disk: one JSON record per transcript, its audio as a 16 kHz mono float
 * WAV, imported files' original bytes, and a trash folder that makes delete undoable. Every write
 * is atomic (temp file, fsync, rename), so a crash leaves the old or the new version.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { ExportFormat, TranscriptDTO } from '../contract/contract.ts';
import { writeFileAtomic } from '../model/io/atomic.ts';
import { decodeWavBytes, encodeWav } from '../model/audio/wav.ts';
import { toSrt, toText, toVtt } from '../model/io/subtitles.ts';
import { checkId, type AppPaths } from './paths.ts';

export class Library {
  constructor(private readonly paths: AppPaths) {
    for (const dir of [paths.transcriptsDir, paths.audioDir, paths.originalsDir, paths.recordingDir, paths.trashDir]) mkdirSync(dir, { recursive: true });
  }

  private recordFile(id: string): string {
    return join(this.paths.transcriptsDir, `${checkId(id)}.json`);
  }

  audioFile(id: string): string {
    return join(this.paths.audioDir, `${checkId(id)}.wav`);
  }

  save(transcript: TranscriptDTO): TranscriptDTO {
    writeFileAtomic(this.recordFile(transcript.id), JSON.stringify(transcript, null, 1));
    return transcript;
  }

  has(id: string): boolean {
    return existsSync(this.recordFile(id));
  }

  private trashRecord(id: string): string {
    return join(this.paths.trashDir, checkId(id), `${id}.json`);
  }

  /**
   * Stores a transcription's result: merges `result` into the record as it is on disk *now*, so an
   * edit made while the file was being transcribed (a rename) is kept. A transcript deleted
   * meanwhile stays deleted: the result goes into its trash copy (an undo restores it with the
   * text). Returns the merged record, or null when the transcript is gone altogether.
   */
  saveResult(id: string, result: Partial<Pick<TranscriptDTO, 'text' | 'words' | 'command' | 'durationSeconds' | 'modelId' | 'error'>>): TranscriptDTO | null {
    for (const file of [this.recordFile(id), this.trashRecord(id)]) {
      if (!existsSync(file)) continue;
      const merged = { ...(JSON.parse(readFileSync(file, 'utf8')) as TranscriptDTO), ...result };
      writeFileAtomic(file, JSON.stringify(merged, null, 1));
      return merged;
    }
    return null;
  }

  get(id: string): TranscriptDTO {
    const file = this.recordFile(id);
    if (!existsSync(file)) throw new Error(`no transcript with id "${id}" in the library`);
    return JSON.parse(readFileSync(file, 'utf8')) as TranscriptDTO;
  }

  /** All transcripts, newest first; `query` matches title or text, case-insensitively. */
  list(query = ''): TranscriptDTO[] {
    const needle = query.trim().toLowerCase();
    const all: TranscriptDTO[] = [];
    for (const name of readdirSync(this.paths.transcriptsDir)) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      try {
        all.push(JSON.parse(readFileSync(join(this.paths.transcriptsDir, name), 'utf8')) as TranscriptDTO);
      } catch {
        // A record that cannot be read is skipped rather than hiding the whole library.
      }
    }
    return all
      .filter((t) => needle === '' || t.title.toLowerCase().includes(needle) || t.text.toLowerCase().includes(needle))
      .sort((a, b) => (a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : b.id.localeCompare(a.id)));
  }

  rename(id: string, title: string): TranscriptDTO {
    const clean = title.replace(/\s+/g, ' ').trim();
    if (clean.length === 0) throw new Error('a title cannot be empty');
    return this.save({ ...this.get(id), title: clean });
  }

  /**
   * A person's corrections: word i's text becomes `words[i]` (whitespace collapsed), keeping its
   * start, end and confidence; an empty entry removes the word. The record is rewritten
   * atomically, so a crash keeps either the old words or the new ones.
   */
  editWords(id: string, words: readonly string[]): TranscriptDTO {
    const transcript = this.get(id);
    if (words.length !== transcript.words.length) {
      throw new Error(`transcript "${id}" has ${transcript.words.length} words, but ${words.length} corrections were sent; reload it and edit again`);
    }
    const edited = transcript.words
      .map((word, index) => ({ ...word, word: words[index].replace(/\s+/g, ' ').trim() }))
      .filter((word) => word.word.length > 0);
    return this.save({ ...transcript, words: edited, text: edited.map((word) => word.word).join(' '), editedAt: new Date().toISOString() });
  }

  /** Writes the transcript's audio (16 kHz mono, 32-bit float: lossless for what the model heard). */
  saveAudio(id: string, samples: Float32Array): void {
    // Deleted while its audio was being decoded: the audio joins the record in the trash.
    const target = !this.has(id) && existsSync(this.trashRecord(id)) ? join(this.paths.trashDir, id, 'audio', `${id}.wav`) : this.audioFile(id);
    writeFileAtomic(target, encodeWav([samples], 16000, 32, { float: true }));
  }

  hasAudio(id: string): boolean {
    return existsSync(this.audioFile(id));
  }

  getAudio(id: string): Float32Array {
    const file = this.audioFile(id);
    if (!existsSync(file)) throw new Error(`transcript "${id}" has no saved audio`);
    const wav = decodeWavBytes(readFileSync(file), file);
    if (wav.sampleRate !== 16000 || wav.channels.length !== 1) throw new Error(`${file}: expected 16 kHz mono, got ${wav.sampleRate} Hz × ${wav.channels.length}`);
    return wav.channels[0];
  }

  /** Keeps an imported file's original bytes (before anything else happens to them). */
  saveOriginal(id: string, fileName: string, bytes: Uint8Array): void {
    const ext = extname(fileName).toLowerCase().replace(/[^.a-z0-9]/g, '').slice(0, 10);
    writeFileAtomic(join(this.paths.originalsDir, `${checkId(id)}${ext}`), bytes);
  }

  /** Files belonging to `id` outside the record itself, in the folder they live in. */
  private companions(id: string): { dir: string; name: string }[] {
    const found: { dir: string; name: string }[] = [];
    for (const dir of [this.paths.audioDir, this.paths.originalsDir]) {
      for (const name of readdirSync(dir)) if (name === `${id}.wav` || name.startsWith(`${id}.`)) found.push({ dir, name });
    }
    return found;
  }

  /**
   * Start-up clean-up, reported: trash entries older than `days` are deleted (the undo is for
   * second thoughts, not an archive; without this the trash grew forever).
   */
  emptyOldTrash(days = 30, now = Date.now()): string[] {
    const report: string[] = [];
    for (const name of readdirSync(this.paths.trashDir)) {
      const bin = join(this.paths.trashDir, name);
      if (now - statSync(bin).mtimeMs <= days * 86400000) continue;
      rmSync(bin, { recursive: true, force: true });
      report.push(`deleted ${bin}: in the trash for more than ${days} days`);
    }
    return report;
  }

  /** Moves the transcript and its files into trash/<id>/ (restore undoes it). */
  delete(id: string): void {
    const record = this.recordFile(id);
    if (!existsSync(record)) throw new Error(`no transcript with id "${id}" in the library`);
    const bin = join(this.paths.trashDir, id);
    rmSync(bin, { recursive: true, force: true });
    mkdirSync(join(bin, 'audio'), { recursive: true });
    mkdirSync(join(bin, 'originals'), { recursive: true });
    for (const { dir, name } of this.companions(id)) {
      renameSync(join(dir, name), join(bin, dir === this.paths.audioDir ? 'audio' : 'originals', name));
    }
    // The record moves last: until then the transcript is still listed, never half-deleted.
    renameSync(record, join(bin, `${id}.json`));
  }

  restore(id: string): TranscriptDTO {
    const bin = join(this.paths.trashDir, checkId(id));
    const record = join(bin, `${id}.json`);
    if (!existsSync(record)) throw new Error(`transcript "${id}" is not in the trash`);
    for (const [sub, dir] of [['audio', this.paths.audioDir], ['originals', this.paths.originalsDir]] as const) {
      const from = join(bin, sub);
      if (!existsSync(from)) continue;
      for (const name of readdirSync(from)) renameSync(join(from, name), join(dir, name));
    }
    renameSync(record, this.recordFile(id));
    rmSync(bin, { recursive: true, force: true });
    return this.get(id);
  }

  export(id: string, format: ExportFormat): string {
    const t = this.get(id);
    switch (format) {
      case 'txt':
        // In paragraphs, unless the text no longer matches its words (then as it is).
        return t.words.map((w) => w.word).join(' ') === t.text ? toText(t.words) : `${t.text}\n`;
      case 'srt':
        return toSrt(t.words);
      case 'vtt':
        return toVtt(t.words);
      case 'json':
        return `${JSON.stringify(t, null, 2)}\n`;
      default:
        throw new Error(`export format must be txt, srt, vtt or json, got ${JSON.stringify(format)}`);
    }
  }
}
