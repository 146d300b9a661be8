import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Alphabet } from '../text/alphabet.ts';
import { DEFAULT_MODEL } from '../config.ts';
import { buildWordLm, decode, loadVocabulary, Vocabulary, vocabularyFromText } from './decode.ts';
import { greedyLabels } from './greedy.ts';
import { prefixBeamSearch } from './prefix-beam.ts';
import { sequenceLogProb } from './ctc-forward.ts';
import { forcedAlignment } from './alignment.ts';

const alphabet = new Alphabet(DEFAULT_MODEL.alphabet);
const C = alphabet.size;
const FRAME = 0.03;

/**
 * Posteriors from a frame script: each frame is a map char → probability ('_' = blank); the
 * rest of the mass is spread evenly over the other classes. Returns log-probabilities.
 */
function posteriors(frames: Record<string, number>[], classes = C, abc = alphabet): Float32Array {
  const out = new Float32Array(frames.length * classes);
  frames.forEach((frame, t) => {
    const probs = new Float64Array(classes);
    let used = 0;
    for (const [ch, p] of Object.entries(frame)) {
      const k = ch === '_' ? 0 : abc.id(ch)!;
      probs[k] = p;
      used += p;
    }
    const others = classes - Object.keys(frame).length;
    for (let k = 0; k < classes; k++) if (probs[k] === 0) probs[k] = (1 - used) / others;
    for (let k = 0; k < classes; k++) out[t * classes + k] = Math.log(probs[k]);
  });
  return out;
}

/** One confident frame per character of a script like "hh_e_l_lo"; '_' is blank. */
function spell(script: string, p = 0.9): Record<string, number>[] {
  return [...script].map((ch) => ({ [ch]: p }));
}

function randomPeaked(frames: number, classes: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const rand = () => { state = (Math.imul(state, 1664525) + 1013904223) >>> 0; return state / 2 ** 32; };
  const out = new Float32Array(frames * classes);
  for (let t = 0; t < frames; t++) {
    const logits = Array.from({ length: classes }, (_, k) => rand() * 3 + (k === 0 ? 1.5 : 0));
    const norm = Math.log(logits.reduce((a, v) => a + Math.exp(v), 0));
    logits.forEach((v, k) => { out[t * classes + k] = v - norm; });
  }
  return out;
}

test('greedy collapses repeats, drops blanks, keeps doubled letters split by a blank', () => {
  const lp = posteriors(spell('__hhe_l_llo__ww_orld_'));
  const result = decode(lp, 21, alphabet, { frameSeconds: FRAME });
  assert.equal(result.text, 'helloworld'); // no space frame → one word
  const spaced = posteriors(spell('_hi_ _yo__'));
  const r2 = decode(spaced, 10, alphabet, { frameSeconds: FRAME });
  assert.equal(r2.text, 'hi yo');
  assert.deepEqual(r2.words.map((w) => w.word), ['hi', 'yo']);
});

test('timestamps land on the frames that emit the characters; confidence is the min peak posterior', () => {
  //            0123456789012
  const script = '__hhi___yoo__';
  const frames = spell(script);
  frames[9] = { o: 0.6 }; // the first 'o' frame is less sure; the second stays 0.9
  frames[4] = { i: 0.7 };
  const lp = posteriors(frames);
  for (const beam of [1, 8]) {
    const { text, words } = decode(lp, script.length, alphabet, { frameSeconds: FRAME, beam });
    assert.equal(text, 'hiyo'); // no space emitted: one word
    assert.equal(words.length, 1);
    assert.ok(Math.abs(words[0].start - 2 * FRAME) < 1e-12, `start ${words[0].start}`);
    assert.ok(Math.abs(words[0].end - 11 * FRAME) < 1e-12, `end ${words[0].end}`);
    assert.ok(Math.abs(words[0].confidence - 0.7) < 1e-6, `confidence ${words[0].confidence}`);
  }
  const spaced = '__hhi_ _yoo__';
  const { words } = decode(posteriors(spell(spaced)), spaced.length, alphabet, { frameSeconds: 0.1 });
  assert.deepEqual(words.map((w) => [w.word, +w.start.toFixed(6), +w.end.toFixed(6)]), [['hi', 0.2, 0.5], ['yo', 0.8, 1.1]]);
  assert.ok(words.every((w) => w.confidence > 0.89 && w.confidence <= 1));
});

