/**
 * NeMo-style JSON-lines manifests: one object a line with `audio_filepath` (absolute, or relative
 * to the manifest's folder), `duration` in seconds, and `text`.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';

export interface ManifestEntry {
  /** Absolute path of the audio file. */
  audioPath: string;
  durationSeconds: number;
  text: string;
}

export class ManifestError extends Error {
  constructor(file: string, line: number, reason: string) {
    super(`${file}:${line}: ${reason}`);
    this.name = 'ManifestError';
  }
}

/** Parses manifest text; `file` names it in errors and anchors relative paths. */
export function parseManifest(text: string, file: string): ManifestEntry[] {
  const base = dirname(resolve(file));
  const entries: ManifestEntry[] = [];
  text.split(/\r?\n/).forEach((raw, index) => {
    const line = raw.trim();
    if (line === '') return;
    let row: Record<string, unknown>;
    try {
      row = JSON.parse(line);
    } catch {
      throw new ManifestError(file, index + 1, 'not a JSON object');
    }
    if (typeof row !== 'object' || row === null) throw new ManifestError(file, index + 1, 'not a JSON object');
    const path = row.audio_filepath;
    const text = row.text;
    const duration = row.duration;
    if (typeof path !== 'string' || path === '') throw new ManifestError(file, index + 1, 'audio_filepath must be a non-empty string');
    if (typeof text !== 'string') throw new ManifestError(file, index + 1, 'text must be a string');
    if (duration !== undefined && (typeof duration !== 'number' || !(duration >= 0))) {
      throw new ManifestError(file, index + 1, 'duration must be a non-negative number');
    }
    entries.push({ audioPath: isAbsolute(path) ? path : resolve(base, path), durationSeconds: (duration as number | undefined) ?? 0, text });
  });
  return entries;
}

export function readManifest(file: string): ManifestEntry[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new Error(`cannot read manifest ${file}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  const entries = parseManifest(text, file);
  if (entries.length === 0) throw new Error(`manifest ${file} has no entries`);
  return entries;
}

/** Serialises entries back to manifest lines (paths as given). */
export function formatManifest(entries: { audio_filepath: string; duration: number; text: string }[]): string {
  return entries.map((e) => JSON.stringify(e)).join('\n') + '\n';
}
