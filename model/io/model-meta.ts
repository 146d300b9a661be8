/**
 * meta.json of a model folder: its type and the checks a folder passes before anything is
 * allocated for it. No tfjs here, so the app's main process (model import, the model list) can
 * run the same checks as the engine.
 */
import { featureDim, type FeatureConfig, type ModelConfig } from '../config.ts';
import { validateFeatureConfig } from '../features/feature-config.ts';

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

/**
 * Inclusive bounds for the numbers in meta.json. They are far wider than any model this project
 * trains (2 × 256 units, fftSize 512) but small enough that nothing they allow can exhaust
 * memory: an fftSize of 2^26 passed the old "positive integer" check and then allocated gigabytes.
 */
export const META_LIMITS = {
  layers: [1, 16],
  units: [1, 4096],
  stack: [1, 64],
  alphabetLength: [1, 1024],
  frameLength: [16, 16000],
  hopLength: [16, 16000],
  fftSize: [64, 16384],
  melBands: [1, 256],
  numCepstra: [1, 256],
  deltaWindow: [1, 16],
  cmnWindow: [0, 100000],
} as const;

/** Checks a parsed meta.json and returns it typed; throws ModelFormatError naming the problem. */
export function validateMeta(raw: unknown, dir: string): ModelMeta {
  const fail = (reason: string): never => {
    throw new ModelFormatError(dir, `meta.json: ${reason}`);
  };
  const inRange = (value: unknown, [low, high]: readonly [number, number], name: string) => {
    if (!Number.isInteger(value) || (value as number) < low || (value as number) > high) {
      fail(`${name} must be an integer from ${low} to ${high}, got ${JSON.stringify(value)}`);
    }
  };
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) fail('not a JSON object');
  const meta = raw as ModelMeta;
  if (meta.format !== MODEL_FORMAT) fail(`format is ${meta.format === undefined ? 'missing' : JSON.stringify(meta.format)}, expected "${MODEL_FORMAT}"`);
  if (meta.formatVersion !== MODEL_FORMAT_VERSION) fail(`formatVersion ${meta.formatVersion} is not supported (expected ${MODEL_FORMAT_VERSION})`);
  const arch = meta.architecture;
  if (!arch || typeof arch !== 'object' || !['lstm', 'peephole', 'gru'].includes(arch.arch)) fail(`architecture.arch must be lstm, peephole or gru`);
  if (arch.headArch !== undefined && !['lstm', 'peephole', 'gru'].includes(arch.headArch)) fail(`architecture.headArch must be lstm, peephole or gru when present`);
  for (const key of ['layers', 'units', 'stack'] as const) inRange(arch[key], META_LIMITS[key], `architecture.${key}`);
  if (typeof arch.alphabet !== 'string' || arch.alphabet.length === 0) fail('architecture.alphabet must be a non-empty string');
  inRange(arch.alphabet.length, META_LIMITS.alphabetLength, 'the length of architecture.alphabet');
  if (new Set(arch.alphabet).size !== arch.alphabet.length) fail('architecture.alphabet repeats a character');
  const f = meta.features;
  if (!f || typeof f !== 'object' || f.sampleRate !== 16000) fail('features.sampleRate must be 16000');
  // Models saved before the energy floor existed were trained without one: 0 is their front end.
  if (f.energyFloor === undefined) f.energyFloor = 0;
  for (const key of ['frameLength', 'hopLength', 'fftSize', 'melBands', 'numCepstra', 'deltaWindow'] as const) {
    inRange(f[key], META_LIMITS[key], `features.${key}`);
  }
  if (f.cmnWindow !== undefined) inRange(f.cmnWindow, META_LIMITS.cmnWindow, 'features.cmnWindow');
  for (const key of ['preEmphasis', 'fMin', 'fMax', 'logFloor', 'energyFloor'] as const) {
    if (typeof f[key] !== 'number' || !Number.isFinite(f[key])) fail(`features.${key} must be a number`);
  }
  if (f.frameLength > f.fftSize) fail('features.frameLength is larger than fftSize');
  try {
    validateFeatureConfig(f);
  } catch (error) {
    fail(`features: ${(error as Error).message}`);
  }
  const dim = featureDim(f);
  const n = meta.normalisation;
  if (!n || !Array.isArray(n.mean) || !Array.isArray(n.std) || n.mean.length !== dim || n.std.length !== dim) {
    fail(`normalisation needs mean and std of length ${dim} (the feature dimension)`);
  }
  if (![...n.mean, ...n.std].every(Number.isFinite) || n.std.some((s) => s <= 0)) fail('normalisation has non-finite or non-positive values');
  return meta;
}
