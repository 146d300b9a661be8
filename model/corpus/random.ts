/**
 * Seeded randomness for the corpus builder. Every utterance draws from its own generator, seeded
 * by hashing (corpus seed, split, index), so an utterance's text, voice and augmentation do not
 * depend on how many utterances are planned or in which order they are synthesised.
 */
import { createRandom } from '../train/random.ts';

export type Random = () => number;

/** 32-bit FNV-1a hash of a string (UTF-16 code units), as an unsigned integer. */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A generator seeded from a list of keys (joined, hashed): same keys, same sequence. */
export function randomFor(...keys: Array<string | number>): Random {
  return createRandom(fnv1a(keys.join('\u0001')));
}

/** Uniform integer in [min, max], both included. */
export function intBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

/** Uniform real in [min, max). */
export function between(random: Random, min: number, max: number): number {
  return min + random() * (max - min);
}

/** One element, uniformly. */
export function pick<T>(random: Random, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick: expected a non-empty list, got an empty one');
  return items[Math.floor(random() * items.length)];
}

/** One key of `weights`, with probability proportional to its weight. */
export function pickWeighted<K extends string>(random: Random, weights: Readonly<Record<K, number>>): K {
  const entries = Object.entries(weights) as Array<[K, number]>;
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  if (!(total > 0)) throw new Error(`pickWeighted: expected positive total weight, got ${total}`);
  let r = random() * total;
  for (const [key, w] of entries) {
    r -= w;
    if (r < 0) return key;
  }
  return entries[entries.length - 1][0];
}

/** Rounds to `digits` decimals, so recorded parameters stay readable in the manifest. */
export function round(value: number, digits: number): number {
  const scale = 10 ** digits;
  return Math.round(value * scale) / scale;
}
