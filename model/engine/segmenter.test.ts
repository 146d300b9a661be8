/**
 * The pause segmenter on hand-made log-probabilities, where the right cut is known by
 * construction: pauses before the minimum length are ignored, the first long-enough pause cuts
 * in its middle on a blank step, a pause-free stretch is cut at its most blank step, and the
 * cuts do not depend on how the steps arrived.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { findCut, type SegmenterOptions } from './segmenter.ts';

const CLASSES = 4; // blank + 3 letters

/** Steps from a pattern: '.' = confident blank, 'b' = blank argmax but unsure, 'a'/'c' = letters. */
function steps(pattern: string): Float32Array {
  const out = new Float32Array(pattern.length * CLASSES);
  for (let t = 0; t < pattern.length; t++) {
    const probs = pattern[t] === '.' ? [0.97, 0.01, 0.01, 0.01]
      : pattern[t] === 'b' ? [0.5, 0.3, 0.1, 0.1]
      : pattern[t] === 'a' ? [0.1, 0.8, 0.05, 0.05] : [0.1, 0.05, 0.05, 0.8];
    probs.forEach((p, k) => { out[t * CLASSES + k] = Math.log(p); });
  }
  return out;
}

const opts: SegmenterOptions = { pauseSteps: 4, blankProbability: 0.9, minSegmentSteps: 10, maxSegmentSteps: 30 };
const cut = (pattern: string) => findCut(steps(pattern), pattern.length, CLASSES, opts);

test('a pause cuts only after the minimum length, in the middle of its first pauseSteps steps', () => {
  assert.equal(cut('aa....cc'), null); // pause too early
  assert.equal(cut('acacacacac...'), null); // pause not yet long enough
  assert.equal(cut('acacacacac....'), 12); // run starts at 10: cut at 10 + 2
  assert.equal(cut('acacacacacac'), null); // no pause, under the maximum
  assert.equal(cut('ac..acacac.bb.cacac..cac....ca'), 26); // run from 24 // unsure blanks ('b') are not silence
});

test('without a pause the cut goes to the most blank step of the second half, after every pause had its chance', () => {
  const speech = 'acbacacacacacacacacacacacbacacacacac'; // 36 steps, 'b' at 2 and 25
  assert.equal(cut(speech.slice(0, 33)), null); // waits for maxSegmentSteps + pauseSteps
  assert.equal(cut(speech), 25);
  // no blank-argmax step at all: cut at the maximum
  assert.equal(cut('ac'.repeat(18)), 30);
});

test('cuts do not depend on how the steps arrived', () => {
  const pattern = 'acac.acacacab..cacacacacacacacaacacacacac....acacacacacacac';
  const all = steps(pattern);
  const expected = findCut(all, pattern.length, CLASSES, opts);
  // Growing prefixes: the first non-null answer is the same cut, whatever the prefix length.
  for (let n = 1; n <= pattern.length; n++) {
    const got = findCut(all.subarray(0, n * CLASSES), n, CLASSES, opts);
    if (got !== null) { assert.equal(got, expected, `prefix of ${n} steps`); return; }
  }
  assert.fail('no cut found');
});
