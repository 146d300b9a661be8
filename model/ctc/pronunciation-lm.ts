/**
 * Word decoding for a phone model (model/text/phones.ts). The beam search spells hypotheses in
 * phone symbols and scores a "word" at each space; for a phone model that word is a
 * pronunciation. Homophones ("two", "too", "to") share one, so:
 * - during the search a pronunciation scores the summed probability of its words (log-sum-exp),
 *   each earlier pronunciation in the history read as its most likely word;
 * - after it, chooseWords picks one word per pronunciation with the LM (Viterbi over the few
 *   homophones of each), which a summed score cannot do.
 */
import type { LanguageModel } from './ngram-lm.ts';
import type { DecodeResult } from './types.ts';
import { SENTENCE_END, SENTENCE_START } from './word-lm.ts';

/** Pronunciation (phone symbols) → its words, most probable first. */
export type Homophones = ReadonlyMap<string, readonly string[]>;

/**
 * Groups `words` by pronunciation. `pronounce` gives a word's pronunciations (phone-symbol
 * strings; every variant is kept, so "read" is found as R IY D and R EH D); words without one
 * are left out. Words of one pronunciation are ordered by `rank` (higher first; e.g. the LM's
 * unigram log-probability), then alphabetically.
 */
export function groupHomophones(words: Iterable<string>, pronounce: (word: string) => readonly string[] | undefined,
                                rank: (word: string) => number = () => 0): Map<string, string[]> {
  const groups = new Map<string, string[]>();
  for (const word of words) {
    for (const pronunciation of new Set(pronounce(word) ?? [])) {
      const list = groups.get(pronunciation) ?? [];
      if (!list.includes(word)) list.push(word);
      groups.set(pronunciation, list);
    }
  }
  for (const list of groups.values()) list.sort((a, b) => rank(b) - rank(a) || (a < b ? -1 : a > b ? 1 : 0));
  return groups;
}

/** A word LM seen through pronunciations: what the beam search calls while spelling phones. */
export class PronunciationLm implements LanguageModel {
  constructor(readonly words: LanguageModel, readonly homophones: Homophones) {}

  get order(): number {
    return this.words.order;
  }

  has(pronunciation: string): boolean {
    return this.homophones.has(pronunciation);
  }

  /** ln Σ over the pronunciation's words of P(word | history read as the likeliest words). */
  logProb(history: readonly string[], pronunciation: string): number {
    const wordHistory = history.map((h) => (h === SENTENCE_START ? h : this.homophones.get(h)?.[0] ?? h));
    const candidates = pronunciation === SENTENCE_END ? undefined : this.homophones.get(pronunciation);
    if (!candidates) return this.words.logProb(wordHistory, pronunciation);
    let max = -Infinity;
    const scores = candidates.map((w) => this.words.logProb(wordHistory, w));
    for (const s of scores) if (s > max) max = s;
    if (max === -Infinity) return max;
    let sum = 0;
    for (const s of scores) sum += Math.exp(s - max);
    return max + Math.log(sum);
  }
}

/**
 * The most probable words for a sequence of pronunciations under `lm` (with the sentence end),
 * exactly: a Viterbi search whose states are the last order−1 words. A pronunciation with no
 * words (not in `homophones`) is kept as it is.
 */
export function chooseWords(pronunciations: readonly string[], homophones: Homophones, lm: LanguageModel): string[] {
  const historyLength = Math.max(lm.order - 1, 0);
  type State = { history: string[]; score: number; words: string[] };
  let states = new Map<string, State>([['', { history: [SENTENCE_START], score: 0, words: [] }]]);
  const keep = (next: Map<string, State>, state: State) => {
    const key = state.history.slice(-historyLength).join(' ');
    const old = next.get(key);
    if (!old || state.score > old.score) next.set(key, state);
  };
  for (const pronunciation of pronunciations) {
    const next = new Map<string, State>();
    for (const state of states.values()) {
      for (const word of homophones.get(pronunciation) ?? [pronunciation]) {
        const history = [...state.history, word].slice(-Math.max(historyLength, 1));
        keep(next, { history, score: state.score + lm.logProb(state.history, word), words: [...state.words, word] });
      }
    }
    states = next;
  }
  let best: { words: string[]; score: number } | undefined;
  for (const state of states.values()) {
    const score = state.score + lm.logProb(state.history, SENTENCE_END);
    if (!best || score > best.score) best = { words: state.words, score };
  }
  return best!.words;
}

/** What turns a phone model's decoded pronunciations back into words. */
export interface PhoneWords {
  homophones: Homophones;
  /** The word LM that chooses among homophones; without one, each pronunciation's first word. */
  lm?: LanguageModel;
}

/** One word per pronunciation: the LM's choice, or without an LM each one's likeliest word. */
function wordsOf(pronunciations: readonly string[], phoneWords: PhoneWords): string[] {
  return phoneWords.lm
    ? chooseWords(pronunciations, phoneWords.homophones, phoneWords.lm)
    : pronunciations.map((p) => phoneWords.homophones.get(p)?.[0] ?? p);
}

/** A decode result spelled in pronunciations → the same result in words (timings kept). */
export function resultInWords<R extends DecodeResult>(result: R, phoneWords: PhoneWords): R {
  if (result.words.length === 0) return result;
  const words = wordsOf(result.words.map((w) => w.word), phoneWords);
  return { ...result, text: words.join(' '), words: result.words.map((w, i) => ({ ...w, word: words[i] })) };
}

/**
 * A streaming partial spelled in pronunciations (the beam's best so far) → words. Only whole
 * pronunciations the lexicon knows are said; a word still being heard (a prefix) is left out
 * until it is complete, so the partial never shows phone symbols.
 */
export function partialInWords(pronunciations: string, phoneWords: PhoneWords): string {
  const whole = pronunciations.split(' ').filter((p) => phoneWords.homophones.has(p));
  return wordsOf(whole, phoneWords).join(' ');
}
