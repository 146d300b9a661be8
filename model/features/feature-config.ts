/** Validation and comparison of FeatureConfig records (they travel inside a model's meta.json). */
import type { FeatureConfig } from '../config.ts';

/**
 * Throws if `cfg` cannot drive the front end: a non-16 kHz rate, a frame longer than the FFT,
 * a non power-of-two FFT (fft.js needs one), a band edge outside (0, Nyquist], and so on.
 */
export function validateFeatureConfig(cfg: FeatureConfig): void {
  const problems: string[] = [];
  const isPosInt = (v: number) => Number.isInteger(v) && v > 0;
  if (cfg.sampleRate !== 16000) problems.push(`sampleRate must be 16000, got ${cfg.sampleRate}`);
  if (!isPosInt(cfg.frameLength)) problems.push(`frameLength must be a positive integer, got ${cfg.frameLength}`);
  if (!isPosInt(cfg.hopLength)) problems.push(`hopLength must be a positive integer, got ${cfg.hopLength}`);
  if (!isPosInt(cfg.fftSize) || (cfg.fftSize & (cfg.fftSize - 1)) !== 0) {
    problems.push(`fftSize must be a power of two, got ${cfg.fftSize}`);
  } else if (cfg.fftSize < cfg.frameLength) {
    problems.push(`fftSize (${cfg.fftSize}) must be >= frameLength (${cfg.frameLength})`);
  }
  if (!(cfg.preEmphasis >= 0 && cfg.preEmphasis < 1)) problems.push(`preEmphasis must be in [0, 1), got ${cfg.preEmphasis}`);
  if (!isPosInt(cfg.melBands)) problems.push(`melBands must be a positive integer, got ${cfg.melBands}`);
  if (!(cfg.fMin >= 0 && cfg.fMin < cfg.fMax && cfg.fMax <= cfg.sampleRate / 2)) {
    problems.push(`need 0 <= fMin < fMax <= ${cfg.sampleRate / 2}, got fMin=${cfg.fMin} fMax=${cfg.fMax}`);
  }
  if (!(cfg.logFloor > 0 && Number.isFinite(cfg.logFloor))) problems.push(`logFloor must be a positive finite number, got ${cfg.logFloor}`);
  if (!(cfg.energyFloor >= 0 && Number.isFinite(cfg.energyFloor))) problems.push(`energyFloor must be a non-negative finite number, got ${cfg.energyFloor}`);
  if (!isPosInt(cfg.numCepstra) || cfg.numCepstra > cfg.melBands) {
    problems.push(`numCepstra must be an integer in 1..melBands (${cfg.melBands}), got ${cfg.numCepstra}`);
  }
  if (!isPosInt(cfg.deltaWindow)) problems.push(`deltaWindow must be a positive integer, got ${cfg.deltaWindow}`);
  if (cfg.cmnWindow !== undefined && !(Number.isInteger(cfg.cmnWindow) && cfg.cmnWindow >= 0)) {
    problems.push(`cmnWindow must be a non-negative integer (frames; 0 = off), got ${cfg.cmnWindow}`);
  }
  if (problems.length > 0) throw new Error(`Invalid FeatureConfig: ${problems.join('; ')}`);
}

/**
 * Throws unless `a` and `b` describe the same front end, naming every differing field with both
 * values. Used when a model loads: features computed with other settings are meaningless to it.
 * `names` label the two sides in the message (e.g. ['model', 'running front end']).
 */
export function assertSameFeatureConfig(
  a: FeatureConfig,
  b: FeatureConfig,
  names: readonly [string, string] = ['a', 'b'],
): void {
  const left = a as unknown as Record<string, unknown>;
  const right = b as unknown as Record<string, unknown>;
  const keys = [...new Set([...Object.keys(left), ...Object.keys(right)])].sort();
  const diffs = keys
    .filter((key) => !Object.is(left[key], right[key]))
    .map((key) => `${key} (${names[0]}: ${JSON.stringify(left[key])}, ${names[1]}: ${JSON.stringify(right[key])})`);
  if (diffs.length > 0) {
    throw new Error(`FeatureConfig mismatch in ${diffs.length} field(s): ${diffs.join(', ')}`);
  }
}
