/**
 * Speed perturbation (Ko et al., Interspeech 2015; Kaldi's `sox speed`): a training utterance is
 * also heard 10 % slower and 10 % faster, which moves its pitch and formants the way a longer or
 * shorter vocal tract does and changes the speaking rate. Each epoch picks one speed per
 * utterance, so an epoch costs what it did without perturbation while the network meets three
 * versions of every voice over the run.
 */
import { resample, TARGET_RATE } from '../audio/resample.ts';
import { createRandom } from './random.ts';

/** Kaldi's and ESPnet's three-way perturbation. */
export const DEFAULT_SPEED_FACTORS: readonly number[] = [0.9, 1.0, 1.1];

/** Throws unless `factors` is a non-empty list of distinct speeds in [0.5, 2] that includes 1. */
export function validateSpeedFactors(factors: readonly number[]): void {
  if (factors.length === 0) throw new Error('speed perturbation needs at least one factor');
  for (const f of factors) {
    if (!Number.isFinite(f) || f < 0.5 || f > 2) throw new Error(`speed factor ${f} is outside 0.5–2`);
  }
  if (new Set(factors).size !== factors.length) throw new Error(`speed factors repeat: ${factors.join(', ')}`);
  if (!factors.includes(1)) throw new Error(`speed factors must include 1 (the original audio): ${factors.join(', ')}`);
}

/**
 * `samples` (16 kHz) played `factor` times as fast: read as if recorded at 16 kHz × factor and
 * resampled back to 16 kHz, so duration scales by 1/factor and every frequency by factor (what
 * `sox speed` does). Band-limited, so a faster copy does not alias.
 */
export async function speedPerturb(samples: Float32Array, factor: number): Promise<Float32Array> {
  if (factor === 1) return samples;
  // libsamplerate's filter depends only on the ratio; whole-number rates keep libraryRates() happy.
  return resample(samples, Math.round(TARGET_RATE * factor), TARGET_RATE, 'medium'); // [≈ n / factor]
}

/**
 * Which version each utterance plays in `epoch`, given how many versions each has (`counts`, the
 * original included): the same for a given seed and epoch (so a resumed run trains on what the
 * interrupted one would have), drawn afresh each epoch, uniform over each utterance's versions.
 */
export function epochSpeedChoices(seed: number, epoch: number, counts: readonly number[]): Uint8Array {
  const random = createRandom((Math.imul(seed, 2654435761) ^ Math.imul(epoch + 1, 40503)) >>> 0);
  return Uint8Array.from(counts, (count) => Math.min(count - 1, Math.floor(random() * count)));
}
