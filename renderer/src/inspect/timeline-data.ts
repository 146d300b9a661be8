/**
 * The data behind the "look inside" timeline: an InspectionDTO that grows while recording
 * (each StreamUpdateDTO brings the steps one chunk completed) and the pure slicing that turns one
 * layer's matrix into heatmap pixels. No DOM here, so it is unit-tested in Node.
 */
import type { InspectionDTO, LayerTraceDTO } from '../../../contract/contract.ts';
import { writeColour, type ScaleKind } from './colour-scales.ts';

/** The matrices a heatmap lane can show; the short names are the test ids' suffixes. */
export const HEATMAP_LANES = [
  { id: 'c', key: 'cellState', label: 'cell state c', scale: 'diverging' },
  { id: 'h', key: 'hidden', label: 'hidden state h', scale: 'diverging' },
  { id: 'i', key: 'inputGate', label: 'input gate i', scale: 'sequential' },
  { id: 'f', key: 'forgetGate', label: 'forget gate f', scale: 'sequential' },
  { id: 'o', key: 'outputGate', label: 'output gate o', scale: 'sequential' },
  { id: 'r', key: 'resetGate', label: 'reset gate r', scale: 'sequential' },
  { id: 'z', key: 'updateGate', label: 'update gate z', scale: 'sequential' },
] as const satisfies readonly { id: string; key: keyof LayerTraceDTO; label: string; scale: ScaleKind }[];

export type HeatmapLane = (typeof HEATMAP_LANES)[number];
export type TraceKey = HeatmapLane['key'];

/** An empty inspection, the start of a live session. */
export function emptyInspection(): InspectionDTO {
  return { stepSeconds: 0, steps: 0, classes: [], logProbs: new Float32Array(0), features: new Float32Array(0), featureFrames: 0, featureDim: 0, layers: [] };
}

