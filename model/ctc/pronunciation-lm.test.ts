import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildWordLm } from './word-lm.ts';
import { SENTENCE_END, SENTENCE_START } from './word-lm.ts';
import { PronunciationLm, chooseWords, groupHomophones, partialInWords } from './pronunciation-lm.ts';

// Pronunciations written as plain strings: the module never looks inside them.
const PRONUNCIATIONS: Record<string, string[]> = {
  two: ['T-UW'], too: ['T-UW'], to: ['T-UW', 'T-AH'], i: ['AY'], eye: ['AY'], want: ['W-AA-N-T'],
  go: ['G-OW'], see: ['S-IY'], sea: ['S-IY'], the: ['DH-AH'], ships: ['SH-IH-P-S'], have: ['HH-AE-V'], cats: ['K-AE-T-S'],
};
const TEXT = ['i want to go', 'i want to see the sea', 'i have two cats', 'i want two cats too', 'i see the ships',
  'the sea to see', 'two ships to see'].join('\n');

test('homophones group by every pronunciation, likeliest word first', () => {
  const counts = new Map([['to', 5], ['two', 3], ['too', 1]]);
  const groups = groupHomophones(Object.keys(PRONUNCIATIONS), (w) => PRONUNCIATIONS[w], (w) => counts.get(w) ?? 0);
  assert.deepEqual(groups.get('T-UW'), ['to', 'two', 'too']);
  assert.deepEqual(groups.get('T-AH'), ['to']);
  assert.deepEqual(groups.get('S-IY'), ['sea', 'see']);
  assert.equal(groupHomophones(['zork'], () => undefined).size, 0);
});

test('a pronunciation scores the summed probability of its words (checked against the word LM)', () => {
  const lm = buildWordLm(TEXT, 3);
  const groups = groupHomophones(Object.keys(PRONUNCIATIONS), (w) => PRONUNCIATIONS[w], (w) => lm.logProb([], w));
  const plm = new PronunciationLm(lm, groups);
  const history = [SENTENCE_START, 'AY', 'W-AA-N-T']; // "i want"
  const summed = Math.log(['to', 'two', 'too'].reduce((sum, w) => sum + Math.exp(lm.logProb([SENTENCE_START, 'i', 'want'], w)), 0));
  assert.ok(Math.abs(plm.logProb(history, 'T-UW') - summed) < 1e-9);
  assert.equal(plm.logProb(history, SENTENCE_END), lm.logProb([SENTENCE_START, groups.get('AY')![0], 'want'], SENTENCE_END));
  assert.ok(plm.has('T-UW') && !plm.has('to'));
  assert.equal(plm.order, 3);
});

test('chooseWords finds the best homophones exactly (brute force over every choice)', () => {
  const lm = buildWordLm(TEXT, 3);
  const groups = groupHomophones(Object.keys(PRONUNCIATIONS), (w) => PRONUNCIATIONS[w], (w) => lm.logProb([], w));
  const sentenceScore = (words: string[]) => {
    let score = 0;
    const history = [SENTENCE_START];
    for (const w of [...words, SENTENCE_END]) { score += lm.logProb(history, w); history.push(w); }
    return score;
  };
  const cases = [['AY', 'W-AA-N-T', 'T-UW', 'S-IY', 'DH-AH', 'S-IY'], ['AY', 'HH-AE-V', 'T-UW', 'K-AE-T-S'],
    ['T-UW', 'SH-IH-P-S', 'T-UW', 'S-IY'], ['AY', 'S-IY', 'DH-AH', 'SH-IH-P-S'], ['ZZ-Z', 'T-UW']];
  for (const prons of cases) {
    // Every combination of homophones, scored by the word LM directly.
    let best: { words: string[]; score: number } = { words: [], score: -Infinity };
    const walk = (i: number, words: string[]) => {
      if (i === prons.length) {
        const score = sentenceScore(words);
        if (score > best.score) best = { words, score };
        return;
      }
      for (const w of groups.get(prons[i]) ?? [prons[i]]) walk(i + 1, [...words, w]);
    };
    walk(0, []);
    const chosen = chooseWords(prons, groups, lm);
    assert.ok(Math.abs(sentenceScore(chosen) - best.score) < 1e-9, `${prons.join(' ')}: ${chosen.join(' ')} vs ${best.words.join(' ')}`);
  }
  assert.deepEqual(chooseWords(['AY', 'HH-AE-V', 'T-UW', 'K-AE-T-S'], groups, lm), ['i', 'have', 'two', 'cats']);
  assert.deepEqual(chooseWords(['AY', 'W-AA-N-T', 'T-UW', 'G-OW'], groups, lm), ['i', 'want', 'to', 'go']);
  assert.deepEqual(chooseWords([], groups, lm), []);
});

test('partialInWords says whole pronunciations as words and holds back one still being heard', () => {
  const lm = buildWordLm(TEXT, 3);
  const groups = groupHomophones(Object.keys(PRONUNCIATIONS), (w) => PRONUNCIATIONS[w], (w) => lm.logProb([], w));
  assert.equal(partialInWords('AY W-AA-N-T T-UW G-OW', { homophones: groups, lm }), 'i want to go');
  assert.equal(partialInWords('AY HH-AE-V T-UW K-AE', { homophones: groups, lm }), 'i have two'); // "K-AE…" unfinished
  assert.equal(partialInWords('', { homophones: groups, lm }), '');
  assert.equal(partialInWords('AY HH-AE-V', { homophones: groups }), 'i have'); // no LM: each pronunciation's first word
});
