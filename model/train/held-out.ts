/**
 * The held-out split, one policy for the app's datasets and the CLI's automatic split: an item's
 * side comes from a hash of a stable key (a recording's id, an imported file's relative path, a
 * manifest's audio path), so it never changes between runs, resumes or re-imports. About 20 % is
 * held out, and once there are 3 or more items at least one is (the one with the lowest hash).
 */
import { createHash } from 'node:crypto';

/** Fraction of items held out for evaluation. */
export const HELD_OUT_FRACTION = 0.2;

export type Split = 'train' | 'heldout';

/** 0 ≤ value < 1 from the key's SHA-256: the same key always lands on the same side. */
export function splitHash(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) / 2 ** 32;
}

/** The split a key gets on its own (before the at-least-one rule). */
export function splitFor(key: string): Split {
  return splitHash(key) < HELD_OUT_FRACTION ? 'heldout' : 'train';
}

/** Index of the key with the lowest hash: the one held out when the hash alone held out none. */
export function lowestHashIndex(keys: readonly string[]): number {
  let lowest = 0;
  keys.forEach((key, i) => {
    if (splitHash(key) < splitHash(keys[lowest])) lowest = i;
  });
  return lowest;
}

/**
 * The side of each key: splitFor, then (with 3 or more keys and none held out) the lowest-hash
 * key held out.
 */
export function heldOutFlags(keys: readonly string[]): boolean[] {
  const flags = keys.map((key) => splitFor(key) === 'heldout');
  if (keys.length >= 3 && !flags.some(Boolean)) flags[lowestHashIndex(keys)] = true;
  return flags;
}
