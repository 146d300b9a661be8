import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { parseArpa } from './arpa.ts';
import { pruneNgramLm } from './lm-prune.ts';
import { detectLmKind, loadLanguageModel } from './lm-file.ts';
import { NgramLm, readNgramLmBinary } from './ngram-lm.ts';
import { WordLm } from './word-lm.ts';

const FIXTURES = join(import.meta.dirname, 'fixtures');
const ARPA = join(FIXTURES, 'arpa-golden.arpa');
const SPHINX_BIN = join(FIXTURES, 'arpa-golden.lm.bin.gz');
const EN_US = '/usr/share/pocketsphinx/model/en-us/en-us.lm.bin';
const LOG10_BASE = Math.log10(1.0001);

interface Query { history: string[]; word: string; log10: number }
const golden = JSON.parse(readFileSync(join(FIXTURES, 'arpa-golden.json'), 'utf8')) as { queries: Query[]; vocabularySize: number };
interface SphinxScore { word: string; history: string[]; logBase1_0001: number }
const sphinxEval = JSON.parse(readFileSync(join(FIXTURES, 'sphinx-lm-eval.json'), 'utf8')) as Record<string, Record<string, SphinxScore[]>>;

function assertQueries(lm: NgramLm, tolerance: number, label: string): void {
  for (const q of golden.queries) {
    const got = lm.log10Prob(q.history, q.word);
    assert.ok(Math.abs(got - q.log10) <= tolerance, `${label}: log10 P(${q.word} | ${q.history.join(' ')}) = ${got}, expected ${q.log10}`);
  }
}

test('ARPA reader reproduces Witten-Bell probabilities computed from counts, back-off included', () => {
  const lm = loadLanguageModel(ARPA) as NgramLm;
  assert.ok(lm instanceof NgramLm);
  assert.deepEqual([lm.order, lm.count(1), lm.count(2), lm.count(3)], [3, 27, 268, 785]);
  // The file has 7 decimals; the queries include unseen trigrams, unseen contexts and an OOV word.
  assertQueries(lm, 2e-6, 'arpa');
  const unseen = golden.queries.filter((q) => q.history.length === 2 && !lm.has(q.word)).length;
  assert.ok(unseen > 0, 'the queries include an out-of-vocabulary word');
});

test('ARPA reader agrees with sphinx_lm_eval reading the same file', () => {
  const lm = loadLanguageModel(ARPA);
  for (const [sentence, scores] of Object.entries(sphinxEval.golden)) {
    for (const s of scores) {
      const ours = lm.logProb(s.history, s.word) / Math.LN10 / LOG10_BASE;
      assert.ok(Math.abs(ours - s.logBase1_0001) <= 1.5, `"${sentence}": ${s.word} | ${s.history.join(' ')}: ours ${ours}, sphinx ${s.logBase1_0001}`);
    }
  }
});

test('gzipped ARPA, CMU-style spaces and CRLF read the same; the kind is detected', () => {
  const dir = mkdtempSync(join(tmpdir(), 'arpa-'));
  const text = readFileSync(ARPA, 'utf8');
  const variant = join(dir, 'cmu.arpa.gz');
  writeFileSync(variant, gzipSync(Buffer.from(text.replace(/\t/g, ' ').replace(/\n/g, '\r\n'))));
  const lm = loadLanguageModel(variant) as NgramLm;
  assertQueries(lm, 2e-6, 'gz');
  assert.equal(detectLmKind('x.arpa', Buffer.from(text)), 'arpa');
  assert.equal(detectLmKind('x.txt', Buffer.from('the cat sat\n')), 'text');
  assert.ok(loadLanguageModel(join(dir, 'cmu.arpa.gz')).has('cat'));
  const plain = join(dir, 'corpus.txt');
  writeFileSync(plain, 'the cat sat\nthe dog ran\n');
  assert.ok(loadLanguageModel(plain) instanceof WordLm, 'plain text still builds a Kneser-Ney LM');
});

test('our binary round-trips every table exactly', () => {
  const lm = parseArpa(readFileSync(ARPA, 'utf8'));
  const dir = mkdtempSync(join(tmpdir(), 'cslm-'));
  const path = join(dir, 'model.cslm');
  lm.save(path);
  const back = loadLanguageModel(path) as NgramLm;
  for (let n = 1; n <= 3; n++) {
    assert.deepEqual(back.tables[n - 1].ids, lm.tables[n - 1].ids);
    assert.deepEqual(back.tables[n - 1].log10Prob, lm.tables[n - 1].log10Prob);
    assert.deepEqual(back.tables[n - 1].log10Backoff, lm.tables[n - 1].log10Backoff);
  }
  assertQueries(back, 2e-6, 'binary');
  assert.throws(() => readNgramLmBinary(Buffer.from('CSLM1\n\x10\x00'), 'cut.cslm'), /cut\.cslm: truncated/);
});

