/**
 * Turns what an AudioWorklet sees (render quanta of 128 frames, one array per channel, at the
 * context's rate) into fixed-size 16 kHz mono chunks for `api.pushAudio`. Used inside the worklet;
 * pure, so it is unit-tested in Node.
 *
 * The app asks for an AudioContext at 16 kHz, which Chromium honours by resampling itself (a good
 * polyphase filter); then this is a pass-through. The resampler below is the fallback for a
 * context that came up at another rate: linear interpolation after a box average over the
 * decimation ratio, good enough for speech features that stop at 8 kHz.
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

/** Streaming resampler: feeding a signal in any split gives the same output as feeding it whole. */
export class StreamResampler {
  private readonly step: number; // input samples per output sample
  private readonly boxWidth: number;
  private position = 0; // position of the next output sample, in input samples, relative to `history` start
  private history = new Float32Array(0); // unconsumed input (smoothed) kept across calls
  private readonly tail: Float32Array; // raw samples the box filter needs from the previous call

  constructor(readonly inputRate: number, readonly outputRate = TARGET_RATE) {
    if (!(inputRate > 0) || !(outputRate > 0)) throw new Error(`StreamResampler: expected positive rates, got ${inputRate} → ${outputRate}`);
    this.step = inputRate / outputRate;
    this.boxWidth = Math.max(1, Math.round(this.step));
    this.tail = new Float32Array(this.boxWidth - 1);
  }

  /** Resamples the next block; returns the output samples it completed. */
  push(input: Float32Array): Float32Array {
    if (this.step === 1) return input.slice();
    // Box-average over the decimation ratio (a crude anti-alias filter); causal, so state is the tail.
    const raw = new Float32Array(this.tail.length + input.length);
    raw.set(this.tail, 0);
    raw.set(input, this.tail.length);
    const smoothed = new Float32Array(input.length);
    let sum = 0;
    for (let i = 0; i < this.boxWidth - 1; i++) sum += raw[i];
    for (let i = 0; i < input.length; i++) {
      sum += raw[i + this.boxWidth - 1];
      smoothed[i] = sum / this.boxWidth;
      sum -= raw[i];
    }
    if (this.tail.length > 0) this.tail.set(raw.subarray(raw.length - this.tail.length));

    const buffer = new Float32Array(this.history.length + smoothed.length);
    buffer.set(this.history, 0);
    buffer.set(smoothed, this.history.length);
    const out: number[] = [];
    // Output sample at fractional input position p needs buffer[floor(p)] and buffer[floor(p)+1].
    while (this.position + 1 < buffer.length) {
      const index = Math.floor(this.position);
      const weight = this.position - index;
      out.push(buffer[index] * (1 - weight) + buffer[index + 1] * weight);
      this.position += this.step;
    }
    // The next output can lie beyond this buffer (a step is ~3 samples): drop only what exists.
    const keepFrom = Math.min(Math.floor(this.position), buffer.length);
    this.history = buffer.slice(keepFrom);
    this.position -= keepFrom;
    return Float32Array.from(out);
  }
}

/** Collects 16 kHz mono samples and hands them out in chunks of exactly `chunkSamples`. */
export class Chunker {
  private readonly resampler: StreamResampler;
  private pending = new Float32Array(0);

  /** `chunkSamples` defaults to 1600 (100 ms): small enough for partial text within 300 ms. */
  constructor(inputRate: number, readonly chunkSamples = 1600) {
    if (!(chunkSamples > 0)) throw new Error(`Chunker: expected a positive chunk size, got ${chunkSamples}`);
    this.resampler = new StreamResampler(inputRate);
  }

  /** Feeds one render quantum (per-channel arrays); returns the full chunks now ready. */
  push(channels: readonly Float32Array[]): Float32Array[] {
    const mono = this.resampler.push(downmix(channels));
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
