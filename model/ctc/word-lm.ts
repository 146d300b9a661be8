/**
 * Word n-gram language model built from plain text (one sentence a line), used by the beam
 * search at word boundaries.
 *
 * Smoothing: interpolated Kneser-Ney (Chen & Goodman 1998, one discount per order,
 * D = n1 / (n1 + 2·n2) from that order's counts-of-counts, clamped to [0.1, 0.9]).
 * The highest order uses raw counts; lower orders use continuation counts (how many distinct
 * words precede the n-gram), except n-grams starting with <s>, which keep raw counts because
 * nothing can precede them (the KenLM convention). The unigram level interpolates with a
 * uniform distribution over the vocabulary plus <unk>, so every word, even unseen, has a
 * probability and each conditional distribution sums to one over vocabulary ∪ {</s>, <unk>}.
 *
 * The interpolated model is stored in back-off form (like ARPA): for a seen n-gram h·w the full
 * interpolated probability, for a seen context h its interpolation weight γ(h) as back-off;
 * P(w | h) for unseen h·w is then γ(h) · P(w | h minus its first word). This makes queries a
 * few map look-ups and the JSON a flat table.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { Alphabet, normalizeTranscript } from '../text/alphabet.ts';
import { DEFAULT_MODEL } from '../config.ts';

export const SENTENCE_START = '<s>';
export const SENTENCE_END = '</s>';
export const UNKNOWN = '<unk>';

/** JSON form written by WordLm.toJSON and read by WordLm.fromJSON. */
export interface WordLmJson {
  format: 'cellscribe-word-lm';
  version: 1;
  smoothing: 'interpolated-kneser-ney';
  order: number;
  discounts: number[];
  /** Natural-log probability of a word never seen in training. */
  unknownLogProb: number;
  /** n-gram (words joined by one space) → natural-log interpolated probability. */
  logProbs: Record<string, number>;
  /** context (words joined by one space) → natural-log back-off weight. */
  backoffs: Record<string, number>;
}

export class WordLm {
  readonly order: number;
  private readonly logProbs: Map<string, number>;
  private readonly backoffs: Map<string, number>;
  private readonly unknownLogProb: number;
  private readonly discounts: number[];

  constructor(json: WordLmJson) {
    if (json.format !== 'cellscribe-word-lm' || json.version !== 1) {
      throw new Error(`word LM: expected format cellscribe-word-lm version 1, got ${String(json.format)} version ${String(json.version)}`);
    }
    this.order = json.order;
    this.discounts = json.discounts;
    this.unknownLogProb = json.unknownLogProb;
    this.logProbs = new Map(Object.entries(json.logProbs));
    this.backoffs = new Map(Object.entries(json.backoffs));
  }

  /** The words it has unigrams for (sentence markers included), in no particular order. */
  get words(): string[] {
    return [...this.logProbs.keys()].filter((ngram) => !ngram.includes(' '));
  }

  /** Whether `word` was seen in training. */
  has(word: string): boolean {
    return this.logProbs.has(word);
  }

  /**
   * Natural-log P(word | history). `history` is the preceding words, oldest first, starting with
   * SENTENCE_START for a sentence's beginning; only the last order−1 are used.
   */
  logProb(history: readonly string[], word: string): number {
    const context = history.slice(Math.max(0, history.length - (this.order - 1)));
    let backoff = 0;
    for (let start = 0; start <= context.length; start++) {
      const suffix = context.slice(start);
      const ngram = suffix.length === 0 ? word : `${suffix.join(' ')} ${word}`;
      const logProb = this.logProbs.get(ngram);
      if (logProb !== undefined) return backoff + logProb;
      if (suffix.length > 0) backoff += this.backoffs.get(suffix.join(' ')) ?? 0;
    }
    return backoff + this.unknownLogProb;
  }

  /** Natural-log probability of a whole sentence, including its end. */
  sentenceLogProb(sentence: string): number {
    const history = [SENTENCE_START];
    let total = 0;
    for (const word of [...sentence.split(' ').filter((w) => w.length > 0), SENTENCE_END]) {
      total += this.logProb(history, word);
      history.push(word);
    }
    return total;
  }

  toJSON(): WordLmJson {
    return {
      format: 'cellscribe-word-lm', version: 1, smoothing: 'interpolated-kneser-ney',
      order: this.order, discounts: this.discounts, unknownLogProb: this.unknownLogProb,
      logProbs: Object.fromEntries(this.logProbs), backoffs: Object.fromEntries(this.backoffs),
    };
  }

  static fromJSON(json: WordLmJson): WordLm {
    return new WordLm(json);
  }
}

function discountFor(counts: Iterable<number>): number {
  let n1 = 0, n2 = 0;
  for (const c of counts) { if (c === 1) n1++; else if (c === 2) n2++; }
  const d = n1 + 2 * n2 > 0 ? n1 / (n1 + 2 * n2) : 0.5;
  return Math.min(0.9, Math.max(0.1, d));
}

/**
 * Builds an interpolated Kneser-Ney word n-gram model from text, one sentence a line.
 * Lines are normalised like transcripts (see normalizeTranscript) with `alphabet`.
 */
