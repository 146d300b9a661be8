/**
 * Word and character error rates. A Levenshtein alignment (unit costs) between reference and
 * hypothesis counts hits, substitutions, deletions and insertions; the rate is
 * (S + D + I) / N_ref. Over a corpus the counts are summed first (the standard corpus WER, not
 * a mean of per-utterance rates).
 *
 * Tokens: words are the whitespace-separated pieces; characters are those of the words joined by
 * single spaces, so a wrong word boundary counts as a character error too. Text is compared as
 * given: normalise it (normalizeTranscript) first.
 */

export interface EditCounts {
  hits: number;
  substitutions: number;
  deletions: number;
  insertions: number;
  /** N_ref = hits + substitutions + deletions. */
  refLength: number;
  /** hits + substitutions + insertions. */
  hypLength: number;
}

export type EditOp =
  | { op: 'hit'; ref: string; hyp: string }
  | { op: 'substitution'; ref: string; hyp: string }
  | { op: 'deletion'; ref: string }
  | { op: 'insertion'; hyp: string };

export interface Alignment extends EditCounts {
  /** The edit path from the start, one entry per aligned position. */
  ops: EditOp[];
}

/**
 * Minimum-edit alignment of two token sequences. Among equally cheap alignments the backtrace
 * prefers hit/substitution, then deletion, then insertion, so counts are deterministic.
 */
export function alignTokens(ref: readonly string[], hyp: readonly string[]): Alignment {
  const rows = ref.length + 1;
  const cols = hyp.length + 1;
  const cost = new Int32Array(rows * cols); // [ref+1 × hyp+1] edit distance of prefixes
  for (let i = 0; i < rows; i++) cost[i * cols] = i;
  for (let j = 0; j < cols; j++) cost[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const diagonal = cost[(i - 1) * cols + j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1);
      cost[i * cols + j] = Math.min(diagonal, cost[(i - 1) * cols + j] + 1, cost[i * cols + j - 1] + 1);
    }
  }
  const ops: EditOp[] = [];
  let i = ref.length;
  let j = hyp.length;
  while (i > 0 || j > 0) {
    const here = cost[i * cols + j];
    if (i > 0 && j > 0 && here === cost[(i - 1) * cols + j - 1] + (ref[i - 1] === hyp[j - 1] ? 0 : 1)) {
      ops.push(ref[i - 1] === hyp[j - 1]
        ? { op: 'hit', ref: ref[i - 1], hyp: hyp[j - 1] }
        : { op: 'substitution', ref: ref[i - 1], hyp: hyp[j - 1] });
      i--; j--;
    } else if (i > 0 && here === cost[(i - 1) * cols + j] + 1) {
      ops.push({ op: 'deletion', ref: ref[i - 1] });
      i--;
    } else {
      ops.push({ op: 'insertion', hyp: hyp[j - 1] });
      j--;
    }
  }
  ops.reverse();
  const count = (kind: EditOp['op']) => ops.filter((o) => o.op === kind).length;
  const hits = count('hit');
  const substitutions = count('substitution');
  const deletions = count('deletion');
  const insertions = count('insertion');
  return { hits, substitutions, deletions, insertions, refLength: ref.length, hypLength: hyp.length, ops };
}

/** Whitespace-separated words. */
export function wordTokens(text: string): string[] {
  return text.split(/\s+/).filter((w) => w.length > 0);
}

/** Characters of the words joined by single spaces. */
export function charTokens(text: string): string[] {
  return [...wordTokens(text).join(' ')];
}

export function wordAlignment(ref: string, hyp: string): Alignment {
  return alignTokens(wordTokens(ref), wordTokens(hyp));
}

export function charAlignment(ref: string, hyp: string): Alignment {
  return alignTokens(charTokens(ref), charTokens(hyp));
}

/**
 * (S + D + I) / N_ref. With an empty reference the denominator is taken as 1, so an empty
 * hypothesis scores 0 and each inserted token counts 1 (instead of a division by zero).
 */
export function errorRate(counts: EditCounts): number {
  return (counts.substitutions + counts.deletions + counts.insertions) / Math.max(counts.refLength, 1);
}

/** Word error rate of one utterance. */
export function wer(ref: string, hyp: string): number {
  return errorRate(wordAlignment(ref, hyp));
}

/** Character error rate of one utterance. */
export function cer(ref: string, hyp: string): number {
  return errorRate(charAlignment(ref, hyp));
}

function emptyCounts(): EditCounts {
  return { hits: 0, substitutions: 0, deletions: 0, insertions: 0, refLength: 0, hypLength: 0 };
}

function addCounts(total: EditCounts, more: EditCounts): void {
  total.hits += more.hits;
  total.substitutions += more.substitutions;
  total.deletions += more.deletions;
  total.insertions += more.insertions;
  total.refLength += more.refLength;
  total.hypLength += more.hypLength;
}

/** Corpus WER/CER: counts summed over utterances, rates from the sums. */
export class ErrorRateAccumulator {
  readonly words: EditCounts = emptyCounts();
  readonly chars: EditCounts = emptyCounts();
  utterances = 0;
  /** Utterances with at least one word error. */
  utterancesWithErrors = 0;

  /** Adds one utterance; returns its own alignments (for per-utterance reports). */
  add(ref: string, hyp: string): { words: Alignment; chars: Alignment } {
    const words = wordAlignment(ref, hyp);
    const chars = charAlignment(ref, hyp);
    addCounts(this.words, words);
    addCounts(this.chars, chars);
    this.utterances++;
    if (words.hits !== words.refLength || words.insertions > 0) this.utterancesWithErrors++;
    return { words, chars };
  }

  get wer(): number {
    return errorRate(this.words);
  }

  get cer(): number {
    return errorRate(this.chars);
  }

  /** Plain numbers for logs and meta.json. */
  summary(): { utterances: number; wer: number; cer: number; words: EditCounts; chars: EditCounts } {
    return { utterances: this.utterances, wer: this.wer, cer: this.cer, words: { ...this.words }, chars: { ...this.chars } };
  }
}
