import { test } from 'node:test';
import assert from 'node:assert/strict';
import { wordAt } from './follow-along.ts';

const words = [
  { word: 'one', start: 0.3, end: 0.6, confidence: 1 },
  { word: 'five', start: 0.8, end: 1.1, confidence: 1 },
  { word: 'two', start: 1.1, end: 1.5, confidence: 1 },
];

test('wordAt: the word being said, the last one in a gap, -1 before speech', () => {
  assert.equal(wordAt(words, 0), -1);
  assert.equal(wordAt(words, 0.3), 0);
  assert.equal(wordAt(words, 0.7), 0, 'gap: the word just said stays lit');
  assert.equal(wordAt(words, 0.9), 1);
  assert.equal(wordAt(words, 1.1), 2);
  assert.equal(wordAt(words, 99), 2);
  assert.equal(wordAt([], 1), -1);
  // Brute force over a grid.
  for (let t = 0; t < 2; t += 0.01) {
    const expected = words.reduce((best, word, index) => (word.start <= t ? index : best), -1);
    assert.equal(wordAt(words, t), expected, `t=${t}`);
  }
});
