/**
 * Model versions in userData/models/<folder>: rename, delete, export and import as a zip, and
 * installing a fine-tuned model with its provenance (parent model, dataset, metrics). No tfjs
 * (main process): only meta.json and the weights manifest are read. Every write is atomic: a
 * folder is complete under a hidden temporary name before it takes its real name, and an
 * existing model is never overwritten.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { mkdir, open, rm } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ModelInfo } from '../contract/contract.ts';
import { findCommittedFolder, fsyncFolder, writeFileAtomic } from '../model/io/atomic.ts';
import { extractZip, listZip, writeZip, ZipError, type ZipEntry } from '../model/io/zip.ts';
import { BUNDLED_MODEL_ID, readModelInfo, scanModels, type RegisteredModel } from './models-registry.ts';
import { validateMeta } from '../model/io/model-meta.ts';
import { holderAlive } from '../model/io/dir-lock.ts';
import { hostname } from 'node:os';

const REQUIRED_FILES = ['meta.json', 'model.json', 'weights.bin'];

/** A folder name from a display name: lower-case a-z, 0-9 and '-', never empty. */
export function folderSlug(name: string): string {
  const slug = name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60);
  return slug || 'model';
}

/** `base`, or `base-2`, `base-3`, … : the first name not taken in `dir`. */
export function uniqueFolder(dir: string, base: string): string {
  let name = base;
  for (let n = 2; existsSync(join(dir, name)); n++) name = `${base}-${n}`;
  return name;
}

/** meta.json and model.json are a few kB; anything past this is not a model (and would block the main process to read). */
const MAX_JSON_BYTES = 16 * 1024 * 1024;

/**
 * Checks that `dir` is a complete model folder without loading tfjs: meta.json describes a
 * CellScribe model, model.json lists the weights, weights.bin has exactly their size. Only the
 * small files are read here; returns the weights files for the NaN scan (scanWeights*).
 */
function checkModelFiles(dir: string): string[] {
  for (const file of REQUIRED_FILES) if (!existsSync(join(dir, file))) throw new Error(`not a model folder: ${file} is missing`);
  for (const file of ['meta.json', 'model.json']) {
    const size = statSync(join(dir, file)).size;
    if (size > MAX_JSON_BYTES) throw new Error(`not a model folder: ${file} is ${size} bytes (at most ${MAX_JSON_BYTES})`);
  }
  readModelInfo(dir, 'check', 'user');
  // The engine's own checks, ranges included, before anything is registered: a meta.json with
  // fftSize 2^26 once passed import and then exhausted memory on load.
  try {
    validateMeta(JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')), dir);
  } catch (error) {
    throw new Error(`not a usable model folder: ${(error as Error).message}`);
  }
  let manifest: { weightsManifest?: { paths: string[]; weights: { shape: number[]; dtype?: string }[] }[] };
  try {
    manifest = JSON.parse(readFileSync(join(dir, 'model.json'), 'utf8'));
  } catch (error) {
    throw new Error(`not a model folder: model.json is not valid JSON (${(error as Error).message})`);
  }
  const groups = manifest.weightsManifest;
  if (!Array.isArray(groups) || groups.length === 0) throw new Error('not a model folder: model.json has no weightsManifest');
  let expected = 0;
  let actual = 0;
  const paths: string[] = [];
  for (const group of groups) {
    for (const w of group.weights ?? []) expected += w.shape.reduce((a, b) => a * b, 1) * 4;
    for (const path of group.paths ?? []) {
      if (path.includes('/') || path.includes('\\') || path.startsWith('.')) throw new Error(`not a model folder: weights path ${JSON.stringify(path)} is not a plain file name`);
      if (!existsSync(join(dir, path))) throw new Error(`not a model folder: weights file ${path} is missing`);
      actual += statSync(join(dir, path)).size;
      paths.push(path);
    }
  }
  if (expected !== actual) throw new Error(`not a model folder: the weights are ${actual} bytes, model.json describes ${expected}`);
  return paths;
}

/** How many of the float32 values in `bytes` (whole values only) are NaN or infinite. */
function countNonFinite(bytes: Uint8Array): number {
  const values = new Float32Array(bytes.buffer, bytes.byteOffset, Math.floor(bytes.length / 4));
  let bad = 0;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) bad += 1;
  return bad;
}

const nonFiniteError = (bad: number, total: number, path: string) => new Error(`not a usable model: ${bad} of ${total} weights in ${path} are NaN or infinite`);

/**
 * Checks a model folder (see checkModelFiles), then that no weight is NaN or infinite: a diverged
 * model would transcribe everything to "". Synchronous: for folders this app wrote itself.
 */
