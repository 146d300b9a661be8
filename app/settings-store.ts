/**
 * The user's settings, persisted atomically in userData/settings.json. A missing or damaged file
 * gives the defaults (the damaged one is kept beside as settings.json.bad for inspection).
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import type { DecodingSettings, Settings } from '../contract/contract.ts';
import { writeFileAtomic } from '../model/io/atomic.ts';

export const MAX_BEAM = 128;
export const MAX_VOCABULARY_LENGTH = 200_000;

export function defaultSettings(activeModelId: string): Settings {
  return { activeModelId, decoding: { mode: 'open', customVocabulary: '', beam: 1 }, microphoneId: '' };
}

/** Checks a Settings value field by field; throws naming the first bad field and what came in. */
export function checkSettings(value: unknown): Settings {
  const fail = (field: string, expected: string, got: unknown): never => {
    throw new Error(`settings.${field}: expected ${expected}, got ${JSON.stringify(got)?.slice(0, 80) ?? typeof got}`);
  };
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail('', 'an object', value);
  const s = value as Record<string, unknown>;
  if (typeof s.activeModelId !== 'string' || s.activeModelId.length > 200) fail('activeModelId', 'a string of at most 200 characters', s.activeModelId);
  if (typeof s.microphoneId !== 'string' || s.microphoneId.length > 500) fail('microphoneId', 'a string of at most 500 characters', s.microphoneId);
  const d = s.decoding as Record<string, unknown> | null;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) fail('decoding', 'an object', d);
  if (d!.mode !== 'open' && d!.mode !== 'digits' && d!.mode !== 'custom' && d!.mode !== 'commands') fail('decoding.mode', '"open", "digits", "custom" or "commands"', d!.mode);
  if (typeof d!.customVocabulary !== 'string' || d!.customVocabulary.length > MAX_VOCABULARY_LENGTH) {
    fail('decoding.customVocabulary', `a string of at most ${MAX_VOCABULARY_LENGTH} characters`, typeof d!.customVocabulary === 'string' ? `${d!.customVocabulary.length} characters` : d!.customVocabulary);
  }
  if (!Number.isInteger(d!.beam) || (d!.beam as number) < 1 || (d!.beam as number) > MAX_BEAM) fail('decoding.beam', `an integer from 1 to ${MAX_BEAM}`, d!.beam);
  const decoding: DecodingSettings = { mode: d!.mode as DecodingSettings['mode'], customVocabulary: d!.customVocabulary as string, beam: d!.beam as number };
  // Only the known fields are kept: nothing else from the renderer reaches the disk.
  return { activeModelId: s.activeModelId as string, decoding, microphoneId: s.microphoneId as string };
}

export class SettingsStore {
  constructor(private readonly file: string) {}

  /** The saved settings, or `fallback` when there are none or they are damaged. */
  load(fallback: Settings): Settings {
    if (!existsSync(this.file)) return fallback;
    try {
      return checkSettings(JSON.parse(readFileSync(this.file, 'utf8')));
    } catch {
      renameSync(this.file, `${this.file}.bad`);
      return fallback;
    }
  }

  save(settings: Settings): Settings {
    const checked = checkSettings(settings);
    writeFileAtomic(this.file, JSON.stringify(checked, null, 2));
    return checked;
  }
}
