/**
 * One entry point for turning acoustic-model output into text: greedy best path, prefix beam
 * search, vocabulary-restricted beam search and word-LM rescoring, all returning the same
 * DecodeResult with word timings and confidences.
 */
import { Alphabet } from '../text/alphabet.ts';
import { alignWords } from './alignment.ts';
import { greedyLabels } from './greedy.ts';
import { logSumExpRow } from './log-math.ts';
import { prefixBeamSearch } from './prefix-beam.ts';
import type { DecodeResult } from './types.ts';
import type { Vocabulary } from './vocabulary.ts';
import type { LanguageModel } from './ngram-lm.ts';
import { decodeGrammar, type Grammar } from './grammar.ts';
import { resultInWords, type PhoneWords } from './pronunciation-lm.ts';

export type { DecodeResult, GrammarChoice, WordTiming } from './types.ts';
export { loadVocabulary, vocabularyFromText, Vocabulary, DIGIT_WORDS } from './vocabulary.ts';
export { buildWordLm, loadWordLm, saveWordLm, WordLm } from './word-lm.ts';
export { DEFAULT_ALPHA, DEFAULT_BETA } from './prefix-beam.ts';
export { Grammar, grammarFromText, loadGrammar, DEFAULT_GRAMMAR_MIN_CONFIDENCE } from './grammar.ts';
export { loadLanguageModel } from './lm-file.ts';
export type { LanguageModel } from './ngram-lm.ts';

/** Beam width used when a vocabulary or LM is given without an explicit beam. */
export const DEFAULT_BEAM = 16;

export interface DecodeOptions {
  /** Seconds per output frame (hop × stacking), for word timestamps. */
  frameSeconds: number;
  /**
   * Beam width. ≤ 1 with no vocabulary and no LM → greedy. Default: 1 without vocabulary/LM,
   * DEFAULT_BEAM with either.
   */
  beam?: number;
  /** Restrict output to sequences of these words/phrases. */
  vocabulary?: Vocabulary;
  /** Word n-gram LM applied at word boundaries. */
  lm?: LanguageModel;
  /** Output exactly one of these phrases (or nothing when unsure); vocabulary and LM are then unused. */
  grammar?: Grammar;
  /** Grammar only: below this confidence nothing is output (default DEFAULT_GRAMMAR_MIN_CONFIDENCE). */
  grammarMinConfidence?: number;
  /** LM weight α (default DEFAULT_ALPHA = 1.0). */
  alpha?: number;
  /** Per-word insertion bonus β (default 1.0 with an LM, 0 without). */
  beta?: number;
  /** Skip extending by classes below this log-probability at a frame (default −Infinity: none skipped). */
  pruneLogProb?: number;
  /** Phone models: the vocabulary and LM are over pronunciations; this maps the result to words. */
  phoneWords?: PhoneWords;
}

/** Rows of a log-softmax sum to one; anything else (raw logits) is normalised here. */
function asLogProbs(values: Float32Array, frames: number, classes: number): Float32Array {
  let normalised = true;
  for (let t = 0; t < frames && normalised; t++) {
    if (Math.abs(logSumExpRow(values, t * classes, classes)) > 1e-3) normalised = false;
  }
  if (normalised) return values;
  const out = new Float32Array(values.length); // [frames × classes]
  for (let t = 0; t < frames; t++) {
    const norm = logSumExpRow(values, t * classes, classes);
    for (let k = 0; k < classes; k++) out[t * classes + k] = values[t * classes + k] - norm;
  }
  return out;
}

/**
 * Decodes [frames × alphabet.size] row-major per-frame log-probabilities (class 0 = blank).
 * Rows that are not normalised (e.g. raw logits) are log-softmaxed first.
 */
export function decode(logProbs: Float32Array, frames: number, alphabet: Alphabet, opts: DecodeOptions): DecodeResult {
  const classes = alphabet.size;
  if (logProbs.length !== frames * classes) {
    throw new Error(`decode: expected ${frames} frames × ${classes} classes = ${frames * classes} values, got ${logProbs.length}`);
  }
  if (!(opts.frameSeconds > 0)) throw new Error(`decode: frameSeconds must be > 0, got ${opts.frameSeconds}`);
  const values = asLogProbs(logProbs, frames, classes);
  if (opts.grammar) {
    const choice = decodeGrammar(values, frames, classes, opts.grammar, opts.grammarMinConfidence);
    const aligned = alignWords(values, frames, alphabet, choice.labels, opts.frameSeconds);
    // The timings are the spoken variant's (a pronunciation for a phone model); the words are the phrase's.
    const words = choice.text ? choice.text.split(' ') : [];
    return {
      ...aligned, text: choice.text, words: aligned.words.map((w, i) => ({ ...w, word: words[i] ?? w.word })),
      grammar: { bestPhrase: choice.bestPhrase, confidence: choice.confidence, lowConfidence: choice.lowConfidence },
    };
  }
  const constrained = opts.vocabulary !== undefined || opts.lm !== undefined;
  const beam = opts.beam ?? (constrained ? DEFAULT_BEAM : 1);
  const labels = beam <= 1 && !constrained
    ? greedyLabels(values, frames, classes)
    : prefixBeamSearch(values, frames, alphabet, { ...opts, beam });
  const result = alignWords(values, frames, alphabet, labels, opts.frameSeconds);
  return opts.phoneWords ? resultInWords(result, opts.phoneWords) : result;
}
