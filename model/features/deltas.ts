/**
 * HTK regression deltas: d_t = Σ_{n=1..W} n·(x_{t+n} − x_{t−n}) / (2·Σ n²), with the sequence's
 * first and last frames replicated beyond its edges. Delta-deltas are deltas of the deltas
 * (edges replicated again on the delta sequence).
 */
import { emptyFeatures, type FeatureMatrix } from './feature-matrix.ts';

/** 2·Σ_{n=1..W} n². */
export function regressionDenominator(window: number): number {
  return (window * (window + 1) * (2 * window + 1)) / 3;
}

/**
 * One regression frame. `rows` holds 2W+1 rows (W = deltaWindow) of `dim` values centred on the
 * target frame, already edge-replicated by the caller. Writes dim values to out[outOffset …].
 * Offline and streaming both call this, so their arithmetic is identical.
 */
export function regressionFrame(
  rows: readonly ArrayLike<number>[],
  dim: number,
  window: number,
  out: Float32Array,
  outOffset: number,
): void {
  const denominator = regressionDenominator(window);
  for (let j = 0; j < dim; j++) {
    let acc = 0;
    for (let n = 1; n <= window; n++) acc += n * (rows[window + n][j] - rows[window - n][j]);
    out[outOffset + j] = acc / denominator;
  }
}

/** Regression of every frame of `x` ([frames × dim]) → [frames × dim]. */
export function deltas(x: FeatureMatrix, window: number): FeatureMatrix {
  const { frames, dim } = x;
  const out = emptyFeatures(frames, dim);
  const rows: Float32Array[] = new Array(2 * window + 1);
  for (let t = 0; t < frames; t++) {
    for (let n = -window; n <= window; n++) {
      const source = Math.min(frames - 1, Math.max(0, t + n)); // edge replication
      rows[window + n] = x.data.subarray(source * dim, (source + 1) * dim);
    }
    regressionFrame(rows, dim, window, out.data, t * dim);
  }
  return out;
}

/** Writes one output row: [cepstra | deltas | delta-deltas] (each `dim` wide). */
export function writeFeatureRow(
  cepstra: ArrayLike<number>,
  delta: ArrayLike<number>,
  deltaDelta: ArrayLike<number>,
  dim: number,
  out: Float32Array,
  outOffset: number,
): void {
  for (let j = 0; j < dim; j++) {
    out[outOffset + j] = cepstra[j];
    out[outOffset + dim + j] = delta[j];
    out[outOffset + 2 * dim + j] = deltaDelta[j];
  }
}

/** [frames × d] cepstra → [frames × 3d]: cepstra, deltas and delta-deltas side by side. */
export function withDeltas(cepstra: FeatureMatrix, window: number): FeatureMatrix {
  const { frames, dim } = cepstra;
  const delta = deltas(cepstra, window);
  const deltaDelta = deltas(delta, window);
  const out = emptyFeatures(frames, 3 * dim);
  for (let t = 0; t < frames; t++) {
    const row = t * dim;
    writeFeatureRow(
      cepstra.data.subarray(row, row + dim),
      delta.data.subarray(row, row + dim),
      deltaDelta.data.subarray(row, row + dim),
      dim,
      out.data,
      t * 3 * dim,
    );
  }
  return out;
}
