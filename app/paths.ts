/**
 * Where the app keeps its data under userData. One layout for development and packaged builds;
 * only userDataDir and bundledModelDir differ (electron/main/paths.ts picks them).
 */
import { join } from 'node:path';

export interface AppPaths {
  userDataDir: string;
  settingsFile: string;
  /** User models, one folder each (a model folder, see model/io/model-store.ts). */
  modelsDir: string;
  bundledModelDir: string;
  libraryDir: string;
  /** Transcript records, <id>.json. */
  transcriptsDir: string;
  /** Audio of each transcript as 16 kHz mono float WAV, <id>.wav. */
  audioDir: string;
  /** Imported files' original bytes, <id>.<ext>. */
  originalsDir: string;
  /** Recordings in progress: <id>.pcm.part (float32 little-endian, appended and fsynced per chunk). */
  recordingDir: string;
  /** Deleted transcripts, one folder per id, until restored. */
  trashDir: string;
}

export function appPaths(userDataDir: string, bundledModelDir: string): AppPaths {
  const libraryDir = join(userDataDir, 'library');
  return {
    userDataDir,
    settingsFile: join(userDataDir, 'settings.json'),
    modelsDir: join(userDataDir, 'models'),
    bundledModelDir,
    libraryDir,
    transcriptsDir: join(libraryDir, 'transcripts'),
    audioDir: join(libraryDir, 'audio'),
    originalsDir: join(libraryDir, 'originals'),
    recordingDir: join(libraryDir, 'recording'),
    trashDir: join(libraryDir, 'trash'),
  };
}

/** Ids we create: time-sortable and safe as file names. */
export const ID_PATTERN = /^[a-z0-9][a-z0-9-]{0,99}$/;

let idCounter = 0;
/** A new id: base-36 time, a counter and random digits (sorts by creation time). */
export function newId(): string {
  idCounter = (idCounter + 1) % 1296;
  const random = Math.floor(Math.random() * 36 ** 6).toString(36).padStart(6, '0');
  return `${Date.now().toString(36)}-${idCounter.toString(36).padStart(2, '0')}${random}`;
}

/** Throws unless `id` is one of ours: ids become file names, so nothing else may pass. */
export function checkId(id: unknown, what = 'id'): string {
  if (typeof id !== 'string' || !ID_PATTERN.test(id)) {
    throw new Error(`${what}: expected an id made of a-z, 0-9 and '-' (at most 100 characters), got ${JSON.stringify(id)?.slice(0, 120)}`);
  }
  return id;
}