test('bad ARPA files are rejected with the file, the line and the problem', () => {
  const text = readFileSync(ARPA, 'utf8');
  assert.throws(() => parseArpa(text.replace('ngram 2=268', 'ngram 2=269'), 'a.arpa'), /a\.arpa: line \d+: the header promised 269 2-grams, the section has 268/);
  assert.throws(() => parseArpa(text.replace(/\n(-[\d.]+)\tthe mat\t/, '\nx\tthe mat\t'), 'b.arpa'), /b\.arpa: line \d+: probability "x" is not a number/);
  assert.throws(() => parseArpa(text.replace(/\tthe mat no\n/, '\tthe mat sofa\n'), 'c.arpa'), /c\.arpa: line \d+: word "sofa" is not among the 1-grams/);
  assert.throws(() => parseArpa(text.replace('\\end\\', ''), 'd.arpa'), /d\.arpa: line \d+: expected "\\end\\"/);
  assert.throws(() => parseArpa('hello\n', 'e.arpa'), /e\.arpa: not an ARPA file/);
  const dir = mkdtempSync(join(tmpdir(), 'arpa-bad-'));
  writeFileSync(join(dir, 'junk.bin'), Buffer.from([0, 1, 2, 3, 0, 0]));
  assert.throws(() => loadLanguageModel(join(dir, 'junk.bin')), /junk\.bin: binary data that is not a known LM format/);
  assert.throws(() => loadLanguageModel(join(dir, 'missing.arpa')), /missing\.arpa: ENOENT/);
});

test('sphinx binary trie (written by sphinx_lm_convert) reads back the ARPA probabilities', () => {
  const lm = loadLanguageModel(SPHINX_BIN) as NgramLm;
  assert.equal(detectLmKind('x', Buffer.from('Trie Language Model')), 'sphinx-trie');
  assert.deepEqual([lm.order, lm.count(1), lm.count(2), lm.count(3)], [3, 27, 268, 785]);
  // Sphinx stores float32 logs in base 1.0001: about 1e-5 of rounding in log10.
  assertQueries(lm, 1e-4, 'sphinx trie');
});

test('pocketsphinx-en-us general LM: our trie reader gives sphinx_lm_eval\'s scores', { skip: !existsSync(EN_US) && `${EN_US} not installed (apt-get install pocketsphinx-en-us)` }, () => {
  const lm = loadLanguageModel(EN_US) as NgramLm;
  assert.equal(lm.count(1), 72547);
  for (const [sentence, scores] of Object.entries(sphinxEval['en-us'] ?? {})) {
    assert.ok(scores.length > 0);
    for (const s of scores) {
      const ours = lm.logProb(s.history, s.word) / Math.LN10 / LOG10_BASE;
      assert.ok(Math.abs(ours - s.logBase1_0001) <= 1.5, `"${sentence}": ${s.word} | ${s.history.join(' ')}: ours ${ours}, sphinx ${s.logBase1_0001}`);
    }
  }
  // Unigram probabilities sum to one (a check on the log base and the field layout).
  let sum = 0;
  for (const p of lm.tables[0].log10Prob) if (p > -90) sum += 10 ** p;
  assert.ok(Math.abs(sum - 1) < 1e-3, `unigram mass ${sum}`);
});

test('pruning keeps a proper back-off model: every context still sums to one', () => {
  const full = parseArpa(readFileSync(ARPA, 'utf8'));
  const pruned = pruneNgramLm(full, { maxNgrams: [120, 200] });
  assert.deepEqual([pruned.count(2) >= 120, pruned.count(3)], [true, 200]);
  assert.ok(pruned.count(2) < full.count(2));
  // Σ_w P(w | h) over every predictable word (all but <s>), for seen and unseen contexts.
  const predictable = full.words.filter((w) => w !== '<s>');
  const histories = [[], ['<s>'], ['the'], ['<s>', 'the'], ['the', 'cat'], ['cat', 'sat'], ['red', 'house'], ['go', "don't"]];
  for (const history of histories) {
    const before = predictable.reduce((s, w) => s + Math.exp(full.logProb(history, w)), 0);
    const after = predictable.reduce((s, w) => s + Math.exp(pruned.logProb(history, w)), 0);
    assert.ok(Math.abs(before - 1) < 1e-5, `full model: Σ P(· | ${history.join(' ')}) = ${before}`);
    assert.ok(Math.abs(after - 1) < 1e-5, `pruned model: Σ P(· | ${history.join(' ')}) = ${after}`);
  }
  // Kept n-grams keep their probabilities; the ones dropped are the least costly by the criterion.
  const kept = golden.queries.filter((q) => q.history.length === 2 && pruned.findRow(Int32Array.from([...q.history, q.word].map((w) => pruned.id(w))), 0, 3) >= 0);
  assert.ok(kept.length > 0);
  for (const q of kept) assert.ok(Math.abs(pruned.log10Prob(q.history, q.word) - q.log10) < 2e-6);
});
