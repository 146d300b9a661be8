/**
 * Checks on each synthesised utterance before augmentation. TTS engines fail quietly: festival
 * with a missing diphone leaves ~0.2 s of audio and exits 0 (tts.md §8), so silence and a
 * duration implausible for the text are caught here and the utterance is dropped.
 */

/** Valid speech measured at least 0.040 s per character (tts.md §8); half that is the floor. */
export const MIN_SECONDS_PER_CHAR = 0.02;
/** Generous ceiling that still catches runaway or garbage output. */
export const MAX_SECONDS_PER_CHAR = 0.3;
export const MAX_EXTRA_SECONDS = 2;
/** Below this whole-file RMS (dBFS) the output counts as silent. */
export const SILENT_RMS_DB = -50;

/** Mean square of each consecutive frame of `frame` samples (the last one may be shorter). */
export function frameEnergies(samples: Float32Array, frame: number): number[] {
  const energies: number[] = [];
  for (let start = 0; start < samples.length; start += frame) {
    const end = Math.min(samples.length, start + frame);
    let sum = 0;
    for (let i = start; i < end; i++) sum += samples[i] * samples[i];
    energies.push(sum / (end - start));
  }
  return energies;
}

/** Seconds between the first and the last 10 ms frame within 40 dB of the loudest frame. */
export function speechSpan(samples: Float32Array, sampleRate: number): number {
  const frame = Math.max(1, Math.round(sampleRate * 0.01));
  const energies = frameEnergies(samples, frame);
  const loudest = Math.max(0, ...energies);
  if (loudest === 0) return 0;
  const floor = loudest * 1e-4;
  const first = energies.findIndex((e) => e >= floor);
  let last = energies.length - 1;
  while (last > first && energies[last] < floor) last -= 1;
  return ((last - first + 1) * frame) / sampleRate;
}

/** RMS level in dBFS (−Infinity for digital silence). */
export function rmsDb(samples: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < samples.length; i++) sum += samples[i] * samples[i];
  return 10 * Math.log10(sum / Math.max(1, samples.length));
}

/** Why the synthesis of `transcript` looks broken, or null when it looks fine. */
export function synthesisProblem(samples: Float32Array, sampleRate: number, transcript: string): string | null {
  const level = rmsDb(samples);
  if (!(level >= SILENT_RMS_DB)) return `silent: RMS ${level.toFixed(1)} dBFS, expected ≥ ${SILENT_RMS_DB}`;
  const span = speechSpan(samples, sampleRate);
  const chars = transcript.length;
  const min = Math.max(0.1, MIN_SECONDS_PER_CHAR * chars);
  const max = MAX_SECONDS_PER_CHAR * chars + MAX_EXTRA_SECONDS;
  if (span < min) return `truncated: ${span.toFixed(2)} s of speech for ${chars} characters, expected ≥ ${min.toFixed(2)} s`;
  if (span > max) return `too long: ${span.toFixed(2)} s of speech for ${chars} characters, expected ≤ ${max.toFixed(2)} s`;
  return null;
}
