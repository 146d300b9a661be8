/**
 * The user's settings, persisted atomically in userData/settings.json. A missing or damaged file
 * gives the defaults (the damaged one is kept beside as settings.json.bad for inspection).
 */
import { existsSync, readFileSync, renameSync } from 'node:fs';
import type { Settings } from '../contract/contract.ts';
import { checkValue, SettingsSchema } from '../contract/schemas.ts';
import { writeFileAtomic } from '../model/io/atomic.ts';

export function defaultSettings(activeModelId: string): Settings {
  return { activeModelId, decoding: { mode: 'open', customVocabulary: '', beam: 1 }, microphoneId: '' };
}

/** Checks a Settings value with the contract's schema (the one main uses); only its fields are kept. */
export function checkSettings(value: unknown): Settings {
  return checkValue(SettingsSchema, value, 'settings');
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
