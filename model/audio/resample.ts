/**
 * Sample-rate conversion to the engine's 16 kHz through libsamplerate (wasm port), a
 * band-limited windowed-sinc converter: content above the new Nyquist is filtered out instead of
 * aliasing back, which linear interpolation would do.
 *
 * Quality: SRC_SINC_BEST_QUALITY by default. Its passband reaches ~97% of 8 kHz, so the features'
 * mel filters (up to 7.6 kHz) see unattenuated audio; MEDIUM only reaches ~90% (7.2 kHz). BEST
 * costs ~40 ms per second of 48 kHz audio on this machine; pass 'medium' or 'fastest' to trade.
 */
import LSR from '@alexanderolsen/libsamplerate-js';

const { create, ConverterType } = LSR;

/** The engine's sample rate. */
export const TARGET_RATE = 16000;

export type ResampleQuality = 'best' | 'medium' | 'fastest';

const CONVERTERS = {
  best: ConverterType.SRC_SINC_BEST_QUALITY,
  medium: ConverterType.SRC_SINC_MEDIUM_QUALITY,
  fastest: ConverterType.SRC_SINC_FASTEST,
} as const;

/** libsamplerate accepts conversion ratios within [1/256, 256]. */
const MAX_RATIO = 256;
/**
 * Frames handed to the wasm converter per call. The wrapper switches to its own chunking (which
 * drops the tail of the signal) above 4 MB, so we stay far below that and flush ourselves.
 */
const CHUNK_FRAMES = 1 << 15;

/** A stateful resampler for audio arriving in pieces (live capture). */
export interface StreamResampler {
  readonly fromRate: number;
  readonly toRate: number;
  /** Resamples the next piece; returns whatever output is ready (the filter holds back a short tail). */
  push(chunk: Float32Array): Float32Array;
  /**
   * Ends the stream: returns the held-back tail so that the total output is exactly
   * round(totalInput * toRate / fromRate) samples, then frees the converter. push() after flush() throws.
   */
  flush(): Float32Array;
}

function checkRate(fromRate: number, toRate: number): void {
  if (!Number.isFinite(fromRate) || fromRate <= 0) {
    throw new RangeError(`resample: expected a positive source sample rate, got ${fromRate}`);
  }
  const ratio = toRate / fromRate;
  if (ratio > MAX_RATIO || ratio < 1 / MAX_RATIO) {
    throw new RangeError(`resample: ${fromRate} Hz -> ${toRate} Hz is a ratio of ${ratio}; libsamplerate supports 1/256 to 256`);
  }
}

/** libsamplerate-js refuses either rate above this (it throws a bare string). */
const MAX_LIBRARY_RATE = 192000;

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/**
 * The rates to hand libsamplerate. Its filter depends only on the ratio, so a rate above the
 * wrapper's 192 kHz limit (200–384 kHz recorders exist) is scaled down together with the target
 * to integers of the same ratio: 384000 → 16000 runs as 192000 → 8000. Rates whose ratio cannot
 * be written within the limit get a clear error instead of the wrapper's string.
 */
export function libraryRates(fromRate: number, toRate: number): [number, number] {
  if (fromRate <= MAX_LIBRARY_RATE && toRate <= MAX_LIBRARY_RATE) return [fromRate, toRate];
  if (!Number.isInteger(fromRate) || !Number.isInteger(toRate)) {
    throw new RangeError(`resample: a sample rate of ${fromRate} Hz is not supported (rates above ${MAX_LIBRARY_RATE} Hz must be whole numbers)`);
  }
  const g = gcd(fromRate, toRate);
  const [a, b] = [fromRate / g, toRate / g];
  const scale = Math.floor(MAX_LIBRARY_RATE / Math.max(a, b));
  if (scale < 1) {
    throw new RangeError(`resample: a sample rate of ${fromRate} Hz is not supported: the converter works up to ${MAX_LIBRARY_RATE} Hz, ` +
      `and ${fromRate}:${toRate} does not reduce to a ratio it can take`);
  }
  return [a * scale, b * scale];
}

