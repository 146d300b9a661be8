import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Alphabet } from '../text/alphabet.ts';
import { PHONE_ALPHABET, phonesToSymbols } from '../text/phones.ts';
import { decode } from './decode.ts';
import { decodeGrammar, Grammar } from './grammar.ts';
import { BUNDLED_GENERAL_LM, decodeOptions, resolveDecoding } from './decode-settings.ts';

const alphabet = new Alphabet(PHONE_ALPHABET);

/**
 * Log-posteriors [frames × classes] of a phone model that clearly says `words` (ARPAbet): two
 * frames per phone at 0.9, a blank frame between phones, a space between words.
 */
function saying(words: string[][]): { logProbs: Float32Array; frames: number } {
  const labels: number[] = [];
  words.forEach((phones, i) => {
    if (i > 0) labels.push(alphabet.id(' ')!);
    for (const symbol of phonesToSymbols(phones)) labels.push(alphabet.id(symbol)!, alphabet.id(symbol)!, 0);
  });
  const frames = labels.length + 1;
  const classes = alphabet.size;
  const logProbs = new Float32Array(frames * classes).fill(Math.log(0.1 / (classes - 1))); // [frames × classes]
  [...labels, 0].forEach((label, t) => { logProbs[t * classes + label] = Math.log(0.9); });
  return { logProbs, frames };
}

test('a phone model decodes to words: digits vocabulary through CMUdict', () => {
  const resolved = resolveDecoding({ vocabulary: 'digits' }, alphabet);
  const { logProbs, frames } = saying([['W', 'AH', 'N'], ['T', 'UW'], ['S', 'EH', 'V', 'AH', 'N']]);
  const result = decode(logProbs, frames, alphabet, decodeOptions(resolved, 0.03));
  assert.equal(result.text, 'one two seven');
  assert.deepEqual(result.words.map((w) => w.word), ['one', 'two', 'seven']);
  assert.ok(result.words.every((w) => w.end > w.start && w.confidence > 0.5));
});

test('with the general LM, homophones are chosen by context ("to" in "i want to go", "two" in "two cats")', () => {
  const resolved = resolveDecoding({ generalLm: BUNDLED_GENERAL_LM }, alphabet);
  assert.ok(resolved.phoneWords?.homophones.get(phonesToSymbols(['T', 'UW']))?.includes('too'));
  const want = saying([['AY'], ['W', 'AA', 'N', 'T'], ['T', 'UW'], ['G', 'OW']]);
  assert.equal(decode(want.logProbs, want.frames, alphabet, decodeOptions(resolved, 0.03)).text, 'i want to go');
  const cats = saying([['AY'], ['HH', 'AE', 'V'], ['T', 'UW'], ['K', 'AE', 'T', 'S']]);
  assert.equal(decode(cats.logProbs, cats.frames, alphabet, decodeOptions(resolved, 0.03)).text, 'i have two cats');
});

test('a phone model in grammar mode says exactly one phrase, any of its pronunciations, with word timings', () => {
  const resolved = resolveDecoding({ grammarPhrases: 'Turn on the lights\nturn off the lights\nstop' }, alphabet);
  const options = decodeOptions(resolved, 0.03);
  // "the" as CMUdict's second pronunciation (DH IY) is still the phrase.
  const off = saying([['T', 'ER', 'N'], ['AO', 'F'], ['DH', 'IY'], ['L', 'AY', 'T', 'S']]);
  const result = decode(off.logProbs, off.frames, alphabet, options);
  assert.equal(result.text, 'turn off the lights');
  assert.deepEqual(result.words.map((w) => w.word), ['turn', 'off', 'the', 'lights']);
  assert.ok(result.words.every((w, i) => w.end > w.start && (i === 0 || w.start >= result.words[i - 1].end)));
  assert.ok(result.grammar!.confidence > 0.9 && !result.grammar!.lowConfidence);
  // Other speech is rejected, with the best phrase still named.
  const other = saying([['HH', 'EH', 'L', 'OW'], ['W', 'ER', 'L', 'D']]);
  const rejected = decode(other.logProbs, other.frames, alphabet, options);
  assert.equal(rejected.text, '');
  assert.ok(rejected.grammar!.lowConfidence);
});

