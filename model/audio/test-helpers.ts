/**
 * Shared by the audio tests: the sox-made reference signal and small signal measurements that
 * do not depend on the code under test.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('./fixtures/', import.meta.url));

/** ref_stereo_8k.f32 (written by sox): left 440 Hz at 0.5, right 1000 Hz at 0.3, 8 kHz, 0.25 s. */
export function referenceStereo(): { left: Float32Array; right: Float32Array; sampleRate: 8000 } {
  const bytes = readFileSync(FIXTURES + 'ref_stereo_8k.f32');
  const interleaved = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
  const frames = interleaved.length / 2;
  const left = new Float32Array(frames);
  const right = new Float32Array(frames);
  for (let i = 0; i < frames; i++) { left[i] = interleaved[2 * i]; right[i] = interleaved[2 * i + 1]; }
  return { left, right, sampleRate: 8000 };
}

export function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

export function rms(x: Float32Array, from = 0, to = x.length): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += x[i] * x[i];
  return Math.sqrt(sum / (to - from));
}

/** Magnitude of the DFT of x at one frequency (Goertzel), normalised so a sine of amplitude A gives ~A. */
export function toneMagnitude(x: Float32Array, frequency: number, sampleRate: number, from = 0, to = x.length): number {
  const w = (2 * Math.PI * frequency) / sampleRate;
  const coeff = 2 * Math.cos(w);
  let s1 = 0;
  let s2 = 0;
  for (let i = from; i < to; i++) {
    const s0 = x[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / (to - from);
}

/** Frequency (on a `step` Hz grid up to Nyquist) with the largest DFT magnitude. */
export function peakFrequency(x: Float32Array, sampleRate: number, step: number, from = 0, to = x.length): number {
  let best = 0;
  let bestMagnitude = -1;
  for (let f = step; f < sampleRate / 2; f += step) {
    const m = toneMagnitude(x, f, sampleRate, from, to);
    if (m > bestMagnitude) { bestMagnitude = m; best = f; }
  }
  return best;
}

/** Pearson correlation of a and b[lag ...] over their overlap, and the best lag within ±maxLag. */
export function bestAlignment(a: Float32Array, b: Float32Array, maxLag: number): { lag: number; correlation: number } {
  let best = { lag: 0, correlation: -Infinity };
  for (let lag = -maxLag; lag <= maxLag; lag++) {
    let sab = 0, saa = 0, sbb = 0;
    for (let i = 0; i < a.length; i++) {
      const j = i + lag;
      if (j < 0 || j >= b.length) continue;
      sab += a[i] * b[j]; saa += a[i] * a[i]; sbb += b[j] * b[j];
    }
    const c = sab / Math.sqrt(saa * sbb || 1);
    if (c > best.correlation) best = { lag, correlation: c };
  }
  return best;
}
