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
import { findCommittedFolder, replaceFolderAtomic, writeFileAtomic } from './atomic.ts';
import { MODEL_FORMAT, ModelFormatError, validateMeta, type ModelMeta } from './model-meta.ts';

export { MODEL_FORMAT, MODEL_FORMAT_VERSION, ModelFormatError, validateMeta, type ModelMeta, type Normalisation } from './model-meta.ts';

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
        if (!Array.isArray(group.weights) || !Array.isArray(group.paths)) throw new ModelFormatError(dir, 'model.json: a weightsManifest group lacks weights or paths');
        for (const spec of group.weights) {
          if (!Array.isArray(spec?.shape) || !spec.shape.every((d) => Number.isInteger(d) && d >= 0) || (spec.dtype !== undefined && spec.dtype !== 'float32')) {
            throw new ModelFormatError(dir, `model.json: weight ${JSON.stringify(spec?.name)} needs a float32 shape of non-negative integers`);
          }
        }
        weightSpecs.push(...group.weights);
        for (const path of group.paths) {
          if (typeof path !== 'string' || path.includes('/') || path.includes('\\') || path.startsWith('.')) {
            throw new ModelFormatError(dir, `model.json: weights path ${JSON.stringify(path)} is not a plain file name`);
          }
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

/** Resolves a model folder: DIR itself, or DIR/model for a training output folder. */
export function resolveModelDir(dir: string): string {
  const committed = findCommittedFolder(dir);
  if (committed && existsSync(join(committed, 'meta.json'))) return committed;
  const inner = findCommittedFolder(join(dir, 'model'));
  if (inner && existsSync(join(inner, 'meta.json'))) return inner;
  if (!committed) throw new ModelFormatError(dir, 'no such folder');
  throw new ModelFormatError(dir, 'meta.json is missing');
}

/**
 * Throws when any weight is NaN or infinite: such a model (a diverged training run, a damaged
 * file) outputs NaN everywhere, which decodes to an empty transcript that looks like silence.
 */
function assertFiniteWeights(dir: string, specs: tf.io.WeightsManifestEntry[], data: ArrayBuffer): void {
  const values = new Float32Array(data); // every weight, specs order
  let offset = 0;
  let bad = 0;
  let first: string | undefined;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    for (let i = offset; i < offset + size; i++) {
      if (!Number.isFinite(values[i])) {
        bad += 1;
        first ??= spec.name;
      }
    }
    offset += size;
  }
  if (bad > 0) throw new ModelFormatError(dir, `${bad} of ${values.length} weights are NaN or infinite (first in ${first}); the model cannot be used`);
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
  assertFiniteWeights(resolved, artifacts.weightSpecs!, artifacts.weightData as ArrayBuffer);
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
