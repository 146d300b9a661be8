/**
 * The voices the corpus uses: Debian main only (flite, festival kal/ked/slt-hts, espeak-ng), whose
 * licences allow training a shipped model (docs/tts.md §2.3). No MBROLA, Pico or festival rab/don.
 *
 * Held out for development: festival ked_diphone. It is a US male speaker (like most of AN4)
 * that no training voice shares, and its engine (festival diphone) is seen in training through
 * kal, so the dev set measures generalisation to a new speaker rather than to a new synthesis
 * technique. Holding out flite rms or awb instead would remove one of the two most natural
 * voices Debian main offers (PocketSphinx WER 13.6 % and 16.9 %) from training; ked (24.7 %)
 * is of the same quality as kal16 and kal_diphone.
 */

export type Engine = 'espeak-ng' | 'flite' | 'festival';
export type Split = 'train' | 'dev';

export interface Voice {
  /** Stable id, also the folder name of its WAVs: `flite-rms`, `espeak-ng-en-us+klatt4`. */
  id: string;
  engine: Engine;
  /** The engine's own voice name. */
  name: string;
  split: Split;
  /** Share of the split's utterances (weights within a split need not sum to 1). */
  weight: number;
  /** Whether the engine's own pitch control works for this voice (else sox pitch only). */
  enginePitch: boolean;
  /** Whether the engine's own rate control works for this voice. */
  engineRate: boolean;
  /** Apt package that provides it. */
  aptPackage: string;
}

function voice(engine: Engine, name: string, split: Split, weight: number, aptPackage: string, enginePitch: boolean, engineRate = true): Voice {
  return { id: `${engine}-${name}`, engine, name, split, weight, enginePitch, engineRate, aptPackage };
}

/** eSpeak NG accent × variant combinations: the klatt family, f2, f5 and m6 (tts.md §2.1). */
const ESPEAK_VOICES = [
  'en-us+klatt4', 'en-us+klatt5', 'en-us+klatt', 'en-us+klatt6', 'en-gb-x-rp+klatt2', 'en-029+klatt5',
  'en-us+f2', 'en-us+f5', 'en-gb+m6', 'en-gb-scotland+f5',
];
/** eSpeak's formant voices are far from natural speech: keep them a minor share (14 %). */
const ESPEAK_SHARE = 0.14;

export const VOICES: readonly Voice[] = [
  voice('flite', 'rms', 'train', 0.17, 'flite', false),
  voice('flite', 'awb', 'train', 0.17, 'flite', true),
  voice('flite', 'slt', 'train', 0.12, 'flite', true),
  voice('flite', 'kal16', 'train', 0.08, 'flite', true),
  voice('flite', 'kal', 'train', 0.04, 'flite', true),
  voice('festival', 'kal_diphone', 'train', 0.12, 'festvox-kallpc16k', false),
  // The HTS voice ignores Duration_Stretch (tts.md §3): rate and pitch come from sox only.
  voice('festival', 'cmu_us_slt_arctic_hts', 'train', 0.16, 'festvox-us-slt-hts', false, false),
  ...ESPEAK_VOICES.map((name) => voice('espeak-ng', name, 'train', ESPEAK_SHARE / ESPEAK_VOICES.length, 'espeak-ng', true)),
  voice('festival', 'ked_diphone', 'dev', 1, 'festvox-kdlpc16k', false),
];

/** Voices of one split, optionally restricted to ids in `only`. */
export function voicesOf(split: Split, only?: readonly string[]): Voice[] {
  const chosen = VOICES.filter((v) => v.split === split && (only === undefined || only.includes(v.id)));
  return chosen;
}

/** Looks voices up by id; throws naming the unknown ids and the known ones. */
export function resolveVoiceIds(ids: readonly string[]): Voice[] {
  const unknown = ids.filter((id) => !VOICES.some((v) => v.id === id));
  if (unknown.length > 0) throw new Error(`unknown voice id(s) ${unknown.join(', ')}; expected some of: ${VOICES.map((v) => v.id).join(', ')}`);
  return VOICES.filter((v) => ids.includes(v.id));
}
