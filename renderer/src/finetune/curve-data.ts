/**
 * Training curves as uPlot wants them: one x array (training steps, ascending) shared by every
 * series, each series a y array with null where that job has no point. Jobs that ran side by side
 * (the variants compared on one dataset) report at different steps, so their points are merged
 * onto the union of steps rather than assumed to line up.
 */
import type { JobInfo } from '../../../contract/contract.ts';

export interface CurvePoint {
  x: number;
  y: number;
}

export interface CurveSeries {
  label: string;
  points: CurvePoint[];
}

/** uPlot's AlignedData shape: x first, then one y array per series. */
export interface AlignedCurves {
  x: number[];
  ys: (number | null)[][];
}

/**
 * Puts every series on the sorted union of their x values. Non-finite points are dropped (a
 * cancelled job reports loss NaN); when a series has two points at one x, the later one wins.
 */
export function alignSeries(series: readonly CurveSeries[]): AlignedCurves {
  const xs = new Set<number>();
  for (const one of series) for (const point of one.points) if (Number.isFinite(point.x) && Number.isFinite(point.y)) xs.add(point.x);
  const x = [...xs].sort((a, b) => a - b);
  const column = new Map(x.map((value, index) => [value, index]));
  const ys = series.map((one) => {
    const row: (number | null)[] = new Array<number | null>(x.length).fill(null);
    for (const point of one.points) {
      const index = column.get(point.x);
      if (index !== undefined && Number.isFinite(point.y)) row[index] = point.y;
    }
    return row;
  });
  return { x, ys };
}

/**
 * Appends `point`, keeping at most `cap` points: when full, every second point is dropped (the
 * first one kept), so a long job's per-step loss stays drawable at evenly thinned resolution.
 */
export function appendCapped(points: CurvePoint[], point: CurvePoint, cap = 2000): CurvePoint[] {
  const kept = points.length >= cap ? points.filter((_, index) => index % 2 === 0) : points.slice();
  kept.push(point);
  return kept;
}

/** Training loss of a job: the per-step losses seen live, plus the per-epoch curve the job keeps. */
export function lossPoints(job: JobInfo, live: readonly CurvePoint[] = []): CurvePoint[] {
  const byStep = new Map<number, number>();
  for (const entry of job.curve) byStep.set(entry.step, entry.trainLoss);
  for (const point of live) byStep.set(point.x, point.y);
  return [...byStep].filter(([, y]) => Number.isFinite(y)).sort((a, b) => a[0] - b[0]).map(([x, y]) => ({ x, y }));
}

/** Held-out character error rate per epoch end. */
export function cerPoints(job: JobInfo): CurvePoint[] {
  return job.curve.filter((entry) => Number.isFinite(entry.heldOutCer)).map((entry) => ({ x: entry.step, y: entry.heldOutCer }));
}

/** The row of the variants table: what a job reached at its last epoch. */
export interface FinalMetrics {
  jobId: string;
  name: string;
  head: JobInfo['request']['head'];
  state: JobInfo['state'];
  epochs: number;
  steps: number;
  trainLoss: number | null;
  heldOutCer: number | null;
  /** Lowest held-out CER over the epochs (the epoch a user might wish they had stopped at). */
  bestCer: number | null;
}

export function finalMetrics(job: JobInfo): FinalMetrics {
  const last = job.curve.at(-1);
  const cers = job.curve.map((entry) => entry.heldOutCer).filter(Number.isFinite);
  return {
    jobId: job.id,
    name: job.request.name,
    head: job.request.head,
    state: job.state,
    // Counted, not read from the last entry: the engine numbers epochs from 0.
    epochs: job.curve.length,
    steps: job.step,
    trainLoss: last && Number.isFinite(last.trainLoss) ? last.trainLoss : null,
    heldOutCer: last && Number.isFinite(last.heldOutCer) ? last.heldOutCer : null,
    bestCer: cers.length > 0 ? Math.min(...cers) : null,
  };
}

/** "45 s", "3 min 05 s", "1 h 02 min"; "–" when unknown. */
export function formatEta(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  const total = Math.round(seconds);
  if (total < 60) return `${total} s`;
  if (total < 3600) return `${Math.floor(total / 60)} min ${String(total % 60).padStart(2, '0')} s`;
  return `${Math.floor(total / 3600)} h ${String(Math.floor(total / 60) % 60).padStart(2, '0')} min`;
}

/**
 * Tick positions for a training-step axis: whole steps only (a tick at step 0.5 means nothing),
 * spaced 1, 2, 5, 10, 20, 50… apart so that ticks are at least `minSpacePx` apart on an axis
 * `widthPx` wide.
 */
export function stepAxisSplits(min: number, max: number, widthPx: number, minSpacePx = 50): number[] {
  if (!Number.isFinite(min) || !Number.isFinite(max) || max < min) return [];
  const span = Math.max(max - min, 1);
  const maxTicks = Math.max(1, Math.floor(widthPx / minSpacePx));
  let increment = 1;
  for (let decade = 1; ; decade *= 10) {
    const found = [1, 2, 5].map((m) => m * decade).find((candidate) => span / candidate <= maxTicks);
    if (found !== undefined) {
      increment = found;
      break;
    }
  }
  const ticks: number[] = [];
  for (let tick = Math.ceil(min / increment) * increment; tick <= max + 1e-9; tick += increment) ticks.push(tick);
  return ticks;
}
