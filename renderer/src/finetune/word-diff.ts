/**
 * Word-level differences between two transcripts, for the before/after view: jsdiff's Myers diff
 * over the word arrays keeps a longest common subsequence of words, and everything else is marked
 * as changed on its own side. A common subsequence (not edit distance) because the question the
 * view answers is "which words are different": a word that also appears, in order, on the other
 * side is never marked.
 */
import { diffArrays } from 'diff';

/** One word of a transcript and whether it differs from the other side. */
export interface DiffToken {
  word: string;
  changed: boolean;
}

export interface WordDiff {
  /** The first text's words, those not in the common subsequence marked. */
  left: DiffToken[];
  /** The second text's words, likewise. */
  right: DiffToken[];
  /** Words the two share, in order (the LCS length). */
  common: number;
}

/** Splits on whitespace; an empty or blank text has no words. */
export function words(text: string): string[] {
  return text.trim().split(/\s+/).filter((word) => word.length > 0);
}

/** Aligns `leftText` with `rightText` word by word (case-sensitive, whitespace-insensitive). */
export function diffWords(leftText: string, rightText: string): WordDiff {
  const left: DiffToken[] = [];
  const right: DiffToken[] = [];
  let common = 0;
  for (const part of diffArrays(words(leftText), words(rightText))) {
    if (!part.added) left.push(...part.value.map((word) => ({ word, changed: part.removed })));
    if (!part.removed) right.push(...part.value.map((word) => ({ word, changed: part.added })));
    if (!part.added && !part.removed) common += part.value.length;
  }
  return { left, right, common };
}
