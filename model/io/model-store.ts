/**
 * A model on disk is a folder:
 *   model.json   tfjs weights manifest (names, shapes, dtypes) plus our architecture as topology
 *   weights.bin  the weights, in tfjs's binary layout
 *   meta.json    architecture, alphabet, feature config, normalisation statistics, provenance, metrics
 * It is read and written through a filesystem IOHandler of our own, because tfjs's `file://`
 * handler exists only in tfjs-node, and this must work on every backend.
 */
import * as tf from '@tensorflow/tfjs';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { featureDim, type FeatureConfig, type ModelConfig } from '../config.ts';
import { findCommittedFolder, replaceFolderAtomic, writeFileAtomic } from './atomic.ts';

export const MODEL_FORMAT = 'cellscribe-model';
export const MODEL_FORMAT_VERSION = 1;

export interface Normalisation {
  /** Per-dimension mean of the training features. */
  mean: number[];
  /** Per-dimension standard deviation (floored, never 0). */
  std: number[];
}

export interface ModelMeta {
  format: typeof MODEL_FORMAT;
  formatVersion: number;
  name: string;
  architecture: ModelConfig;
  features: FeatureConfig;
  normalisation: Normalisation;
  /** Where the model came from: command, data, parent, seed, backend, dates. */
  provenance: Record<string, unknown>;
  /** Dev-set results recorded at save time (cer, wer, …). */
  metrics: Record<string, unknown>;
}

export class ModelFormatError extends Error {
  constructor(dir: string, reason: string) {
    super(`${dir}: not a usable CellScribe model: ${reason}`);
    this.name = 'ModelFormatError';
  }
}

/** Writes model.json + weights.bin for `artifacts` into `dir`, each file atomically. */
function writeArtifacts(dir: string, artifacts: tf.io.ModelArtifacts): void {
  if (!artifacts.weightSpecs || !artifacts.weightData) throw new Error('nothing to save: no weights');
  const weightData = tf.io.CompositeArrayBuffer.join(artifacts.weightData);
  const manifest = {
    format: MODEL_FORMAT,
    modelTopology: artifacts.modelTopology,
    weightsManifest: [{ paths: ['weights.bin'], weights: artifacts.weightSpecs }],
  };
  writeFileAtomic(join(dir, 'weights.bin'), new Uint8Array(weightData));
  writeFileAtomic(join(dir, 'model.json'), JSON.stringify(manifest, null, 1));
}