test('forced alignment separates a doubled letter by a blank frame', () => {
  const lp = posteriors(spell('ll_l'));
  const spans = forcedAlignment(lp, 4, C, [alphabet.id('l')!, alphabet.id('l')!]);
  assert.deepEqual(spans!.map((s) => [s.firstFrame, s.lastFrame]), [[0, 1], [3, 3]]);
  assert.equal(forcedAlignment(lp, 1, C, [1, 1]), null);
});

test('beam search finds a sequence greedy misses and never scores below greedy', () => {
  // Two frames, blank 0.4 each: greedy reads "", but "a" (a_, _a, aa) has 0.33 > 0.16.
  const abc = new Alphabet('ab');
  const lp = posteriors([{ _: 0.4, a: 0.3 }, { _: 0.4, a: 0.3 }], 3, abc);
  assert.equal(decode(lp, 2, abc, { frameSeconds: FRAME }).text, '');
  assert.equal(decode(lp, 2, abc, { frameSeconds: FRAME, beam: 4 }).text, 'a');

  for (let seed = 1; seed <= 20; seed++) {
    const frames = 25;
    const rnd = randomPeaked(frames, C, seed);
    const greedy = greedyLabels(rnd, frames, C);
    const beam = prefixBeamSearch(rnd, frames, alphabet, { beam: 16 });
    const pg = sequenceLogProb(rnd, frames, C, greedy);
    const pb = sequenceLogProb(rnd, frames, C, beam);
    assert.ok(pb >= pg - 1e-6, `seed ${seed}: beam ${pb} < greedy ${pg}`);
  }
});

test('a wide beam finds the most probable label sequence (brute force over all sequences)', () => {
  const abc = new Alphabet('ab');
  const all: number[][] = [[]];
  for (let len = 1; len <= 4; len++) {
    for (let code = 0; code < 2 ** len; code++) all.push(Array.from({ length: len }, (_, i) => ((code >> i) & 1) + 1));
  }
  for (let seed = 1; seed <= 10; seed++) {
    const lp = randomPeaked(4, 3, 100 + seed);
    const best = all.reduce((a, b) => (sequenceLogProb(lp, 4, 3, b) > sequenceLogProb(lp, 4, 3, a) ? b : a));
    assert.deepEqual(prefixBeamSearch(lp, 4, abc, { beam: 64 }), best, `seed ${seed}`);
  }
});

test('digits vocabulary turns a greedy "tvo" into "two" and allows free digit sequences', () => {
  const frames: Record<string, number>[] = [{ _: 0.9 }, { t: 0.8 }, { _: 0.9 }, { v: 0.6, w: 0.3 }, { _: 0.9 }, { o: 0.8 }, { _: 0.9 }];
  const lp = posteriors(frames);
  assert.equal(decode(lp, frames.length, alphabet, { frameSeconds: FRAME }).text, 'tvo');
  const digits = loadVocabulary('digits');
  const result = decode(lp, frames.length, alphabet, { frameSeconds: FRAME, vocabulary: digits });
  assert.equal(result.text, 'two');
  assert.ok(Math.abs(result.words[0].confidence - 0.3) < 1e-6, 'the corrected letter lowers the confidence');

  const script = '_oo_nne_ _t_ww_o_ _th_r_e__e__ _oh_';
  const seq = decode(posteriors(spell(script, 0.7)), script.length, alphabet, { frameSeconds: FRAME, vocabulary: digits });
  assert.equal(seq.text, 'one two three oh');
});