export function checkModelFolder(dir: string): void {
  for (const path of checkModelFiles(dir)) {
    const bytes = readFileSync(join(dir, path));
    const bad = countNonFinite(bytes);
    if (bad > 0) throw nonFiniteError(bad, Math.floor(bytes.length / 4), path);
  }
}

/** Bytes of weights scanned per read: small enough that one step never holds the event loop for long. */
const SCAN_CHUNK = 1024 * 1024;

/**
 * checkModelFolder for a folder of any size (an imported archive, up to 1 GiB): the weights are
 * read and scanned a chunk at a time, yielding to the event loop between chunks. `onProgress`
 * gets the bytes scanned so far.
 */
export async function checkModelFolderAsync(dir: string, onProgress?: (bytes: number) => void): Promise<void> {
  let scanned = 0;
  for (const path of checkModelFiles(dir)) {
    const file = await open(join(dir, path), 'r');
    try {
      const chunk = new Uint8Array(SCAN_CHUNK); // a multiple of 4: values never straddle two reads
      let bad = 0;
      let total = 0;
      for (;;) {
        let filled = 0;
        while (filled < chunk.length) {
          const { bytesRead } = await file.read(chunk, filled, chunk.length - filled, null);
          if (bytesRead === 0) break;
          filled += bytesRead;
        }
        if (filled === 0) break;
        bad += countNonFinite(chunk.subarray(0, filled));
        total += Math.floor(filled / 4);
        scanned += filled;
        onProgress?.(scanned);
        if (filled < chunk.length) break;
      }
      if (bad > 0) throw nonFiniteError(bad, total, path);
    } finally {
      await file.close();
    }
  }
}

export class ModelVersions {
  constructor(private readonly bundledModelDir: string, private readonly modelsDir: string) {
    mkdirSync(modelsDir, { recursive: true });
  }

  /**
   * Start-up clean-up, reported: folders of interrupted deletions (.deleted-*) and of imports
   * whose process is gone (.import-<pid>-*; one of a live process may be in flight) are removed.
   */
  cleanUp(): string[] {
    const report: string[] = [];
    for (const name of readdirSync(this.modelsDir)) {
      const importOf = /^\.import-(\d+)-/.exec(name);
      const stale = name.startsWith('.deleted-') ||
        (importOf !== null && !holderAlive({ pid: Number(importOf[1]), host: hostname(), processStart: null, since: '', purpose: '' }));
      if (!stale) continue;
      rmSync(join(this.modelsDir, name), { recursive: true, force: true });
      report.push(`removed ${join(this.modelsDir, name)}, left by an interrupted ${name.startsWith('.deleted-') ? 'model deletion' : 'model import'}`);
    }
    return report;
  }

  list(): RegisteredModel[] {
    return scanModels(this.bundledModelDir, this.modelsDir).models;
  }

  find(id: string): RegisteredModel {
    const found = this.list().find((m) => m.info.id === id);
    if (!found) throw new Error(`no model with id "${id}"`);
    return found;
  }

  private userModel(id: string, action: string): RegisteredModel {
    const model = this.find(id);
    if (model.info.kind === 'bundled') throw new Error(`the bundled base model cannot be ${action}`);
    return model;
  }

  private updateMeta(dir: string, change: (meta: Record<string, any>) => void): void {
    const file = join(dir, 'meta.json');
    const meta = JSON.parse(readFileSync(file, 'utf8'));
    change(meta);
    writeFileAtomic(file, JSON.stringify(meta, null, 2));
  }

  rename(id: string, name: string): ModelInfo {
    const trimmed = name.trim();
    if (trimmed === '' || trimmed.length > 200) throw new Error(`model name: expected 1–200 characters, got ${trimmed.length}`);
    const model = this.userModel(id, 'renamed');
    this.updateMeta(model.dir, (meta) => {
      meta.name = trimmed;
    });
    return this.find(id).info;
  }

  /** Removes a user model (renamed away first, so a crash never leaves half a model listed). */
  delete(id: string): void {
    const model = this.userModel(id, 'deleted');
    const doomed = join(this.modelsDir, `.deleted-${Date.now()}-${model.dir.split(/[\\/]/).pop()}`);
    renameSync(model.dir, doomed);
    rmSync(doomed, { recursive: true, force: true });
  }

