import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diffWords, words } from './word-diff.ts';

/** Brute force: the longest sequence of `a` (over all 2^n subsets) that is a subsequence of `b`. */
function bruteLcs(a: string[], b: string[]): number {
  let best = 0;
  for (let mask = 0; mask < 1 << a.length; mask++) {
    const picked = a.filter((_, index) => mask & (1 << index));
    let k = 0;
    for (const word of b) if (k < picked.length && picked[k] === word) k++;
    if (k === picked.length) best = Math.max(best, picked.length);
  }
  return best;
}

/** Deterministic pseudo-random generator (mulberry32) so failures reproduce. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('a one-word substitution marks exactly that word on both sides', () => {
  const diff = diffWords('the birch canoe slid', 'the bird canoe slid');
  assert.deepEqual(diff.left.map((t) => t.changed), [false, true, false, false]);
  assert.deepEqual(diff.right.map((t) => t.changed), [false, true, false, false]);
  assert.equal(diff.common, 3);
});

test('insertions and deletions are marked only on the side that has them', () => {
  const diff = diffWords('one two three', 'one two two three four');
  assert.deepEqual(diff.left.map((t) => t.changed), [false, false, false]);
  assert.equal(diff.right.filter((t) => t.changed).length, 2);
  assert.deepEqual(diffWords('', 'seven').right, [{ word: 'seven', changed: true }]);
  assert.deepEqual(diffWords('seven', '   ').left, [{ word: 'seven', changed: true }]);
  assert.deepEqual(words('  a \n b\t'), ['a', 'b']);
});

test('unchanged words form a common subsequence as long as the brute-force LCS (random cases)', () => {
  const next = random(7);
  const vocabulary = ['zero', 'one', 'two', 'three', 'four'];
  for (let trial = 0; trial < 300; trial++) {
    const a = Array.from({ length: Math.floor(next() * 8) }, () => vocabulary[Math.floor(next() * vocabulary.length)]);
    const b = Array.from({ length: Math.floor(next() * 8) }, () => vocabulary[Math.floor(next() * vocabulary.length)]);
    const diff = diffWords(a.join(' '), b.join(' '));
    const keptLeft = diff.left.filter((t) => !t.changed).map((t) => t.word);
    const keptRight = diff.right.filter((t) => !t.changed).map((t) => t.word);
    assert.deepEqual(keptLeft, keptRight, `kept words must pair up: ${a} | ${b}`);
    assert.equal(keptLeft.length, bruteLcs(a, b), `optimal: ${a} | ${b}`);
    assert.equal(diff.common, keptLeft.length);
    assert.deepEqual(diff.left.map((t) => t.word), a);
    assert.deepEqual(diff.right.map((t) => t.word), b);
  }
});
