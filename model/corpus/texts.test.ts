import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cardinal, ordinal, year } from './numbers.ts';
import { planCorpus } from './plan.ts';
import { randomFor } from './random.ts';
import { CATEGORIES, type Category, commandsItem, digitsItem, isDevSentence, lettersItem, loadSentencePool, normalize, numbersItem, sentencePool, textItem } from './texts.ts';

const MODEL_TEXT = /^[a-z']+( [a-z']+)*$/;

test('number words match hand-written spellings', () => {
  const cases: Array<[number, string]> = [
    [0, 'zero'], [7, 'seven'], [13, 'thirteen'], [40, 'forty'], [79, 'seventy nine'], [100, 'one hundred'],
    [105, 'one hundred five'], [1984, 'one thousand nine hundred eighty four'], [2000, 'two thousand'], [9999, 'nine thousand nine hundred ninety nine'],
  ];
  for (const [n, words] of cases) assert.equal(cardinal(n), words, `cardinal(${n})`);
  assert.equal(cardinal(112, true), 'one hundred and twelve');
  assert.equal(ordinal(3), 'third');
  assert.equal(ordinal(12), 'twelfth');
  assert.equal(ordinal(21), 'twenty first');
  assert.equal(ordinal(30), 'thirtieth');
  assert.equal(ordinal(18), 'eighteenth');
  const r = randomFor('years');
  assert.equal(year(1984, r), 'nineteen eighty four');
  assert.equal(year(1905, r), 'nineteen oh five');
  assert.equal(year(1900, r), 'nineteen hundred');
  assert.match(year(2007, r), /^two thousand (and )?seven$/);
  assert.throws(() => cardinal(-1), /expected an integer/);
});

test('every category yields normalised text, deterministically for a seed', () => {
  const pool = loadSentencePool();
  const draw = (category: Category, seed: number) => Array.from({ length: 50 }, (_, i) => textItem(category, randomFor(seed, category, i), pool, pool.train, i));
  for (const category of CATEGORIES) {
    const items = draw(category, 1);
    for (const item of items) {
      assert.equal(item.category, category);
      assert.match(item.text, MODEL_TEXT, `${category}: "${item.text}"`);
      assert.equal(normalize(item.text), item.text);
      assert.ok(item.tts.length > 0);
    }
    assert.deepEqual(draw(category, 1), items, `${category} repeats for the same seed`);
    // Sentences come in the order the planner shuffles (seeded there); the generators draw here.
    if (category !== 'sentences') assert.notDeepEqual(draw(category, 2), items, `${category} changes with the seed`);
  }
});

test('spelled letters go to the engine as capitals, "a" as "A."', () => {
  for (let i = 0; i < 200; i++) {
    const item = lettersItem(randomFor('letters', i), ['cat', 'pittsburgh']);
    const letters = item.text.split(' ');
    assert.ok(letters.every((l) => /^[a-z]$/.test(l)), item.text);
    assert.deepEqual(item.tts.split(' '), letters.map((l) => (l === 'a' ? 'A.' : l.toUpperCase())));
  }
});

test('digits, numbers and commands use the AN4 vocabulary', () => {
  const digitWords = new Set(['zero', 'oh', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine']);
  for (let i = 0; i < 200; i++) {
    const digits = digitsItem(randomFor('d', i)).text.split(' ');
    assert.ok(digits.length >= 1 && digits.length <= 10 && digits.every((w) => digitWords.has(w)), digits.join(' '));
    assert.match(numbersItem(randomFor('n', i)).text, MODEL_TEXT);
  }
  const commands = Array.from({ length: 400 }, (_, i) => commandsItem(randomFor('c', i)).text);
  for (const word of ['yes', 'no', 'enter', 'erase', 'rubout', 'repeat', 'help', 'start', 'stop', 'go']) {
    assert.ok(commands.some((c) => c === word || c.startsWith(`${word} `)), `command "${word}" drawn`);
  }
  assert.ok(commands.some((c) => /^rubout( [a-z])+/.test(c)));
});

test('sentences split into train and dev by a hash of the transcript', () => {
  const pool = loadSentencePool();
  assert.ok(pool.train.length > 4000 && pool.dev.length > 100, `${pool.train.length} train, ${pool.dev.length} dev`);
  const train = new Set(pool.train.map(normalize));
  assert.ok(pool.dev.every((s) => !train.has(normalize(s))));
  assert.ok(pool.dev.every((s) => isDevSentence(normalize(s))));
  const small = sentencePool(['Hello, World!', 'hello world', '# comment', '', 'Another one here']);
  assert.equal(small.train.length + small.dev.length, 2, 'duplicates after normalisation and comments are dropped');
});

test('the plan is deterministic, prefix-stable, covers every category and keeps the dev voice apart', () => {
  const a = planCorpus({ seed: 5, trainUtterances: 600, devUtterances: 60 });
  const b = planCorpus({ seed: 5, trainUtterances: 600, devUtterances: 60 });
  assert.deepEqual(a, b);
  const longer = planCorpus({ seed: 5, trainUtterances: 700, devUtterances: 60 });
  assert.deepEqual(longer.slice(0, 600), a.slice(0, 600), 'more utterances extend the plan');
  const other = planCorpus({ seed: 6, trainUtterances: 600, devUtterances: 60 });
  assert.notDeepEqual(other.map((u) => u.item.text), a.map((u) => u.item.text));
  const train = a.filter((u) => u.split === 'train');
  const dev = a.filter((u) => u.split === 'dev');
  assert.equal(train.length, 600);
  assert.equal(dev.length, 60);
  assert.ok(dev.every((u) => u.voice.id === 'festival-ked_diphone'));
  assert.ok(train.every((u) => u.voice.id !== 'festival-ked_diphone'));
  for (const c of CATEGORIES) assert.ok(train.some((u) => u.item.category === c), `category ${c}`);
  const espeak = train.filter((u) => u.voice.engine === 'espeak-ng').length / train.length;
  assert.ok(espeak > 0.05 && espeak < 0.25, `espeak share ${espeak}`);
  const trainSentences = new Set(train.filter((u) => u.item.category === 'sentences').map((u) => u.item.text));
  assert.ok(dev.filter((u) => u.item.category === 'sentences').every((u) => !trainSentences.has(u.item.text)), 'no sentence in both splits');
  assert.equal(new Set(a.map((u) => u.id)).size, a.length);
  const hours = planCorpus({ seed: 5, trainHours: 0.1, devUtterances: 0 });
  const estimated = hours.reduce((s, u) => s + u.estimatedSeconds, 0);
  assert.ok(estimated >= 360 && estimated < 380, `planned ${estimated} s for 0.1 h`);
});

test('excluded transcripts stay out of the dev split', () => {
  const plan = planCorpus({ seed: 3, trainUtterances: 0, devUtterances: 200 });
  const multiWord = plan.map((u) => u.item.text).filter((t) => t.includes(' '));
  const exclude = new Set(multiWord.slice(0, 20));
  const filtered = planCorpus({ seed: 3, trainUtterances: 0, devUtterances: 200, excludeFromDev: exclude });
  assert.equal(filtered.length, 200);
  assert.ok(filtered.every((u) => !exclude.has(u.item.text)));
});