/** A filesystem IOHandler: `save` writes model.json + weights.bin, `load` reads them back. */
export function fileSystemHandler(dir: string): tf.io.IOHandler {
  return {
    async save(artifacts: tf.io.ModelArtifacts): Promise<tf.io.SaveResult> {
      writeArtifacts(dir, artifacts);
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    async load(): Promise<tf.io.ModelArtifacts> {
      const manifestPath = join(dir, 'model.json');
      if (!existsSync(manifestPath)) throw new ModelFormatError(dir, 'model.json is missing');
      let manifest: { modelTopology?: {}; weightsManifest?: { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[] };
      try {
        manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
      } catch (error) {
        throw new ModelFormatError(dir, `model.json is not valid JSON (${(error as Error).message})`);
      }
      const groups = manifest.weightsManifest;
      if (!Array.isArray(groups) || groups.length === 0) throw new ModelFormatError(dir, 'model.json has no weightsManifest');
      const weightSpecs: tf.io.WeightsManifestEntry[] = [];
      const buffers: ArrayBuffer[] = [];
      for (const group of groups) {
        weightSpecs.push(...group.weights);
        for (const path of group.paths) {
          const file = join(dir, path);
          if (!existsSync(file)) throw new ModelFormatError(dir, `weights file ${path} is missing`);
          const bytes = readFileSync(file);
          buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        }
      }
      const weightData = tf.io.concatenateArrayBuffers(buffers);
      const expectedBytes = weightSpecs.reduce((sum, w) => sum + w.shape.reduce((a, b) => a * b, 1) * 4, 0);
      if (weightData.byteLength !== expectedBytes) {
        throw new ModelFormatError(dir, `weights are ${weightData.byteLength} bytes, the manifest describes ${expectedBytes}`);
      }
      return { modelTopology: manifest.modelTopology, weightSpecs, weightData };
    },
  };
}

/** Checks a parsed meta.json and returns it typed; throws ModelFormatError naming the problem. */
export function validateMeta(raw: unknown, dir: string): ModelMeta {
  const fail = (reason: string): never => {
    throw new ModelFormatError(dir, `meta.json: ${reason}`);
  };
  if (typeof raw !== 'object' || raw === null) fail('not an object');
  const meta = raw as ModelMeta;
  if (meta.format !== MODEL_FORMAT) fail(`format is ${JSON.stringify(meta.format)}, expected "${MODEL_FORMAT}"`);
  if (meta.formatVersion !== MODEL_FORMAT_VERSION) fail(`formatVersion ${meta.formatVersion} is not supported (expected ${MODEL_FORMAT_VERSION})`);
  const arch = meta.architecture;
  if (!arch || !['lstm', 'peephole', 'gru'].includes(arch.arch)) fail(`architecture.arch must be lstm, peephole or gru`);
  if (arch.headArch !== undefined && !['lstm', 'peephole', 'gru'].includes(arch.headArch)) fail(`architecture.headArch must be lstm, peephole or gru when present`);
  for (const key of ['layers', 'units', 'stack'] as const) {
    if (!Number.isInteger(arch[key]) || arch[key] < 1) fail(`architecture.${key} must be a positive integer`);
  }
  if (typeof arch.alphabet !== 'string' || arch.alphabet.length === 0) fail('architecture.alphabet must be a non-empty string');
  const f = meta.features;
  if (!f || f.sampleRate !== 16000) fail('features.sampleRate must be 16000');
  // Models saved before the energy floor existed were trained without one: 0 is their front end.
  if (f.energyFloor === undefined) f.energyFloor = 0;
  for (const key of ['frameLength', 'hopLength', 'fftSize', 'melBands', 'numCepstra', 'deltaWindow'] as const) {
    if (!Number.isInteger(f[key]) || f[key] < 1) fail(`features.${key} must be a positive integer`);
  }
  for (const key of ['preEmphasis', 'fMin', 'fMax', 'logFloor', 'energyFloor'] as const) {
    if (typeof f[key] !== 'number' || !Number.isFinite(f[key])) fail(`features.${key} must be a number`);
  }
  if (f.frameLength > f.fftSize) fail('features.frameLength is larger than fftSize');
  const dim = featureDim(f);
  const n = meta.normalisation;
  if (!n || !Array.isArray(n.mean) || !Array.isArray(n.std) || n.mean.length !== dim || n.std.length !== dim) {
    fail(`normalisation needs mean and std of length ${dim} (the feature dimension)`);
  }
  if (![...n.mean, ...n.std].every(Number.isFinite) || n.std.some((s) => s <= 0)) fail('normalisation has non-finite or non-positive values');
  return meta;
}

/** Resolves a model folder: DIR itself, or DIR/model for a training output folder. */
export function resolveModelDir(dir: string): string {
  const committed = findCommittedFolder(dir);
  if (committed && existsSync(join(committed, 'meta.json'))) return committed;
  const inner = findCommittedFolder(join(dir, 'model'));
  if (inner && existsSync(join(inner, 'meta.json'))) return inner;
  if (!committed) throw new ModelFormatError(dir, 'no such folder');
  throw new ModelFormatError(dir, 'meta.json is missing');
}

/** Reads meta.json and the weights of the model in `dir`. The caller owns (disposes) the tensors. */
export async function readModelFolder(dir: string): Promise<{ dir: string; meta: ModelMeta; weights: tf.NamedTensorMap }> {
  const resolved = resolveModelDir(dir);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(resolved, 'meta.json'), 'utf8'));
  } catch (error) {
    throw new ModelFormatError(resolved, `meta.json is not valid JSON (${(error as Error).message})`);
  }
  const meta = validateMeta(raw, resolved);
  const artifacts = await fileSystemHandler(resolved).load!();
  const weights = tf.io.decodeWeights(artifacts.weightData!, artifacts.weightSpecs!);
  return { dir: resolved, meta, weights };
}

/** Writes a whole model folder atomically (the old folder stays readable until the new one is complete). */
export async function writeModelFolder(dir: string, meta: ModelMeta, weights: tf.NamedTensorMap, extraFiles: Record<string, string> = {}): Promise<void> {
  const { data, specs } = await tf.io.encodeWeights(weights);
  const artifacts: tf.io.ModelArtifacts = { modelTopology: { architecture: meta.architecture }, weightSpecs: specs, weightData: data };
  replaceFolderAtomic(dir, (temp) => {
    writeArtifacts(temp, artifacts);
    writeFileAtomic(join(temp, 'meta.json'), JSON.stringify(meta, null, 2));
    for (const [name, text] of Object.entries(extraFiles)) writeFileAtomic(join(temp, name), text);
  });
}
