/**
 * Word-level differences between two transcripts, for the before/after view: the longest common
 * subsequence of words is kept, everything else is marked as changed on its own side. LCS (not
 * edit distance) because the question the view answers is "which words are different", and the
 * LCS alignment never marks a word as changed when it also appears, in order, on the other side.
 */

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
  const left = words(leftText);
  const right = words(rightText);
  // lengths[i][j] = LCS of left[i..] and right[j..], one flat row-major table.
  const width = right.length + 1;
  const lengths = new Uint32Array((left.length + 1) * width);
  for (let i = left.length - 1; i >= 0; i--) {
    for (let j = right.length - 1; j >= 0; j--) {
      lengths[i * width + j] = left[i] === right[j]
        ? lengths[(i + 1) * width + j + 1] + 1
        : Math.max(lengths[(i + 1) * width + j], lengths[i * width + j + 1]);
    }
  }
  const leftTokens: DiffToken[] = left.map((word) => ({ word, changed: true }));
  const rightTokens: DiffToken[] = right.map((word) => ({ word, changed: true }));
  let i = 0;
  let j = 0;
  while (i < left.length && j < right.length) {
    if (left[i] === right[j]) {
      leftTokens[i].changed = false;
      rightTokens[j].changed = false;
      i++;
      j++;
    } else if (lengths[(i + 1) * width + j] >= lengths[i * width + j + 1]) {
      i++;
    } else {
      j++;
    }
  }
  return { left: leftTokens, right: rightTokens, common: lengths[0] };
}

/** Word error rate of `hypothesis` against `reference` by Levenshtein distance over words. */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const ref = words(reference);
  const hyp = words(hypothesis);
  if (ref.length === 0) return hyp.length === 0 ? 0 : 1;
  let previous = Array.from({ length: hyp.length + 1 }, (_, j) => j);
  for (let i = 1; i <= ref.length; i++) {
    const row = [i];
    for (let j = 1; j <= hyp.length; j++) {
      row[j] = Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[hyp.length] / ref.length;
}
