/**
 * Small real-speech manifests for tests, drawn from the Free Spoken Digit Dataset in
 * ../shared/data/fsdd (present on every developer machine and in CI).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { writeFileAtomic } from '../io/atomic.ts';

export const FSDD_DIR = resolve(fileURLToPath(new URL('../../../shared/data/fsdd', import.meta.url)));
export const DIGIT_WORDS = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

export function fsddAvailable(): boolean {
  return existsSync(join(FSDD_DIR, '0_george_0.wav'));
}

export function fsddPath(digit: number, speaker: string, take: number): string {
  return join(FSDD_DIR, `${digit}_${speaker}_${take}.wav`);
}

/** Writes a manifest of the given digits × speakers × takes into a fresh temp folder. */
export function writeFsddManifest(name: string, digits: number[], speakers: string[], takes: number[], dir = mkdtempSync(join(tmpdir(), 'fsdd-'))): string {
  const lines: string[] = [];
  for (const digit of digits) {
    for (const speaker of speakers) {
      for (const take of takes) lines.push(JSON.stringify({ audio_filepath: fsddPath(digit, speaker, take), duration: 0, text: DIGIT_WORDS[digit] }));
    }
  }
  const path = join(dir, name);
  writeFileAtomic(path, lines.join('\n') + '\n');
  return path;
}
