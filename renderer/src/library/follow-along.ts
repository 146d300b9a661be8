/**
 * Follow-along: which word is being said at a moment of playback. Words are in time order; in a
 * gap between words the one just said stays lit, so the highlight does not flicker off between
 * every word.
 */
import type { WordDTO } from '../../../contract/contract.ts';

/** Index of the word said at `seconds` (the last one started by then), or -1 before the first. */
export function wordAt(words: readonly WordDTO[], seconds: number): number {
  // Binary search for the last word with start <= seconds.
  let low = 0;
  let high = words.length - 1;
  let found = -1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    if (words[middle].start <= seconds) {
      found = middle;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

/** The playback speeds offered. */
export const PLAYBACK_RATES = [0.5, 0.75, 1, 1.25, 1.5, 2] as const;
