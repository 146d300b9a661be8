/**
 * The level check of a dataset take (peak, RMS, warnings for clipping, silence, very quiet and
 * very short takes): one function for the app's datasets (app/datasets.ts) and the renderer's
 * scripted fake API, so the UI tests see the warnings users see. Pure; no Node.
 */

const SAMPLE_RATE = 16000;

/** Level check of 16 kHz samples: peak, RMS and the warnings to show beside the take. */
export function levelCheck(samples: Float32Array): { peak: number; rms: number; warnings: string[] } {
  let peak = 0;
  let sumSquares = 0;
  let clipped = 0;
  for (let i = 0; i < samples.length; i++) {
    const a = Math.abs(samples[i]);
    if (a > peak) peak = a;
    if (a >= 0.999) clipped++;
    sumSquares += samples[i] * samples[i];
  }
  const rms = samples.length > 0 ? Math.sqrt(sumSquares / samples.length) : 0;
  const warnings: string[] = [];
  if (samples.length < 0.3 * SAMPLE_RATE) warnings.push(`very short (${(samples.length / SAMPLE_RATE).toFixed(2)} s): was the whole prompt recorded?`);
  if (clipped > Math.max(2, 0.001 * samples.length)) warnings.push(`clipping: ${clipped} samples at full scale; move away from the microphone or lower its gain`);
  if (peak < 0.01) warnings.push(`silence: the loudest sample is ${(20 * Math.log10(Math.max(peak, 1e-10))).toFixed(0)} dBFS; is the microphone muted?`);
  else if (rms < 0.003) warnings.push(`very quiet (RMS ${(20 * Math.log10(rms)).toFixed(0)} dBFS); speak closer to the microphone`);
  return { peak, rms, warnings };
}
