/**
 * Fine-tuning datasets in userData/datasets/<id>/: dataset.json (name, date, every item's text,
 * split and level check) and audio/<itemId>.wav (16 kHz mono float). Writes are atomic and
 * ordered so that a crash never loses an acknowledged item: the WAV is written (fsynced) first,
 * then dataset.json, which is the commit.
 *
 * One writer at a time per dataset, across processes (the app and the CLI): every change is a
 * merge made under the dataset's lock (read dataset.json afresh, apply the change, write), never a
 * rewrite of a copy read earlier, so an import cannot drop a recording saved while it ran. A WAV
 * that no dataset.json names may belong to an operation still in flight (an import commits its
 * items in batches), so nothing deletes it on sight: recover(), run at start-up, moves such WAVs
 * when they are an hour old into the dataset's quarantine/ folder and reports them; quarantined
 * files are deleted after 30 days.
 *
 * The held-out part is split off automatically and deterministically: an item's split is fixed
 * when it is added, from a hash of its key (the id for recordings, the relative path for imported
 * files): about 20 % held out, and at least one held-out item once there are 3 or more.
 * No tfjs here (the main process uses it); decoding of imported audio is passed in.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { extname, join, posix } from 'node:path';
import type { DatasetInfo, DatasetItem, ImportReport } from '../contract/contract.ts';
import { decodeWavBytes, encodeWav } from '../model/audio/wav.ts';
import { removeStaleTemporaries, writeFileAtomic } from '../model/io/atomic.ts';
import { withFolderLockSync } from '../model/io/dir-lock.ts';
import { lowestHashIndex, splitFor } from '../model/train/held-out.ts';
import { levelCheck } from '../contract/level-check.ts';
import { checkId, newId } from './paths.ts';

const SAMPLE_RATE = 16000;
const AUDIO_EXTENSIONS = new Set(['.wav', '.flac', '.mp3', '.ogg', '.oga', '.opus', '.m4a', '.mp4', '.aac', '.webm', '.aiff', '.aif', '.aifc', '.caf', '.amr', '.wma']);
const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
const FSDD_NAME = /^(\d)_([A-Za-z]+)_(\d+)\.wav$/i;

/** What dataset.json stores per item: the contract's DatasetItem plus the key its split came from. */
export interface StoredItem extends DatasetItem {
  splitKey: string;
  /** Relative path of the imported file (imports only). */
  importedFrom?: string;
}

interface DatasetFile {
  format: 'cellscribe-dataset';
  version: 1;
  id: string;
  name: string;
  createdAt: string;
  items: StoredItem[];
}

/** Decodes any supported audio file's bytes to 16 kHz mono samples. */
export type AudioDecoder = (bytes: Uint8Array, name: string) => Promise<Float32Array>;

/** The level check, shared with the renderer's scripted fake API (contract/level-check.ts). */
export { levelCheck };

function checkText(text: unknown): string {
  if (typeof text !== 'string') throw new Error(`transcript: expected a string, got ${typeof text}`);
  const trimmed = text.replace(/\s+/g, ' ').trim();
  if (trimmed === '') throw new Error('transcript: expected some words, got an empty text');
  if (trimmed.length > 2000) throw new Error(`transcript: expected at most 2000 characters, got ${trimmed.length}`);
  return trimmed;
}

function checkName(name: unknown): string {
  if (typeof name !== 'string' || name.trim() === '' || name.length > 200) {
    throw new Error(`dataset name: expected 1–200 characters, got ${JSON.stringify(name)?.slice(0, 60)}`);
  }
  return name.trim();
}

export class DatasetStore {
  constructor(private readonly root: string) {
    mkdirSync(root, { recursive: true });
  }

  private dir(id: string): string {
    return join(this.root, checkId(id, 'dataset id'));
  }

  private fileOf(id: string): string {
    return join(this.dir(id), 'dataset.json');
  }

  /** Path of an item's WAV (training manifests point at it). */
  audioPath(datasetId: string, itemId: string): string {
    return join(this.dir(datasetId), 'audio', `${checkId(itemId, 'item id')}.wav`);
  }

  private read(id: string): DatasetFile {
    const file = this.fileOf(id);
    if (!existsSync(file)) throw new Error(`no dataset with id "${id}"`);
    const data = JSON.parse(readFileSync(file, 'utf8')) as DatasetFile;
    if (data.format !== 'cellscribe-dataset' || !Array.isArray(data.items)) throw new Error(`${file}: not a CellScribe dataset`);
    return data;
  }

  private write(data: DatasetFile): void {
    writeFileAtomic(this.fileOf(data.id), JSON.stringify(data, null, 1));
  }

