/**
 * Colour scales for the heatmaps: a diverging blue–dark–orange scale for signed states (cell
 * state c, hidden state h) whose zero is the lanes' own background, and a sequential
 * dark-to-bright scale for gates, whose values live in 0–1. Pure functions over lookup tables,
 * so they run per pixel without allocating.
 */

/** An RGB triple, each 0–255. */
export type Rgb = readonly [number, number, number];

/** Which scale a matrix is drawn with. */
export type ScaleKind = 'diverging' | 'sequential';

// Odd, so that the diverging scale has an exact middle row: value 0 gets exactly the middle stop.
const TABLE_SIZE = 257;

/** Linear interpolation between colour stops placed evenly on 0–1, sampled into a TABLE_SIZE-entry table. */
function buildTable(stops: readonly Rgb[]): Uint8ClampedArray {
  const table = new Uint8ClampedArray(TABLE_SIZE * 3);
  for (let i = 0; i < TABLE_SIZE; i++) {
    const position = (i / (TABLE_SIZE - 1)) * (stops.length - 1);
    const lower = Math.min(Math.floor(position), stops.length - 2);
    const weight = position - lower;
    for (let channel = 0; channel < 3; channel++) {
      table[i * 3 + channel] = Math.round(stops[lower][channel] * (1 - weight) + stops[lower + 1][channel] * weight);
    }
  }
  return table;
}

/**
 * The lanes' background (styles.css `--lane-bg`, the canvas's CSS background). The diverging
 * scale's zero is exactly this colour, so a unit at rest disappears into the panel and only
 * activity lights up: on a dark UI a white zero made most of the picture glare.
 */
export const LANE_BACKGROUND: Rgb = [12, 15, 20];

/**
 * Diverging, dark in the middle (after Crameri's "berlin"): negative runs through deep blue to
 * light blue, positive through brown to light orange, both brightening with |value| at about the
 * same rate, so lightness says "how far from zero" and hue says the sign.
 */
const DIVERGING_STOPS: readonly Rgb[] = [
  [170, 200, 255], [80, 145, 215], [30, 70, 115], LANE_BACKGROUND, [115, 45, 20], [215, 110, 55], [255, 200, 150],
];
/** Viridis at 9 stops: perceptually uniform, lightness rises monotonically from 0 to 1. */
const SEQUENTIAL_STOPS: readonly Rgb[] = [
  [68, 1, 84], [71, 45, 123], [59, 82, 139], [44, 113, 142], [33, 145, 140], [39, 173, 129], [92, 200, 99], [170, 220, 50], [253, 231, 37],
];

const DIVERGING_TABLE = buildTable(DIVERGING_STOPS);
const SEQUENTIAL_TABLE = buildTable(SEQUENTIAL_STOPS);

/** Maps 0–1 (clamped; NaN → 0) to a table row. */
function tableIndex(fraction: number): number {
  if (!(fraction > 0)) return 0; // also catches NaN
  if (fraction >= 1) return TABLE_SIZE - 1;
  return Math.round(fraction * (TABLE_SIZE - 1));
}

/**
 * Writes the colour of `value` into `out[offset..offset+2]`.
 * Diverging: −limit → light blue, 0 → the lane background, +limit → light orange.
 * Sequential: 0 → dark purple, 1 → yellow.
 */
export function writeColour(kind: ScaleKind, value: number, limit: number, out: Uint8ClampedArray, offset: number): void {
  const table = kind === 'diverging' ? DIVERGING_TABLE : SEQUENTIAL_TABLE;
  const fraction = kind === 'diverging' ? (value / (limit > 0 ? limit : 1) + 1) / 2 : value;
  const row = tableIndex(fraction) * 3;
  out[offset] = table[row];
  out[offset + 1] = table[row + 1];
  out[offset + 2] = table[row + 2];
}

/** The colour of one value, for legends and tests. */
export function colourOf(kind: ScaleKind, value: number, limit = 1): Rgb {
  const out = new Uint8ClampedArray(3);
  writeColour(kind, value, limit, out, 0);
  return [out[0], out[1], out[2]];
}

/** CSS `linear-gradient` stops for a legend bar, low to high. */
export function legendGradient(kind: ScaleKind): string {
  const stops = kind === 'diverging' ? DIVERGING_STOPS : SEQUENTIAL_STOPS;
  return stops.map(([r, g, b], i) => `rgb(${r},${g},${b}) ${((i / (stops.length - 1)) * 100).toFixed(1)}%`).join(', ');
}

/**
 * The symmetric range a diverging heatmap is drawn over: the largest |value|, but at least
 * `floor` so that a nearly silent matrix is not blown up to full saturation.
 */
export function symmetricLimit(values: Float32Array, floor = 1e-3): number {
  let largest = 0;
  for (let i = 0; i < values.length; i++) {
    const magnitude = Math.abs(values[i]);
    if (magnitude > largest) largest = magnitude;
  }
  return Math.max(largest, floor);
}

/** Relative luminance (ITU-R BT.709 on sRGB values), for checks that a scale is monotone. */
export function luminance([r, g, b]: Rgb): number {
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}

/**
 * A symmetric range that ignores the few largest magnitudes: the `quantile` of |value| (at least
 * `floor`). The cell state is unbounded and a handful of integrator units can reach ±50 while the
 * rest stay within ±2; scaling to the maximum would paint almost everything as zero.
 */
export function robustLimit(values: Float32Array, quantile = 0.98, floor = 1e-3): number {
  if (values.length === 0) return floor;
  // Sort a strided sample at most 20k long: exact for small matrices, cheap for long recordings.
  const stride = Math.max(1, Math.floor(values.length / 20_000));
  const sample = new Float32Array(Math.ceil(values.length / stride));
  for (let i = 0, j = 0; i < values.length; i += stride, j++) sample[j] = Math.abs(values[i]);
  sample.sort();
  const index = Math.min(sample.length - 1, Math.floor(quantile * (sample.length - 1)));
  return Math.max(sample[index], floor);
}
