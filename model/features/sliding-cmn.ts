/**
 * Sliding-window cepstral mean normalisation (CMN): each frame's static cepstra minus their mean
 * over the last `window` frames, this one included. A microphone, a room or a telephone line
 * multiplies the spectrum by a fixed response, which adds a constant to every cepstrum; the
 * running mean takes that constant out, so a voice reads the same through another channel.
 * Causal (no look-ahead), so live recognition sees exactly what offline extraction computes
 * (Kaldi's online CMN works the same way; it uses a 6 s window).
 *
 * Only the static cepstra are normalised: deltas and delta-deltas are differences over time, so a
 * constant offset is already gone from them.
 */

/** Running mean over the last `window` rows of `dim` values, applied to rows one at a time. */
export class SlidingCmn {
  private readonly history: Float64Array; // [window × dim] ring of the raw rows
  private readonly sum: Float64Array; // [dim] Σ of the rows in the ring
  private rows = 0;

  constructor(readonly window: number, readonly dim: number) {
    if (!Number.isInteger(window) || window < 1) throw new Error(`SlidingCmn: window must be a positive integer, got ${window}`);
    this.history = new Float64Array(window * dim);
    this.sum = new Float64Array(dim);
  }

  /** Normalises data[offset … offset+dim) in place (the next row of the utterance). */
  apply(data: Float32Array, offset: number): void {
    const { dim, window, history, sum } = this;
    const slot = (this.rows % window) * dim;
    const full = this.rows >= window;
    for (let j = 0; j < dim; j++) {
      if (full) sum[j] -= history[slot + j]; // the row leaving the window
      const x = data[offset + j];
      history[slot + j] = x;
      sum[j] += x;
    }
    this.rows++;
    const n = Math.min(this.rows, window);
    for (let j = 0; j < dim; j++) data[offset + j] = history[slot + j] - sum[j] / n;
  }

  /** Starts a new utterance. */
  reset(): void {
    this.rows = 0;
    this.sum.fill(0);
  }
}

/** Applies sliding CMN to the first `cepstra` values of every row of a [frames × rowDim] matrix, in place. */
export function slidingCmnInPlace(data: Float32Array, frames: number, rowDim: number, cepstra: number, window: number): void {
  const cmn = new SlidingCmn(window, cepstra);
  for (let t = 0; t < frames; t++) cmn.apply(data, t * rowDim);
}
