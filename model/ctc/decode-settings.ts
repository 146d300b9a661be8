/**
 * What the user chose for decoding (vocabulary, LM, grammar, beam), resolved once into the
 * decoder's options so every transcription shares the compiled trie and LM.
 *
 * The open-vocabulary default is the bundled general English LM (GENERAL_LM): a lexicon-
 * constrained word beam search, where hypotheses grow only along the LM's 72k-word trie and
 * each completed word adds α · ln P_lm(word | two words before) + β. Its weights live here.
 */
import { join } from 'node:path';
import { BUNDLED_GENERAL_LM } from '../io/bundled-model.ts';
import type { Alphabet } from '../text/alphabet.ts';
import {
  loadGrammar, loadLanguageModel, loadVocabulary, Vocabulary, grammarFromText,
  type DecodeOptions, type Grammar, type LanguageModel,
} from './decode.ts';
import { NgramLm } from './ngram-lm.ts';
import type { WordLm } from './word-lm.ts';
import { vocabularyFromText } from './vocabulary.ts';
import { PronunciationLm, groupHomophones, type PhoneWords } from './pronunciation-lm.ts';
import { pronunciationsOf } from './grammar.ts';
import { Alphabet as CharAlphabet, normalizeTranscript } from '../text/alphabet.ts';
import { DEFAULT_MODEL } from '../config.ts';
import { PHONE_ALPHABET, loadCmudict, phonesToSymbols, unsayableMessage } from '../text/phones.ts';
import { espeakIfInstalled } from '../text/phone-transcripts.ts';

/**
 * The bundled general LM and its decoding weights (natural-log LM scores). Chosen for
 * cellscribe-base-5 on the sentence dev sets only (held-out LibriSpeech-mini speakers and
 * speechocean762 dev speakers, 6,831 words): beam 16/32/64/128 × α 0.2–1.2 × β −0.5–3 with
 * scripts/tune-lm-weights.ts. Beam 64, α 0.5, β 1 gave the lowest pooled WER (65.5 %; beam 16 at
 * its best 69.2 %, beam 128 was no better and three times slower); rechecked for 5.1 and for the
 * phone model base-6 (the same point won). Grids: docs/language-models.md.
 * Override with --lm-weight / --word-bonus / --beam.
 */
export const GENERAL_LM = {
  /** assets/lm/en-us.cslm from the package root (scripts/make-general-lm.ts builds it). */
  file: join('assets', 'lm', 'en-us.cslm'),
  alpha: 0.5,
  beta: 1,
  beam: 64,
} as const;

export { BUNDLED_GENERAL_LM };

export interface DecodeSettings {
  /** A word/phrase list file (one per line), or "digits". */
  vocabulary?: string;
  /** An LM file: ARPA (plain or .gz), sphinx .lm.bin, our .cslm, a .json WordLm, or plain text. */
  lm?: string;
  /**
   * The general LM to use when neither vocabulary, lm nor grammar is given (open vocabulary);
   * undefined = none (plain CTC beam/greedy). The CLI passes BUNDLED_GENERAL_LM unless --no-lm.
   */
  generalLm?: string;
  /** A phrase list file: the output is exactly one phrase, or nothing. */
  grammar?: string;
  /** Phrases given inline (the app's Commands mode), instead of a grammar file. */
  grammarPhrases?: string;
  /** Grammar only: minimum confidence to output a phrase. */
  grammarMinConfidence?: number;
  beam?: number;
  alpha?: number;
  beta?: number;
}

export interface ResolvedDecoding {
  vocabulary?: Vocabulary;
  /** Phone models: how decoded pronunciations become words. */
  phoneWords?: PhoneWords;
  lm?: LanguageModel;
  grammar?: Grammar;
  grammarMinConfidence?: number;
  beam?: number;
  alpha?: number;
  beta?: number;
}

/** Loaded general LMs and their lexicons by path: loading takes a while and the app asks often. */
const generalCache = new Map<string, { lm: NgramLm; lexicon: Vocabulary }>();

/** The words of an n-gram LM as a lexicon trie (sentence markers and unspellable words left out). */
export function lexiconOf(lm: { readonly words: readonly string[] }, alphabet: Alphabet): Vocabulary {
  const words = lm.words.filter((w) => w !== '<s>' && w !== '</s>' && w !== '<unk>' && [...w].every((ch) => ch !== ' ' && alphabet.id(ch) !== undefined));
  return new Vocabulary(words);
}

