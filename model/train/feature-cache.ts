/**
 * On-disk cache of raw (unnormalised) features, so each epoch and each rerun skips audio
 * decoding and MFCC extraction. Keyed by the audio file's path, size and modification time and by
 * the feature configuration, so a changed file or front end never reads stale features.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { FeatureConfig } from '../config.ts';
import { writeFileAtomic } from '../io/atomic.ts';

/** Bumped when the extractor's output changes for the same configuration. */
const CACHE_VERSION = 1;

export function defaultCacheDir(): string {
  return process.env.CELLSCRIBE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'cellscribe', 'features');
}

export interface CachedFeatures {
  data: Float32Array; // [frames × dim]
  frames: number;
  dim: number;
}

export class FeatureCache {
  constructor(readonly dir: string, readonly features: FeatureConfig, readonly dim: number) {}

  /** `version` names a transformed copy (e.g. 'speed 0.9'); '' is the audio as it is. */
  private keyFor(audioPath: string, version: string): string {
    const stat = statSync(audioPath);
    const parts: unknown[] = [CACHE_VERSION, this.features, audioPath, stat.size, stat.mtimeMs];
    if (version !== '') parts.push(version); // keys of untransformed audio stay as they were
    const id = JSON.stringify(parts);
    return createHash('sha256').update(id).digest('hex').slice(0, 32);
  }

  /** Cached features of `audioPath` (or of its transformed `version`), or undefined (missing or unreadable entry). */
  get(audioPath: string, version = ''): CachedFeatures | undefined {
    const file = join(this.dir, `${this.keyFor(audioPath, version)}.f32`);
    if (!existsSync(file)) return undefined;
    const bytes = readFileSync(file);
    if (bytes.byteLength % (4 * this.dim) !== 0 || bytes.byteLength === 0) return undefined;
    const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return { data, frames: data.length / this.dim, dim: this.dim };
  }

  set(audioPath: string, data: Float32Array, version = ''): void {
    const file = join(this.dir, `${this.keyFor(audioPath, version)}.f32`);
    writeFileAtomic(file, new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  }
}
