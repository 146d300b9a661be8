/**
 * Turns manifest entries into training utterances: text normalised and encoded to class ids,
 * audio decoded, resampled and turned into raw features (through the cache).
 */
import type { FeatureConfig } from '../config.ts';
import { featureDim } from '../config.ts';
import { audioFileToFeatures, pcmToFeatures } from '../features/frontend.ts';
import { loadAudioFile } from '../audio/load-audio.ts';
import { speedPerturb } from './speed-perturb.ts';
import { normalizeTranscript, type Alphabet } from '../text/alphabet.ts';
import { FeatureStatsAccumulator } from '../features/normalisation.ts';
import type { Normalisation } from '../io/model-store.ts';
import type { FeatureCache } from './feature-cache.ts';
import type { ManifestEntry } from './manifest.ts';

export interface Utterance {
  audioPath: string;
  /** Normalised transcript. */
  text: string;
  /** Class ids of the transcript. */
  labels: number[];
  /** Raw features, [frames × dim]. */
  features: Float32Array;
  frames: number;
  /** The same audio at other speeds (speed perturbation), when asked for. */
  speeds?: SpeedVersion[];
}

/** One speed-perturbed copy of an utterance's audio, as raw features. */
export interface SpeedVersion {
  factor: number;
  /** Raw features, [frames × dim]. */
  features: Float32Array;
  frames: number;
}

export interface LoadResult {
  utterances: Utterance[];
  skipped: { audioPath: string; reason: string }[];
}

/** Loads every entry; entries that cannot be used are skipped with a reason, never silently. */
export async function loadUtterances(
  entries: readonly ManifestEntry[],
  options: {
    features: FeatureConfig;
    alphabet: Alphabet;
    cache?: FeatureCache;
    onProgress?: (done: number, total: number) => void;
    /** Stops between files; what was loaded so far is returned (check signal.aborted). */
    signal?: AbortSignal;
    /** Also load each utterance at these speeds (factors other than 1; see speed-perturb.ts). */
    speedFactors?: readonly number[];
  },
): Promise<LoadResult> {
  const utterances: Utterance[] = [];
  const skipped: LoadResult['skipped'] = [];
  const dim = featureDim(options.features);
  let lastTurn = Date.now();
  for (let i = 0; i < entries.length; i++) {
    // Cached features load synchronously, and decoding resolves through microtasks only: neither
    // lets a SIGINT handler or a worker's cancel message run. Hand the event loop a turn every
    // 100 ms so a cancel is seen within a second.
    if (Date.now() - lastTurn > 100) {
      await new Promise((resolveTurn) => setImmediate(resolveTurn));
      lastTurn = Date.now();
    }
    if (options.signal?.aborted) return { utterances, skipped };
    const entry = entries[i];
    options.onProgress?.(i, entries.length);
    const text = normalizeTranscript(entry.text, options.alphabet);
    if (text === '') {
      skipped.push({ audioPath: entry.audioPath, reason: 'empty transcript after normalisation' });
      continue;
    }
    try {
      let cached = options.cache?.get(entry.audioPath);
      if (!cached) {
        const computed = await audioFileToFeatures(entry.audioPath, options.features);
        options.cache?.set(entry.audioPath, computed.data);
        cached = { data: computed.data, frames: computed.frames, dim };
      }
      const utterance: Utterance = { audioPath: entry.audioPath, text, labels: options.alphabet.encode(text), features: cached.data, frames: cached.frames };
      const factors = (options.speedFactors ?? []).filter((f) => f !== 1);
      if (factors.length > 0) utterance.speeds = await speedVersions(entry.audioPath, factors, options.features, dim, options.cache);
      utterances.push(utterance);
    } catch (error) {
      skipped.push({ audioPath: entry.audioPath, reason: (error as Error).message });
    }
  }
  options.onProgress?.(entries.length, entries.length);
  return { utterances, skipped };
}

/** Features of `audioPath` at each speed in `factors`, through the cache (the audio is decoded only when one is missing). */
async function speedVersions(audioPath: string, factors: readonly number[], features: FeatureConfig, dim: number, cache?: FeatureCache): Promise<SpeedVersion[]> {
  let samples: Float32Array | undefined;
  const versions: SpeedVersion[] = [];
  for (const factor of factors) {
    const version = `speed ${factor}`;
    let cached = cache?.get(audioPath, version);
    if (!cached) {
      samples ??= (await loadAudioFile(audioPath)).samples;
      const computed = pcmToFeatures(await speedPerturb(samples, factor), features); // [frames × dim]
      cache?.set(audioPath, computed.data, version);
      cached = { data: computed.data, frames: computed.frames, dim };
    }
    versions.push({ factor, features: cached.data, frames: cached.frames });
  }
  return versions;
}

/** Global per-dimension mean and standard deviation over every training frame. */
export function computeNormalisation(utterances: readonly { features: Float32Array; frames: number }[], dim: number): Normalisation {
  const accumulator = new FeatureStatsAccumulator(dim);
  for (const u of utterances) accumulator.add({ data: u.features, frames: u.frames, dim });
  if (accumulator.frames === 0) throw new Error('cannot compute normalisation statistics from no frames');
  const { mean, std } = accumulator.finish();
  return { mean, std };
}