/** The general LM at `path` with its lexicon, loaded once per process. */
export function loadGeneralLm(path: string, alphabet: Alphabet): { lm: NgramLm; lexicon: Vocabulary } {
  const key = `${path}\n${alphabet.chars}`;
  let entry = generalCache.get(key);
  if (!entry) {
    const lm = loadLanguageModel(path);
    if (!(lm instanceof NgramLm)) throw new Error(`general LM ${path}: expected an n-gram model (ARPA, sphinx .lm.bin or .cslm)`);
    entry = { lm, lexicon: lexiconOf(lm, alphabet) };
    generalCache.set(key, entry);
  }
  return entry;
}

export function resolveDecoding(settings: DecodeSettings, alphabet: Alphabet): ResolvedDecoding {
  if (settings.beam !== undefined && (!Number.isInteger(settings.beam) || settings.beam < 1)) {
    throw new Error(`beam must be a positive integer, got ${settings.beam}`);
  }
  const weights = { beam: settings.beam, alpha: settings.alpha, beta: settings.beta };
  const phones = alphabet.chars === PHONE_ALPHABET;
  if (settings.grammar !== undefined || settings.grammarPhrases !== undefined) {
    if (settings.vocabulary || settings.lm) throw new Error('a grammar cannot be combined with a vocabulary or LM');
    const mc = settings.grammarMinConfidence;
    if (mc !== undefined && !(mc >= 0 && mc <= 1)) throw new Error(`grammar minimum confidence must be in [0, 1], got ${mc}`);
    // A phone model hears pronunciations: each phrase is scored by every way CMUdict says it.
    const pronounce = phones ? listPronunciations : undefined;
    if (phones) {
      // Read the phrases as words first, so eSpeak NG is asked once for all the unknown ones.
      const text = settings.grammar !== undefined ? loadGrammar(settings.grammar, new CharAlphabet(DEFAULT_MODEL.alphabet)) : grammarFromText(settings.grammarPhrases!);
      guessWords(text.phrases.flatMap((p) => p.split(' ')));
    }
    return {
      grammar: settings.grammar !== undefined
        ? loadGrammar(settings.grammar, alphabet, pronounce)
        : grammarFromText(settings.grammarPhrases!, alphabet, pronounce),
      grammarMinConfidence: mc,
    };
  }
  if (phones) return resolvePhoneDecoding(settings, weights);
  if (settings.vocabulary || settings.lm) {
    const lm = settings.lm ? loadLanguageModel(settings.lm) : undefined;
    let vocabulary = settings.vocabulary ? loadVocabulary(settings.vocabulary, alphabet) : undefined;
    // An n-gram model file (ARPA, sphinx, ours) has a closed vocabulary: decode within it.
    if (!vocabulary && lm instanceof NgramLm) vocabulary = lexiconOf(lm, alphabet);
    return { vocabulary, lm, ...weights };
  }
  if (settings.generalLm) {
    const { lm, lexicon } = loadGeneralLm(settings.generalLm, alphabet);
    return {
      vocabulary: lexicon, lm,
      beam: settings.beam ?? GENERAL_LM.beam, alpha: settings.alpha ?? GENERAL_LM.alpha, beta: settings.beta ?? GENERAL_LM.beta,
    };
  }
  return weights;
}

/** A word's CMUdict pronunciations in phone symbols (model/text/phones.ts). */
function cmudictPronunciations(word: string): string[] | undefined {
  return loadCmudict().get(word)?.map(phonesToSymbols);
}

const guessed = new Map<string, string[] | undefined>();

/**
 * Pronunciations for the words of a user's own list (a vocabulary or grammar): CMUdict's, else
 * eSpeak NG's when it is installed, as for training text, so names and wake words such as
 * "snowboy" can be listed. Not for an LM's tens of thousands of words (one process per word).
 */