  /** The model folder as a zip: one top-level folder named after the model, with its files. */
  async export(id: string): Promise<Uint8Array> {
    const model = this.find(id);
    const top = folderSlug(model.info.name);
    const entries: ZipEntry[] = [];
    const walk = (dir: string) => {
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        if (name.startsWith('.')) continue;
        if (statSync(path).isDirectory()) walk(path);
        else entries.push({ name: `${top}/${relative(model.dir, path).split(/[\\/]/).join('/')}`, data: readFileSync(path) });
      }
    };
    walk(model.dir);
    return writeZip(entries);
  }

  /**
   * Imports a zip made by export (or any zip of one model folder, at its root or inside one
   * folder). The archive is checked entry by entry and the folder as a model before it appears;
   * the new folder never replaces an existing one. Everything runs as a stream in small steps
   * (extractZip, checkModelFolderAsync): this runs in Electron's main process, and an archive of
   * up to 1 GiB must not freeze the window. `onProgress` gets the bytes unpacked and scanned so far.
   */
  async import(fileName: string, bytes: Uint8Array, onProgress?: (bytes: number) => void): Promise<ModelInfo> {
    const limits = { maxEntries: 1000, maxTotalBytes: 1024 * 1024 * 1024 };
    const archiveProblem = (error: unknown) =>
      new Error(`${fileName}: not a usable model archive: ${error instanceof ZipError ? error.message : `unreadable (${(error as Error).message})`}`);
    let listing: { name: string; size: number }[];
    try {
      listing = await listZip(bytes, limits);
    } catch (error) {
      throw archiveProblem(error);
    }
    const metaEntries = listing.filter((e) => e.name === 'meta.json' || /^[^/]+\/meta\.json$/.test(e.name));
    if (metaEntries.length !== 1) {
      throw new Error(`${fileName}: not a model archive: expected one model folder (meta.json, model.json, weights.bin), found ${metaEntries.length} meta.json files`);
    }
    const prefix = metaEntries[0].name.slice(0, metaEntries[0].name.length - 'meta.json'.length);
    const temp = join(this.modelsDir, `.import-${process.pid}-${Date.now()}`);
    await mkdir(temp, { recursive: true });
    try {
      let unpacked = 0;
      try {
        await extractZip(bytes, temp, {
          ...limits,
          target: (name) => (name.startsWith(prefix) ? name.slice(prefix.length) : null),
          onProgress: (done) => onProgress?.((unpacked = done)),
        });
      } catch (error) {
        // A full disk or a permission problem: the archive may be fine, say what failed where.
        throw error instanceof ZipError ? archiveProblem(error) : new Error(`${fileName}: could not unpack into ${this.modelsDir}: ${(error as Error).message}`);
      }
      try {
        await checkModelFolderAsync(temp, (scanned) => onProgress?.(unpacked + scanned));
      } catch (error) {
        throw new Error(`${fileName}: ${(error as Error).message}`);
      }
      fsyncFolder(temp);
      const name = readModelInfo(temp, 'import', 'user').name;
      const folder = uniqueFolder(this.modelsDir, folderSlug(name));
      renameSync(temp, join(this.modelsDir, folder));
      fsyncFolder(this.modelsDir);
      return this.find(`user:${folder}`).info;
    } catch (error) {
      await rm(temp, { recursive: true, force: true });
      throw error;
    }
  }

  /**
   * Installs a trained model folder as a new user model with its provenance: display name,
   * parent model id, dataset, metrics. Copied under a hidden name, then renamed into place.
   */
  install(sourceDir: string, options: { name: string; folderHint: string; parentId: string; datasetId: string; datasetName: string; jobId: string; metrics: Record<string, unknown> }): ModelInfo {
    const source = findCommittedFolder(sourceDir);
    if (!source) throw new Error(`no trained model at ${sourceDir}`);
    checkModelFolder(source);
    const temp = join(this.modelsDir, `.install-${process.pid}-${Date.now()}`);
    cpSync(source, temp, { recursive: true });
    try {
      this.updateMeta(temp, (meta) => {
        meta.name = options.name;
        meta.provenance = {
          ...(meta.provenance ?? {}),
          createdAt: new Date().toISOString(),
          parentId: options.parentId,
          datasetId: options.datasetId,
          datasetName: options.datasetName,
          jobId: options.jobId,
        };
        meta.metrics = { ...(meta.metrics ?? {}), ...options.metrics };
      });
      const folder = uniqueFolder(this.modelsDir, folderSlug(options.folderHint));
      renameSync(temp, join(this.modelsDir, folder));
      return this.find(`user:${folder}`).info;
    } catch (error) {
      rmSync(temp, { recursive: true, force: true });
      throw error;
    }
  }
}

export { BUNDLED_MODEL_ID };
