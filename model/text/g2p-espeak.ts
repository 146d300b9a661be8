/**
 * Pronunciations for words CMUdict lacks (names in audiobooks, "snowboy"), from eSpeak NG's
 * US English rules: its IPA output mapped to ARPAbet. Used for training text, and for the words
 * of a user's word list or grammar, when eSpeak NG is installed (the app does not ship it; without
 * it those words are reported, model/text/phone-transcripts.ts). 1.7 % of the LibriSpeech-mini
 * training words are missing from CMUdict, but they touch 40 % of its utterances, so leaving
 * them out would lose too much speech.
 */
import { execFileSync } from 'node:child_process';

/** IPA (as espeak-ng --ipa writes US English) → ARPAbet; longest match first. */
const IPA_TO_ARPABET: readonly [string, string][] = [
  ['aɪ', 'AY'], ['aʊ', 'AW'], ['ɔɪ', 'OY'], ['eɪ', 'EY'], ['oʊ', 'OW'], ['tʃ', 'CH'], ['dʒ', 'JH'],
  ['ɜː', 'ER'], ['ɑː', 'AA'], ['ɔː', 'AO'], ['iː', 'IY'], ['uː', 'UW'], ['ɪɹ', 'IH R'], ['ɛɹ', 'EH R'],
  ['ɝ', 'ER'], ['ɚ', 'ER'], ['ɜ', 'ER'], ['ɑ', 'AA'], ['ɒ', 'AA'], ['ɔ', 'AO'], ['i', 'IY'], ['u', 'UW'],
  ['ɪ', 'IH'], ['ᵻ', 'IH'], ['ɛ', 'EH'], ['e', 'EH'], ['æ', 'AE'], ['a', 'AE'], ['ʌ', 'AH'], ['ə', 'AH'],
  ['ɐ', 'AH'], ['ʊ', 'UH'], ['o', 'OW'], ['ɾ', 'T'], ['ʔ', 'T'], ['θ', 'TH'], ['ð', 'DH'], ['ʃ', 'SH'],
  ['ʒ', 'ZH'], ['ŋ', 'NG'], ['ɹ', 'R'], ['r', 'R'], ['j', 'Y'], ['w', 'W'], ['h', 'HH'], ['ɡ', 'G'],
  ['g', 'G'], ['x', 'K'], ['ɬ', 'L'], ['b', 'B'], ['d', 'D'], ['f', 'F'], ['k', 'K'], ['l', 'L'], ['m', 'M'],
  ['n', 'N'], ['p', 'P'], ['s', 'S'], ['t', 'T'], ['v', 'V'], ['z', 'Z'],
];
/** Marks that carry no phone: stress, length (after the long vowels above), syllabic, ties. */
const IGNORED = new Set(['ˈ', 'ˌ', 'ː', '\u0329', '\u0361', '‿', '-', ' ']);

/** One word's IPA → ARPAbet phones; repeated phones ("ɹɹ") collapse to one, as in CMUdict. */
export function ipaToArpabet(ipa: string, word = ipa): string[] {
  const phones: string[] = [];
  let i = 0;
  while (i < ipa.length) {
    if (IGNORED.has(ipa[i])) { i++; continue; }
    const match = IPA_TO_ARPABET.find(([symbol]) => ipa.startsWith(symbol, i));
    if (!match) throw new Error(`eSpeak NG pronounced "${word}" as /${ipa}/: no ARPAbet phone for "${ipa[i]}"`);
    for (const phone of match[1].split(' ')) if (phones.at(-1) !== phone) phones.push(phone);
    i += match[0].length;
  }
  if (phones.length === 0) throw new Error(`eSpeak NG gave no phones for "${word}"`);
  return phones;
}

/** Pronounces `words` with espeak-ng (one process, one word a line) → ARPAbet per word. */
export function espeakPronunciations(words: readonly string[]): Map<string, string[]> {
  const result = new Map<string, string[]>();
  if (words.length === 0) return result;
  let output: string;
  try {
    output = execFileSync('espeak-ng', ['-q', '--ipa', '-v', 'en-us'], { input: words.join('\n') + '\n', encoding: 'utf8' });
  } catch (error) {
    throw new Error(`espeak-ng failed (${(error as Error).message}); apt-get install espeak-ng`);
  }
  const lines = output.split('\n').map((l) => l.trim()).filter((l) => l !== '');
  if (lines.length === words.length) {
    words.forEach((word, i) => result.set(word, ipaToArpabet(lines[i], word)));
    return result;
  }
  // eSpeak NG may join lines into one clause; then one process per word (slower, unambiguous).
  for (const word of words) {
    const ipa = execFileSync('espeak-ng', ['-q', '--ipa', '-v', 'en-us', word], { encoding: 'utf8' }).trim();
    result.set(word, ipaToArpabet(ipa, word));
  }
  return result;
}
