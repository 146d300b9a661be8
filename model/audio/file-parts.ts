/**
 * Pieces the whole-file loader (load-audio.ts) and the streaming reader (audio-stream.ts) share:
 * reading a file by ranges, the too-long error and the channel mix.
 */
import { readSync } from 'node:fs';
import { AudioError } from './audio-error.ts';
import type { ByteSource } from './wav.ts';

export function fileSource(fd: number, size: number): ByteSource {
  return {
    size,
    read(offset, length) {
      const want = Math.max(0, Math.min(length, size - offset));
      const buf = new Uint8Array(want);
      let got = 0;
      while (got < want) {
        const n = readSync(fd, buf, got, want - got, offset + got);
        if (n === 0) break;
        got += n;
      }
      return buf.subarray(0, got);
    },
  };
}

export function tooLong(path: string, seconds: number, maxSeconds: number, how: string): AudioError {
  return new AudioError(path, `audio is ${seconds.toFixed(seconds < 10 ? 2 : 1)} s long (${how}), over the limit of ${maxSeconds} s ` +
    `(maxSeconds); split it or raise the limit`);
}

/** Mean of the channels: every channel weighs the same. */
export function mixToMono(channels: Float32Array[]): Float32Array {
  if (channels.length === 1) return channels[0];
  const frames = channels[0].length;
  const mono = new Float32Array(frames);
  for (const channel of channels) for (let i = 0; i < frames; i++) mono[i] += channel[i];
  const scale = 1 / channels.length;
  for (let i = 0; i < frames; i++) mono[i] *= scale;
  return mono;
}