/** create() of libsamplerate-js, with its bare-string throws turned into Errors naming the rates. */
async function createConverter(fromRate: number, toRate: number, quality: ResampleQuality) {
  const [libFrom, libTo] = libraryRates(fromRate, toRate);
  try {
    return await create(1, libFrom, libTo, { converterType: CONVERTERS[quality] });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new RangeError(`resample: cannot convert ${fromRate} Hz to ${toRate} Hz (${reason})`);
  }
}

function concat(parts: Float32Array[], length: number): Float32Array {
  const out = new Float32Array(length);
  let at = 0;
  for (const part of parts) {
    const take = Math.min(part.length, length - at);
    out.set(part.subarray(0, take), at);
    at += take;
    if (at === length) break;
  }
  return out;
}

/**
 * Creates a streaming mono resampler (async because the wasm module loads lazily). When the
 * rates are equal it passes chunks through as copies.
 */
export async function createResampler(fromRate: number, toRate: number = TARGET_RATE, quality: ResampleQuality = 'best'): Promise<StreamResampler> {
  checkRate(fromRate, toRate);
  const ratio = toRate / fromRate;
  const converter = fromRate === toRate ? null : await createConverter(fromRate, toRate, quality);
  let framesIn = 0;
  let framesOut = 0;
  let finished = false;

  const convert = (chunk: Float32Array): Float32Array => {
    if (!converter) return chunk.slice();
    const parts: Float32Array[] = [];
    let total = 0;
    for (let at = 0; at < chunk.length; at += CHUNK_FRAMES) {
      const part = converter.full(chunk.subarray(at, at + CHUNK_FRAMES));
      parts.push(part);
      total += part.length;
    }
    return parts.length === 1 ? parts[0] : concat(parts, total);
  };

  return {
    fromRate,
    toRate,
    push(chunk) {
      if (finished) throw new Error('StreamResampler.push: called after flush()');
      framesIn += chunk.length;
      const out = convert(chunk);
      framesOut += out.length;
      return out;
    },
    flush() {
      if (finished) throw new Error('StreamResampler.flush: called twice');
      finished = true;
      const expected = Math.round(framesIn * ratio);
      if (!converter) return new Float32Array(0);
      // libsamplerate output is time-aligned with the input but withheld until the filter has
      // seen enough lookahead; feeding silence releases it. Each round adds 0.1 s of input.
      const parts: Float32Array[] = [];
      let have = framesOut;
      const silence = new Float32Array(Math.max(64, Math.ceil(fromRate / 10)));
      for (let round = 0; have < expected && round < 100; round++) {
        const part = converter.full(silence);
        parts.push(part);
        have += part.length;
      }
      converter.destroy();
      const need = Math.max(0, expected - framesOut);
      return concat(parts, need);
    },
  };
}

/**
 * Resamples a whole mono signal with the band-limited sinc converter. Returns the input array
 * itself when the rates are equal. Output length is round(n * toRate / fromRate).
 */
export async function resample(samples: Float32Array, fromRate: number, toRate: number, quality: ResampleQuality = 'best'): Promise<Float32Array> {
  checkRate(fromRate, toRate);
  if (fromRate === toRate) return samples;
  if (samples.length === 0) return new Float32Array(0);
  const resampler = await createResampler(fromRate, toRate, quality);
  const body = resampler.push(samples); // [≈ n · toRate / fromRate]
  const tail = resampler.flush(); // [the filter's held-back rest]
  return concat([body, tail], Math.round(samples.length * toRate / fromRate));
}

/** resample() to the engine's 16 kHz. */
export async function resampleTo16k(samples: Float32Array, fromRate: number, quality: ResampleQuality = 'best'): Promise<Float32Array> {
  return resample(samples, fromRate, TARGET_RATE, quality);
}
