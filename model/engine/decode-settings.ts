/**
 * What the user chose for decoding (vocabulary, LM, beam), resolved once into the decoder's
 * options so every transcription shares the compiled trie and LM.
 */
import type { Alphabet } from '../text/alphabet.ts';
import { loadVocabulary, loadWordLm, type DecodeOptions, type Vocabulary, type WordLm } from '../ctc/decode.ts';

export interface DecodeSettings {
  /** A word/phrase list file (one per line), or "digits". */
  vocabulary?: string;
  /** A plain-text file to build a word LM from, or a .json LM built earlier. */
  lm?: string;
  beam?: number;
  alpha?: number;
  beta?: number;
}

export interface ResolvedDecoding {
  vocabulary?: Vocabulary;
  lm?: WordLm;
  beam?: number;
  alpha?: number;
  beta?: number;
}

export function resolveDecoding(settings: DecodeSettings, alphabet: Alphabet): ResolvedDecoding {
  if (settings.beam !== undefined && (!Number.isInteger(settings.beam) || settings.beam < 1)) {
    throw new Error(`beam must be a positive integer, got ${settings.beam}`);
  }
  return {
    vocabulary: settings.vocabulary ? loadVocabulary(settings.vocabulary, alphabet) : undefined,
    lm: settings.lm ? loadWordLm(settings.lm) : undefined,
    beam: settings.beam,
    alpha: settings.alpha,
    beta: settings.beta,
  };
}

export function decodeOptions(resolved: ResolvedDecoding, frameSeconds: number): DecodeOptions {
  return { frameSeconds, ...resolved };
}
