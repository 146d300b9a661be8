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
  /** Posterior of the best phrase against every phrase and the greedy reading, in [0, 1]. */
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
  let total = -Infinity;
  for (const s of phraseLogProbs) total = logAdd(total, s);
  // The unconstrained reading competes unless it is a phrase (then it already does) or a near miss of one.
  const free = greedyLabels(logProbs, frames, classes);
  const nearMiss = grammar.labels.some((l) => editDistance(free, l) <= NEAR_MISS * l.length);
  if (!nearMiss) total = logAdd(total, sequenceLogProb(logProbs, frames, classes, free));
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
