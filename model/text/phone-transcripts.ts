/**
 * Training text for a phone model. A phone model learns from phone transcripts, but people
 * fine-tune on their own recordings with ordinary text ("turn on the lights"). So character
 * transcripts are said with the lexicon here, once, before training: CMUdict's first
 * pronunciation, else eSpeak NG's (names, rare words) when it is installed. An utterance with a
 * word neither knows is not trained on, and is reported with that word, never silently dropped.
 * Phone transcripts (scripts/make-phone-manifests.ts) pass through unchanged.
 */
import { DEFAULT_MODEL } from '../config.ts';
import type { ManifestEntry } from '../train/manifest.ts';
import { Alphabet, normalizeTranscript } from './alphabet.ts';
import { espeakPronunciations } from './g2p-espeak.ts';
import { PHONE_ALPHABET, PhoneLexicon, loadCmudict } from './phones.ts';

export interface SpokenEntries {
  entries: ManifestEntry[];
  /** Utterances left out, with the words that could not be pronounced. */
  skipped: { audioPath: string; reason: string }[];
}

/** Words → ARPAbet for words CMUdict lacks; [] of them when the fallback is unavailable. */
export type Fallback = (words: readonly string[]) => Map<string, string[]>;

/** eSpeak NG when installed; otherwise no fallback (the utterances are reported instead). */
export function espeakIfInstalled(words: readonly string[]): Map<string, string[]> {
  try {
    return espeakPronunciations(words);
  } catch {
    return new Map();
  }
}

/**
 * `entries` as the model with `alphabet` trains on them: unchanged for a character model; for a
 * phone model, character transcripts turned into phone text.
 */
export function transcriptsForModel(entries: readonly ManifestEntry[], alphabet: Alphabet,
                                    dict: () => ReadonlyMap<string, string[][]> = loadCmudict,
                                    fallback: Fallback = espeakIfInstalled): SpokenEntries {
  if (alphabet.chars !== PHONE_ALPHABET) return { entries: [...entries], skipped: [] };
  const chars = new Alphabet(DEFAULT_MODEL.alphabet);
  // Phone text has no Latin letters, so it normalises to nothing as characters.
  const normalised = entries.map((e) => normalizeTranscript(e.text, chars));
  if (normalised.every((text) => text === '')) return { entries: [...entries], skipped: [] };
  const cmudict = dict();
  const words = normalised.flatMap((text) => text.split(' ')).filter((w) => w !== '');
  const lexicon = new PhoneLexicon(cmudict, fallback(new PhoneLexicon(cmudict).missing(words)));
  const out: ManifestEntry[] = [];
  const skipped: SpokenEntries['skipped'] = [];
  entries.forEach((entry, i) => {
    if (normalised[i] === '') return void out.push(entry);
    const unknown = lexicon.missing(normalised[i].split(' '));
    if (unknown.length > 0) {
      skipped.push({ audioPath: entry.audioPath, reason: `no pronunciation for ${unknown.map((w) => `"${w}"`).join(', ')} (not in CMUdict${fallback === espeakIfInstalled ? '; install espeak-ng to pronounce other words' : ''})` });
      return;
    }
    out.push({ ...entry, text: lexicon.toPhoneText(normalised[i]) });
  });
  return { entries: out, skipped };
}
