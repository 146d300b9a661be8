import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Alphabet } from '../text/alphabet.ts';
import { CMUDICT_PATH, PHONE_ALPHABET, phonesToSymbols } from '../text/phones.ts';
import { decode } from './decode.ts';
import { BUNDLED_GENERAL_LM, decodeOptions, resolveDecoding } from './decode-settings.ts';

const skip = existsSync(CMUDICT_PATH) ? false : `${CMUDICT_PATH} missing (apt-get install pocketsphinx-en-us)`;
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

test('a phone model decodes to words: digits vocabulary through CMUdict', { skip }, () => {
  const resolved = resolveDecoding({ vocabulary: 'digits' }, alphabet);
  const { logProbs, frames } = saying([['W', 'AH', 'N'], ['T', 'UW'], ['S', 'EH', 'V', 'AH', 'N']]);
  const result = decode(logProbs, frames, alphabet, decodeOptions(resolved, 0.03));
  assert.equal(result.text, 'one two seven');
  assert.deepEqual(result.words.map((w) => w.word), ['one', 'two', 'seven']);
  assert.ok(result.words.every((w) => w.end > w.start && w.confidence > 0.5));
});

test('with the general LM, homophones are chosen by context ("to" in "i want to go", "two" in "two cats")', { skip }, () => {
  const resolved = resolveDecoding({ generalLm: BUNDLED_GENERAL_LM }, alphabet);
  assert.ok(resolved.phoneWords?.homophones.get(phonesToSymbols(['T', 'UW']))?.includes('too'));
  const want = saying([['AY'], ['W', 'AA', 'N', 'T'], ['T', 'UW'], ['G', 'OW']]);
  assert.equal(decode(want.logProbs, want.frames, alphabet, decodeOptions(resolved, 0.03)).text, 'i want to go');
  const cats = saying([['AY'], ['HH', 'AE', 'V'], ['T', 'UW'], ['K', 'AE', 'T', 'S']]);
  assert.equal(decode(cats.logProbs, cats.frames, alphabet, decodeOptions(resolved, 0.03)).text, 'i have two cats');
});

test('phone models refuse grammars and phrases for now, saying why', { skip }, () => {
  assert.throws(() => resolveDecoding({ grammarPhrases: 'yes\nno' }, alphabet), /grammars are not available for phone models yet/);
  const list = join(mkdtempSync(join(tmpdir(), 'phone-vocab-')), 'words.txt');
  writeFileSync(list, 'lights\nsnowboy\nflurbix\n');
  assert.throws(() => resolveDecoding({ vocabulary: list }, alphabet), /words\.txt: a phone model can only say words in CMUdict; not there: snowboy, flurbix/);
  assert.throws(() => resolveDecoding({ vocabulary: list.replace('words', 'phrases') }, alphabet), /phrases\.txt/);
  // Without decoding flags the greedy phone string is the output (no words).
  assert.equal(resolveDecoding({}, alphabet).phoneWords, undefined);
});