  /**
   * The one way to change a dataset: under its lock, `change` gets dataset.json as it is on disk
   * now and edits it; the result is written before the lock is released.
   */
  private mutate<T>(id: string, change: (data: DatasetFile) => T): T {
    const dir = this.dir(id);
    if (!existsSync(join(dir, 'dataset.json'))) throw new Error(`no dataset with id "${id}"`);
    return withFolderLockSync(dir, 'dataset change', () => {
      const data = this.read(id); // afresh, under the lock
      const result = change(data);
      this.write(data);
      return result;
    });
  }

  private info(data: DatasetFile): DatasetInfo {
    return {
      id: data.id,
      name: data.name,
      createdAt: data.createdAt,
      trainUtterances: data.items.filter((i) => i.split === 'train').length,
      heldOutUtterances: data.items.filter((i) => i.split === 'heldout').length,
      durationSeconds: data.items.reduce((s, i) => s + i.durationSeconds, 0),
    };
  }

  /** Every dataset, oldest first. Reads only: it never deletes anything. */
  list(): DatasetInfo[] {
    const infos: DatasetInfo[] = [];
    for (const name of readdirSync(this.root).sort()) {
      if (name.startsWith('.') || !existsSync(join(this.root, name, 'dataset.json'))) continue;
      try {
        infos.push(this.info(this.read(name)));
      } catch {
        // A damaged dataset.json: skipped from the list, left on disk for inspection.
      }
    }
    return infos;
  }

  /**
   * Start-up clean-up, with a report of everything it did: folders of interrupted deletions
   * (.deleted-*) and interrupted atomic writes are removed; WAVs that no dataset.json names and
   * that are older than `orphanAgeMs` (an operation in flight commits long before that) are moved
   * to the dataset's quarantine/ folder; quarantined files older than `quarantineDays` are deleted.
   */
  recover(now = Date.now(), orphanAgeMs = 60 * 60 * 1000, quarantineDays = 30): string[] {
    const report: string[] = [];
    for (const name of readdirSync(this.root).sort()) {
      const path = join(this.root, name);
      if (name.startsWith('.deleted-')) {
        rmSync(path, { recursive: true, force: true });
        report.push(`removed ${path}, left by an interrupted dataset deletion`);
        continue;
      }
      if (name.startsWith('.') || !existsSync(join(path, 'dataset.json'))) continue;
      removeStaleTemporaries(path);
      let data: DatasetFile;
      try {
        data = this.read(name);
      } catch (error) {
        report.push(`skipped dataset ${path}: ${(error as Error).message}`);
        continue;
      }
      const known = new Set(data.items.map((i) => `${i.id}.wav`));
      const audioDir = join(path, 'audio');
      const quarantine = join(path, 'quarantine');
      if (existsSync(audioDir)) {
        removeStaleTemporaries(audioDir);
        for (const file of readdirSync(audioDir)) {
          if (known.has(file)) continue;
          const from = join(audioDir, file);
          const age = now - statSync(from).mtimeMs;
          if (age < orphanAgeMs) continue; // may belong to an import still running
          mkdirSync(quarantine, { recursive: true });
          renameSync(from, join(quarantine, file));
          report.push(`moved ${from} to ${quarantine}: no item of dataset "${data.name}" names it (an interrupted import or recording)`);
        }
      }
      if (existsSync(quarantine)) {
        for (const file of readdirSync(quarantine)) {
          const at = join(quarantine, file);
          if (now - statSync(at).mtimeMs > quarantineDays * 86400000) {
            rmSync(at, { force: true });
            report.push(`deleted ${at}: quarantined more than ${quarantineDays} days ago`);
          }
        }
      }
    }
    return report;
  }

  create(name: string): DatasetInfo {
    const data: DatasetFile = { format: 'cellscribe-dataset', version: 1, id: newId(), name: checkName(name), createdAt: new Date().toISOString(), items: [] };
    mkdirSync(join(this.dir(data.id), 'audio'), { recursive: true });
    this.write(data);
    return this.info(data);
  }

  /** The dataset with this id or, failing that, the one with this exact name. */
  findByName(name: string): DatasetInfo | undefined {
    return this.list().find((d) => d.name === name);
  }

  get(id: string): { info: DatasetInfo; items: DatasetItem[] } {
    const data = this.read(id);
    return { info: this.info(data), items: data.items.map(publicItem) };
  }

  /** The stored records (with split keys), for manifests and evaluation. */
  items(id: string): StoredItem[] {
    return this.read(id).items;
  }

  rename(id: string, name: string): DatasetInfo {
    const clean = checkName(name);
    return this.mutate(id, (data) => {
      data.name = clean;
      return this.info(data);
    });
  }

  /**
   * Removes the whole folder (renamed away under the lock first, so a crash never leaves half a
   * dataset listed and no change is half-applied to it; recover() finishes an interrupted removal).
   */
  delete(id: string): void {
    const dir = this.dir(id);
    if (!existsSync(dir)) throw new Error(`no dataset with id "${id}"`);
    const doomed = join(this.root, `.deleted-${id}-${Date.now()}`);
    withFolderLockSync(dir, 'dataset deletion', () => renameSync(dir, doomed));
    rmSync(doomed, { recursive: true, force: true });
  }

