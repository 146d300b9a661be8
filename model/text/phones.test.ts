import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { ARPABET, CMUDICT_PATH, PHONE_ALPHABET, PhoneLexicon, loadCmudict, parseCmudict, phonesToSymbols, symbolsToArpabet, useCmudict } from './phones.ts';
import { espeakPronunciations, ipaToArpabet } from './g2p-espeak.ts';
import { Alphabet, normalizeTranscript } from './alphabet.ts';

const noEspeak = spawnSync('espeak-ng', ['--version']).status === 0 ? false : 'espeak-ng not installed';

test('each of the 39 phones has its own symbol, outside the Latin alphabet, and reads back', () => {
  assert.equal(ARPABET.length, 39);
  assert.equal(new Set(PHONE_ALPHABET).size, 40); // 39 symbols and the word separator
  assert.doesNotMatch(PHONE_ALPHABET, /[a-z0-9]/);
  const alphabet = new Alphabet(PHONE_ALPHABET);
  const text = phonesToSymbols(ARPABET);
  assert.equal(normalizeTranscript(text, alphabet), text, 'normalisation must keep phone text as it is');
  assert.equal(normalizeTranscript('hello world', alphabet), '', 'character text is nothing in phone units');
  assert.equal(symbolsToArpabet(`${phonesToSymbols(['HH', 'AH', 'L', 'OW'])} ${phonesToSymbols(['W', 'ER', 'L', 'D'])}`), 'HH AH L OW | W ER L D');
  assert.throws(() => phonesToSymbols(['AX']), /"AX" is not one of the 39 ARPAbet phones/);
});

test('CMUdict text: stress removed, variants kept in order, bad lines named', () => {
  const dict = parseCmudict('read R IY1 D\nread(2) R EH1 D\n# a comment line\nhello HH AH0 L OW1 # note\n');
  assert.deepEqual(dict.get('read'), [['R', 'IY', 'D'], ['R', 'EH', 'D']]);
  assert.deepEqual(dict.get('hello'), [['HH', 'AH', 'L', 'OW']]);
  assert.throws(() => parseCmudict('ok OW K EY\nbad B Q D\n'), /CMUdict line 2: "bad B Q D"/);
});

test('PhoneLexicon: CMUdict first, then the fallback; a word neither knows is named', () => {
  const lexicon = new PhoneLexicon(parseCmudict('one W AH1 N\ntwo T UW1\n'), new Map([['snowboy', ['S', 'N', 'OW', 'B', 'OY']]]));
  assert.deepEqual(lexicon.missing(['one', 'zork', 'snowboy', 'zork']), ['zork']);
  assert.equal(symbolsToArpabet(lexicon.toPhoneText('one snowboy two')), 'W AH N | S N OW B OY | T UW');
  assert.throws(() => lexicon.toPhoneText('one zork'), /no pronunciation for "zork"/);
});

test('IPA → ARPAbet: diphthongs and affricates before their parts, stress and length dropped, unknown symbols named', () => {
  assert.deepEqual(ipaToArpabet('tʃˈɜːtʃ'), ['CH', 'ER', 'CH']);
  assert.deepEqual(ipaToArpabet('bˈaɪt'), ['B', 'AY', 'T']);
  assert.deepEqual(ipaToArpabet('kˈɑːɹɹəz'), ['K', 'AA', 'R', 'AH', 'Z']);
  assert.throws(() => ipaToArpabet('bʘt', 'click'), /"click" as \/bʘt\/: no ARPAbet phone for "ʘ"/);
});

test('eSpeak NG through the IPA map agrees with CMUdict on common words (an independent reference)', { skip: noEspeak }, () => {
  const words = ['hello', 'thought', 'church', 'judge', 'sing', 'measure', 'boy', 'cow', 'bite', 'bait', 'boat', 'book',
    'boot', 'but', 'bat', 'bet', 'bit', 'beat', 'father', 'nurse', 'yes', 'think', 'this', 'ship', 'vision', 'zoo',
    'green', 'apple', 'seven', 'three', 'four', 'five', 'six', 'eight', 'nine', 'window', 'computer', 'music', 'play', 'stop'];
  const cmudict = loadCmudict();
  const espeak = espeakPronunciations(words);
  const agree = words.filter((w) => cmudict.get(w)!.some((p) => p.join(' ') === espeak.get(w)!.join(' ')));
  // Hand-checked: the map is right for nearly all; a few differ by dialect (bought: AO vs AA).
  assert.ok(agree.length >= 34, `only ${agree.length} of ${words.length} agree: ${words.filter((w) => !agree.includes(w)).map((w) => `${w} ${espeak.get(w)!.join(' ')}`).join('; ')}`);
});

const DEBIAN_CMUDICT = '/usr/share/pocketsphinx/model/en-us/cmudict-en-us.dict';
test('the bundled CMUdict is Debian\'s, unchanged, and loads with its alternatives', { skip: !existsSync(DEBIAN_CMUDICT) && `${DEBIAN_CMUDICT} not installed (apt-get install pocketsphinx-en-us)` }, () => {
  assert.ok(gunzipSync(readFileSync(CMUDICT_PATH)).equals(readFileSync(DEBIAN_CMUDICT)));
  const dict = loadCmudict();
  assert.equal(dict.size, loadCmudict(DEBIAN_CMUDICT).size);
  assert.deepEqual(dict.get('the'), [['DH', 'AH'], ['DH', 'IY']]);
});

test('useCmudict points every later load at another copy (the packaged app\'s resources)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cmudict-'));
  const file = join(dir, 'tiny.dict.gz');
  writeFileSync(file, gzipSync('hello HH AH L OW\nhello(2) HH EH L OW\n'));
  try {
    useCmudict(file);
    assert.deepEqual([...loadCmudict().entries()], [['hello', [['HH', 'AH', 'L', 'OW'], ['HH', 'EH', 'L', 'OW']]]]);
  } finally {
    useCmudict(CMUDICT_PATH);
  }
  assert.ok(loadCmudict().size > 100_000);
});

test('CMUdict is parsed once per file: later loads share it', () => {
  assert.equal(loadCmudict(), loadCmudict());
  assert.equal(loadCmudict(CMUDICT_PATH), loadCmudict());
});
