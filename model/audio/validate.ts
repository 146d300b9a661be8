/**
 * Sanity checks on decoded samples, so bad audio ends in a clear error or warning instead of a
 * crash or NaN features downstream. The policy:
 *
 * - empty (no samples)                        -> AudioError
 * - any NaN or ±Infinity sample               -> AudioError (names the first bad sample and its time)
 * - all silent (peak below one 16-bit step)   -> warning
 * - clipped (> 0.1% of samples at full scale) -> warning
 * - float samples beyond [-1, 1]              -> warning; the loader clamps them
 *
 * Truncated WAV and over-long audio are handled by the reader and the loader (see load-audio.ts).
 */
import { AudioError } from './audio-error.ts';

/** Magnitude counted as "at full scale": 16-bit full scale is 32767/32768 ≈ 0.99997. */
export const CLIP_LEVEL = 0.999;
/** Fraction of samples at full scale above which the audio is reported as clipped. */
export const CLIP_FRACTION = 0.001;
/** Peak below which audio counts as silent: one 16-bit quantisation step. */
export const SILENCE_PEAK = 1 / 32768;

/**
 * The same checks over audio that arrives in pieces (a file read as a stream): add() throws at
 * the first non-finite sample, naming its position in the whole file; warnings() reports
 * silence, clipping and out-of-range floats over everything added.
 */
export class SampleChecks {
  private peak = 0;
  private clipped = 0;
  private total = 0;
  private framesSeen = 0;

  constructor(private readonly name: string, private readonly sampleRate?: number) {}

  /** One piece: one array per channel, the same length each. */
  add(channels: Float32Array[]): void {
    for (let ch = 0; ch < channels.length; ch++) {
      const samples = channels[ch];
      for (let i = 0; i < samples.length; i++) {
        const x = samples[i];
        if (!Number.isFinite(x)) {
          const index = this.framesSeen + i;
          const when = this.sampleRate ? ` (${(index / this.sampleRate).toFixed(3)} s)` : '';
          throw new AudioError(this.name, `sample ${index}${when} of channel ${ch + 1} is ${x}; expected finite values`);
        }
        const a = Math.abs(x);
        if (a > this.peak) this.peak = a;
        if (a >= CLIP_LEVEL) this.clipped++;
      }
      this.total += samples.length;
    }
    this.framesSeen += channels[0]?.length ?? 0;
  }

  /** Throws when nothing was added; otherwise the warnings (each starting with the name). */
  warnings(): string[] {
    const { name, peak, clipped, total } = this;
    if (total === 0) throw new AudioError(name, 'audio is empty (0 samples)');
    const warnings: string[] = [];
    if (peak < SILENCE_PEAK) {
      warnings.push(`${name}: audio is silent (peak ${peak === 0 ? '0' : (20 * Math.log10(peak)).toFixed(1) + ' dBFS'}); there is nothing to recognise`);
    }
    if (clipped / total > CLIP_FRACTION) {
      warnings.push(`${name}: audio is clipped: ${(100 * clipped / total).toFixed(2)}% of samples are at full scale ` +
        `(more than ${100 * CLIP_FRACTION}%); recognition may suffer`);
    }
    if (peak > 1) {
      warnings.push(`${name}: samples exceed full scale (peak ${peak.toPrecision(4)}); clamped to [-1, 1]`);
    }
    return warnings;
  }
}

/**
 * Checks channels that belong together (one file). Throws AudioError for empty audio or
 * non-finite samples; returns warnings (each starting with the name) for silence, clipping and
 * out-of-range floats.
 */
export function checkChannels(channels: Float32Array[], name: string, sampleRate?: number): string[] {
  const total = channels.reduce((n, c) => n + c.length, 0);
  if (channels.length === 0 || total === 0) throw new AudioError(name, 'audio is empty (0 samples)');
  const checks = new SampleChecks(name, sampleRate);
  checks.add(channels);
  return checks.warnings();
}

/**
 * Checks one mono signal. Throws AudioError on empty input or NaN/Infinity; returns warnings
 * for silence, clipping and out-of-range values.
 */
export function checkSamples(samples: Float32Array, name: string): string[] {
  return checkChannels([samples], name);
}
