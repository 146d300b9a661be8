import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeLayout, laneLayout, MAX_LANE_PX, unitsInRow } from './lane-layout.ts';

test('every unit gets a row of its own up to the lane limit, rows taller for small layers', () => {
  assert.deepEqual(laneLayout(256), { units: 256, pool: 1, rows: 256, rowPx: 1, heightPx: 256 });
  assert.deepEqual(laneLayout(128), { units: 128, pool: 1, rows: 128, rowPx: 2, heightPx: 256 });
  assert.deepEqual(laneLayout(32), { units: 32, pool: 1, rows: 32, rowPx: 8, heightPx: 256 });
  assert.deepEqual(laneLayout(100), { units: 100, pool: 1, rows: 100, rowPx: 2, heightPx: 200 });
  assert.deepEqual(laneLayout(8), { units: 8, pool: 1, rows: 8, rowPx: 8, heightPx: 64 });
});

test('past the limit, rows pool consecutive units and the label says so; no unit is left out', () => {
  const layout = laneLayout(600);
  assert.equal(layout.pool, 3);
  assert.equal(layout.rows, 200);
  assert.ok(layout.heightPx <= MAX_LANE_PX);
  assert.match(describeLayout(layout), /600 units, 3 per row/);
  const order = Int32Array.from({ length: 600 }, (_, i) => 599 - i);
  const covered = new Set<number>();
  for (let row = 0; row < layout.rows; row++) for (const unit of unitsInRow(layout, order, row)) covered.add(unit);
  assert.equal(covered.size, 600);
  assert.deepEqual(unitsInRow(layout, order, 0), [599, 598, 597]);
  assert.match(describeLayout(laneLayout(256)), /256 units, 1 px each/);
});

test('for any size, rows × pool covers the units and the lane fits', () => {
  for (let units = 1; units <= 2048; units += 7) {
    const layout = laneLayout(units);
    assert.ok(layout.rows * layout.pool >= units && (layout.rows - 1) * layout.pool < units, `units ${units}`);
    assert.ok(layout.heightPx <= MAX_LANE_PX && layout.rowPx >= 1 && Number.isInteger(layout.rowPx));
  }
  assert.equal(laneLayout(0).rows, 0);
});