  /** Saves a prompted recording: WAV first, then the record (the commit, merged under the lock). */
  addRecording(datasetId: string, text: string, pcm16k: Float32Array): DatasetItem {
    if (!(pcm16k instanceof Float32Array) || pcm16k.length === 0) throw new Error('recording: expected a non-empty Float32Array of 16 kHz samples');
    const clean = checkText(text);
    if (!existsSync(this.fileOf(datasetId))) throw new Error(`no dataset with id "${datasetId}"`);
    const id = newId();
    const item = this.saveItem(datasetId, id, clean, pcm16k, 'recorded', id);
    this.mutate(datasetId, (data) => {
      data.items.push(item);
      ensureHeldOut(data.items, [item]);
    });
    return publicItem(item);
  }

  private saveItem(datasetId: string, id: string, text: string, samples: Float32Array, source: DatasetItem['source'], splitKey: string, importedFrom?: string): StoredItem {
    const clamped = samples.map((s) => Math.max(-1, Math.min(1, Number.isFinite(s) ? s : 0)));
    writeFileAtomic(this.audioPath(datasetId, id), encodeWav([clamped], SAMPLE_RATE, 32, { float: true }));
    const level = levelCheck(clamped);
    return {
      id,
      text,
      durationSeconds: clamped.length / SAMPLE_RATE,
      split: splitFor(splitKey),
      source,
      peak: level.peak,
      rms: level.rms,
      warnings: level.warnings,
      splitKey,
      ...(importedFrom !== undefined ? { importedFrom } : {}),
    };
  }

  deleteItem(datasetId: string, itemId: string): void {
    this.mutate(datasetId, (data) => {
      const before = data.items.length;
      data.items = data.items.filter((i) => i.id !== itemId);
      if (data.items.length === before) throw new Error(`dataset "${datasetId}" has no item "${itemId}"`);
    });
    rmSync(this.audioPath(datasetId, itemId), { force: true });
  }

  itemAudio(datasetId: string, itemId: string): Float32Array {
    const path = this.audioPath(datasetId, itemId);
    if (!this.read(datasetId).items.some((i) => i.id === itemId) || !existsSync(path)) throw new Error(`dataset "${datasetId}" has no item "${itemId}"`);
    return decodeWavBytes(readFileSync(path), path).channels[0];
  }

