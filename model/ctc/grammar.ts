/**
 * Grammar decoding: the utterance is exactly one phrase of a list (PocketSphinx's JSGF one-of,
 * Vosk's phrase lists), or nothing when no phrase fits well enough.
 *
 * Each phrase is scored by its full CTC probability log p(phrase | x) (the forward algorithm,
 * summing every alignment), so there is no beam to lose the right phrase. Confidence is the
 * chosen phrase's posterior against every phrase and, when the unconstrained (greedy) reading
 * of the audio is far from every phrase, that reading too, also scored over all its alignments.
 * "Far" means more than NEAR_MISS of the closest phrase's characters would have to change: a
 * near miss ("sevn" for "seven") is the phrase said imperfectly, not other speech, and does not
 * compete. So a clearly spoken phrase gets near 1 and speech that is none of the phrases near 0.
 */
import { readFileSync } from 'node:fs';
import { Alphabet, normalizeTranscript } from '../text/alphabet.ts';
import { DEFAULT_MODEL } from '../config.ts';
import { unsayableMessage } from '../text/phones.ts';
import { sequenceLogProb } from './ctc-forward.ts';
import { greedyLabels } from './greedy.ts';
import { logAdd } from './log-math.ts';

/** Below this confidence the grammar decoder answers nothing (flagged low-confidence). */
export const DEFAULT_GRAMMAR_MIN_CONFIDENCE = 0.2;
/** Character edits, as a share of the phrase's length, up to which a reading is a near miss. */
export const NEAR_MISS = 0.5;

/** Levenshtein distance between two label sequences. */
function editDistance(a: readonly number[], b: readonly number[]): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = current;
  }
  return previous[b.length];
}

/** A phrase with several pronunciations is scored by at most this many of them (all words' first ones first). */
export const MAX_PRONUNCIATIONS = 16;

export class Grammar {
  /** Normalised phrases, duplicates removed, in file order. */
  readonly phrases: readonly string[];
  /**
   * Per phrase, the label sequences that say it: one spelling for a character model, each
   * pronunciation for a phone model. A phrase scores the summed probability of its variants.
   */
  readonly variants: readonly (readonly number[][])[];

  /**
   * `pronounce` (a phone model): each word → its pronunciations in the model's symbols;
   * without it the phrases are spelled with `alphabet`.
   */
  constructor(phrases: readonly string[], alphabet: Alphabet, pronounce?: (word: string) => readonly string[] | undefined) {
    const unique = [...new Set(phrases.map((p) => p.replace(/\s+/g, ' ').trim()).filter((p) => p.length > 0))];
    if (unique.length === 0) throw new Error('grammar: expected at least one non-empty phrase, got none');
    this.phrases = unique;
    if (pronounce) {
      const unsayable = [...new Set(unique.flatMap((p) => p.split(' ')).filter((w) => !pronounce(w)?.length))];
      if (unsayable.length > 0) {
        throw new Error(unsayableMessage(unsayable));
      }
    }
    this.variants = unique.map((phrase) => {
      if (!pronounce) return [alphabet.encode(phrase)];
      return pronunciationsOf(phrase, pronounce).map((spoken) => alphabet.encode(spoken));
    });
  }
}

/** Every way to say `phrase` (words' pronunciations joined by spaces), at most MAX_PRONUNCIATIONS. */
export function pronunciationsOf(phrase: string, pronounce: (word: string) => readonly string[] | undefined): string[] {
  let spoken = [''];
  for (const word of phrase.split(' ')) {
    const options = pronounce(word);
    const next: string[] = [];
    // Breadth first over words, so the cap drops late words' rarer pronunciations, never a word.
    for (const option of options!) for (const prefix of spoken) next.push(prefix ? `${prefix} ${option}` : option);
    spoken = next.slice(0, MAX_PRONUNCIATIONS);
  }
  return spoken;
}

/**
 * One phrase a line; normalised like transcripts; blank lines and '#' comments skipped. With
 * `pronounce` (a phone model) the phrases are read as words and said with its pronunciations.
 */
export function grammarFromText(text: string, alphabet = new Alphabet(DEFAULT_MODEL.alphabet),
                                pronounce?: (word: string) => readonly string[] | undefined): Grammar {
  const lines = text.split(/\r?\n/).filter((line) => !line.trim().startsWith('#'));
  const spelling = pronounce ? new Alphabet(DEFAULT_MODEL.alphabet) : alphabet;
  return new Grammar(lines.map((line) => normalizeTranscript(line, spelling)), alphabet, pronounce);
}

export function loadGrammar(path: string, alphabet?: Alphabet, pronounce?: (word: string) => readonly string[] | undefined): Grammar {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new Error(`grammar ${path}: ${(error as Error).message}`);
  }
  try {
    return grammarFromText(text, alphabet, pronounce);
  } catch (error) {
    throw new Error(`grammar ${path}: ${(error as Error).message}`);
  }
}

export interface GrammarResult {
  /** The chosen phrase, or '' when rejected. */
  text: string;
  /** The best phrase even when rejected. */
  bestPhrase: string;
  /** The likeliest variant (spelling or pronunciation) of the chosen phrase; [] when rejected. */
  labels: number[];
  /** Posterior of the best phrase against every phrase and the greedy reading, in [0, 1]. */
  confidence: number;
  /** True when confidence < the minimum: text is then ''. */
  lowConfidence: boolean;
  /** log p(phrase | x) per phrase (summed over its variants), in grammar order. */
  phraseLogProbs: number[];
}

/** Chooses one phrase for [frames × classes] log-probabilities. */
export function decodeGrammar(logProbs: ArrayLike<number>, frames: number, classes: number, grammar: Grammar,
                              minConfidence = DEFAULT_GRAMMAR_MIN_CONFIDENCE): GrammarResult {
  const variantLogProbs = grammar.variants.map((variants) => variants.map((labels) => sequenceLogProb(logProbs, frames, classes, labels)));
  const phraseLogProbs = variantLogProbs.map((scores) => scores.reduce((sum, s) => logAdd(sum, s), -Infinity));
  let best = 0;
  for (let i = 1; i < phraseLogProbs.length; i++) if (phraseLogProbs[i] > phraseLogProbs[best]) best = i;
  let total = -Infinity;
  for (const s of phraseLogProbs) total = logAdd(total, s);
  // The unconstrained reading competes unless it is a phrase (then it already does) or a near miss of one.
  const free = greedyLabels(logProbs, frames, classes);
  const nearMiss = grammar.variants.some((variants) => variants.some((l) => editDistance(free, l) <= NEAR_MISS * l.length));
  if (!nearMiss) total = logAdd(total, sequenceLogProb(logProbs, frames, classes, free));
  const confidence = Number.isFinite(phraseLogProbs[best]) ? Math.exp(phraseLogProbs[best] - total) : 0;
  const lowConfidence = confidence < minConfidence;
  const scores = variantLogProbs[best];
  const likeliest = scores.indexOf(Math.max(...scores));
  return {
    text: lowConfidence ? '' : grammar.phrases[best],
    bestPhrase: grammar.phrases[best],
    labels: lowConfidence ? [] : [...grammar.variants[best][likeliest]],
    confidence,
    lowConfidence,
    phraseLogProbs,
  };
}
