/**
 * Phones as CTC output units: the 39 ARPAbet phones of CMUdict (stress removed), each written as
 * one symbol so the character machinery (Alphabet, manifests, CER) works unchanged on phone
 * strings. Words stay separated by a space, which lets a lexicon decoder find word ends the way
 * the character decoder does. Symbols are lowercase Greek and Cyrillic letters: normalizeTranscript
 * lowercases text and spells out digits, so neither capitals nor digits could be symbols.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { PACKAGE_ROOT } from '../io/bundled-model.ts';

/** The 39 CMUdict phones, in CMUdict's order of its phone list. */
export const ARPABET: readonly string[] = [
  'AA', 'AE', 'AH', 'AO', 'AW', 'AY', 'B', 'CH', 'D', 'DH', 'EH', 'ER', 'EY', 'F', 'G', 'HH', 'IH', 'IY', 'JH',
  'K', 'L', 'M', 'N', 'NG', 'OW', 'OY', 'P', 'R', 'S', 'SH', 'T', 'TH', 'UH', 'UW', 'V', 'W', 'Y', 'Z', 'ZH',
];

// Greek and Cyrillic lowercase, none of them a Latin letter: a character transcript read with this
// alphabet normalises to nothing (and is refused) instead of passing for phones.
const SYMBOLS = 'αβγδεζηθικλμνξοπρστυφχψωбгджзийлпфцчшщы';
const symbolOf = new Map(ARPABET.map((phone, i) => [phone, SYMBOLS[i]]));
const phoneOf = new Map(ARPABET.map((phone, i) => [SYMBOLS[i], phone]));

/** The alphabet of a phone model: one symbol per phone, then the word separator. */
export const PHONE_ALPHABET = SYMBOLS + ' ';

/** The bundled CMUdict (assets/lexicon/README.md): Debian's pocketsphinx-en-us copy, gzipped. */
export const CMUDICT_PATH = join(PACKAGE_ROOT, 'assets', 'lexicon', 'cmudict-en-us.dict.gz');

/** ARPAbet phones → their symbols ("HH AH L OW" → one symbol each). */
export function phonesToSymbols(phones: readonly string[]): string {
  return phones.map((phone) => {
    const symbol = symbolOf.get(phone);
    if (symbol === undefined) throw new Error(`"${phone}" is not one of the 39 ARPAbet phones`);
    return symbol;
  }).join('');
}

/** A phone string back to ARPAbet, words separated by " | " (for people reading output). */
export function symbolsToArpabet(text: string): string {
  return text.split(' ').filter((w) => w !== '').map((word) => [...word].map((symbol) => {
    const phone = phoneOf.get(symbol);
    if (phone === undefined) throw new Error(`"${symbol}" is not a phone symbol`);
    return phone;
  }).join(' ')).join(' | ');
}

/**
 * CMUdict's text form → word → pronunciations (ARPAbet, stress digits removed). Variant entries
 * ("read(2)") are added to their word; comments after '#' are dropped.
 */
export function parseCmudict(text: string): Map<string, string[][]> {
  const dict = new Map<string, string[][]>();
  for (const [index, raw] of text.split(/\r?\n/).entries()) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '' || line.startsWith(';;;')) continue;
    const [head, ...rest] = line.split(/\s+/);
    const phones = rest.map((p) => p.replace(/[0-2]$/, ''));
    if (phones.length === 0 || phones.some((p) => !symbolOf.has(p))) {
      throw new Error(`CMUdict line ${index + 1}: "${raw}" is not a word followed by ARPAbet phones`);
    }
    const word = head.replace(/\(\d+\)$/, '').toLowerCase();
    const list = dict.get(word) ?? [];
    list.push(phones);
    dict.set(word, list);
  }
  return dict;
}

let cmudictPath = CMUDICT_PATH;

/** Where CMUdict is, for bundles that moved it (the packaged app's resources/lexicon). */
export function useCmudict(path: string): void {
  cmudictPath = path;
}

const loaded = new Map<string, Map<string, string[][]>>();

/**
 * CMUdict from `path`, plain or gzipped (the bundled copy, or useCmudict's, by default). Parsed
 * once per path (about a second): decoding, and training's train and dev splits, share it.
 */
export function loadCmudict(path = cmudictPath): ReadonlyMap<string, string[][]> {
  let dict = loaded.get(path);
  if (!dict) {
    dict = readCmudict(path);
    loaded.set(path, dict);
  }
  return dict;
}

function readCmudict(path: string): Map<string, string[][]> {
  let text: string;
  try {
    const bytes = readFileSync(path);
    text = (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('latin1');
  } catch (error) {
    throw new Error(`${path}: cannot read CMUdict (${(error as Error).message})`);
  }
  return parseCmudict(text);
}

/** Why a list naming `words` cannot be used by a phone model (the first few named). */
export function unsayableMessage(words: readonly string[]): string {
  const named = `${words.slice(0, 5).join(', ')}${words.length > 5 ? ` and ${words.length - 5} more` : ''}`;
  return `a phone model can only say words in CMUdict; not there: ${named} (install espeak-ng to pronounce other words)`;
}

/**
 * Words → phone strings: CMUdict's first pronunciation, else one from `fallback` (e.g. eSpeak NG
 * for names). Transcripts are first normalised like character training text.
 */
export class PhoneLexicon {
  constructor(
    readonly dict: ReadonlyMap<string, string[][]>,
    readonly fallback: ReadonlyMap<string, string[]> = new Map(),
  ) {}

  /** ARPAbet phones of `word`, or undefined when neither source has it. */
  pronounce(word: string): string[] | undefined {
    return this.dict.get(word)?.[0] ?? this.fallback.get(word);
  }

  /** A normalised transcript's words that neither CMUdict nor the fallback knows. */
  missing(words: readonly string[]): string[] {
    return [...new Set(words.filter((w) => this.pronounce(w) === undefined))];
  }

  /** Normalised transcript → phone text (a word of symbols per word, single spaces). */
  toPhoneText(normalised: string): string {
    return normalised.split(' ').filter((w) => w !== '').map((word) => {
      const phones = this.pronounce(word);
      if (!phones) throw new Error(`no pronunciation for "${word}"`);
      return phonesToSymbols(phones);
    }).join(' ');
  }
}