function listPronunciations(word: string): string[] | undefined {
  const known = cmudictPronunciations(word);
  if (known || !/^[a-z']+$/.test(word)) return known;
  if (!guessed.has(word)) guessWords([word]);
  return guessed.get(word);
}

/** Asks eSpeak NG once for all of `words` CMUdict lacks (one process, however long the list). */
function guessWords(words: Iterable<string>): void {
  const missing = [...new Set(words)].filter((w) => /^[a-z']+$/.test(w) && !cmudictPronunciations(w) && !guessed.has(w));
  if (missing.length === 0) return;
  const found = espeakIfInstalled(missing);
  for (const word of missing) {
    let symbols: string[] | undefined;
    try {
      const phones = found.get(word);
      symbols = phones?.length ? [phonesToSymbols(phones)] : undefined;
    } catch {
      symbols = undefined; // a phone outside the 39: better unsayable than wrong
    }
    guessed.set(word, symbols);
  }
}

/**
 * Decoding for a phone model (model/text/phones.ts): the words of the vocabulary or LM are
 * turned into pronunciations with CMUdict (words it lacks cannot be output), the search runs
 * over pronunciations with the LM seen through them (pronunciation-lm.ts), and the result is
 * turned back into words. No decoding flags: the greedy phone string. Grammars: resolveDecoding.
 */
function resolvePhoneDecoding(settings: DecodeSettings, weights: Pick<ResolvedDecoding, 'beam' | 'alpha' | 'beta'>): ResolvedDecoding {
  if (!settings.vocabulary && !settings.lm && !settings.generalLm) return weights;
  const pronounce = settings.vocabulary ? listPronunciations : cmudictPronunciations;
  // Words come as a character model would read them: the list, or the LM's spellable words.
  const chars = new CharAlphabet(DEFAULT_MODEL.alphabet);
  let lm: LanguageModel | undefined;
  let words: readonly string[] | undefined = settings.vocabulary ? loadVocabulary(settings.vocabulary, chars).entries : undefined;
  if (settings.lm) {
    const loaded = loadLanguageModel(settings.lm);
    lm = loaded;
    // An LM built from text (a WordLm) lists its words like an n-gram file does.
    words ??= lexiconOf(loaded as NgramLm | WordLm, chars).entries;
  } else if (!words) {
    const general = loadGeneralLm(settings.generalLm!, chars); // cached per process, like a character model's
    lm = general.lm;
    words = general.lexicon.entries;
  }
  // A list's phrases are said word by word; the words are what CMUdict must know.
  const single = [...new Set(words.flatMap((entry) => entry.split(' ')))];
  if (settings.vocabulary) guessWords(single); // one eSpeak NG process for the list's unknown words
  // A word the user listed but CMUdict lacks could never be output: say so rather than drop it.
  const unsayable = settings.vocabulary ? single.filter((w) => !pronounce(w)) : [];
  if (unsayable.length > 0) {
    throw new Error(`${settings.vocabulary}: ${unsayableMessage(unsayable)}`);
  }
  const homophones = groupHomophones(single, pronounce, lm ? (w) => lm.logProb([], w) : undefined);
  if (homophones.size === 0) throw new Error('none of the vocabulary\'s words is in CMUdict, so a phone model cannot say any of them');
  const general = !settings.lm && !settings.vocabulary;
  return {
    // A phrase enters the search as each way to say it (up to MAX_PRONUNCIATIONS, like a grammar's).
    vocabulary: new Vocabulary(words.some((w) => w.includes(' ')) ? words.flatMap((entry) => pronunciationsOf(entry, pronounce)) : [...homophones.keys()]),
    lm: lm ? new PronunciationLm(lm, homophones) : undefined,
    phoneWords: { homophones, lm },
    beam: weights.beam ?? (general ? GENERAL_LM.beam : undefined),
    alpha: weights.alpha ?? (general ? GENERAL_LM.alpha : undefined),
    beta: weights.beta ?? (general ? GENERAL_LM.beta : undefined),
  };
}

/** A decoding choice as the app's settings hold it: a mode, the user's phrase list, a beam width. */
export interface DecodingChoice {
  mode: 'open' | 'digits' | 'custom' | 'commands';
  /** One word or phrase per line (modes 'custom' and 'commands'). */
  customVocabulary: string;
  beam: number;
}

/**
 * Resolves an app decoding choice for a model's alphabet: the digits list, the user's words, one
 * phrase of the user's list (commands), or open vocabulary, with the general LM when `generalLm`
 * names one (its lexicon beam search needs a beam, so a greedy setting of 1 becomes the LM's own).
 */
export function resolveChoice(choice: DecodingChoice, alphabet: Alphabet, generalLm?: string): ResolvedDecoding {
  switch (choice.mode) {
    case 'digits':
      return resolveDecoding({ vocabulary: 'digits', beam: choice.beam }, alphabet);
    case 'custom':
      return { ...resolveDecoding({ beam: choice.beam }, alphabet), vocabulary: vocabularyFromText(choice.customVocabulary, alphabet) };
    case 'commands':
      return resolveDecoding({ grammarPhrases: choice.customVocabulary }, alphabet);
    case 'open':
      if (!generalLm) return resolveDecoding({ beam: choice.beam }, alphabet);
      return resolveDecoding({ generalLm, beam: choice.beam > 1 ? choice.beam : undefined }, alphabet);
    default:
      throw new Error(`decoding mode must be open, digits, custom or commands, got ${JSON.stringify((choice as { mode: unknown }).mode)}`);
  }
}

export function decodeOptions(resolved: ResolvedDecoding, frameSeconds: number): DecodeOptions {
  return { frameSeconds, ...resolved };
}
