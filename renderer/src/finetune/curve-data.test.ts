import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { JobInfo } from '../../../contract/contract.ts';
import { alignSeries, appendCapped, cerPoints, finalMetrics, formatEta, lossPoints, type CurveSeries, stepAxisSplits } from './curve-data.ts';

function job(curve: JobInfo['curve'], head: JobInfo['request']['head'] = 'keep'): JobInfo {
  return {
    id: `job-${head}`, state: 'done', step: curve.at(-1)?.step ?? 0, totalSteps: 30, error: null, modelId: null, curve,
    request: { datasetId: 'd', baseModelId: 'm', epochs: 3, learningRate: 1e-3, frozenLayers: 0, head, name: `variant ${head}` },
  };
}

test('series with different x values are merged onto the sorted union, null where a series has no point', () => {
  const series: CurveSeries[] = [
    { label: 'lstm', points: [{ x: 10, y: 1 }, { x: 20, y: 0.5 }, { x: 30, y: 0.25 }] },
    { label: 'gru', points: [{ x: 15, y: 2 }, { x: 30, y: 0.2 }] },
  ];
  const aligned = alignSeries(series);
  assert.deepEqual(aligned.x, [10, 15, 20, 30]);
  assert.deepEqual(aligned.ys, [[1, null, 0.5, 0.25], [null, 2, null, 0.2]]);
});

test('alignment keeps every finite point exactly once at its x (random cases, checked point by point)', () => {
  let seed = 3;
  const next = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let trial = 0; trial < 100; trial++) {
    const series: CurveSeries[] = Array.from({ length: 1 + Math.floor(next() * 4) }, (_, s) => ({
      label: `s${s}`,
      points: Array.from({ length: Math.floor(next() * 12) }, () => ({ x: Math.floor(next() * 20), y: next() < 0.1 ? Number.NaN : next() })),
    }));
    const { x, ys } = alignSeries(series);
    for (let i = 1; i < x.length; i++) assert.ok(x[i] > x[i - 1], 'x strictly ascending');
    series.forEach((one, s) => {
      assert.equal(ys[s].length, x.length);
      // The expected value at each x: the last finite point of this series there, else null.
      const expected = new Map<number, number>();
      for (const point of one.points) if (Number.isFinite(point.y)) expected.set(point.x, point.y);
      x.forEach((value, index) => assert.equal(ys[s][index], expected.get(value) ?? null));
    });
    const everyX = new Set(series.flatMap((one) => one.points.filter((p) => Number.isFinite(p.y)).map((p) => p.x)));
    assert.deepEqual(x, [...everyX].sort((a, b) => a - b));
  }
});

test('loss points merge the per-epoch curve with live per-step losses; cancelled NaNs are dropped', () => {
  const done = job([{ epoch: 1, step: 10, trainLoss: 1.5, heldOutCer: 0.4 }, { epoch: 2, step: 20, trainLoss: 0.9, heldOutCer: 0.3 }]);
  const live = [{ x: 5, y: 2 }, { x: 10, y: 1.4 }, { x: 21, y: Number.NaN }];
  assert.deepEqual(lossPoints(done, live), [{ x: 5, y: 2 }, { x: 10, y: 1.4 }, { x: 20, y: 0.9 }]);
  assert.deepEqual(cerPoints(done), [{ x: 10, y: 0.4 }, { x: 20, y: 0.3 }]);
});

test('final metrics come from the last epoch; best CER is the lowest over epochs', () => {
  const metrics = finalMetrics(job([
    { epoch: 1, step: 10, trainLoss: 1.5, heldOutCer: 0.4 }, { epoch: 2, step: 20, trainLoss: 0.9, heldOutCer: 0.2 }, { epoch: 3, step: 30, trainLoss: 0.7, heldOutCer: 0.25 },
  ], 'gru'));
  assert.deepEqual(metrics, { jobId: 'job-gru', name: 'variant gru', head: 'gru', state: 'done', epochs: 3, steps: 30, trainLoss: 0.7, heldOutCer: 0.25, bestCer: 0.2 });
  const empty = finalMetrics(job([]));
  assert.equal(empty.trainLoss, null);
  assert.equal(empty.bestCer, null);
});

test('capped appending halves evenly when full and always keeps the first and newest points', () => {
  let points: { x: number; y: number }[] = [];
  for (let step = 0; step < 1000; step++) points = appendCapped(points, { x: step, y: step }, 64);
  assert.ok(points.length <= 64);
  assert.equal(points[0].x, 0);
  assert.equal(points.at(-1)!.x, 999);
  for (let i = 1; i < points.length; i++) assert.ok(points[i].x > points[i - 1].x);
});

test('ETA text', () => {
  assert.equal(formatEta(44.6), '45 s');
  assert.equal(formatEta(185), '3 min 05 s');
  assert.equal(formatEta(3720), '1 h 02 min');
  assert.equal(formatEta(Number.NaN), '–');
});

test('step axis ticks are whole steps, evenly spaced, inside the range and not crowded', () => {
  assert.deepEqual(stepAxisSplits(0, 3, 600), [0, 1, 2, 3]);
  assert.deepEqual(stepAxisSplits(1, 2, 600), [1, 2]);
  for (const [min, max, width] of [[0, 7, 100], [0, 40, 300], [3, 997, 640], [0, 12345, 500], [0, 0, 300]] as const) {
    const ticks = stepAxisSplits(min, max, width);
    assert.ok(ticks.length >= 1 && ticks.length <= Math.max(1, Math.floor(width / 50)) + 1, `${min}-${max}: ${ticks.length} ticks`);
    for (const tick of ticks) assert.ok(Number.isInteger(tick) && tick >= min && tick <= max, `${tick} in ${min}-${max}`);
    const gaps = new Set(ticks.slice(1).map((tick, index) => tick - ticks[index]));
    assert.ok(gaps.size <= 1, 'evenly spaced');
  }
  assert.deepEqual(stepAxisSplits(5, 1, 300), []);
});
