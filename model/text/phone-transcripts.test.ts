import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DEFAULT_MODEL } from '../config.ts';
import { Alphabet } from './alphabet.ts';
import { PHONE_ALPHABET, phonesToSymbols, symbolsToArpabet } from './phones.ts';
import { transcriptsForModel } from './phone-transcripts.ts';

const phones = new Alphabet(PHONE_ALPHABET);
// A tiny CMUdict: the real one is tested in phones.test.ts; here the conversion's rules are.
const dict = () => new Map([['turn', [['T', 'ER', 'N']]], ['on', [['AA', 'N'], ['AO', 'N']]], ['the', [['DH', 'AH'], ['DH', 'IY']]], ['lights', [['L', 'AY', 'T', 'S']]]]);
const entry = (text: string, n = 0) => ({ audioPath: `/rec/${n}.wav`, durationSeconds: 1, text });

test('a character model trains on the text as it is', () => {
  const entries = [entry('Turn on the lights')];
  assert.deepEqual(transcriptsForModel(entries, new Alphabet(DEFAULT_MODEL.alphabet), dict, () => new Map()).entries, entries);
});

test('a phone model gets character text said with the lexicon, first pronunciations, normalised first', () => {
  const { entries, skipped } = transcriptsForModel([entry('Turn ON the lights!')], phones, dict, () => new Map());
  assert.deepEqual(skipped, []);
  assert.equal(symbolsToArpabet(entries[0].text), 'T ER N | AA N | DH AH | L AY T S');
  assert.equal(entries[0].text.split(' ').length, 4, 'one word of symbols per word');
});

test('phone text passes through; words the lexicon lacks go to the fallback, else the utterance is reported', () => {
  const already = entry(`${phonesToSymbols(['T', 'ER', 'N'])} ${phonesToSymbols(['AA', 'N'])}`, 1);
  const asked: string[][] = [];
  const fallback = (words: readonly string[]) => {
    asked.push([...words]);
    return new Map(words.filter((w) => w === 'kitchen').map((w) => [w, ['K', 'IH', 'CH', 'AH', 'N']]));
  };
  const result = transcriptsForModel([already, entry('turn on the kitchen lights', 2), entry('turn on the flurbix', 3)], phones, dict, fallback);
  assert.deepEqual(asked, [['kitchen', 'flurbix']], 'the fallback is asked once, for the missing words only');
  assert.equal(result.entries.length, 2);
  assert.equal(result.entries[0], already);
  assert.equal(symbolsToArpabet(result.entries[1].text), 'T ER N | AA N | DH AH | K IH CH AH N | L AY T S');
  assert.equal(result.skipped.length, 1);
  assert.equal(result.skipped[0].audioPath, '/rec/3.wav');
  assert.match(result.skipped[0].reason, /no pronunciation for "flurbix"/);
});
