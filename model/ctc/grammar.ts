/**
 * Grammar decoding: the utterance is exactly one phrase of a list (PocketSphinx's JSGF one-of,
 * Vosk's phrase lists), or nothing when no phrase fits well enough.
 *
 * Each phrase is scored by its full CTC probability log p(phrase | x) (the forward algorithm,
 * summing every alignment), so there is no beam to lose the right phrase. Confidence is the
 * chosen phrase's posterior against every phrase and one more competitor, the free best path
 * (the most likely single alignment of any text at all): speech that is none of the phrases
 * makes the free path far likelier than any phrase and the confidence falls towards 0.
 */
import { readFileSync } from 'node:fs';
import { Alphabet, normalizeTranscript } from '../text/alphabet.ts';
import { DEFAULT_MODEL } from '../config.ts';
import { sequenceLogProb } from './ctc-forward.ts';
import { logAdd } from './log-math.ts';

/** Below this confidence the grammar decoder answers nothing (flagged low-confidence). */
export const DEFAULT_GRAMMAR_MIN_CONFIDENCE = 0.2;

export class Grammar {
  /** Normalised phrases, duplicates removed, in file order. */
  readonly phrases: readonly string[];
  /** Class ids of each phrase. */
  readonly labels: readonly number[][];

  constructor(phrases: readonly string[], alphabet: Alphabet) {
    const unique = [...new Set(phrases.map((p) => p.replace(/\s+/g, ' ').trim()).filter((p) => p.length > 0))];
    if (unique.length === 0) throw new Error('grammar: expected at least one non-empty phrase, got none');
    this.phrases = unique;
    this.labels = unique.map((p) => alphabet.encode(p));
  }
}

/** One phrase a line; normalised like transcripts; blank lines and '#' comments skipped. */
export function grammarFromText(text: string, alphabet = new Alphabet(DEFAULT_MODEL.alphabet)): Grammar {
  const lines = text.split(/\r?\n/).filter((line) => !line.trim().startsWith('#'));
  return new Grammar(lines.map((line) => normalizeTranscript(line, alphabet)), alphabet);
}

export function loadGrammar(path: string, alphabet?: Alphabet): Grammar {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`grammar ${path}: ${(error as Error).message}`);
  }
  try {
    return grammarFromText(text, alphabet);
  } catch (error) {
    throw new Error(`grammar ${path}: ${(error as Error).message}`);
  }
}

export interface GrammarResult {
  /** The chosen phrase, or '' when rejected. */
  text: string;
  /** The best phrase even when rejected. */
  bestPhrase: string;
  /** Posterior of the best phrase against every phrase and the free best path, in [0, 1]. */
  confidence: number;
  /** True when confidence < the minimum: text is then ''. */
  lowConfidence: boolean;
  /** log p(phrase | x) per phrase, in grammar order. */
  phraseLogProbs: number[];
}

/** Chooses one phrase for [frames × classes] log-probabilities. */
export function decodeGrammar(logProbs: ArrayLike<number>, frames: number, classes: number, grammar: Grammar,
                              minConfidence = DEFAULT_GRAMMAR_MIN_CONFIDENCE): GrammarResult {
  const phraseLogProbs = grammar.labels.map((labels) => sequenceLogProb(logProbs, frames, classes, labels));
  let best = 0;
  for (let i = 1; i < phraseLogProbs.length; i++) if (phraseLogProbs[i] > phraseLogProbs[best]) best = i;
  // The free best path: the likeliest class at every frame.
  let free = 0;
  for (let t = 0; t < frames; t++) {
    let max = -Infinity;
    for (let k = 0; k < classes; k++) max = Math.max(max, logProbs[t * classes + k]);
    free += max;
  }
  let total = free;
  for (const s of phraseLogProbs) total = logAdd(total, s);
  const confidence = Number.isFinite(phraseLogProbs[best]) ? Math.exp(phraseLogProbs[best] - total) : 0;
  const lowConfidence = confidence < minConfidence;
  return {
    text: lowConfidence ? '' : grammar.phrases[best],
    bestPhrase: grammar.phrases[best],
    confidence,
    lowConfidence,
    phraseLogProbs,
  };
}
