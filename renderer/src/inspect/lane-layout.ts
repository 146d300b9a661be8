/**
 * How tall a heatmap lane is and how its units map to rows. Every unit is shown: up to
 * MAX_LANE_PX units each get a row of their own (taller rows for small layers, so 32 units are
 * not 32 hairlines), and beyond that consecutive rows are pooled, the lane saying so. A fixed
 * 96 px lane used to drop more than half of a 256-unit layer's rows when the canvas shrank it.
 */

/** The tallest a heatmap lane grows, in CSS pixels. */
export const MAX_LANE_PX = 256;
/** The tallest one unit's row gets, in CSS pixels. */
export const MAX_ROW_PX = 8;

export interface LaneLayout {
  units: number;
  /** Units pooled into one row (1: one row per unit). */
  pool: number;
  /** Rows drawn: ceil(units / pool). */
  rows: number;
  /** CSS pixels per row (an integer, so rows stay crisp). */
  rowPx: number;
  /** The lane's CSS height: rows × rowPx. */
  heightPx: number;
}

export function laneLayout(units: number, maxLanePx = MAX_LANE_PX, maxRowPx = MAX_ROW_PX): LaneLayout {
  if (!(units > 0)) return { units: 0, pool: 1, rows: 0, rowPx: 1, heightPx: Math.min(96, maxLanePx) };
  const pool = Math.max(1, Math.ceil(units / maxLanePx));
  const rows = Math.ceil(units / pool);
  const rowPx = Math.max(1, Math.min(maxRowPx, Math.floor(maxLanePx / rows)));
  return { units, pool, rows, rowPx, heightPx: rows * rowPx };
}

/** What the lane's label says about its rows, e.g. "256 units, 1 px each" or "512 units, 2 per row (largest |value|)". */
export function describeLayout(layout: LaneLayout): string {
  if (layout.units === 0) return 'no units yet';
  if (layout.pool === 1) return `${layout.units} units, ${layout.rowPx} px each`;
  return `${layout.units} units, ${layout.pool} per row (largest |value| shown)`;
}

/** The units (indices into the matrix's unit axis) that row `row` shows, given the display order. */
export function unitsInRow(layout: LaneLayout, order: Int32Array, row: number): number[] {
  const first = row * layout.pool;
  return Array.from(order.subarray(first, Math.min(first + layout.pool, layout.units)));
}