test('vocabulary trie: phrases with spaces, entry sequences, no partial entries', () => {
  const vocab = vocabularyFromText('# comment\nNew York\nnew\ncity\n\n');
  assert.deepEqual(vocab.entries, ['new york', 'new', 'city']);
  for (const ok of ['new york', 'new', 'new york city', 'new new', 'city new york', '']) assert.ok(vocab.accepts(ok), ok);
  for (const bad of ['york', 'ne', 'new  city', 'new ', ' new', 'newyork']) assert.ok(!vocab.accepts(bad), bad);
  assert.throws(() => new Vocabulary(['', '  ']), /at least one/);
  const digits = loadVocabulary('digits');
  assert.ok(digits.accepts('oh nine zero') && !digits.accepts('ten'));
});

test('word LM moves an acoustically close call toward the likely word, with and without a vocabulary', () => {
  // Acoustics slightly prefer "the cot"; the LM has only seen "the cat".
  const script: Record<string, number>[] = [
    ...spell('_th_e_ _c_'), { o: 0.5, a: 0.4 }, ...spell('_t_'),
  ];
  const lp = posteriors(script);
  const lm = buildWordLm('the cat sat\nthe cat ran\na cat\nthe dog sat\n', 3);
  const plain = decode(lp, script.length, alphabet, { frameSeconds: FRAME, beam: 16 });
  assert.equal(plain.text, 'the cot');
  const withLm = decode(lp, script.length, alphabet, { frameSeconds: FRAME, beam: 16, lm });
  assert.equal(withLm.text, 'the cat');
  const vocab = vocabularyFromText('the\ncat\ncot\ndog\n');
  assert.equal(decode(lp, script.length, alphabet, { frameSeconds: FRAME, vocabulary: vocab }).text, 'the cot');
  assert.equal(decode(lp, script.length, alphabet, { frameSeconds: FRAME, vocabulary: vocab, lm }).text, 'the cat');
  // α = 0 switches the LM off (β alone does not prefer either word).
  assert.equal(decode(lp, script.length, alphabet, { frameSeconds: FRAME, lm, alpha: 0 }).text, 'the cot');
});

test('decode normalises raw logits and rejects mis-sized input', () => {
  const lp = posteriors(spell('_hi_'));
  const shifted = lp.map((v) => v + 3);
  assert.equal(decode(shifted, 4, alphabet, { frameSeconds: FRAME }).text, 'hi');
  assert.throws(() => decode(lp, 5, alphabet, { frameSeconds: FRAME }), /expected 5 frames × 29 classes = 145 values, got 116/);
});

test('a vocabulary is strict: every decoded word is an entry, even when prefixes of entries outscore whole ones', () => {
  const alphabet = new Alphabet(DEFAULT_MODEL.alphabet);
  const digits = loadVocabulary('digits', alphabet);
  const DIGITS = new Set(['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine', 'oh']);
  const classes = alphabet.size;
  // "fo" spoken clearly at the end: prefixes of four/five beat every complete entry.
  const spelled = ['f', 'f', 'o', 'o'];
  const frames = spelled.length;
  const logProbs = new Float32Array(frames * classes).fill(Math.log(0.001 / (classes - 1)));
  spelled.forEach((ch, t) => (logProbs[t * classes + alphabet.id(ch)!] = Math.log(0.999)));
  const result = decode(logProbs, frames, alphabet, { frameSeconds: 0.03, vocabulary: digits, beam: 2 });
  for (const word of result.words) assert.ok(DIGITS.has(word.word), `"${word.word}" is not a digit word`);
  // Random posteriors: the property holds whatever the network says.
  let seed = 5;
  const random = () => ((seed = (seed * 16807) % 2147483647) / 2147483647);
  for (let trial = 0; trial < 20; trial++) {
    const t = 5 + Math.floor(random() * 20);
    const lp = new Float32Array(t * classes);
    for (let i = 0; i < t; i++) {
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += lp[i * classes + c] = random() ** 4;
      for (let c = 0; c < classes; c++) lp[i * classes + c] = Math.log(lp[i * classes + c] / sum);
    }
    const text = decode(lp, t, alphabet, { frameSeconds: 0.03, vocabulary: digits, beam: 4 }).text;
    for (const word of text.split(' ').filter(Boolean)) assert.ok(DIGITS.has(word), `trial ${trial}: "${word}" in "${text}"`);
  }
});
