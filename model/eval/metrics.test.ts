import { test } from 'node:test';
import assert from 'node:assert/strict';
import { alignTokens, cer, charAlignment, ErrorRateAccumulator, wer, wordAlignment } from './metrics.ts';

const counts = (a: { hits: number; substitutions: number; deletions: number; insertions: number }) =>
  [a.hits, a.substitutions, a.deletions, a.insertions];

test('word alignments computed by hand', () => {
  // the cat sat / the bat sat on: H the, S cat→bat, H sat, I on.
  const a = wordAlignment('the cat sat', 'the  bat sat on ');
  assert.deepEqual(counts(a), [2, 1, 0, 1]);
  assert.deepEqual(a.ops.map((o) => o.op), ['hit', 'substitution', 'hit', 'insertion']);
  assert.equal(wer('the cat sat', 'the bat sat on'), 2 / 3);
  assert.deepEqual(counts(wordAlignment('a b c d', 'a c d')), [3, 0, 1, 0]);
  assert.equal(wer('a b c d', 'a c d'), 0.25);
  assert.deepEqual(counts(wordAlignment('one two', '')), [0, 0, 2, 0]);
  assert.equal(wer('one two', ''), 1);
  assert.equal(wer('', ''), 0);
  assert.equal(wer('', 'x y'), 2, 'empty reference: denominator 1');
  assert.equal(wer('yes', 'yes'), 0);
});

test('character alignments computed by hand', () => {
  // kitten → sitting: k→s, e→i, +g = 3 edits over 6 characters.
  const a = charAlignment('kitten', 'sitting');
  assert.deepEqual(counts(a), [4, 2, 0, 1]);
  assert.equal(cer('kitten', 'sitting'), 0.5);
  // A split word costs one inserted space: "ab c" vs "abc": 4 ref chars, 1 deletion.
  assert.equal(cer('ab c', 'abc'), 0.25);
  assert.deepEqual(counts(charAlignment('ab c', 'abc')), [3, 0, 1, 0]);
});

test('edit totals equal an independent recursive edit distance on random strings', () => {
  let state = 42;
  const rand = (n: number) => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return Math.floor((state / 2 ** 32) * n); };
  const distance = (a: string[], b: string[]): number => {
    const memo = new Map<string, number>();
    const go = (i: number, j: number): number => {
      if (i === a.length) return b.length - j;
      if (j === b.length) return a.length - i;
      const key = `${i},${j}`;
      if (!memo.has(key)) memo.set(key, Math.min(go(i + 1, j + 1) + (a[i] === b[j] ? 0 : 1), go(i + 1, j) + 1, go(i, j + 1) + 1));
      return memo.get(key)!;
    };
    return go(0, 0);
  };
  for (let trial = 0; trial < 200; trial++) {
    const ref = Array.from({ length: rand(7) }, () => 'abc'[rand(3)]);
    const hyp = Array.from({ length: rand(7) }, () => 'abc'[rand(3)]);
    const a = alignTokens(ref, hyp);
    assert.equal(a.substitutions + a.deletions + a.insertions, distance(ref, hyp), `${ref.join('')} vs ${hyp.join('')}`);
    assert.equal(a.hits + a.substitutions + a.deletions, ref.length);
    assert.equal(a.hits + a.substitutions + a.insertions, hyp.length);
  }
});

test('accumulator sums counts before dividing (corpus rate, not mean of rates)', () => {
  const acc = new ErrorRateAccumulator();
  acc.add('hello world', 'hello word'); // 1 of 2 words; 1 of 11 chars
  acc.add('one two three four five six seven eight', 'one two three four five six seven eight');
  assert.equal(acc.utterances, 2);
  assert.equal(acc.utterancesWithErrors, 1);
  assert.equal(acc.wer, 1 / 10);
  assert.equal(acc.cer, 1 / (11 + 39));
  assert.deepEqual(acc.summary().words, { hits: 9, substitutions: 1, deletions: 0, insertions: 0, refLength: 10, hypLength: 10 });
});
