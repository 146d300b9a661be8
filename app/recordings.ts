/**
 * Durable capture: every pushed chunk is appended to <id>.pcm.part (float32 little-endian) and
 * fsynced before the engine sees it, so a crash of the app or the engine loses no audio. On the
 * next start, leftover .part files are turned into saved recordings (see recoverPartFiles).
 */
import { closeSync, existsSync, fsyncSync, openSync, readdirSync, readFileSync, readSync, rmSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { checkId, ID_PATTERN } from './paths.ts';

export const PART_SUFFIX = '.pcm.part';

export class RecordingFile {
  private fd: number | undefined;
  samples = 0;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'a');
  }

  static create(dir: string, id: string): RecordingFile {
    return new RecordingFile(join(dir, `${checkId(id)}${PART_SUFFIX}`));
  }

  /** Appends the chunk and flushes it to disk. */
  append(pcm: Float32Array): void {
    if (this.fd === undefined) throw new Error('this recording is closed');
    const bytes = Buffer.from(pcm.buffer, pcm.byteOffset, pcm.byteLength);
    let offset = 0;
    while (offset < bytes.length) offset += writeSync(this.fd, bytes, offset, bytes.length - offset);
    fsyncSync(this.fd);
    this.samples += pcm.length;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Everything appended so far. */
  read(): Float32Array {
    return readPartFile(this.path);
  }

  remove(): void {
    this.close();
    rmSync(this.path, { force: true });
  }
}

/** Reads a .part file; a torn last sample (crash mid-write) is dropped. */
export function readPartFile(path: string): Float32Array {
  const bytes = readFileSync(path);
  const whole = bytes.length - (bytes.length % 4);
  const out = new Float32Array(whole / 4);
  new Uint8Array(out.buffer).set(bytes.subarray(0, whole));
  return out;
}

/** Ids of the .part files left in `dir` (recordings interrupted by a crash). */
export function leftoverPartFiles(dir: string): { id: string; path: string }[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((name) => name.endsWith(PART_SUFFIX))
    .map((name) => ({ id: name.slice(0, -PART_SUFFIX.length), path: join(dir, name) }));
}

/**
 * Longest piece of a recovered recording: one hour of 16 kHz float samples (230 MB). A leftover
 * .part file can be any size (a long recording, or disk damage); it is read a piece at a time and
 * each piece becomes its own recording, so start-up never reads more than this at once (a 2 GiB
 * file once made every launch fail, since Node cannot read it whole).
 */
export const RECOVERY_PIECE_SAMPLES = 16000 * 3600;

/** Calls `onPiece` for each successive piece of a .part file (a torn last sample is dropped). */
export function readPartFileInPieces(path: string, onPiece: (samples: Float32Array, index: number, count: number) => void, pieceSamples = RECOVERY_PIECE_SAMPLES): void {
  const totalSamples = Math.floor(statSync(path).size / 4);
  const count = Math.max(1, Math.ceil(totalSamples / pieceSamples));
  const fd = openSync(path, 'r');
  try {
    for (let index = 0; index < count; index++) {
      const samples = new Float32Array(Math.min(pieceSamples, totalSamples - index * pieceSamples));
      const bytes = new Uint8Array(samples.buffer);
      let offset = 0;
      while (offset < bytes.length) {
        const read = readSync(fd, bytes, offset, bytes.length - offset, index * pieceSamples * 4 + offset);
        if (read === 0) break;
        offset += read;
      }
      onPiece(offset === bytes.length ? samples : samples.subarray(0, Math.floor(offset / 4)), index, count);
    }
  } finally {
    closeSync(fd);
  }
}

/** Whether a leftover .part file's name is one this app writes (an id it can use). */
export function isRecoverableName(id: string): boolean {
  return ID_PATTERN.test(id);
}
