/**
 * Turns what an AudioWorklet sees (render quanta of 128 frames, one array per channel, at the
 * context's rate) into fixed-size 16 kHz mono chunks for `api.pushAudio`. Used inside the worklet;
 * pure, so it is unit-tested in Node.
 *
 * The app asks for an AudioContext at 16 kHz, which Chromium honours by resampling the
 * microphone itself (a polyphase filter), so no resampling happens here; a context at any other
 * rate is refused (files at other rates are resampled by the engine, model/audio).
 */

export const TARGET_RATE = 16_000;

/** Averages the channels into one (the fake device and many mics report stereo). */
export function downmix(channels: readonly Float32Array[]): Float32Array {
  if (channels.length === 0) return new Float32Array(0);
  if (channels.length === 1) return channels[0].slice();
  const length = channels[0].length;
  const mono = new Float32Array(length);
  for (const channel of channels) {
    for (let i = 0; i < length; i++) mono[i] += channel[i];
  }
  for (let i = 0; i < length; i++) mono[i] /= channels.length;
  return mono;
}

/** Collects 16 kHz mono samples and hands them out in chunks of exactly `chunkSamples`. */
export class Chunker {
  private pending = new Float32Array(0);

  /** `chunkSamples` defaults to 1600 (100 ms): small enough for partial text within 300 ms. */
  constructor(inputRate: number, readonly chunkSamples = 1600) {
    if (!(chunkSamples > 0)) throw new Error(`Chunker: expected a positive chunk size, got ${chunkSamples}`);
    if (inputRate !== TARGET_RATE) throw new Error(`Chunker: the audio runs at ${inputRate} Hz; expected ${TARGET_RATE} Hz (an AudioContext created at 16 kHz)`);
  }

  /** Feeds one render quantum (per-channel arrays); returns the full chunks now ready. */
  push(channels: readonly Float32Array[]): Float32Array[] {
    const mono = downmix(channels);
    const joined = new Float32Array(this.pending.length + mono.length);
    joined.set(this.pending, 0);
    joined.set(mono, this.pending.length);
    const chunks: Float32Array[] = [];
    let offset = 0;
    while (joined.length - offset >= this.chunkSamples) {
      chunks.push(joined.slice(offset, offset + this.chunkSamples));
      offset += this.chunkSamples;
    }
    this.pending = joined.slice(offset);
    return chunks;
  }

  /** Whatever is left (shorter than a chunk), when recording stops. */
  flush(): Float32Array {
    const rest = this.pending;
    this.pending = new Float32Array(0);
    return rest;
  }
}

/** RMS level in dB full scale (−100 for silence), for the level meter. */
export function levelDbfs(samples: Float32Array): number {
  if (samples.length === 0) return -100;
  let squares = 0;
  for (let i = 0; i < samples.length; i++) squares += samples[i] * samples[i];
  const rms = Math.sqrt(squares / samples.length);
  return rms > 1e-5 ? Math.max(-100, 20 * Math.log10(rms)) : -100;
}