export function buildWordLm(text: string, order = 3, alphabet = new Alphabet(DEFAULT_MODEL.alphabet)): WordLm {
  if (!Number.isInteger(order) || order < 1) throw new Error(`buildWordLm: order must be a positive integer, got ${order}`);
  const sentences = text.split(/\r?\n/).map((line) => normalizeTranscript(line, alphabet)).filter((s) => s.length > 0)
    .map((s) => [SENTENCE_START, ...s.split(' '), SENTENCE_END]);
  if (sentences.length === 0) throw new Error('buildWordLm: expected at least one non-empty sentence, got none');

  // Raw counts of every n-gram of every order (n-grams as space-joined keys). The unigram <s> is
  // never predicted, so it is left out.
  const raw: Map<string, number>[] = Array.from({ length: order + 1 }, () => new Map());
  for (const words of sentences) {
    for (let n = 1; n <= order; n++) {
      for (let i = 0; i + n <= words.length; i++) {
        if (n === 1 && words[i] === SENTENCE_START) continue;
        const key = words.slice(i, i + n).join(' ');
        raw[n].set(key, (raw[n].get(key) ?? 0) + 1);
      }
    }
  }
  // Adjusted counts: raw at the top order and for n-grams starting with <s>; continuation counts otherwise.
  const adjusted: Map<string, number>[] = Array.from({ length: order + 1 }, () => new Map());
  adjusted[order] = new Map(raw[order]);
  for (let n = order - 1; n >= 1; n--) {
    for (const [key, count] of raw[n]) {
      if (key.split(' ')[0] === SENTENCE_START) adjusted[n].set(key, count);
    }
    for (const key of raw[n + 1].keys()) {
      const rest = key.slice(key.indexOf(' ') + 1); // never starts with <s>: only position 0 holds it
      adjusted[n].set(rest, (adjusted[n].get(rest) ?? 0) + 1);
    }
  }

  const vocabulary = [...adjusted[1].keys()];
  const uniform = 1 / (vocabulary.length + 1); // + <unk>
  const discounts: number[] = [];
  const probs = new Map<string, number>(); // n-gram → interpolated probability (linear)
  const backoffs = new Map<string, number>(); // context → γ (linear)
  let unknownProb = uniform;

  for (let n = 1; n <= order; n++) {
    const d = discountFor(adjusted[n].values());
    discounts.push(d);
    // Per context: total adjusted count and number of distinct continuations.
    const totals = new Map<string, { total: number; types: number }>();
    for (const [key, count] of adjusted[n]) {
      const context = n === 1 ? '' : key.slice(0, key.lastIndexOf(' '));
      const entry = totals.get(context) ?? { total: 0, types: 0 };
      entry.total += count;
      entry.types += 1;
      totals.set(context, entry);
    }
    for (const [key, count] of adjusted[n]) {
      const context = n === 1 ? '' : key.slice(0, key.lastIndexOf(' '));
      const { total, types } = totals.get(context)!;
      const gamma = (d * types) / total;
      const lowerKey = n === 1 ? '' : key.slice(key.indexOf(' ') + 1);
      const lower = n === 1 ? uniform : lowerProb(lowerKey);
      probs.set(key, Math.max(count - d, 0) / total + gamma * lower);
    }
    for (const [context, { total, types }] of totals) {
      const gamma = (d * types) / total;
      if (n === 1) unknownProb = gamma * uniform;
      else backoffs.set(context, gamma);
    }
  }

  /** Interpolated probability of an n-gram from the already-built lower orders (back-off form). */
  function lowerProb(ngram: string): number {
    const seen = probs.get(ngram);
    if (seen !== undefined) return seen;
    const space = ngram.indexOf(' ');
    if (space < 0) return unknownProb;
    const context = ngram.slice(0, ngram.lastIndexOf(' '));
    return (backoffs.get(context) ?? 1) * lowerProb(ngram.slice(space + 1));
  }

  const logProbs: Record<string, number> = {};
  for (const [key, p] of probs) logProbs[key] = Math.log(p);
  const logBackoffs: Record<string, number> = {};
  for (const [key, g] of backoffs) logBackoffs[key] = Math.log(g);
  return new WordLm({
    format: 'cellscribe-word-lm', version: 1, smoothing: 'interpolated-kneser-ney', order, discounts,
    unknownLogProb: Math.log(unknownProb), logProbs, backoffs: logBackoffs,
  });
}

/** Reads a model: a .json written by saveWordLm / toJSON, or builds a trigram from any other (text) file. */
export function loadWordLm(path: string, order = 3): WordLm {
  const content = readFileSync(path, 'utf8');
  if (path.toLowerCase().endsWith('.json')) return WordLm.fromJSON(JSON.parse(content) as WordLmJson);
  return buildWordLm(content, order);
}

/** Writes the model as JSON so a later loadWordLm skips building it. */
export function saveWordLm(lm: WordLm, path: string): void {
  writeFileSync(path, JSON.stringify(lm.toJSON()));
}
