/**
 * Orders a layer's units for display: by index, or by each unit's variance or mean activation
 * over time (largest first), so that the busiest units gather at the top of a heatmap.
 */

/** How the rows of a heatmap are ordered. */
export type UnitSortKey = 'index' | 'variance' | 'mean';

/** Mean and (population) variance of every unit over the steps of a [steps × units] matrix. */
export function unitStatistics(matrix: Float32Array, steps: number, units: number): { mean: Float64Array; variance: Float64Array } {
  if (matrix.length < steps * units) {
    throw new Error(`unitStatistics: expected at least ${steps}×${units}=${steps * units} values, got ${matrix.length}`);
  }
  const mean = new Float64Array(units);
  const variance = new Float64Array(units);
  if (steps === 0) return { mean, variance };
  for (let t = 0; t < steps; t++) {
    for (let u = 0; u < units; u++) mean[u] += matrix[t * units + u];
  }
  for (let u = 0; u < units; u++) mean[u] /= steps;
  // Two passes (mean first) rather than E[x²]−E[x]²: the one-pass form cancels badly for gates near 1.
  for (let t = 0; t < steps; t++) {
    for (let u = 0; u < units; u++) {
      const deviation = matrix[t * units + u] - mean[u];
      variance[u] += deviation * deviation;
    }
  }
  for (let u = 0; u < units; u++) variance[u] /= steps;
  return { mean, variance };
}

/**
 * The unit shown on each row, top to bottom: `order[row] = unit`. Ties keep index order, so
 * the result is deterministic.
 */
export function unitOrder(matrix: Float32Array, steps: number, units: number, key: UnitSortKey): Int32Array {
  const order = Int32Array.from({ length: units }, (_, u) => u);
  if (key === 'index') return order;
  const stats = unitStatistics(matrix, steps, units);
  const score = key === 'variance' ? stats.variance : stats.mean;
  return order.sort((a, b) => score[b] - score[a] || a - b);
}
