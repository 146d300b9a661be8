/**
 * What the synthetic voices say. Five categories modelled on what CellScribe must recognise
 * (AN4-style spelled letters, digits and commands) plus general English sentences. Each item has
 * the training transcript (`text`, normalised to the model alphabet) and the string given to
 * the TTS engine (`tts`), which differ for spelled letters: engines read a lone "a" as the
 * article, so letters go to the engine in capitals and "A" as "A." (checked with espeak-ng -x,
 * flite -ps and festival utt.save.segs: all three then say the letter names).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Alphabet, normalizeTranscript } from '../text/alphabet.ts';
import { DEFAULT_MODEL } from '../config.ts';
import { digitString, numberPhrase } from './numbers.ts';
import { type Random, fnv1a, intBetween, pick, pickWeighted } from './random.ts';

export const CATEGORIES = ['digits', 'letters', 'numbers', 'commands', 'sentences'] as const;
export type Category = (typeof CATEGORIES)[number];

/** One thing to say: `text` is the transcript, `tts` what the engine reads. */
export interface TextItem {
  category: Category;
  text: string;
  tts: string;
}

/** Share of utterances per category (sentences carry most of the general vocabulary). */
export const CATEGORY_WEIGHTS: Record<Category, number> = {
  sentences: 0.4,
  commands: 0.2,
  letters: 0.15,
  digits: 0.15,
  numbers: 0.1,
};

/** AN4's command words. */
export const COMMAND_WORDS = ['yes', 'no', 'go', 'start', 'stop', 'help', 'repeat', 'enter', 'erase', 'rubout'] as const;

const ALPHABET = new Alphabet(DEFAULT_MODEL.alphabet);
const LETTERS = 'abcdefghijklmnopqrstuvwxyz';

/** Default sentence list: WordNet 3.0 usage examples (see texts/SOURCES.md). */
export const DEFAULT_SENTENCES_FILE = fileURLToPath(new URL('./texts/sentences.txt', import.meta.url));

/** Normalises to the model alphabet (lowercase a–z, apostrophe, space; digits spelled out). */
export function normalize(text: string): string {
  return normalizeTranscript(text, ALPHABET);
}

/** A spoken token: what is written in the transcript and what the engine is given. */
interface Token { write: string; say: string }

function letterToken(letter: string): Token {
  return { write: letter, say: letter === 'a' ? 'A.' : letter.toUpperCase() };
}
function wordToken(words: string): Token {
  return { write: words, say: words };
}
function joinTokens(category: Category, tokens: Token[]): TextItem {
  return { category, text: normalize(tokens.map((t) => t.write).join(' ')), tts: tokens.map((t) => t.say).join(' ') };
}

/** Sentences split into the part for training voices and the part kept for the dev voice. */
export interface SentencePool {
  train: string[];
  dev: string[];
  /** Words of 3–10 letters from the training sentences, for spelling practice. */
  words: string[];
}

/** True for the ~5 % of sentences reserved for the dev set (by a hash of the transcript, so stable). */
export function isDevSentence(transcript: string): boolean {
  return fnv1a(`dev-split:${transcript}`) % 20 === 0;
}

/** Splits raw sentences (one per line) into train/dev by a hash of their normalised text. */
export function sentencePool(lines: readonly string[]): SentencePool {
  const train: string[] = [];
  const dev: string[] = [];
  const seen = new Set<string>();
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) continue;
    const transcript = normalize(line);
    if (transcript === '' || seen.has(transcript)) continue;
    seen.add(transcript);
    (isDevSentence(transcript) ? dev : train).push(line);
  }
  const words = [...new Set(train.flatMap((s) => normalize(s).split(' ')))]
    .filter((w) => /^[a-z]{3,10}$/.test(w))
    .sort();
  return { train, dev, words };
}

/** Reads a sentence file (one per line, `#` comments) into a pool. */
export function loadSentencePool(file = DEFAULT_SENTENCES_FILE): SentencePool {
  return sentencePool(readFileSync(file, 'utf8').split('\n'));
}

/** 1–10 digits read one by one, sometimes in phone-style groups. */
export function digitsItem(random: Random): TextItem {
  const length = pick(random, [1, 2, 3, 3, 4, 4, 5, 6, 7, 7, 8, 9, 10]);
  return joinTokens('digits', [wordToken(digitString(length, random))]);
}

/** Spelled letters: a random string of 1–8 letters, or a real word spelled out. */
export function lettersItem(random: Random, words: readonly string[]): TextItem {
  const letters = random() < 0.5 || words.length === 0
    ? Array.from({ length: intBetween(random, 1, 8) }, () => pick(random, [...LETTERS]))
    : [...pick(random, words)];
  return joinTokens('letters', letters.map(letterToken));
}

/** Number words: cardinals, years, dates, pairs ("seventy nine fifty nine"). */
export function numbersItem(random: Random): TextItem {
  return joinTokens('numbers', [wordToken(numberPhrase(random))]);
}

/** A mix of letters and digits, like AN4's "u m n y h six". */
function alphanumeric(random: Random, maxTokens: number): Token[] {
  const n = intBetween(random, 1, maxTokens);
  return Array.from({ length: n }, () =>
    random() < 0.6 ? letterToken(pick(random, [...LETTERS])) : wordToken(digitString(1, random, 0.3)));
}

/** AN4-style commands: "rubout g m e f three nine", "enter six two four", "yes", "area code ...". */
export function commandsItem(random: Random): TextItem {
  const kind = pickWeighted(random, { single: 0.3, edit: 0.25, enter: 0.2, mixed: 0.15, area: 0.1 });
  switch (kind) {
    case 'single': return joinTokens('commands', [wordToken(pick(random, COMMAND_WORDS))]);
    case 'edit': return joinTokens('commands', [wordToken(pick(random, ['rubout', 'erase'])), ...alphanumeric(random, 7)]);
    case 'enter': {
      const what = random() < 0.6 ? digitString(intBetween(random, 1, 7), random) : numberPhrase(random);
      return joinTokens('commands', [wordToken('enter'), wordToken(what)]);
    }
    case 'mixed': return joinTokens('commands', alphanumeric(random, 8));
    default: return joinTokens('commands', [wordToken(`area code ${digitString(3, random, 0.2)}`)]);
  }
}

/**
 * Draws one item of `category`. Sentences come in a fixed (seeded) order from `sentences`,
 * indexed by `sentenceIndex`, so a corpus uses each before repeating any.
 */
export function textItem(category: Category, random: Random, pool: SentencePool, sentences: readonly string[], sentenceIndex: number): TextItem {
  switch (category) {
    case 'digits': return digitsItem(random);
    case 'letters': return lettersItem(random, pool.words);
    case 'numbers': return numbersItem(random);
    case 'commands': return commandsItem(random);
    case 'sentences': {
      if (sentences.length === 0) throw new Error('textItem: expected a non-empty sentence list, got none');
      const line = sentences[sentenceIndex % sentences.length];
      return { category, text: normalize(line), tts: line };
    }
  }
}
