/**
 * The log colour scale of the gradient-through-time heatmap. ‖∂loss/∂c_t‖ spans many decades when
 * gradients vanish going back in time (1e-1 at the last step, 1e-7 fifty steps earlier), so the
 * colour follows log10 of the norm. The range only ever widens over a job's snapshots: a fixed
 * scale is what lets a growing (exploding) or shrinking (vanishing) gradient show as the heatmap
 * getting brighter or darker, instead of being normalised away.
 */
import { writeColour } from '../inspect/colour-scales.ts';

/** A colour range in decades: log10 of the norms drawn darkest and brightest. */
export interface LogRange {
  low: number;
  high: number;
}

/** Non-finite norms (an overflow: the gradient exploded past float range) are painted in this. */
export const NON_FINITE_COLOUR = [255, 0, 255] as const;

/**
 * The range covering the finite, positive `norms`, at least `minDecades` wide (a flat snapshot
 * is not stretched over the whole palette) and at most `maxDecades` (below that everything is
 * "vanished" anyway), widened to contain `previous` when given. Null when nothing is positive.
 */
export function widenRange(previous: LogRange | null, norms: Float32Array, minDecades = 2, maxDecades = 10): LogRange | null {
  let smallest = Infinity;
  let largest = 0;
  for (let i = 0; i < norms.length; i++) {
    const value = norms[i];
    if (!(value > 0) || !Number.isFinite(value)) continue;
    if (value < smallest) smallest = value;
    if (value > largest) largest = value;
  }
  if (largest === 0) return previous;
  let high = Math.log10(largest);
  let low = Math.max(Math.log10(smallest), high - maxDecades);
  if (previous) {
    high = Math.max(high, previous.high);
    low = Math.min(low, previous.low);
  }
  if (high - low < minDecades) low = high - minDecades;
  return { low, high };
}

/**
 * Where `norm` falls on the range, 0 (at or below `low`, and zero norms) to 1 (at or above
 * `high`); NaN for non-finite norms, which the heatmap marks separately.
 */
export function logFraction(norm: number, range: LogRange): number {
  if (!Number.isFinite(norm)) return Number.NaN;
  if (norm <= 0) return 0;
  const fraction = (Math.log10(norm) - range.low) / (range.high - range.low || 1);
  return Math.min(1, Math.max(0, fraction));
}

/** Writes the colour of `norm` (viridis on the log scale) into `out[offset..offset+2]`. */
export function writeGradientColour(norm: number, range: LogRange, out: Uint8ClampedArray, offset: number): void {
  const fraction = logFraction(norm, range);
  if (Number.isNaN(fraction)) {
    out[offset] = NON_FINITE_COLOUR[0];
    out[offset + 1] = NON_FINITE_COLOUR[1];
    out[offset + 2] = NON_FINITE_COLOUR[2];
    return;
  }
  writeColour('sequential', fraction, 1, out, offset);
}

/** "1e-3"-style label of a decade boundary, for the legend. */
export function decadeLabel(exponent: number): string {
  const rounded = Math.round(exponent * 10) / 10;
  return Number.isInteger(rounded) ? `1e${rounded}` : `10^${rounded.toFixed(1)}`;
}

/**
 * How the gradient changes going back in time, per layer: log10(norm at the first step / norm at
 * the last step) over the decades spanned, for a readout like "layer 1: −4.2 decades over 60
 * steps" (negative = vanishing, positive = growing backwards = exploding). Zero or non-finite ends
 * give NaN. `norms` is [layers × steps] row-major.
 */
export function decadesAcrossTime(norms: Float32Array, layers: number, steps: number): number[] {
  if (norms.length !== layers * steps) throw new Error(`expected ${layers}×${steps} = ${layers * steps} norms, got ${norms.length}`);
  const result: number[] = [];
  for (let layer = 0; layer < layers; layer++) {
    const first = norms[layer * steps];
    const last = norms[layer * steps + steps - 1];
    result.push(first > 0 && last > 0 && Number.isFinite(first) && Number.isFinite(last) ? Math.log10(first / last) : Number.NaN);
  }
  return result;
}

/** "160 000× weaker" / "3× stronger" / "about the same" for a change of `decades` (log10). */
export function plainFactor(decades: number): string {
  if (!Number.isFinite(decades)) return 'not measurable (a zero or broken value)';
  const factor = 10 ** Math.abs(decades);
  if (factor < 1.5) return 'about as strong';
  const rounded = factor >= 100 ? Number(factor.toPrecision(2)) : Math.round(factor);
  return `${rounded.toLocaleString('en-US').replace(/,/g, ' ')}× ${decades < 0 ? 'weaker' : 'stronger'}`;
}