  /**
   * Imports labelled audio given as (relative path, bytes): NeMo manifests (.json/.jsonl lines
   * with audio_filepath and text), WAV/FLAC/MP3/Ogg files with a .txt transcript beside them, or
   * FSDD names ({digit}_{speaker}_{take}.wav). Every file not imported is reported with why.
   */
  async importFiles(datasetId: string, files: readonly { path: string; bytes: Uint8Array }[], decode: AudioDecoder): Promise<ImportReport> {
    this.read(datasetId); // exists and is readable, before any work
    const skipped: ImportReport['skipped'] = [];
    const byPath = new Map<string, Uint8Array>();
    for (const f of files) byPath.set(normalisePath(f.path), f.bytes);

    // 1. Manifests name audio files (relative to the manifest, or absolute: matched by suffix).
    const transcripts = new Map<string, string>(); // audio path → text
    const used = new Set<string>();
    for (const [path, bytes] of byPath) {
      const ext = extname(path).toLowerCase();
      if (ext !== '.json' && ext !== '.jsonl') continue;
      used.add(path);
      const lines = Buffer.from(bytes).toString('utf8').split(/\r?\n/);
      lines.forEach((line, index) => {
        if (line.trim() === '') return;
        let row: { audio_filepath?: unknown; text?: unknown };
        try {
          row = JSON.parse(line);
        } catch {
          skipped.push({ name: `${path}:${index + 1}`, reason: 'manifest line is not JSON' });
          return;
        }
        if (typeof row?.audio_filepath !== 'string' || typeof row.text !== 'string') {
          skipped.push({ name: `${path}:${index + 1}`, reason: 'manifest line needs audio_filepath and text strings' });
          return;
        }
        const target = resolveManifestPath(row.audio_filepath, path, byPath);
        if (!target) skipped.push({ name: row.audio_filepath, reason: `named in ${path} but not among the imported files` });
        else transcripts.set(target, row.text);
      });
    }
    // 2. Transcripts beside audio files; 3. FSDD-style names.
    for (const path of byPath.keys()) {
      if (!AUDIO_EXTENSIONS.has(extname(path).toLowerCase()) || transcripts.has(path)) continue;
      const txt = path.slice(0, path.length - extname(path).length) + '.txt';
      const fsdd = FSDD_NAME.exec(posix.basename(path));
      if (byPath.has(txt)) {
        transcripts.set(path, Buffer.from(byPath.get(txt)!).toString('utf8'));
        used.add(txt);
      } else if (fsdd) transcripts.set(path, DIGIT_WORDS[Number(fsdd[1])]);
    }

    // Items are committed in batches (merged under the lock), so a long import neither holds
    // the dataset nor leaves its WAVs unnamed for long.
    let imported = 0;
    let pending: StoredItem[] = [];
    const commit = () => {
      if (pending.length === 0) return;
      const batch = pending;
      this.mutate(datasetId, (data) => {
        data.items.push(...batch);
        ensureHeldOut(data.items, batch);
      });
      imported += batch.length;
      pending = [];
    };
    for (const [path, bytes] of byPath) {
      if (used.has(path)) continue;
      const isAudio = AUDIO_EXTENSIONS.has(extname(path).toLowerCase());
      if (!isAudio) {
        skipped.push({ name: path, reason: extname(path).toLowerCase() === '.txt' ? 'a transcript with no audio file of the same name beside it' : 'not an audio file or a manifest' });
        continue;
      }
      const text = transcripts.get(path);
      if (text === undefined) {
        skipped.push({ name: path, reason: 'no transcript: not in a manifest, no .txt beside it, and not an FSDD-style name ({digit}_{speaker}_{take}.wav)' });
        continue;
      }
      let cleanText: string;
      try {
        cleanText = checkText(text);
      } catch (error) {
        skipped.push({ name: path, reason: (error as Error).message });
        continue;
      }
      let samples: Float32Array;
      try {
        samples = await decode(bytes, path);
      } catch (error) {
        skipped.push({ name: path, reason: `unreadable audio: ${(error as Error).message.split('\n')[0].slice(0, 200)}` });
        continue;
      }
      if (samples.length === 0) {
        skipped.push({ name: path, reason: 'the audio is empty (0 samples)' });
        continue;
      }
      pending.push(this.saveItem(datasetId, newId(), cleanText, samples, 'imported', `import:${path}:${cleanText}`, path));
      // By count only, never by time: where the batches split decides which item is held out
      // when none is by its hash, and the same folder must always split the same way.
      if (pending.length >= 25) commit();
    }
    commit();
    return { imported, skipped };
  }

  /**
   * Makes sure a dataset of 3 or more items has a held-out part (items deleted since may have
   * taken it away); returns the stored items.
   */
  prepareForTraining(datasetId: string): StoredItem[] {
    const data = this.read(datasetId);
    if (data.items.length < 3) throw new Error(`dataset "${data.name}" has ${data.items.length} utterance(s); record or import at least 3 (one is held out for evaluation)`);
    if (!data.items.some((i) => i.split === 'heldout')) {
      return this.mutate(datasetId, (fresh) => {
        ensureHeldOut(fresh.items, fresh.items.filter((i) => i.split === 'train'));
        return fresh.items;
      });
    }
    return data.items;
  }
}

function publicItem(item: StoredItem): DatasetItem {
  const { id, text, durationSeconds, split, source, peak, rms, warnings } = item;
  return { id, text, durationSeconds, split, source, peak, rms, warnings };
}

/**
 * With 3 or more items and none held out, holds out the candidate with the lowest hash (the
 * candidates are the items just added, so earlier assignments never change). True if it did.
 */
export function ensureHeldOut(items: StoredItem[], candidates: readonly StoredItem[]): boolean {
  if (items.length < 3 || items.some((i) => i.split === 'heldout') || candidates.length === 0) return false;
  const chosen = candidates[lowestHashIndex(candidates.map((c) => c.splitKey))];
  chosen.split = 'heldout';
  return true;
}

function normalisePath(path: string): string {
  return path.replace(/\\/g, '/').replace(/^\.\//, '').replace(/^\/+/, '');
}

function resolveManifestPath(audioPath: string, manifestPath: string, files: Map<string, Uint8Array>): string | undefined {
  const normalised = audioPath.replace(/\\/g, '/');
  if (!normalised.startsWith('/') && !/^[A-Za-z]:/.test(normalised)) {
    const relative = posix.normalize(posix.join(posix.dirname(manifestPath), normalised));
    if (files.has(relative)) return relative;
  }
  // Absolute (or not found relative): the longest imported path that ends the manifest's path.
  let best: string | undefined;
  for (const candidate of files.keys()) {
    if ((normalised === candidate || normalised.endsWith(`/${candidate}`)) && (!best || candidate.length > best.length)) best = candidate;
  }
  if (best) return best;
  const base = posix.basename(normalised);
  const sameName = [...files.keys()].filter((p) => posix.basename(p) === base);
  return sameName.length === 1 ? sameName[0] : undefined;
}
