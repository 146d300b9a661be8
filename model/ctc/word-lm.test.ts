import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildWordLm, loadWordLm, saveWordLm, SENTENCE_END, SENTENCE_START, UNKNOWN } from './word-lm.ts';

test('bigram Kneser-Ney values equal a hand computation', () => {
  // Corpus "<s> a b </s>", "<s> a c </s>". Continuation counts: a 1, b 1, c 1, </s> 2 →
  // D1 = 3/(3+2·1) = 0.6; bigram counts 2,1,1,1,1 → D2 = 4/(4+2) = 2/3. Uniform over {a,b,c,</s>,<unk>} = 1/5.
  const lm = buildWordLm('a b\na c', 2);
  const gamma1 = (0.6 * 4) / 5;
  const pA = (1 - 0.6) / 5 + gamma1 / 5; // 0.176
  const pEnd = (2 - 0.6) / 5 + gamma1 / 5; // 0.376
  const d2 = 2 / 3;
  const expected: [string[], string, number][] = [
    [[], 'a', pA],
    [[], SENTENCE_END, pEnd],
    [[], 'zebra', gamma1 / 5],
    [['a'], 'b', (1 - d2) / 2 + d2 * pA],
    [['a'], 'a', d2 * pA],
    [[SENTENCE_START], 'a', (2 - d2) / 2 + ((d2 * 1) / 2) * pA],
    [['zebra'], 'a', pA], // unseen context: no back-off weight
  ];
  for (const [history, word, p] of expected) {
    assert.ok(Math.abs(Math.exp(lm.logProb(history, word)) - p) < 1e-12, `P(${word} | ${history.join(' ')}) = ${Math.exp(lm.logProb(history, word))}, expected ${p}`);
  }
});

test('trigram distributions sum to one over vocabulary, </s> and <unk>', () => {
  const text = 'the cat sat on the mat\nthe dog sat on the log\na cat and a dog\nthe cat ran\n';
  const lm = buildWordLm(text, 3);
  const vocabulary = [...new Set(text.split(/\s+/).filter(Boolean)), SENTENCE_END, UNKNOWN];
  const histories = [[SENTENCE_START], [SENTENCE_START, 'the'], ['the', 'cat'], ['on', 'the'], ['cat'], ['zebra', 'the'], ['dog', 'zebra'], []];
  for (const history of histories) {
    const sum = vocabulary.reduce((acc, w) => acc + Math.exp(lm.logProb(history, w)), 0);
    assert.ok(Math.abs(sum - 1) < 1e-9, `Σ P(· | ${history.join(' ')}) = ${sum}`);
  }
  assert.ok(lm.logProb(['the'], 'cat') > lm.logProb(['the'], 'and'));
  assert.ok(lm.sentenceLogProb('the cat sat') > lm.sentenceLogProb('sat the cat'));
});

test('JSON round trip and loadWordLm from .txt and .json', () => {
  const dir = mkdtempSync(join(tmpdir(), 'word-lm-'));
  writeFileSync(join(dir, 'corpus.txt'), 'Turn ON the light.\nturn off the light\n');
  const built = loadWordLm(join(dir, 'corpus.txt'));
  assert.ok(built.has('on'), 'lines are normalised to lowercase without punctuation');
  saveWordLm(built, join(dir, 'lm.json'));
  const loaded = loadWordLm(join(dir, 'lm.json'));
  for (const [h, w] of [[['turn'], 'on'], [['on', 'the'], 'light'], [['the'], 'zebra']] as [string[], string][]) {
    assert.equal(loaded.logProb(h, w), built.logProb(h, w));
  }
  assert.equal(loaded.order, 3);
});