function concat(a: Float32Array | undefined, b: Float32Array | undefined): Float32Array | undefined {
  if (!a || a.length === 0) return b;
  if (!b || b.length === 0) return a;
  const out = new Float32Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

const TRACE_KEYS: readonly (keyof LayerTraceDTO)[] = [
  'cellState', 'hidden', 'inputGate', 'forgetGate', 'outputGate', 'candidate', 'resetGate', 'updateGate',
];

/**
 * Appends the steps of `chunk` after those of `timeline` and returns the result; matrices are
 * row-major with time first, so appending steps is appending values. A chunk that completed no
 * steps (too little audio for a stack group) still may bring feature frames.
 */
export function appendInspection(timeline: InspectionDTO, chunk: InspectionDTO): InspectionDTO {
  const layerCount = Math.max(timeline.layers.length, chunk.layers.length);
  const layers: LayerTraceDTO[] = [];
  for (let l = 0; l < layerCount; l++) {
    const before = timeline.layers[l];
    const added = chunk.layers[l];
    const layer: LayerTraceDTO = { units: added?.units ?? before?.units ?? 0 };
    for (const key of TRACE_KEYS) {
      if (key === 'units') continue;
      const joined = concat(before?.[key] as Float32Array | undefined, added?.[key] as Float32Array | undefined);
      if (joined) (layer as unknown as Record<string, Float32Array>)[key] = joined;
    }
    layers.push(layer);
  }
  return {
    stepSeconds: chunk.stepSeconds || timeline.stepSeconds,
    steps: timeline.steps + chunk.steps,
    classes: chunk.classes.length > 0 ? chunk.classes : timeline.classes,
    logProbs: concat(timeline.logProbs, chunk.logProbs) ?? new Float32Array(0),
    features: concat(timeline.features, chunk.features) ?? new Float32Array(0),
    featureFrames: timeline.featureFrames + chunk.featureFrames,
    featureDim: chunk.featureDim || timeline.featureDim,
    layers,
    // Past the engine's inspected start, chunks bring no steps, only this note.
    ...((chunk.truncated ?? timeline.truncated) ? { truncated: chunk.truncated ?? timeline.truncated } : {}),
  };
}

/** The most likely class at every step (argmax of each row of [steps × classes]). */
export function mostLikelyClasses(logProbs: Float32Array, steps: number, classes: number): Int32Array {
  const best = new Int32Array(steps);
  for (let t = 0; t < steps; t++) {
    let bestClass = 0;
    let bestValue = -Infinity;
    for (let k = 0; k < classes; k++) {
      const value = logProbs[t * classes + k];
      if (value > bestValue) {
        bestValue = value;
        bestClass = k;
      }
    }
    best[t] = bestClass;
  }
  return best;
}

/**
 * Heatmap pixels for a [steps × units] matrix: an RGBA image `steps` wide and ceil(units / pool)
 * tall, time left to right. Row r shows units order[r·pool … r·pool+pool−1]: with pool 1 that is
 * unit order[r]; with more, the value of largest magnitude among them (a mean would wash a single
 * active unit out). The canvas scales the image to its size.
 */
export function heatmapPixels(matrix: Float32Array, steps: number, units: number, order: Int32Array, scale: ScaleKind, limit: number, pool = 1): Uint8ClampedArray {
  return heatmapColumns(matrix, steps, units, order, scale, limit, pool, 0);
}

/**
 * The columns [fromStep, steps) of heatmapPixels' image, as an image of their own
 * (steps − fromStep wide): while recording, only the steps a chunk added are coloured.
 */
export function heatmapColumns(matrix: Float32Array, steps: number, units: number, order: Int32Array, scale: ScaleKind, limit: number, pool: number, fromStep: number): Uint8ClampedArray {
  if (matrix.length < steps * units) {
    throw new Error(`heatmapPixels: expected ${steps}×${units}=${steps * units} values, got ${matrix.length}`);
  }
  if (order.length !== units) throw new Error(`heatmapPixels: expected an order of ${units} units, got ${order.length}`);
  if (!(pool >= 1) || !Number.isInteger(pool)) throw new Error(`heatmapPixels: pool must be a positive integer, got ${pool}`);
  const rows = Math.ceil(units / pool);
  const width = Math.max(0, steps - fromStep);
  const pixels = new Uint8ClampedArray(width * rows * 4);
  for (let row = 0; row < rows; row++) {
    const first = row * pool;
    const last = Math.min(first + pool, units);
    for (let t = fromStep; t < steps; t++) {
      let value = matrix[t * units + order[first]];
      for (let r = first + 1; r < last; r++) {
        const candidate = matrix[t * units + order[r]];
        if (Math.abs(candidate) > Math.abs(value)) value = candidate;
      }
      const offset = (row * width + (t - fromStep)) * 4;
      writeColour(scale, value, limit, pixels, offset);
      pixels[offset + 3] = 255;
    }
  }
  return pixels;
}

/**
 * The colour range to keep while a recording grows: the previous one until the new estimate
 * moves by more than `tolerance` (a factor), so that the picture neither flickers nor has to be
 * recoloured from the start every chunk.
 */
export function stickyLimit(previous: number | undefined, next: number, tolerance = 1.25): number {
  if (previous === undefined || !(previous > 0)) return next;
  return next > previous * tolerance || next < previous / tolerance ? next : previous;
}

/**
 * The MFCC image: [frames × dim] shown with dim 0 at the bottom. Each coefficient row is scaled
 * by its own spread because the energy-like first coefficients dwarf the rest.
 */
export function featurePixels(features: Float32Array, frames: number, dim: number): Uint8ClampedArray {
  const pixels = new Uint8ClampedArray(frames * dim * 4);
  for (let d = 0; d < dim; d++) {
    let sum = 0;
    for (let t = 0; t < frames; t++) sum += features[t * dim + d];
    const mean = frames > 0 ? sum / frames : 0;
    let squares = 0;
    for (let t = 0; t < frames; t++) squares += (features[t * dim + d] - mean) ** 2;
    const spread = Math.sqrt(squares / Math.max(frames, 1)) * 2.5 || 1;
    const row = dim - 1 - d;
    for (let t = 0; t < frames; t++) {
      const offset = (row * frames + t) * 4;
      writeColour('diverging', features[t * dim + d] - mean, spread, pixels, offset);
      pixels[offset + 3] = 255;
    }
  }
  return pixels;
}

/** The step under time `seconds`, or -1 outside the recording. */
export function stepAt(seconds: number, stepSeconds: number, steps: number): number {
  if (!(stepSeconds > 0) || seconds < 0) return -1;
  const step = Math.floor(seconds / stepSeconds);
  return step < steps ? step : -1;
}

/** Peak envelope of PCM for a waveform drawing: `columns` [min, max] pairs. */
export function waveformEnvelope(pcm: Float32Array, columns: number, samplesPerColumn: number): Float32Array {
  const envelope = new Float32Array(columns * 2);
  for (let c = 0; c < columns; c++) {
    const start = Math.floor(c * samplesPerColumn);
    const end = Math.min(pcm.length, Math.floor((c + 1) * samplesPerColumn));
    let low = 0;
    let high = 0;
    for (let i = start; i < end; i++) {
      if (pcm[i] < low) low = pcm[i];
      if (pcm[i] > high) high = pcm[i];
    }
    envelope[c * 2] = low;
    envelope[c * 2 + 1] = high;
  }
  return envelope;
}
