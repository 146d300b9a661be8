import { test } from 'node:test';
import assert from 'node:assert/strict';
import { heldOutNote, MIN_HELD_OUT } from './held-out.ts';

test('the comparison states its basis and warns below the minimum', () => {
  assert.equal(heldOutNote(1).basis.startsWith('on 1 held-out recording '), true);
  assert.match(heldOutNote(1).warning ?? '', /Only 1 held-out recording: each one is 100 % of the result/);
  assert.match(heldOutNote(4).warning ?? '', /each one is 25 %/);
  assert.match(heldOutNote(0).warning ?? '', /nothing to compare/);
  assert.equal(heldOutNote(MIN_HELD_OUT).warning, null);
  assert.equal(heldOutNote(MIN_HELD_OUT - 1).warning !== null, true);
  assert.match(heldOutNote(25).basis, /on 25 held-out recordings/);
});