test('a phrase with several pronunciations scores the brute-force sum over all of them', () => {
  // A toy phone set: "x" is said "a b" or "b", "y" is said "a". Every path over 5 frames is enumerated.
  const toy = new Alphabet('ab ');
  const pronounce = (word: string) => ({ x: ['ab', 'b'], y: ['a'] } as Record<string, string[]>)[word];
  const grammar = new Grammar(['x', 'y x'], toy, pronounce);
  assert.deepEqual(grammar.variants.map((v) => v.map((labels) => toy.decode(labels))), [['ab', 'b'], ['a ab', 'a b']]);
  const classes = toy.size;
  const frames = 5;
  const logProbs = new Float32Array(frames * classes); // [frames × classes], random log-softmax rows
  let seed = 7;
  for (let t = 0; t < frames; t++) {
    const row = Array.from({ length: classes }, () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2);
    const norm = Math.log(row.reduce((a, v) => a + Math.exp(v), 0));
    row.forEach((v, k) => { logProbs[t * classes + k] = v - norm; });
  }
  const sums = new Map<string, number>();
  for (let code = 0; code < classes ** frames; code++) {
    let rest = code, p = 1;
    const path: number[] = [];
    for (let t = 0; t < frames; t++) { const k = rest % classes; rest = Math.floor(rest / classes); path.push(k); p *= Math.exp(logProbs[t * classes + k]); }
    const text = toy.decode(path.filter((k, t) => k !== 0 && (t === 0 || k !== path[t - 1])));
    sums.set(text, (sums.get(text) ?? 0) + p);
  }
  const result = decodeGrammar(logProbs, frames, classes, grammar, 0);
  const expected = [sums.get('ab')! + sums.get('b')!, sums.get('a ab')! + sums.get('a b')!];
  result.phraseLogProbs.forEach((logP, i) => assert.ok(Math.abs(Math.exp(logP) - expected[i]) < 1e-6, `${grammar.phrases[i]}: ${Math.exp(logP)} vs ${expected[i]}`));
});

test('a phone model takes an LM built from plain text, with its words as the lexicon', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'phone-lm-')), 'commands.txt');
  writeFileSync(file, 'i want to go\ni want two cats\nwe go home\n');
  const resolved = resolveDecoding({ lm: file }, alphabet);
  assert.deepEqual([...new Set([...resolved.phoneWords!.homophones.values()].flat())].sort(), ['cats', 'go', 'home', 'i', 'to', 'two', 'want', 'we']);
  const want = saying([['AY'], ['W', 'AA', 'N', 'T'], ['T', 'UW'], ['G', 'OW']]);
  assert.equal(decode(want.logProbs, want.frames, alphabet, decodeOptions(resolved, 0.03)).text, 'i want to go');
});

test('a phone model with a list of phrases says one phrase after another, any pronunciation, in the list\'s words', () => {
  const list = join(mkdtempSync(join(tmpdir(), 'phone-phrases-')), 'phrases.txt');
  writeFileSync(list, 'turn on the lights\nstop\ntwo\n');
  const resolved = resolveDecoding({ vocabulary: list }, alphabet);
  const options = decodeOptions(resolved, 0.03);
  const said = saying([['T', 'ER', 'N'], ['AA', 'N'], ['DH', 'IY'], ['L', 'AY', 'T', 'S'], ['S', 'T', 'AA', 'P']]);
  const result = decode(said.logProbs, said.frames, alphabet, options);
  assert.equal(result.text, 'turn on the lights stop');
  // "the lights" alone is not an entry: the nearest the list allows is said instead.
  const part = saying([['DH', 'AH'], ['L', 'AY', 'T', 'S']]);
  assert.notEqual(decode(part.logProbs, part.frames, alphabet, options).text, 'the lights');
});

const espeak = spawnSync('espeak-ng', ['--version']).status === 0;

test('words of a list CMUdict lacks: eSpeak NG says them when installed', { skip: !espeak && 'espeak-ng not installed' }, () => {
  const list = join(mkdtempSync(join(tmpdir(), 'phone-vocab-')), 'wake.txt');
  writeFileSync(list, 'lights\nsnowboy\n');
  const resolved = resolveDecoding({ vocabulary: list }, alphabet);
  const said = saying([['S', 'N', 'OW', 'B', 'OY']]);
  assert.equal(decode(said.logProbs, said.frames, alphabet, decodeOptions(resolved, 0.03)).text, 'snowboy');
});

test('without eSpeak NG, lists and grammars with words CMUdict lacks are refused, naming the file and the words', () => {
  const dir = mkdtempSync(join(tmpdir(), 'phone-vocab-'));
  const list = join(dir, 'words.txt');
  writeFileSync(list, 'lights\nflurbix\nzorblat\n');
  const commands = join(dir, 'commands.txt');
  writeFileSync(commands, 'hey qwzzy\nlights on\n');
  const path = process.env.PATH;
  process.env.PATH = dir; // no espeak-ng to be found
  try {
    assert.throws(() => resolveDecoding({ vocabulary: list }, alphabet), /words\.txt: a phone model can only say words in CMUdict; not there: flurbix, zorblat \(install espeak-ng/);
    assert.throws(() => resolveDecoding({ grammar: commands }, alphabet), /commands\.txt: a phone model can only say words in CMUdict; not there: qwzzy/);
  } finally {
    process.env.PATH = path;
  }
  // Without decoding flags the greedy phone string is the output (no words).
  assert.equal(resolveDecoding({}, alphabet).phoneWords, undefined);
});
