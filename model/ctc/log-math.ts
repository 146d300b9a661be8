/**
 * Log-space arithmetic shared by the CTC loss and the decoders. Probabilities are kept as
 * natural logs so that products over hundreds of frames do not underflow.
 */

/** log(exp(a) + exp(b)) without overflow; -Infinity is the log of zero. */
export function logAdd(a: number, b: number): number {
  if (a === -Infinity) return b;
  if (b === -Infinity) return a;
  return a > b ? a + Math.log1p(Math.exp(b - a)) : b + Math.log1p(Math.exp(a - b));
}

/** log Σ exp(values[offset .. offset+count)). */
export function logSumExpRow(values: ArrayLike<number>, offset: number, count: number): number {
  let max = -Infinity;
  for (let k = 0; k < count; k++) max = Math.max(max, values[offset + k]);
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let k = 0; k < count; k++) sum += Math.exp(values[offset + k] - max);
  return max + Math.log(sum);
}

/**
 * Row-wise log-softmax of a row-major [rows × classes] matrix into a new Float64Array.
 * Used on raw logits (the loss) and to re-normalise decoder input defensively.
 */
export function logSoftmaxRows(values: ArrayLike<number>, rows: number, classes: number): Float64Array {
  const out = new Float64Array(rows * classes);
  for (let r = 0; r < rows; r++) {
    const offset = r * classes;
    const norm = logSumExpRow(values, offset, classes);
    for (let k = 0; k < classes; k++) out[offset + k] = values[offset + k] - norm;
  }
  return out;
}
